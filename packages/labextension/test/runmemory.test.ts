import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type IRunEvent, parseRunEvent } from '../src/events';
import { RunMemory } from '../src/runmemory';

const KEY = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);
const ev = (state: string, key: string | null = KEY): IRunEvent => {
  const e = parseRunEvent({ type: 'run', state, code_sha256: 'c0de', key, cell_id: 'c1' });
  assert.ok(e);
  return e;
};

test('a run that starts replaces the previous outcome with "running" until its own event', () => {
  const m = new RunMemory();
  m.onEvent('c1', ev('hit'));
  assert.equal(m.setRunning('c1', true), true);
  assert.equal(m.isRunning('c1'), true);
  assert.equal(m.last('c1'), null);
  m.onEvent('c1', ev('stored'));
  assert.equal(m.setRunning('c1', false), true);
  assert.equal(m.last('c1')?.state, 'stored');
  assert.equal(m.setRunning('c1', false), false);
});

test('a restart forgets every run; cleared outputs forget that cell', () => {
  const m = new RunMemory();
  m.onEvent('c1', ev('hit'));
  m.onEvent('c2', ev('skipped', null));
  assert.equal(m.forget('c2'), true);
  assert.equal(m.last('c2'), null);
  assert.equal(m.last('c1')?.state, 'hit');
  m.setRunning('c3', true);
  assert.equal(m.forget(), true);
  assert.equal(m.last('c1'), null);
  assert.equal(m.isRunning('c3'), false);
  assert.equal(m.forget(), false);
});

test('an evicted entry drops the hit/stored event that named it', () => {
  const m = new RunMemory();
  m.onEvent('c1', ev('hit'));
  m.onEvent('c2', ev('stored', OTHER));
  m.onEvent('c3', ev('declined', null));
  const mark = m.mark();
  assert.deepEqual(m.reconcile(new Set([OTHER]), mark), ['c1']);
  assert.equal(m.last('c1'), null);
  assert.equal(m.last('c2')?.state, 'stored');
  // Not about an entry: kept.
  assert.equal(m.last('c3')?.state, 'declined');
});

test('an answer asked before an event cannot drop it (the entry may be newer than the answer)', () => {
  const m = new RunMemory();
  const mark = m.mark();
  m.onEvent('c1', ev('stored'));
  assert.deepEqual(m.reconcile(new Set(), mark), []);
  assert.equal(m.last('c1')?.state, 'stored');
  assert.deepEqual(m.reconcile(new Set(), m.mark()), ['c1']);
});
