import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { StoreIndex, type ListQuery } from '../../src/index-db';
import { nativeBindingPath } from '../../src/index-db/native-binding';
import { addEntry, makeStore, tempDir } from '../support/fixtures';

/** What q= means (the column LIKEs or a key prefix), run as plain SQL: the answer the short path must give. */
function reference(db: Database.Database, q: ListQuery): { total: number; keys: string[] } {
  const clauses = [
    `(preview LIKE @q ESCAPE '\\' OR notebook LIKE @q ESCAPE '\\' OR qualname LIKE @q ESCAPE '\\'
      OR cell_id LIKE @q ESCAPE '\\' OR (key >= @kfrom AND key < @kto))`
  ];
  const p: Record<string, string | number> = {
    q: `%${(q.q as string).replace(/[\\%_]/g, c => `\\${c}`)}%`,
    kfrom: (q.q as string).toLowerCase(),
    kto: `${(q.q as string).toLowerCase()}\uffff`
  };
  if (q.notebook !== undefined) {
    clauses.push('notebook = @notebook');
    p.notebook = q.notebook;
  }
  if (q.kind !== undefined) {
    clauses.push('kind = @kind');
    p.kind = q.kind;
  }
  const w = `WHERE ${clauses.join(' AND ')}`;
  const col = { created: 'created_ms', size: 'total_bytes', runtime: 'runtime_s' }[
    q.sort as 'created' | 'size' | 'runtime'
  ];
  const dir = q.order === 'asc' ? 'ASC' : 'DESC';
  const total = db.prepare(`SELECT count(*) FROM entries ${w}`).pluck().get(p) as number;
  const keys = db
    .prepare(
      `SELECT key FROM entries ${w} ORDER BY ${col} ${dir}, key ${dir} LIMIT ${q.limit} OFFSET ${q.offset}`
    )
    .pluck()
    .all(p) as string[];
  return { total, keys };
}

test('q= of one or two characters gives exactly what the column LIKEs give, few matches or many', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const previews = [
    'x = 1',
    'df = load("a_b.csv")',
    'rate = 50% of total',
    'path = "C:\\\\data"',
    'Größe = size(ÉTÉ)',
    'multi\nline = 2\nzq',
    'y = f(x)  # ends with zz',
    'SELECT * FROM t'
  ];
  for (let i = 0; i < 64; i++) {
    await addEntry(store, {
      seed: `s${i}`,
      notebook: i % 5 === 0 ? null : `nb${i % 3}.ipynb`,
      cell_id: i % 5 === 0 ? null : `cell-${i % 4}`,
      kind: i % 5 === 0 ? 'function' : 'cell',
      qualname: i % 5 === 0 ? `Mod_${i % 2}:fn%` : null,
      preview: `${previews[i % previews.length]} #${i}`,
      bytes: 10 + ((i * 37) % 50),
      runtime_s: 1 + (i % 7),
      created: new Date(Date.UTC(2026, 0, 1, 0, i % 9, i)).toISOString()
    });
  }
  const index = await StoreIndex.open(store.dir);
  t.after(() => index.close());
  await index.refresh();
  const db = new Database(path.join(store.dir, 'index.sqlite'), {
    readonly: true,
    nativeBinding: nativeBindingPath()
  });
  t.after(() => db.close());
  // one and two characters: common (x, 1, e, a), rare (zq, zz, É, ö), LIKE's own characters (%, _, \), case
  // (c vs C, É vs é: LIKE folds ASCII only), a key prefix (hex), a character in no entry (~)
  const qs = [
    'x',
    '1',
    'e',
    'a',
    'zq',
    'zz',
    'É',
    'é',
    'ö',
    '%',
    '_',
    '\\',
    '_b',
    'c',
    'C',
    'se',
    'SE',
    '#1',
    '~',
    '3f'
  ];
  let dense = 0;
  let sparse = 0;
  for (const text of qs) {
    for (const shape of [
      { sort: 'created', order: 'desc', limit: 3, offset: 0 },
      { sort: 'size', order: 'asc', limit: 2, offset: 1 },
      { sort: 'runtime', order: 'desc', limit: 100, offset: 0, notebook: 'nb1.ipynb' },
      { sort: 'created', order: 'asc', limit: 1, offset: 0, kind: 'function' }
    ] as ListQuery[]) {
      const q = { ...shape, q: text };
      const want = reference(db, q);
      const got = await index.list(q);
      assert.equal(got.total, want.total, JSON.stringify(q));
      assert.deepEqual(
        got.entries.map(e => e.key),
        want.keys,
        JSON.stringify(q)
      );
      if (want.total > 20 * ((q.offset ?? 0) + (q.limit ?? 0))) dense++;
      else sparse++;
    }
  }
  assert.ok(dense > 0 && sparse > 0, `both ways were taken (dense ${dense}, sparse ${sparse})`);
  // a newline is a separator in the text the short path scans: such a q keeps the column LIKEs
  const nl = { q: '\nz', sort: 'created', order: 'desc', limit: 10, offset: 0 } as ListQuery;
  assert.deepEqual(
    (await index.list(nl)).entries.map(e => e.key),
    reference(db, nl).keys
  );
  assert.ok(reference(db, nl).total > 0);
});
