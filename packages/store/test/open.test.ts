import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../src/store';
import { parseStoreFile } from '../src/open';
import { GITATTRIBUTES_CONTENT, GITIGNORE_CONTENT, STORE_FILE_CONTENT } from '../src/layout';
import { rejectsWithCode, tempStoreDir } from './helpers';

test('create writes the fixed files and folders byte-exact', async t => {
  const dir = await tempStoreDir(t);
  const store = await openStore(dir);
  assert.equal(store.dir, dir);
  assert.equal(await fsp.readFile(path.join(dir, 'STORE'), 'utf8'), STORE_FILE_CONTENT);
  assert.equal(await fsp.readFile(path.join(dir, '.gitattributes'), 'utf8'), GITATTRIBUTES_CONTENT);
  assert.equal(await fsp.readFile(path.join(dir, '.gitignore'), 'utf8'), GITIGNORE_CONTENT);
  for (const sub of ['entries', 'objects/sha256', 'tmp'])
    assert.ok((await fsp.stat(path.join(dir, sub))).isDirectory());
  assert.deepEqual(await fsp.readdir(path.join(dir, 'tmp')), []); // staging files of the create were removed
});

test('create: false refuses a folder without STORE (ENOTSTORE) and creates nothing', async t => {
  const dir = await tempStoreDir(t);
  await rejectsWithCode(openStore(dir, { create: false }), 'ENOTSTORE');
  await assert.rejects(fsp.stat(dir));
});

test('a newer major is refused with ESTOREVERSION, a minor of ours is accepted', async t => {
  const dir = await tempStoreDir(t);
  await openStore(dir);
  await fsp.writeFile(path.join(dir, 'STORE'), 'xetcache-store 2\n');
  await rejectsWithCode(openStore(dir), 'ESTOREVERSION');
  await rejectsWithCode(openStore(dir, { create: false }), 'ESTOREVERSION');
  assert.equal(await fsp.readFile(path.join(dir, 'STORE'), 'utf8'), 'xetcache-store 2\n'); // not "repaired"
  await fsp.writeFile(path.join(dir, 'STORE'), 'xetcache-store 1.3\n');
  await openStore(dir, { create: false });
});

test('a path that is a file is ENOTSTORE', async t => {
  const dir = await tempStoreDir(t);
  await fsp.writeFile(dir, 'not a folder');
  await rejectsWithCode(openStore(dir), 'ENOTSTORE');
  await rejectsWithCode(openStore(dir, { create: false }), 'ENOTSTORE');
});

test('STORE version parsing accepts minors and rejects other text', () => {
  assert.deepEqual(parseStoreFile('xetcache-store 1\n'), { major: 1, minor: 0 });
  assert.deepEqual(parseStoreFile('xetcache-store 1.2.3\n'), { major: 1, minor: 2 });
  assert.equal(parseStoreFile('xetcache-store\n'), null);
  assert.equal(parseStoreFile('other-store 1\n'), null);
});

test('a garbled STORE file is ENOTSTORE', async t => {
  const dir = await tempStoreDir(t);
  await fsp.mkdir(dir, { recursive: true });
  await fsp.writeFile(path.join(dir, 'STORE'), 'something else\n');
  await rejectsWithCode(openStore(dir), 'ENOTSTORE');
});

test('existing user files are not replaced; a cloned store gets its missing folders back', async t => {
  const dir = await tempStoreDir(t);
  await fsp.mkdir(dir, { recursive: true });
  await fsp.writeFile(path.join(dir, '.gitignore'), 'custom\n');
  await openStore(dir);
  assert.equal(await fsp.readFile(path.join(dir, '.gitignore'), 'utf8'), 'custom\n');
  await fsp.rm(path.join(dir, 'tmp'), { recursive: true });
  await fsp.rm(path.join(dir, 'objects'), { recursive: true });
  await openStore(dir, { create: false });
  assert.ok((await fsp.stat(path.join(dir, 'tmp'))).isDirectory());
  assert.ok((await fsp.stat(path.join(dir, 'objects', 'sha256'))).isDirectory());
});

test('open removes tmp files older than an hour and keeps younger ones', async t => {
  const dir = await tempStoreDir(t);
  await openStore(dir);
  const old = path.join(dir, 'tmp', 'old.tmp');
  const young = path.join(dir, 'tmp', 'young.tmp');
  const other = path.join(dir, 'tmp', 'notes.txt');
  for (const p of [old, young, other]) await fsp.writeFile(p, 'x');
  const twoHoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
  await fsp.utimes(old, twoHoursAgo, twoHoursAgo);
  await fsp.utimes(other, twoHoursAgo, twoHoursAgo);
  await openStore(dir);
  assert.deepEqual((await fsp.readdir(path.join(dir, 'tmp'))).sort(), ['notes.txt', 'young.tmp']);
});
