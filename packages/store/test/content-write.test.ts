import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { openStore } from '../src/store';
import { lfsPointerText } from '../src/lfs';
import { listFiles, sha256, tempStoreDir } from './helpers';

test('a buffer is stored under its sha256 and reads back', async t => {
  const store = await openStore(await tempStoreDir(t));
  const data = Buffer.from('hello object');
  const w = await store.writeObject(data);
  assert.deepEqual(w, { oid: sha256(data), bytes: data.length });
  assert.deepEqual(await fsp.readFile(store.objectPath(w.oid)), data);
  assert.deepEqual(await store.readObject(w.oid), data);
  assert.equal(await store.objectState(w.oid), 'local');
});

test('a stream of many chunks (and an empty object) is stored whole', async t => {
  const store = await openStore(await tempStoreDir(t));
  const chunks = Array.from({ length: 20 }, (_, i) => Buffer.alloc(300_000, i));
  const whole = Buffer.concat(chunks);
  const w = await store.writeObject(Readable.from(chunks));
  assert.equal(w.oid, sha256(whole));
  assert.equal(w.bytes, whole.length);
  assert.ok((await store.readObject(w.oid)).equals(whole));
  const empty = await store.writeObject(Buffer.alloc(0));
  assert.equal(empty.oid, sha256(''));
  assert.equal((await store.readObject(empty.oid)).length, 0);
});

test('the same bytes twice give one object, never rewritten', async t => {
  const dir = await tempStoreDir(t);
  const store = await openStore(dir);
  const a = await store.writeObject(Buffer.from('same'));
  const ino = (await fsp.stat(store.objectPath(a.oid))).ino;
  const b = await store.writeObject(Readable.from([Buffer.from('sa'), Buffer.from('me')]));
  assert.equal(b.oid, a.oid);
  assert.equal((await fsp.stat(store.objectPath(a.oid))).ino, ino);
  const files = (await listFiles(dir)).filter(f => f.startsWith('objects'));
  assert.equal(files.length, 1);
  assert.deepEqual(await fsp.readdir(path.join(dir, 'tmp')), []);
});

test('re-writing refreshes an existing object mtime so gc sees it as young', async t => {
  const store = await openStore(await tempStoreDir(t));
  const a = await store.writeObject(Buffer.from('old'));
  const past = new Date(Date.now() - 5 * 3600 * 1000);
  await fsp.utimes(store.objectPath(a.oid), past, past);
  await store.writeObject(Buffer.from('old'));
  assert.ok((await fsp.stat(store.objectPath(a.oid))).mtimeMs > past.getTime() + 3600 * 1000);
});

test('real content replaces an LFS pointer at its name', async t => {
  const store = await openStore(await tempStoreDir(t));
  const data = Buffer.from('content that was only a pointer');
  const oid = sha256(data);
  await fsp.mkdir(path.dirname(store.objectPath(oid)), { recursive: true });
  await fsp.writeFile(store.objectPath(oid), lfsPointerText(oid, data.length));
  assert.equal(await store.objectState(oid), 'pointer');
  await store.writeObject(data);
  assert.equal(await store.objectState(oid), 'local');
  assert.ok((await store.readObject(oid)).equals(data));
});

test('a failing source stream leaves no object and no tmp file', async t => {
  const dir = await tempStoreDir(t);
  const store = await openStore(dir);
  async function* failing() {
    yield Buffer.alloc(1000, 1);
    throw new Error('source broke');
  }
  await assert.rejects(store.writeObject(Readable.from(failing())));
  assert.deepEqual(await listFiles(path.join(dir, 'objects')), []);
  assert.deepEqual(await fsp.readdir(path.join(dir, 'tmp')), []);
});
