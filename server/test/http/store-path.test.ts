import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { test } from 'node:test';
import { addEntry, get, makeStore, q, serve, tempDir, tokenFor } from '../support/fixtures';

/** A raw request: fetch() would normalise "/../" in the path before sending it. */
function rawGet(
  base: string,
  rawPath: string
): Promise<{ status: number; body: { code: string; message: string } }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: rawPath,
        method: 'GET',
        headers: { Authorization: `token ${tokenFor(base)}` }
      },
      res => {
        let text = '';
        res.on('data', c => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      }
    );
    req.on('error', reject);
    req.end();
  });
}

test('stores outside the root are refused: .., absolute, encoded .., symlinks', async t => {
  const base = await tempDir(t);
  const root = path.join(base, 'root');
  fs.mkdirSync(root);
  await makeStore(root, 'work/.xetcache');
  const outside = await makeStore(base, 'secret/.xetcache');
  await addEntry(outside);
  fs.symlinkSync(path.join(base, 'secret'), path.join(root, 'link-out'));
  fs.symlinkSync(path.join(root, 'work'), path.join(root, 'link-in'));
  const { base: url } = await serve(t, root);

  for (const store of [
    '../secret/.xetcache',
    'work/../../secret/.xetcache',
    path.join(base, 'secret/.xetcache'),
    'link-out/.xetcache',
    '..',
    'work\\..\\..\\secret\\.xetcache'
  ]) {
    const r = await get(url, `/api/entries?${q({ store })}`);
    assert.equal(r.status, 403, store);
    assert.equal(r.body.code, 'EOUTSIDEROOT', store);
    assert.match(r.body.message, /inside the server root/);
  }
  const encoded = await rawGet(url, '/api/entries?store=%2e%2e%2fsecret%2f.xetcache');
  assert.equal(encoded.body.code, 'EOUTSIDEROOT');
  const doubleSlash = await rawGet(url, '/api/stats?store=%2F%2Fetc');
  assert.equal(doubleSlash.body.code, 'EOUTSIDEROOT');
  // A symlink that stays inside the root is fine.
  assert.equal((await get(url, `/api/entries?${q({ store: 'link-in/.xetcache' })}`)).status, 200);
  assert.equal((await get(url, `/api/entries?${q({ store: 'work/.xetcache' })}`)).status, 200);
});

test('a folder inside the root that is not a store answers ENOTSTORE (a missing one is empty: missing-store.test.ts)', async t => {
  const root = await tempDir(t);
  fs.mkdirSync(path.join(root, 'empty'));
  const { base } = await serve(t, root);
  const r = await get(base, `/api/entries?${q({ store: 'empty' })}`);
  assert.equal(r.status, 404);
  assert.equal(r.body.code, 'ENOTSTORE');
});

test('a name too long for the filesystem or a loop of symlinks is "no store there" (404), not a 500', async t => {
  const root = await tempDir(t);
  fs.symlinkSync('loop-b', path.join(root, 'loop-a'));
  fs.symlinkSync('loop-a', path.join(root, 'loop-b'));
  const { base } = await serve(t, root);
  for (const store of ['x'.repeat(300), `${'d/'.repeat(2000)}.xetcache`, 'loop-a/.xetcache']) {
    for (const p of [
      `/api/objects/${'a'.repeat(64)}?${q({ store })}`,
      `/api/entries/${'a'.repeat(64)}?${q({ store })}`
    ]) {
      const r = await get(base, p);
      assert.equal(r.status, 404, `${store.slice(0, 20)}: ${JSON.stringify(r.body)}`);
      // A missing store has no such entry or object: ENOTFOUND is as true as ENOTSTORE here.
      assert.ok(['ENOTSTORE', 'ENOTFOUND'].includes(r.body.code), r.body.code);
    }
  }
});
