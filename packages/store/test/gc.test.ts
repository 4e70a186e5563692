import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../src/store';
import { makeManifest, sha256, tempStoreDir } from './helpers';

const HOUR = 3600 * 1000;

async function age(p: string, ms: number): Promise<void> {
  const t = new Date(Date.now() - ms);
  await fsp.utimes(p, t, t);
}

test('gc keeps referenced and young objects and removes old unreferenced ones', async t => {
  const store = await openStore(await tempStoreDir(t));
  const referenced = await store.writeObject(Buffer.from('referenced'));
  const young = await store.writeObject(Buffer.from('young orphan'));
  const old = await store.writeObject(Buffer.from('old orphan!'));
  const evicted = await store.writeObject(Buffer.from('of an evicted entry'));
  await store.writeManifest(makeManifest(sha256('live'), [referenced.oid]));
  await store.writeManifest(makeManifest(sha256('gone'), [evicted.oid]));
  await store.deleteManifest(sha256('gone'));
  for (const o of [referenced, old, evicted]) await age(store.objectPath(o.oid), 2 * HOUR);

  const r = await store.gc();
  assert.equal(r.removed, 2);
  assert.equal(r.freedBytes, old.bytes + evicted.bytes);
  assert.equal(r.kept, 2);
  assert.equal(await store.objectState(referenced.oid), 'local');
  assert.equal(await store.objectState(young.oid), 'local');
  assert.equal(await store.objectState(old.oid), 'missing');
  assert.equal(await store.objectState(evicted.oid), 'missing');
  assert.equal((await store.verify()).ok, true);
});

test('graceMs and now control what counts as young', async t => {
  const store = await openStore(await tempStoreDir(t));
  const o = await store.writeObject(Buffer.from('orphan'));
  assert.equal((await store.gc({ graceMs: HOUR })).removed, 0);
  assert.equal((await store.gc({ graceMs: HOUR, now: Date.now() + 2 * HOUR })).removed, 1);
  assert.equal(await store.objectState(o.oid), 'missing');
});

test('objects named by an unparseable manifest (e.g. a merge conflict) are kept', async t => {
  const store = await openStore(await tempStoreDir(t));
  const o = await store.writeObject(Buffer.from('precious'));
  const key = sha256('conflicted');
  await fsp.mkdir(path.dirname(store.manifestPath(key)), { recursive: true });
  await fsp.writeFile(store.manifestPath(key), `<<<<<<< HEAD\n"objects": ["${o.oid}"]\n=======\n`);
  const r = await store.gc({ graceMs: 0 });
  assert.equal(r.removed, 0);
  assert.equal(r.unreadableManifests, 1);
  assert.equal(await store.objectState(o.oid), 'local');
});
