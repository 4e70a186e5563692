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

test('declined parses, with its reason and variable', () => {
  const ev = parseRunEvent({
    type: 'run',
    state: 'declined',
    code_sha256: 'ab',
    reason: "cannot restore 'gen' in place",
    variable: 'gen'
  });
  assert.ok(ev);
  assert.equal(ev.state, 'declined');
  assert.equal(ev.reason, "cannot restore 'gen' in place");
  assert.equal(ev.variable, 'gen');
});

test('deps and restores: every list optional, junk dropped, absent = null', () => {
  const ev = parseRunEvent({
    type: 'run',
    state: 'hit',
    code_sha256: 'ab',
    deps: { inputs: ['a', 1], functions: ['mod.total'], hidden: 'random', later: ['x'] },
    restores: { mutated: ['lst'] }
  });
  assert.ok(ev);
  assert.deepEqual(ev.deps, {
    inputs: ['a'],
    functions: ['mod.total'],
    files: [],
    modules: [],
    hidden: []
  });
  assert.deepEqual(ev.restores, { bound: [], mutated: ['lst'] });
  const bare = parseRunEvent({ type: 'run', state: 'stored', code_sha256: 'ab' });
  assert.equal(bare?.deps, null);
  assert.equal(bare?.restores, null);
  const junk = parseRunEvent({
    type: 'run',
    state: 'hit',
    code_sha256: 'ab',
    deps: ['a'],
    restores: 3
  });
  assert.equal(junk?.deps, null);
  assert.equal(junk?.restores, null);
});
