/**
 * The server and the CLI on the golden store's chunked entry (format 2, written by the Python engine: two buffers
 * stored as content-defined chunks that share their first chunk; spec/fixtures/generate.py). Its listing says both
 * sizes (logical: the buffers whole; stored: each chunk once), stats count the shared chunk once, its hits come
 * from the engine's log, and verify hashes every chunk. Each test copies the fixture; it is never changed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { SPEC_DIR } from '@xetcache/store';
import { get, post, q, serve, tempDir } from './support/fixtures';

const FIXTURES = path.join(SPEC_DIR, 'fixtures');
const EXPECTED = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'golden-store.json'), 'utf8'));
const STORE = 'work/.xetcache';
const BIN = path.join(__dirname, '..', 'bin', 'xetcache.js'); // built lib/: `npm test` runs `tsc -b` first

type Entry = {
  key: string;
  total_bytes: number;
  objects: string[];
  format: number;
  chunks: Record<string, [string, number][]>;
};
const chunked = (EXPECTED.entries as Entry[]).find(e => e.format === 2) as Entry;

async function goldenRoot(t: { after(fn: () => unknown): void }): Promise<string> {
  const root = await tempDir(t);
  fs.cpSync(path.join(FIXTURES, 'golden-store'), path.join(root, STORE), { recursive: true });
  return root;
}

const objectFile = (root: string, oid: string) =>
  path.join(root, STORE, 'objects/sha256', oid.slice(0, 2), oid);

/** What the entry's objects take on disk: each stored object (chunks included) once. */
function onDisk(root: string, e: Entry): number {
  return e.objects.reduce((s, oid) => s + fs.statSync(objectFile(root, oid)).size, 0);
}

test('the chunked entry: listed with its logical and stored size, its hits, and counted once in stats', async t => {
  assert.ok(chunked, 'the golden store has a format-2 entry (spec/fixtures/generate.py)');
  const root = await goldenRoot(t);
  const { base } = await serve(t, root);
  const one = await get(base, `/api/entries/${chunked.key}?${q({ store: STORE })}`);
  assert.equal(one.status, 200);
  assert.equal(one.body.manifest.format, 2);
  assert.deepEqual(one.body.manifest.chunks, chunked.chunks);
  const e = one.body.entry;
  assert.equal(e.total_bytes, chunked.total_bytes);
  assert.equal(
    e.stored_bytes,
    onDisk(root, chunked),
    'each chunk once: the shared first chunk too'
  );
  assert.ok(e.stored_bytes < e.total_bytes);
  assert.equal(e.hits, EXPECTED.hits[chunked.key]);

  const list = await get(base, `/api/entries?${q({ store: STORE, limit: 100 })}`);
  for (const row of list.body.entries as {
    key: string;
    total_bytes: number;
    stored_bytes: number;
  }[]) {
    if (row.key === chunked.key) assert.equal(row.stored_bytes, e.stored_bytes);
    else assert.equal(row.stored_bytes, row.total_bytes, 'no chunks: stored = logical');
  }
  const stats = await get(base, `/api/stats?${q({ store: STORE })}`);
  const byCell = (
    stats.body.by_cell as { cell_id: string; bytes: number; logical_bytes: number }[]
  ).find(c => c.cell_id === 'c4');
  assert.deepEqual([byCell?.bytes, byCell?.logical_bytes], [e.stored_bytes, e.total_bytes]);
});

test('verify hashes each chunk: a flipped byte in one is reported, by its path', async t => {
  const root = await goldenRoot(t);
  const tail = Object.values(chunked.chunks)[0][1][0];
  const file = objectFile(root, tail);
  const data = fs.readFileSync(file);
  data[7] ^= 1;
  fs.chmodSync(file, 0o644);
  fs.writeFileSync(file, data);
  const { base } = await serve(t, root);
  const verify = await post(base, '/api/verify', { store: STORE });
  assert.equal(verify.status, 200);
  const paths = (verify.body.problems as { code: string; path: string }[])
    .filter(p => p.code === 'EINTEGRITY')
    .map(p => p.path);
  assert.ok(paths.includes(`objects/sha256/${tail.slice(0, 2)}/${tail}`), paths.join());
  assert.equal(paths.length, 2, "the fixture's corrupt object and this chunk");
});

test('the CLI shows the chunked entry and counts its shared chunk once', async t => {
  const root = await goldenRoot(t);
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, '--store', path.join(root, STORE), ...args], {
      cwd: root,
      encoding: 'utf8'
    });
  const show = run('show', chunked.key, '--json');
  assert.equal(show.status, 0, show.stderr);
  assert.equal(JSON.parse(show.stdout).entry.stored_bytes, onDisk(root, chunked));
  const text = run('show', chunked.key);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^size: .+ \(.+ stored\) {2}outputs: 2$/m);
  const stats = run('stats', '--json');
  assert.equal(stats.status, 0, stats.stderr);
  const s = JSON.parse(stats.stdout);
  assert.ok(s.bytes < s.logical_bytes);
});
