import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_QUERY,
  entriesParams,
  LIST_LIMIT,
  manifestInputs,
  positions,
  totalsOf
} from '../src/browser/query';
import type { IEntrySummary } from '../src/events';

const where = { store: 'work/.xetcache', notebook: 'a.ipynb' };

test('the browser query is the server query: sort, order, filter text, notebook scope', () => {
  assert.deepEqual(entriesParams(DEFAULT_QUERY, where), {
    store: 'work/.xetcache',
    notebook: 'a.ipynb',
    sort: 'created',
    order: 'desc',
    limit: LIST_LIMIT,
    offset: 0
  });
  const q = entriesParams({ scope: 'store', sort: 'size', order: 'asc', text: '  slow ' }, where);
  assert.equal(q.notebook, undefined);
  assert.equal(q.sort, 'size');
  assert.equal(q.order, 'asc');
  assert.equal(q.q, 'slow');
  assert.equal(
    entriesParams({ ...DEFAULT_QUERY, text: 'x'.repeat(500) }, where).q,
    'x'.repeat(400)
  );
});

test('totals of the store and of the notebook, from /api/stats', () => {
  const stats = {
    entries: 5,
    bytes: 5000,
    hits: 3,
    time_saved_s: 40,
    by_notebook: [
      { notebook: 'a.ipynb', entries: 2, bytes: 1000, time_saved_s: 10 },
      { notebook: 'b.ipynb', entries: 3, bytes: 4000, time_saved_s: 30 }
    ]
  };
  assert.deepEqual(totalsOf(stats, 'a.ipynb'), {
    store: { entries: 5, bytes: 5000, savedS: 40 },
    notebook: { entries: 2, bytes: 1000, savedS: 10 }
  });
  assert.deepEqual(totalsOf(stats, 'c.ipynb').notebook, { entries: 0, bytes: 0, savedS: 0 });
});

test('positions of listed cells in the open notebook; other notebooks and deleted cells get none', () => {
  const e = (cell_id: string | null, notebook: string) =>
    ({ cell_id, notebook }) as unknown as IEntrySummary;
  const order = ['first', 'slow'];
  const p = positions(
    [e('slow', 'a.ipynb'), e('gone', 'a.ipynb'), e('slow', 'b.ipynb'), e(null, 'a.ipynb')],
    'a.ipynb',
    id => order.indexOf(id)
  );
  assert.deepEqual([...p], [['slow', 1]]);
});

test('input names from a manifest', () => {
  assert.deepEqual(manifestInputs({ inputs: { n: 'a'.repeat(64), b: 'c'.repeat(64) } }), [
    'b',
    'n'
  ]);
  assert.deepEqual(manifestInputs({}), []);
  assert.deepEqual(manifestInputs(null), []);
});
