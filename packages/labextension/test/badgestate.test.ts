import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nullTranslator } from '@jupyterlab/translation';
import {
  badgeFromEntries as fromEntries,
  badgeFromEvent as fromEvent,
  badgeAriaLabel,
  deriveBadge as derive,
  runningBadge,
  lookupUnavailable
} from '../src/badgestate';
import { type IEntrySummary, type IRunEvent, parseRunEvent } from '../src/events';
import { formatDate } from '../src/format';

const trans = nullTranslator.load('xetcache');
const LOOKUP_UNAVAILABLE = lookupUnavailable(trans);
const badgeFromEvent = (e: IRunEvent) => fromEvent(e, trans);
const badgeFromEntries = (list: IEntrySummary[], sha: string) => fromEntries(list, sha, trans);
const deriveBadge = (o: Omit<Parameters<typeof derive>[0], 'trans'>) => derive({ ...o, trans });

const ev = (o: Record<string, unknown>): IRunEvent => {
  const e = parseRunEvent({ type: 'run', code_sha256: 'c0de', ...o });
  assert.ok(e);
  return e;
};

const entry = (o: Partial<IEntrySummary>): IEntrySummary => ({
  key: 'k'.repeat(64),
  kind: 'cell',
  notebook: 'a.ipynb',
  cell_id: 'c1',
  code_sha256: 'c0de',
  preview: 'x = 1',
  qualname: null,
  namespace: null,
  created: '2026-11-25T10:00:00Z',
  runtime_s: 12.4,
  total_bytes: 3_200_000,
  stored_bytes: 3_200_000,
  hits: 0,
  last_hit: null,
  time_saved_s: 0,
  variables: ['x'],
  outputs_count: 1,
  ...o
});

test('hit tooltip: restore time, time saved, when stored, size', () => {
  const b = badgeFromEvent(
    ev({
      state: 'hit',
      restore_s: 0.004,
      saved_s: 12.4,
      created: '2026-11-25T10:00:00Z',
      bytes: 3_200_000
    })
  );
  assert.equal(b.state, 'hit');
  assert.equal(b.label, 'hit · saved 12.4 s');
  assert.equal(
    b.title,
    `Restored in 4 ms · saved 12.4 s · stored ${formatDate('2026-11-25T10:00:00Z')} · 3.1 MiB`
  );
});

test('skipped says it was under the threshold', () => {
  const b = badgeFromEvent(ev({ state: 'skipped', runtime_s: 0.2, threshold_s: 3 }));
  assert.equal(b.state, 'skipped');
  assert.match(b.title, /^ran 0\.2 s, below the 3 s threshold — not cached/);
});

test('a miss names what changed', () => {
  const code = badgeFromEvent(
    ev({ state: 'stored', runtime_s: 5, bytes: 10, changed: { code: true, inputs: [] } })
  );
  assert.match(code.title, /the code changed/);
  const inputs = badgeFromEvent(
    ev({ state: 'stored', runtime_s: 5, bytes: 10, changed: { code: false, inputs: ['a', 'b'] } })
  );
  assert.match(inputs.title, /input a, b changed/);
  assert.match(badgeFromEvent(ev({ state: 'stored' })).title, /first run/);
});

test('errors say what and what to do', () => {
  const b = badgeFromEvent(
    ev({
      state: 'error',
      error_code: 'EUNPICKLABLE',
      variable: 'conn',
      reason: 'conn could not be pickled'
    })
  );
  assert.equal(b.state, 'error');
  assert.match(b.title, /conn could not be pickled/);
  assert.match(b.title, /variable conn/);
  assert.match(b.title, /outputs/);
  assert.match(badgeFromEvent(ev({ state: 'error' })).title, /cache error/);
});

test('a full store says so and what to do: evict/trim in the browser or raise the budget in Settings', () => {
  const b = badgeFromEvent(
    ev({
      state: 'error',
      error_code: 'ESTOREFULL',
      reason: 'storing 9000 bytes would take the store over its budget of 1000'
    })
  );
  assert.equal(b.state, 'error');
  assert.match(b.title, /budget of 1000/);
  assert.match(b.title, /store is full/);
  assert.match(b.title, /trim/);
  assert.match(b.title, /Settings/);
});

test('entries: stored when one matches the code, stale when none does, armed when there are none', () => {
  assert.equal(badgeFromEntries([], 'c0de').state, 'armed');
  const stored = badgeFromEntries(
    [entry({}), entry({ code_sha256: 'old', created: '2026-11-26T00:00:00Z' })],
    'c0de'
  );
  assert.equal(stored.state, 'stored');
  assert.match(stored.title, /^cached entry from /);
  assert.equal(badgeFromEntries([entry({ code_sha256: 'old' })], 'c0de').state, 'stale');
});

