import { test } from 'node:test';
import assert from 'node:assert/strict';
import { storeGate } from '../src/storegate';

test('the server is asked about a store only when the kernel says it exists, or cannot tell', () => {
  const ready = (store?: boolean | null) => ({
    ready: true,
    hasKernel: true,
    engine: { state: 'ready' as const, store }
  });
  assert.equal(storeGate(ready(true)), 'ask');
  assert.equal(storeGate(ready(false)), 'skip');
  assert.equal(storeGate(ready(null)), 'ask');
  assert.equal(storeGate(ready(undefined)), 'ask');
});

test('while the kernel starts or loads the engine, wait; without a kernel that can tell, ask', () => {
  assert.equal(storeGate({ ready: false, hasKernel: false, engine: null }), 'wait');
  assert.equal(storeGate({ ready: true, hasKernel: true, engine: null }), 'wait');
  assert.equal(storeGate({ ready: true, hasKernel: true, engine: { state: 'loading' } }), 'wait');
  assert.equal(storeGate({ ready: true, hasKernel: false, engine: null }), 'ask');
  for (const state of ['failed', 'unsupported'] as const) {
    assert.equal(storeGate({ ready: true, hasKernel: true, engine: { state } }), 'ask');
  }
});
