import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Store } from '../src/store';
import { openStore } from '../src/store';
import { lfsPointerText } from '../src/lfs';
import { isXetCacheError } from '../src/errors';
import { rejectsWithCode, sha256, tempStoreDir } from './helpers';

async function flipByte(p: string, at: number): Promise<void> {
  const buf = await fsp.readFile(p);
  buf[at] ^= 0xff;
  await fsp.chmod(p, 0o644);
  await fsp.writeFile(p, buf);
}

async function collect(s: NodeJS.ReadableStream): Promise<{ data: Buffer; error: unknown }> {
  const parts: Buffer[] = [];
  try {
    for await (const c of s as AsyncIterable<Buffer>) parts.push(c);
    return { data: Buffer.concat(parts), error: null };
  } catch (e) {
    return { data: Buffer.concat(parts), error: e };
  }
}

async function bigObject(store: Store): Promise<{ oid: string; data: Buffer }> {
  const data = Buffer.alloc(3 * 1024 * 1024 + 17);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
  return { oid: (await store.writeObject(data)).oid, data };
}

test('a stream read returns the verified bytes', async t => {
  const store = await openStore(await tempStoreDir(t));
  const { oid, data } = await bigObject(store);
  const r = await collect(store.createObjectReadStream(oid));
  assert.equal(r.error, null);
  assert.ok(r.data.equals(data));
});

test('one flipped byte: readObject throws EINTEGRITY and quarantines the file', async t => {
  const dir = await tempStoreDir(t);
  const store = await openStore(dir);
  const { oid } = await bigObject(store);
  await flipByte(store.objectPath(oid), 1_000_000);
  await rejectsWithCode(store.readObject(oid), 'EINTEGRITY');
  assert.equal(await store.objectState(oid), 'missing');
  assert.ok((await fsp.stat(path.join(dir, 'quarantine', oid))).isFile());
  await rejectsWithCode(store.readObject(oid), 'ENOTFOUND'); // never loaded again
});

test('one flipped byte: the stream errors EINTEGRITY before handing over the whole object', async t => {
  const dir = await tempStoreDir(t);
  const store = await openStore(dir);
  const { oid, data } = await bigObject(store);
  await flipByte(store.objectPath(oid), data.length - 1);
  const r = await collect(store.createObjectReadStream(oid));
  assert.ok(isXetCacheError(r.error, 'EINTEGRITY'));
  assert.ok(r.data.length < data.length); // the last chunk was withheld
  assert.ok((await fsp.stat(path.join(dir, 'quarantine', oid))).isFile());
});

test('an LFS pointer is ELFSPOINTER (not local), never quarantined', async t => {
  const dir = await tempStoreDir(t);
  const store = await openStore(dir);
  const oid = sha256('the real content');
  await fsp.mkdir(path.dirname(store.objectPath(oid)), { recursive: true });
  await fsp.writeFile(store.objectPath(oid), lfsPointerText(oid, 16));
  assert.equal(await store.objectState(oid), 'pointer');
  await rejectsWithCode(store.readObject(oid), 'ELFSPOINTER');
  const r = await collect(store.createObjectReadStream(oid));
  assert.ok(isXetCacheError(r.error, 'ELFSPOINTER'));
  assert.equal(await store.objectState(oid), 'pointer');
  await assert.rejects(fsp.stat(path.join(dir, 'quarantine', oid)));
});

test('content that merely starts like a pointer is content (it hashes to its name)', async t => {
  const store = await openStore(await tempStoreDir(t));
  const data = Buffer.from(lfsPointerText('00'.repeat(32), 1));
  const { oid } = await store.writeObject(data);
  assert.equal(await store.objectState(oid), 'local');
  assert.ok((await store.readObject(oid)).equals(data));
});

test('missing objects are ENOTFOUND; bad ids EBADREQUEST', async t => {
  const store = await openStore(await tempStoreDir(t));
  const oid = sha256('never written');
  assert.equal(await store.objectState(oid), 'missing');
  await rejectsWithCode(store.readObject(oid), 'ENOTFOUND');
  const r = await collect(store.createObjectReadStream(oid));
  assert.ok(isXetCacheError(r.error, 'ENOTFOUND'));
  await rejectsWithCode(store.readObject('../STORE'), 'EBADREQUEST');
  assert.throws(
    () => store.createObjectReadStream('../STORE'),
    (e: unknown) => isXetCacheError(e, 'EBADREQUEST')
  );
});