test('derive: no badge when off; last event wins only for the current code', () => {
  assert.equal(
    deriveBadge({ mode: 'off', codeSha256: 'c0de', lastEvent: null, entries: [] }),
    null
  );
  const hit = ev({ state: 'hit' });
  assert.equal(
    deriveBadge({ mode: 'toggled', codeSha256: 'c0de', lastEvent: hit, entries: [] })?.state,
    'hit'
  );
  // edited after the hit: the entry for the old code makes it stale
  assert.equal(
    deriveBadge({ mode: 'toggled', codeSha256: 'new', lastEvent: hit, entries: [entry({})] })
      ?.state,
    'stale'
  );
  assert.equal(
    deriveBadge({ mode: 'toggled', codeSha256: 'new', lastEvent: hit, entries: [] })?.state,
    'armed'
  );
});

test('a failed entry lookup adds one short note to pre-run badges, never to run results', () => {
  const plain = deriveBadge({ mode: 'toggled', codeSha256: 'c0de', lastEvent: null, entries: [] });
  const failed = deriveBadge({
    mode: 'toggled',
    codeSha256: 'c0de',
    lastEvent: null,
    entries: [],
    lookupFailed: true
  });
  assert.equal(failed?.state, 'armed');
  assert.equal(failed?.title, `${plain?.title} · ${LOOKUP_UNAVAILABLE}`);
  // The note is short: the fix itself is shown once, in the sidebar.
  assert.ok(!failed?.title.includes('pip install'));
  const stored = deriveBadge({
    mode: 'toggled',
    codeSha256: 'c0de',
    lastEvent: ev({ state: 'stored', runtime_s: 1, bytes: 10 }),
    entries: [],
    lookupFailed: true
  });
  assert.equal(stored?.state, 'stored');
  assert.ok(!stored?.title.includes(LOOKUP_UNAVAILABLE));
});

test('declined: the engine refused to cache; "not cached" with the reason, the cell ran normally', () => {
  const b = badgeFromEvent(ev({ state: 'declined', reason: 'uses exec (line 3)' }));
  assert.equal(b.state, 'declined');
  assert.equal(b.label, 'not cached');
  assert.match(b.title, /^not cached: uses exec \(line 3\) · the cell ran normally/);
  // The variable is named once: added when the reason does not say it, not repeated when it does.
  const withVar = badgeFromEvent(
    ev({ state: 'declined', reason: 'cannot restore in place', variable: 'gen' })
  );
  assert.match(withVar.title, /^not cached: cannot restore in place \(variable gen\)/);
  const named = badgeFromEvent(
    ev({ state: 'declined', reason: "cannot restore 'gen' in place", variable: 'gen' })
  );
  assert.match(named.title, /^not cached: cannot restore 'gen' in place · /);
  assert.match(badgeFromEvent(ev({ state: 'declined' })).title, /^not cached: \S/);
});

test('declined is the badge while the code is unchanged; after an edit the entries decide again', () => {
  const declined = ev({ state: 'declined', reason: 'writes file out.csv' });
  const now = deriveBadge({
    mode: 'toggled',
    codeSha256: 'c0de',
    lastEvent: declined,
    entries: []
  });
  assert.equal(now?.state, 'declined');
  assert.match(now?.title ?? '', /not cached: writes file out\.csv/);
  const edited = deriveBadge({
    mode: 'toggled',
    codeSha256: 'e1',
    lastEvent: declined,
    entries: []
  });
  assert.equal(edited?.state, 'armed');
});

test('the tooltip says what the entry depends on and what it restores, on a line of its own', () => {
  const deps = {
    inputs: ['a', 'b'],
    functions: ['total'],
    files: ['data.csv'],
    hidden: ['numpy.random']
  };
  const restores = { bound: ['t'], mutated: ['lst'] };
  const line =
    'depends on: a, b · functions: total · files: data.csv · hidden: numpy.random; ' +
    'restores: t (new), lst (changed in place)';
  for (const state of ['hit', 'stored', 'declined']) {
    const b = badgeFromEvent(ev({ state, reason: 'uses eval', deps, restores }));
    assert.equal(b.title.split('\n')[1], line, state);
  }
  // Only what is present: no empty labels.
  const few = badgeFromEvent(ev({ state: 'hit', deps: { modules: ['numpy'] } }));
  assert.equal(few.title.split('\n')[1], 'modules: numpy');
  assert.equal(badgeFromEvent(ev({ state: 'hit', deps: {} })).title.includes('\n'), false);
});

