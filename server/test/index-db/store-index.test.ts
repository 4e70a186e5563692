import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { StoreIndex } from '../../src/index-db';
import { addEntry, makeStore, tempDir } from '../support/fixtures';

async function openIndex(
  t: { after(fn: () => unknown): void },
  dir: string,
  watch = false
): Promise<StoreIndex> {
  const index = await StoreIndex.open(dir, { watch });
  t.after(() => index.close());
  return index;
}

test('deleting index.sqlite and rebuilding gives the same listing, hits included', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const made = [];
  for (let i = 0; i < 12; i++) {
    made.push(
      await addEntry(store, {
        notebook: `nb${i % 3}.ipynb`,
        cell_id: `c${i % 4}`,
        bytes: 10 + i,
        created: new Date(Date.UTC(2026, 0, 1 + i)).toISOString()
      })
    );
  }
  const first = await StoreIndex.open(store.dir);
  await first.recordHit(made[3].key, 2.5);
  await first.recordHit(made[3].key, 1.5);
  await first.recordHit(made[7].key, 4);
  const before = await first.list({ sort: 'last_hit', limit: 1000 });
  const statsBefore = await first.stats();
  await first.close();
  assert.equal(before.total, 12);
  assert.equal(before.entries[0].key, made[7].key);
  assert.equal(before.entries[1].hits, 2);
  assert.equal(before.entries[1].time_saved_s, 4);

  for (const f of ['index.sqlite', 'index.sqlite-wal', 'index.sqlite-shm'])
    fs.rmSync(path.join(store.dir, f), { force: true });
  const second = await openIndex(t, store.dir);
  assert.deepEqual(await second.list({ sort: 'last_hit', limit: 1000 }), before);
  assert.deepEqual(await second.stats(), statsBefore);
});

test('an index file deleted under a running index is rebuilt on the next request', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const m = await addEntry(store);
  const index = await openIndex(t, store.dir);
  await index.recordHit(m.key, 1);
  const before = await index.list({});
  fs.rmSync(path.join(store.dir, 'index.sqlite'));
  assert.deepEqual(await index.list({}), before);
  assert.ok(fs.existsSync(path.join(store.dir, 'index.sqlite')));
});

test('a garbage index file is replaced, not fatal', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  await addEntry(store);
  fs.writeFileSync(
    path.join(store.dir, 'index.sqlite'),
    'this is not a database, just text that is long enough '.repeat(100)
  );
  const index = await openIndex(t, store.dir);
  assert.equal((await index.list({})).total, 1);
});

test('manifests added and removed underneath show up without reopening', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const a = await addEntry(store);
  const index = await openIndex(t, store.dir);
  assert.deepEqual(
    (await index.list({})).entries.map(e => e.key),
    [a.key]
  );
  // Many in quick succession, so several land within one directory-mtime tick (the "racy" case).
  const more = [];
  for (let i = 0; i < 30; i++) {
    more.push(await addEntry(store));
    assert.equal((await index.list({ limit: 1000 })).total, i + 2);
  }
  await store.deleteManifest(a.key);
  await store.deleteManifest(more[5].key);
  const keys = new Set((await index.list({ limit: 1000 })).entries.map(e => e.key));
  assert.equal(keys.size, 29);
  assert.ok(!keys.has(a.key) && !keys.has(more[5].key));
});

test('a manifest rewritten in place (same directory entry) is re-read', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const m = await addEntry(store, { runtime_s: 5 });
  // An old, settled shard directory: its mtime alone would say "nothing changed here".
  const old = new Date(Date.now() - 3600_000);
  fs.utimesSync(path.dirname(store.manifestPath(m.key)), old, old);
  const index = await openIndex(t, store.dir, true);
  assert.equal((await index.list({})).entries[0].runtime_s, 5);
  const file = store.manifestPath(m.key);
  // Same size on purpose (5 → 7), written into the existing inode: only the watcher or the mtime can tell.
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"runtime_s": 5', '"runtime_s": 7'));
  let runtime = 5;
  for (let i = 0; i < 100 && runtime === 5; i++) {
    await new Promise(r => setTimeout(r, 20));
    runtime = (await index.list({})).entries[0].runtime_s;
  }
  assert.equal(runtime, 7);
});

