/**
 * The server and the CLI on the golden store (spec/fixtures/golden-store): a store the Python engine wrote, with
 * cells, a function, outputs, out-of-band buffers, a graph entry, an LFS pointer and a corrupt object. The other
 * server tests use stores the TypeScript writer makes; this one proves the server agrees with the real engine.
 * Each test copies the fixture into a fresh root; the fixture itself is never changed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { SPEC_DIR } from '@xetcache/store';
import { authFetch, get, post, q, serve, tempDir } from './support/fixtures';
import { assertMatchesOpenApi } from './support/openapi';

const FIXTURES = path.join(SPEC_DIR, 'fixtures');
const EXPECTED = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'golden-store.json'), 'utf8'));
const STORE = 'work/.xetcache';
const BIN = path.join(__dirname, '..', 'bin', 'xetcache.js'); // built lib/: `npm test` runs `tsc -b` first

type Entry = { key: string; label: string; variables: string[]; outputs_count: number };
const entries = EXPECTED.entries as Entry[];
const byLabel = (label: string) => entries.find(e => e.label === label) as Entry;
const [pointer] = EXPECTED.objects.pointer as string[];
const [corrupt] = EXPECTED.objects.corrupt as string[];

async function goldenRoot(t: { after(fn: () => unknown): void }): Promise<string> {
  const root = await tempDir(t);
  fs.cpSync(path.join(FIXTURES, 'golden-store'), path.join(root, STORE), { recursive: true });
  return root;
}

function xetcache(root: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, '--store', path.join(root, STORE), ...args], {
    cwd: root,
    encoding: 'utf8'
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

test('the server lists, counts hits and serves objects of a store the engine wrote', async t => {
  const root = await goldenRoot(t);
  const { base } = await serve(t, root);
  const list = await get(base, `/api/entries?${q({ store: STORE, limit: 100 })}`);
  assert.equal(list.status, 200);
  assertMatchesOpenApi('/api/entries', 'GET', 200, list.body);
  assert.equal(list.body.total, entries.length);
  for (const row of list.body.entries as { key: string; variables: string[]; hits: number }[]) {
    const e = entries.find(x => x.key === row.key) as Entry;
    assert.ok(e, `unexpected entry ${row.key}`);
    assert.deepEqual(row.variables, e.variables);
    assert.equal(
      row.hits,
      EXPECTED.hits[row.key] ?? 0,
      `hits of ${e.label} come from the engine's log`
    );
  }
  const graph = await get(base, `/api/entries/${byLabel('cell-graph').key}?${q({ store: STORE })}`);
  assert.equal(graph.status, 200);
  assert.deepEqual(graph.body.manifest.state.objects.length, 2);

  for (const oid of EXPECTED.objects.local as string[]) {
    const res = await authFetch(`${base}/api/objects/${oid}?${q({ store: STORE })}`);
    assert.equal(res.status, 200, oid);
    const body = Buffer.from(await res.arrayBuffer());
    assert.ok(
      body.equals(fs.readFileSync(path.join(root, STORE, 'objects/sha256', oid.slice(0, 2), oid)))
    );
  }
  assert.equal(
    (await get(base, `/api/objects/${pointer}?${q({ store: STORE })}`)).body.code,
    'ELFSPOINTER'
  );
  assert.equal(
    (await get(base, `/api/objects/${corrupt}?${q({ store: STORE })}`)).body.code,
    'EINTEGRITY'
  );
});

test('verify and gc over HTTP: the pointer and the corrupt object reported, only the orphan swept', async t => {
  const root = await goldenRoot(t);
  const { base } = await serve(t, root);
  const verify = await post(base, '/api/verify', { store: STORE });
  assert.equal(verify.status, 200);
  assert.equal(verify.body.ok, false);
  assert.deepEqual((verify.body.problems as { code: string }[]).map(p => p.code).sort(), [
    'EINTEGRITY',
    'ELFSPOINTER'
  ]);
  const gc = await post(base, '/api/gc', { store: STORE, grace_s: 0, force: true });
  assert.equal(gc.status, 200);
  assert.equal(gc.body.removed, EXPECTED.objects.orphan.length);
  for (const oid of EXPECTED.live as string[])
    assert.ok(fs.existsSync(path.join(root, STORE, 'objects/sha256', oid.slice(0, 2), oid)), oid);
});

test('the CLI: ls, show, status and verify on the golden store', async t => {
  const root = await goldenRoot(t);
  const ls = xetcache(root, 'ls', '--json');
  assert.equal(ls.code, 0, ls.stderr);
  assert.deepEqual(
    ls
      .json()
      .entries.map((e: { key: string }) => e.key)
      .sort(),
    entries.map(e => e.key).sort()
  );
  const show = xetcache(root, 'show', byLabel('cell-buffers').key, '--json');
  assert.equal(show.code, 0, show.stderr);
  assert.equal(
    show.json().manifest.variables.big.objects.length,
    2,
    'a stream and its out-of-band buffer'
  );
  const status = xetcache(root, 'status', '--json');
  assert.equal(status.code, 0, status.stderr);
  const states = Object.fromEntries(
    status.json().entries.map((e: { key: string; state: string }) => [e.key, e.state])
  );
  assert.equal(states[byLabel('cell-pointer').key], 'pointer');
  assert.equal(states[byLabel('cell-graph').key], 'local');
  const verify = xetcache(root, 'verify', '--json');
  assert.equal(verify.code, 1);
  assert.deepEqual(
    verify
      .json()
      .problems.map((p: { code: string }) => p.code)
      .sort(),
    ['EINTEGRITY', 'ELFSPOINTER']
  );
});
