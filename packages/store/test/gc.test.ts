import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { checkGrace } from '../src/gc';
import { DEFAULT_GC_GRACE_MS, MIN_GC_GRACE_MS } from '../src/layout';
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

test('gc says what the grace period kept, how much, and when it can go', async t => {
  const store = await openStore(await tempStoreDir(t));
  const live = await store.writeObject(Buffer.from('live'));
  await store.writeManifest(makeManifest(sha256('live'), [live.oid]));
  const a = await store.writeObject(Buffer.from('evicted just now'));
  const b = await store.writeObject(Buffer.from('evicted a while ago'));
  const now = Date.now();
  const bTime = new Date(now - HOUR / 2);
  await fsp.utimes(store.objectPath(b.oid), bTime, bTime);
  // From stat, not from the Date set: the file system keeps sub-millisecond times.
  const aMtime = (await fsp.stat(store.objectPath(a.oid))).mtimeMs;
  const bMtime = (await fsp.stat(store.objectPath(b.oid))).mtimeMs;

  const r = await store.gc({ graceMs: HOUR, now });
  assert.equal(r.removed, 0);
  assert.equal(r.graceMs, HOUR);
  assert.equal(r.graceKept, 2);
  assert.equal(r.graceKeptBytes, a.bytes + b.bytes);
  // The first can go when the older one leaves the grace period, all of them when the younger one does.
  assert.equal(r.graceFirstFree, new Date(bMtime + HOUR).toISOString());
  assert.equal(r.graceAllFree, new Date(aMtime + HOUR).toISOString());
  assert.equal(r.kept, 3); // the referenced one too

  const none = await store.gc({ graceMs: 0 });
  assert.equal(none.graceKept, 0);
  assert.equal(none.graceKeptBytes, 0);
  assert.equal(none.graceFirstFree, null);
  assert.equal(none.graceAllFree, null);
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

test('checkGrace: below the safe minimum is EBADREQUEST unless forced; the default is the hour', () => {
  const refused = (e: unknown) => (e as { code?: string }).code === 'EBADREQUEST';
  assert.throws(() => checkGrace(0), refused);
  assert.throws(() => checkGrace(MIN_GC_GRACE_MS - 1), refused);
  assert.throws(() => checkGrace(-1, true), refused);
  assert.throws(() => checkGrace(Number.NaN, true), refused);
  assert.equal(checkGrace(undefined), DEFAULT_GC_GRACE_MS);
  assert.equal(checkGrace(MIN_GC_GRACE_MS), MIN_GC_GRACE_MS);
  assert.equal(checkGrace(0, true), 0);
});
