import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../src/store';
import { lfsPointerText } from '../src/lfs';
import { makeManifest, sha256, tempStoreDir } from './helpers';

test('a healthy store verifies clean, counting objects and manifests', async t => {
  const store = await openStore(await tempStoreDir(t));
  const a = await store.writeObject(Buffer.from('a'));
  const b = await store.writeObject(Buffer.alloc(5_000_000, 7));
  await store.writeManifest(makeManifest(sha256('k'), [a.oid, b.oid]));
  assert.deepEqual(await store.verify(), {
    ok: true,
    problems: [],
    objects: 2,
    manifests: 1,
    pointers: 0
  });
});

test('one flipped byte in an object is EINTEGRITY at its path (verify itself moves nothing)', async t => {
  const store = await openStore(await tempStoreDir(t));
  const { oid } = await store.writeObject(Buffer.alloc(100_000, 3));
  const p = store.objectPath(oid);
  const buf = await fsp.readFile(p);
  buf[54_321] ^= 1;
  await fsp.writeFile(p, buf);
  const r = await store.verify();
  assert.equal(r.ok, false);
  assert.deepEqual(
    r.problems.map(q => [q.code, q.path]),
    [['EINTEGRITY', `objects/sha256/${oid.slice(0, 2)}/${oid}`]]
  );
  assert.equal(await store.objectState(oid), 'local');
});

test('bad manifests and missing references are reported with codes and paths', async t => {
  const store = await openStore(await tempStoreDir(t));
  const a = await store.writeObject(Buffer.from('a'));
  const good = sha256('good');
  const broken = sha256('broken');
  await store.writeManifest(makeManifest(good, [a.oid]));
  await fsp.mkdir(path.dirname(store.manifestPath(broken)), { recursive: true });
  await fsp.writeFile(store.manifestPath(broken), '<<<<<<< HEAD\n{}\n');
  await fsp.rm(store.objectPath(a.oid));
  await fsp.writeFile(path.join(store.dir, 'entries', good.slice(0, 2), 'stray.txt'), 'x');
  const r = await store.verify();
  assert.equal(r.ok, false);
  const got = r.problems.map(q => `${q.code} ${q.path}`).sort();
  assert.deepEqual(
    got,
    [
      `EBADMANIFEST entries/${broken.slice(0, 2)}/${broken}.json`,
      `EBADMANIFEST entries/${good.slice(0, 2)}/stray.txt`,
      `ENOTFOUND entries/${good.slice(0, 2)}/${good}.json`
    ].sort()
  );
});

test('pointer files are reported as not local, and do not make the store not ok', async t => {
  const store = await openStore(await tempStoreDir(t));
  const oid = sha256('fetched later');
  await fsp.mkdir(path.dirname(store.objectPath(oid)), { recursive: true });
  await fsp.writeFile(store.objectPath(oid), lfsPointerText(oid, 13));
  await store.writeManifest(makeManifest(sha256('k'), [oid]));
  const r = await store.verify();
  assert.equal(r.ok, true);
  assert.equal(r.pointers, 1);
  assert.deepEqual(
    r.problems.map(q => q.code),
    ['ELFSPOINTER']
  );
});
