/**
 * The golden store (spec/fixtures/golden-store), written by the Python engine (spec/fixtures/generate.py; a Python
 * test proves it is current): this library reads, verifies, re-serialises and garbage-collects the engine's real
 * bytes, not stores its own writer made. Every test works on a copy; the fixture never changes.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { markLive } from '../src/gc';
import { serializeManifest } from '../src/manifest';
import { chunkTable, manifestObjectIds } from '../src/manifest-type';
import { openStore, type Store } from '../src/store';
import { SPEC_DIR } from '../src/validate';
import { tempStoreDir } from './helpers';

const FIXTURES = path.join(SPEC_DIR, 'fixtures');
const GOLDEN = path.join(FIXTURES, 'golden-store');
interface Entry {
  key: string;
  label: string;
  kind: string;
  variables: string[];
  objects: string[];
  state: boolean;
  restore: string;
  format: number;
  chunks: Record<string, [string, number][]>;
}
const EXPECTED = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'golden-store.json'), 'utf8')) as {
  entries: Entry[];
  objects: { local: string[]; pointer: string[]; corrupt: string[]; orphan: string[] };
  live: string[];
  chunked: string[];
  hits: Record<string, number>;
};

async function golden(t: TestContext): Promise<Store> {
  const dir = await tempStoreDir(t);
  fs.cpSync(GOLDEN, dir, { recursive: true, verbatimSymlinks: true });
  return openStore(dir, { create: false });
}

const rel = (store: Store, p: string) => path.relative(store.dir, p).split(path.sep).join('/');

test('every manifest the engine wrote validates, and serialises back to the same bytes', async t => {
  const store = await golden(t);
  assert.deepEqual(
    (await store.listManifestKeys()).sort(),
    EXPECTED.entries.map(e => e.key).sort()
  );
  for (const e of EXPECTED.entries) {
    const m = await store.readManifest(e.key);
    assert.deepEqual(Object.keys(m.variables).sort(), e.variables);
    assert.equal(m.kind, e.kind);
    assert.equal(m.state !== undefined, e.state);
    // The contract's "same bytes": what this library would write for the engine's manifest is the engine's file.
    assert.equal(serializeManifest(m), fs.readFileSync(store.manifestPath(e.key), 'utf8'), e.label);
  }
});

test('verify reports exactly the corrupt object and the LFS pointer', async t => {
  const store = await golden(t);
  const report = await store.verify();
  const problems = report.problems.map(p => `${p.code} ${p.path}`).sort();
  assert.deepEqual(problems, [
    `EINTEGRITY objects/sha256/${EXPECTED.objects.corrupt[0].slice(0, 2)}/${EXPECTED.objects.corrupt[0]}`,
    `ELFSPOINTER objects/sha256/${EXPECTED.objects.pointer[0].slice(0, 2)}/${EXPECTED.objects.pointer[0]}`
  ]);
  assert.equal(report.ok, false);
  assert.equal(report.manifests, EXPECTED.entries.length);
  assert.equal(report.pointers, 1);
});

test('objects read back verified; the pointer is not local; the corrupt one is quarantined', async t => {
  const store = await golden(t);
  for (const oid of EXPECTED.objects.local) {
    assert.equal(await store.objectState(oid), 'local');
    assert.ok((await store.readObject(oid)).length >= 0);
  }
  const [pointer] = EXPECTED.objects.pointer;
  assert.equal(await store.objectState(pointer), 'pointer');
  await assert.rejects(store.readObject(pointer), { code: 'ELFSPOINTER' });
  const [corrupt] = EXPECTED.objects.corrupt;
  await assert.rejects(store.readObject(corrupt), { code: 'EINTEGRITY' });
  assert.ok(fs.existsSync(path.join(store.dir, 'quarantine', corrupt)));
  assert.equal(rel(store, store.objectPath(corrupt)).startsWith('objects/sha256/'), true);
});

test('gc keeps the live set (state objects included) and removes only the orphan', async t => {
  const store = await golden(t);
  // chunked ids name part lists, not files: marked like any id a manifest names, harmlessly
  assert.deepEqual(
    [...(await markLive(store.dir)).live].sort(),
    [...EXPECTED.live, ...EXPECTED.chunked].sort()
  );
  const graph = EXPECTED.entries.find(e => e.state) as Entry;
  const report = await store.gc({ graceMs: 0 });
  assert.equal(report.removed, EXPECTED.objects.orphan.length);
  for (const oid of EXPECTED.live) assert.ok(fs.existsSync(store.objectPath(oid)), oid);
  for (const oid of graph.objects) assert.equal(await store.objectState(oid), 'local');
  for (const oid of EXPECTED.objects.orphan) assert.ok(!fs.existsSync(store.objectPath(oid)));
});

test('the hit log the engine appended reads back line by line', async t => {
  const store = await golden(t);
  const { hits, skipped } = await store.readHits(0);
  assert.equal(skipped, 0);
  const counts: Record<string, number> = {};
  for (const h of hits) counts[h.key] = (counts[h.key] ?? 0) + 1;
  assert.deepEqual(counts, EXPECTED.hits);
});

test('the fixture itself is never changed by these tests', async t => {
  const before = fs.readdirSync(GOLDEN, { recursive: true }).length;
  await (await golden(t)).gc({ graceMs: 0 });
  assert.equal(fs.readdirSync(GOLDEN, { recursive: true }).length, before);
  assert.ok(!fs.existsSync(path.join(GOLDEN, 'quarantine')));
});

test('the chunked entry (format 2): its parts are what the engine listed, verified one by one', async t => {
  const store = await golden(t);
  const e = EXPECTED.entries.find(x => x.format === 2) as Entry;
  const m = await store.readManifest(e.key);
  assert.equal(m.format, 2);
  assert.deepEqual(chunkTable(m), e.chunks);
  assert.deepEqual(manifestObjectIds(m), e.objects, 'the parts, not the chunked ids');
  for (const id of Object.keys(e.chunks)) assert.ok(!fs.existsSync(store.objectPath(id)));
  // A byte flipped in a part that only one of the buffers has: verify names that part, and only it.
  const tail = Object.values(e.chunks)[0][1][0];
  const file = store.objectPath(tail);
  const data = fs.readFileSync(file);
  data[7] ^= 1;
  fs.chmodSync(file, 0o644);
  fs.writeFileSync(file, data);
  const problems = (await store.verify()).problems.map(p => `${p.code} ${p.path}`);
  assert.ok(
    problems.includes(`EINTEGRITY objects/sha256/${tail.slice(0, 2)}/${tail}`),
    problems.join()
  );
  assert.equal(
    problems.filter(p => p.startsWith('EINTEGRITY')).length,
    2,
    "the fixture's corrupt one and this"
  );
});
