import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRunEvent } from '../src/events';

test('well-formed event parses, unknown fields ignored', () => {
  const ev = parseRunEvent({
    type: 'run',
    state: 'hit',
    cell_id: 'c1',
    code_sha256: 'ab',
    saved_s: 12.4,
    changed: { code: true, inputs: ['a', 3] },
    extra: 'from a newer engine'
  });
  assert.ok(ev);
  assert.equal(ev.state, 'hit');
  assert.equal(ev.saved_s, 12.4);
  assert.equal(ev.bytes, null);
  assert.deepEqual(ev.changed, { code: true, inputs: ['a'], previous_key: null });
  assert.deepEqual(ev.inputs, []);
});

test('junk is rejected, not thrown', () => {
  for (const junk of [
    null,
    'run',
    { type: 'status' },
    { type: 'run', state: 'weird', code_sha256: 'x' },
    { type: 'run', state: 'hit' }
  ]) {
    assert.equal(parseRunEvent(junk), null);
  }
});