test('the badge of a stored entry (before any run) says what it restores', () => {
  const b = badgeFromEntries([entry({ variables: ['x', 'y'] })], 'c0de');
  assert.equal(b.title.split('\n')[1], 'restores: x, y');
  assert.equal(badgeFromEntries([entry({ variables: [] })], 'c0de').title.includes('\n'), false);
});

test('every badge text goes through the translator', () => {
  const marked = {
    ...trans,
    __: (msg: string, ...args: unknown[]) => `«${trans.__(msg, ...(args as string[]))}»`,
    _n: (one: string, many: string, n: number, ...args: unknown[]) =>
      `«${trans._n(one, many, n, ...(args as string[]))}»`
  };
  const run = (o: Record<string, unknown>) => fromEvent(ev(o), marked);
  assert.equal(run({ state: 'declined', reason: 'uses exec' }).label, '«not cached»');
  assert.equal(run({ state: 'stored' }).label, '«stored»');
  assert.equal(run({ state: 'skipped' }).label, '«skipped»');
  assert.equal(run({ state: 'error' }).label, '«error»');
  assert.equal(fromEntries([], 'c0de', marked).label, '«armed»');
  assert.equal(runningBadge(marked).label, '«running»');
  assert.match(badgeAriaLabel(runningBadge(marked), marked), /^«XetCache: «running»\. /);
  assert.match(run({ state: 'hit', deps: { inputs: ['a'] } }).title, /\n««depends on»: a»$/);
});

test('badge labels start with the state names the README uses', () => {
  const names: Record<string, string> = {
    hit: 'hit',
    stored: 'stored',
    skipped: 'skipped',
    error: 'error',
    declined: 'not cached'
  };
  for (const [state, label] of Object.entries(names)) {
    assert.ok(badgeFromEvent(ev({ state })).label.startsWith(label), state);
  }
  assert.equal(badgeFromEntries([], 'c0de').label, 'armed');
  assert.equal(badgeFromEntries([entry({})], 'c0de').label, 'stored');
  assert.equal(badgeFromEntries([entry({ code_sha256: 'old' })], 'c0de').label, 'stale');
});

test('a running cell shows "running", whatever its last run said', () => {
  for (const lastEvent of [null, ev({ state: 'hit', saved_s: 3.9 })]) {
    const b = deriveBadge({
      mode: 'toggled',
      codeSha256: 'c0de',
      lastEvent,
      entries: [],
      running: true
    });
    assert.equal(b?.state, 'running');
    assert.equal(b?.label, 'running');
  }
});

test('%%xetmemo cells never toggled: their own run events, or no badge at all', () => {
  const none = { mode: 'xetmemo' as const, codeSha256: 'c0de', lastEvent: null };
  assert.equal(deriveBadge({ ...none, entries: [] }), null);
  // Not even "stored"/"stale" from the server's entries: only what a run in this session said.
  assert.equal(deriveBadge({ ...none, entries: [entry({})] }), null);
  assert.equal(deriveBadge({ ...none, entries: [], running: true })?.state, 'running');
  for (const state of ['hit', 'stored', 'skipped']) {
    assert.equal(deriveBadge({ ...none, lastEvent: ev({ state }), entries: [] })?.state, state);
  }
  // Edited since: its run says nothing about the new code.
  assert.equal(
    deriveBadge({ ...none, codeSha256: 'e1', lastEvent: ev({ state: 'hit' }), entries: [] }),
    null
  );
});

test('the accessible label carries the state and the reason', () => {
  const b = badgeFromEvent(ev({ state: 'hit', saved_s: 3.9, deps: { inputs: ['a'] } }));
  const aria = badgeAriaLabel(b, trans);
  assert.match(aria, /^XetCache: hit · saved 3\.9 s\. Restored in/);
  assert.ok(!aria.includes('\n'));
  assert.match(aria, /depends on: a/);
});

test("the engine's warning (a declared %%xetmemo changed more than output=) is a line of the tooltip", () => {
  const warning = "the run also bound 'tmp', which a hit does not restore (add it to output=)";
  for (const state of ['hit', 'stored']) {
    const b = badgeFromEvent(ev({ state, warning, deps: { inputs: ['a'] } }));
    assert.deepEqual(b.title.split('\n').slice(1), ['depends on: a', `warning: ${warning}`], state);
  }
  assert.equal(badgeFromEvent(ev({ state: 'hit', warning: '' })).title.includes('warning'), false);
});
