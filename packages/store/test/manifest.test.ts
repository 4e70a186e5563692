import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../src/store';
import { serializeManifest } from '../src/manifest';
import type { Manifest } from '../src/manifest-type';
import { lfsPointerText } from '../src/lfs';
import { makeManifest, rejectsWithCode, sha256, tempStoreDir } from './helpers';

test('write → read → list → delete round trip, pretty JSON with sorted keys and a final newline', async t => {
  const store = await openStore(await tempStoreDir(t));
  const a = await store.writeObject(Buffer.from('var'));
  const b = await store.writeObject(Buffer.from('outputs'));
  const key = sha256('k1');
  const m = makeManifest(key, [a.oid, b.oid]);
  await store.writeManifest(m);
  assert.deepEqual(await store.readManifest(key), m);
  const text = await fsp.readFile(store.manifestPath(key), 'utf8');
  assert.ok(text.endsWith('}\n'));
  assert.equal(text, serializeManifest(m));
  const topKeys = [...text.matchAll(/^ {2}"([a-z_]+)":/gm)].map(x => x[1]);
  assert.deepEqual(topKeys, [...topKeys].sort());
  assert.ok(topKeys.includes('engine') && topKeys.includes('total_bytes'));
  assert.deepEqual(await store.listManifestKeys(), [key]);
  assert.equal(await store.deleteManifest(key), true);
  assert.equal(await store.deleteManifest(key), false);
  assert.deepEqual(await store.listManifestKeys(), []);
  await rejectsWithCode(store.readManifest(key), 'ENOTFOUND');
});

test('a manifest naming a missing object is refused (ENOTFOUND) and nothing is written', async t => {
  const store = await openStore(await tempStoreDir(t));
  const a = await store.writeObject(Buffer.from('present'));
  const key = sha256('k2');
  await rejectsWithCode(
    store.writeManifest(makeManifest(key, [a.oid, sha256('absent')])),
    'ENOTFOUND'
  );
  assert.deepEqual(await store.listManifestKeys(), []);
});

test('an object that is only an LFS pointer counts as present', async t => {
  const store = await openStore(await tempStoreDir(t));
  const oid = sha256('upstream only');
  await fsp.mkdir(path.dirname(store.objectPath(oid)), { recursive: true });
  await fsp.writeFile(store.objectPath(oid), lfsPointerText(oid, 13));
  await store.writeManifest(makeManifest(sha256('k3'), [oid]));
});

test('invalid manifests are refused on write and on read (EBADMANIFEST)', async t => {
  const store = await openStore(await tempStoreDir(t));
  const a = await store.writeObject(Buffer.from('v'));
  const key = sha256('k4');
  const bad = { ...makeManifest(key, [a.oid]), runtime_s: 'slow' } as unknown as Manifest;
  await rejectsWithCode(store.writeManifest(bad), 'EBADMANIFEST');
  await fsp.mkdir(path.dirname(store.manifestPath(key)), { recursive: true });
  for (const text of [
    '{ not json',
    '{}',
    serializeManifest(makeManifest(sha256('other'), [a.oid]))
  ]) {
    await fsp.writeFile(store.manifestPath(key), text);
    await rejectsWithCode(store.readManifest(key), 'EBADMANIFEST');
  }
});

test('re-storing the same key replaces the manifest', async t => {
  const store = await openStore(await tempStoreDir(t));
  const a = await store.writeObject(Buffer.from('v1'));
  const key = sha256('k5');
  await store.writeManifest(makeManifest(key, [a.oid], { runtime_s: 1 }));
  await store.writeManifest(makeManifest(key, [a.oid], { runtime_s: 2 }));
  assert.equal((await store.readManifest(key)).runtime_s, 2);
  assert.deepEqual(await fsp.readdir(path.join(store.dir, 'tmp')), []);
});