test('invalid manifests are left out of the listing, and come in once fixed', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const good = await addEntry(store);
  const broken = await addEntry(store);
  const file = store.manifestPath(broken.key);
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(`${file}.tmpw`, '{"format": 1, "key": "not valid"');
  fs.renameSync(`${file}.tmpw`, file);
  const index = await openIndex(t, store.dir);
  assert.deepEqual(
    (await index.list({})).entries.map(e => e.key),
    [good.key]
  );
  fs.writeFileSync(`${file}.tmpw`, text);
  fs.renameSync(`${file}.tmpw`, file);
  assert.equal((await index.list({})).total, 2);
});

test('filters, sorting and pagination', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const day = (d: number) => new Date(Date.UTC(2026, 1, d, 12)).toISOString();
  const e = [
    await addEntry(store, {
      notebook: 'a.ipynb',
      cell_id: 'c1',
      bytes: 300,
      runtime_s: 1,
      created: day(1),
      preview: 'df = load("sales")'
    }),
    await addEntry(store, {
      notebook: 'a.ipynb',
      cell_id: 'c2',
      bytes: 100,
      runtime_s: 9,
      created: day(2),
      preview: 'model.fit(X)'
    }),
    await addEntry(store, {
      notebook: 'b.ipynb',
      cell_id: 'c1',
      bytes: 200,
      runtime_s: 5,
      created: day(3),
      preview: 'plot(df)'
    }),
    await addEntry(store, {
      kind: 'function',
      notebook: null,
      cell_id: null,
      qualname: 'pkg.mod:train_100%',
      bytes: 50,
      runtime_s: 3,
      created: day(4),
      preview: 'def train(): ...'
    })
  ];
  const index = await openIndex(t, store.dir);
  await index.recordHit(e[0].key, 1);
  await index.recordHit(e[2].key, 1);
  await index.recordHit(e[2].key, 1);
  const keys = (r: { entries: { key: string }[] }) => r.entries.map(x => x.key);

  assert.deepEqual(keys(await index.list({})), [e[3].key, e[2].key, e[1].key, e[0].key]); // created desc by default
  assert.deepEqual(keys(await index.list({ sort: 'size', order: 'asc' })), [
    e[3].key,
    e[1].key,
    e[2].key,
    e[0].key
  ]);
  assert.deepEqual(keys(await index.list({ sort: 'runtime' })), [
    e[1].key,
    e[2].key,
    e[3].key,
    e[0].key
  ]);
  assert.deepEqual(keys(await index.list({ sort: 'hits', limit: 2 })), [e[2].key, e[0].key]);
  assert.deepEqual(keys(await index.list({ sort: 'last_hit' })).slice(0, 2), [e[2].key, e[0].key]);
  assert.deepEqual(keys(await index.list({ notebook: 'a.ipynb', sort: 'created', order: 'asc' })), [
    e[0].key,
    e[1].key
  ]);
  assert.deepEqual(keys(await index.list({ notebook: 'a.ipynb', cell: 'c2' })), [e[1].key]);
  assert.deepEqual(keys(await index.list({ cell: 'c1', order: 'asc' })), [e[0].key, e[2].key]);
  assert.deepEqual(keys(await index.list({ kind: 'function' })), [e[3].key]);
  assert.deepEqual(keys(await index.list({ q: 'DF', order: 'asc' })), [e[0].key, e[2].key]);
  assert.deepEqual(keys(await index.list({ q: '100%' })), [e[3].key]); // LIKE wildcards are literal
  assert.deepEqual(keys(await index.list({ q: e[1].key.slice(0, 10) })), [e[1].key]);

  const page1 = await index.list({ sort: 'created', order: 'asc', limit: 3, offset: 0 });
  const page2 = await index.list({ sort: 'created', order: 'asc', limit: 3, offset: 3 });
  assert.equal(page1.total, 4);
  assert.equal(page2.total, 4);
  assert.deepEqual([...keys(page1), ...keys(page2)], [e[0].key, e[1].key, e[2].key, e[3].key]);

  const s = await index.stats();
  assert.equal(s.entries, 4);
  assert.equal(s.bytes, 650);
  assert.equal(s.hits, 3);
  assert.deepEqual(
    s.by_notebook.map(n => [n.notebook, n.entries, n.bytes]),
    [
      ['a.ipynb', 2, 400],
      ['b.ipynb', 1, 200],
      [null, 1, 50]
    ]
  );
  const sa = await index.stats('a.ipynb');
  assert.equal(sa.entries, 2);
  assert.deepEqual(
    sa.by_cell.map(c => c.cell_id),
    ['c1', 'c2']
  );
});

