import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nullTranslator } from '@jupyterlab/translation';
import { depItems, depsLine, recordedRows, TOOLTIP_MAX_NAMES } from '../src/depstext';
import { type IRunEvent, parseRunEvent } from '../src/events';

const trans = nullTranslator.load('xetcache');
const ev = (o: Record<string, unknown>): IRunEvent => {
  const e = parseRunEvent({ type: 'run', code_sha256: 'c0de', ...o });
  assert.ok(e);
  return e;
};

test('items in a fixed order, only the non-empty ones', () => {
  const items = depItems(
    ev({
      state: 'hit',
      deps: { hidden: ['random'], files: ['data.csv'], inputs: ['a'], modules: [] },
      restores: { bound: ['t'] }
    }),
    trans
  );
  assert.deepEqual(
    items.map(i => i.kind),
    ['inputs', 'files', 'hidden', 'restores']
  );
  assert.deepEqual(items[3].values, ['t (new)']);
});

test('an engine without deps: its fingerprinted inputs, and for a hit or stored run the variables kept', () => {
  const legacy = { inputs: ['base'], outputs: ['quick'] };
  assert.equal(
    depsLine(ev({ state: 'hit', ...legacy }), trans),
    'depends on: base; restores: quick'
  );
  assert.equal(
    depsLine(ev({ state: 'stored', ...legacy }), trans),
    'depends on: base; restores: quick'
  );
  // A skipped run stored nothing, so it restores nothing.
  assert.equal(depsLine(ev({ state: 'skipped', ...legacy }), trans), 'depends on: base');
  // When the engine sends deps/restores, they win, also when a list is empty.
  assert.equal(
    depsLine(ev({ state: 'hit', ...legacy, deps: { functions: ['f'] }, restores: {} }), trans),
    'functions: f'
  );
  assert.equal(depsLine(ev({ state: 'hit' }), trans), '');
});

test('the tooltip lists at most a few names per kind and counts the rest', () => {
  const many = Array.from({ length: TOOLTIP_MAX_NAMES + 3 }, (_, i) => `v${i}`);
  const line = depsLine(ev({ state: 'hit', deps: { inputs: many } }), trans);
  assert.equal(line, `depends on: ${many.slice(0, TOOLTIP_MAX_NAMES).join(', ')}, +3 more`);
});

test('dialog rows: the reason of a declined run first, then every list in full', () => {
  const many = Array.from({ length: TOOLTIP_MAX_NAMES + 3 }, (_, i) => `v${i}`);
  const rows = recordedRows(
    ev({
      state: 'declined',
      reason: 'uses exec (line 3)',
      deps: { inputs: many, functions: ['pkg.total'], hidden: ['numpy.random'] },
      restores: { bound: ['t'], mutated: ['lst'] }
    }),
    trans
  );
  assert.deepEqual(rows, [
    ['Not cached', 'uses exec (line 3)'],
    ['Depends on', many.join(', ')],
    ['Functions called', 'pkg.total'],
    ['Hidden state', 'numpy.random'],
    ['Restores', 't (new), lst (changed in place)']
  ]);
  assert.deepEqual(recordedRows(null, trans), []);
  assert.deepEqual(recordedRows(ev({ state: 'hit' }), trans), []);
});