test('q= narrows through the trigram index and stays exact as entries are re-stored and evicted', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const a = await addEntry(store, {
    seed: 'a',
    notebook: 'x.ipynb',
    cell_id: 'c1',
    preview: 'model = fit(trainset)'
  });
  const b = await addEntry(store, {
    seed: 'b',
    notebook: 'y.ipynb',
    cell_id: 'c2',
    preview: 'tes = set(trainz) # Größe'
  });
  const index = await openIndex(t, store.dir);
  const keys = async (q: string) =>
    (await index.list({ q, sort: 'created', order: 'asc' })).entries.map(x => x.key).sort();
  assert.deepEqual(await keys('fit(train'), [a.key]);
  assert.deepEqual(await keys('TRAIN'), [a.key, b.key].sort()); // case-insensitive, as before
  assert.deepEqual(await keys('trainset'), [a.key]);
  assert.deepEqual(await keys('set'), [a.key, b.key].sort()); // every trigram present is not enough alone: LIKE
  assert.deepEqual(await keys('tset'), []); // its trigrams occur, but not in a row
  assert.deepEqual(await keys('y.ipy'), [b.key]);
  assert.deepEqual(await keys('Größe'), [b.key]);
  assert.deepEqual(await keys('"'), []);
  assert.deepEqual(await keys(a.key.slice(0, 8)), [a.key]);
  // re-stored with another preview (same key): the old text no longer matches
  const again = { ...a, source: { ...a.source, preview: 'model = refit(validation)' } };
  await store.writeManifest(again);
  assert.deepEqual(await keys('trainset'), []);
  assert.deepEqual(await keys('refit(val'), [a.key]);
  await store.deleteManifest(b.key);
  assert.deepEqual(await keys('trainz'), []);
});

test('only regular manifest files are indexed, on a rebuild and after: symlinks, FIFOs and folders are not', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const real = await addEntry(store);
  const swapped = await addEntry(store);
  const outside = path.join(root, 'outside.json');
  fs.copyFileSync(store.manifestPath(real.key), outside);
  // A clone can plant these under entries/ with manifest-like names; none is ever opened (spec/FORMAT.md).
  const shard = path.dirname(store.manifestPath(real.key));
  const fake = (c: string) => path.join(shard, `${real.key.slice(0, 2)}${c.repeat(62)}.json`);
  fs.symlinkSync(outside, fake('a'));
  fs.mkdirSync(fake('b'));
  const { execFileSync } = await import('node:child_process');
  execFileSync('mkfifo', [fake('c')]);
  const index = await openIndex(t, store.dir);
  const keys = async () => (await index.list({ limit: 100 })).entries.map(e => e.key).sort();
  assert.deepEqual(await keys(), [real.key, swapped.key].sort());
  assert.equal((await index.stats()).entries, 2);
  // An indexed manifest replaced by a symlink to a valid copy leaves the index.
  const file = store.manifestPath(swapped.key);
  fs.copyFileSync(file, path.join(root, 'copy.json'));
  fs.rmSync(file);
  fs.symlinkSync(path.join(root, 'copy.json'), file);
  assert.deepEqual(await keys(), [real.key]);
});
