import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { lfsPointerText } from '@xetcache/store';
import { addEntry, authFetch, get, makeStore, q, serve, tempDir } from '../support/fixtures';
import { assertMatchesOpenApi } from '../support/openapi';

const STORE = 'work/.xetcache';

test('objects are served byte-exact after verification; a corrupt one gives EINTEGRITY, not bytes', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const data = randomBytes(5000);
  const { oid } = await store.writeObject(data);
  const m = await addEntry(store);
  const { base } = await serve(t, root);

  const res = await authFetch(`${base}/api/objects/${oid}?${q({ store: STORE })}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/octet-stream');
  assert.ok(Buffer.from(await res.arrayBuffer()).equals(data));

  // Flip one byte in place (objects are read-only for writers; a disk or a bad merge can still do this).
  const victim = m.variables.x.objects[0];
  const p = store.objectPath(victim);
  fs.chmodSync(p, 0o644);
  const bytes = fs.readFileSync(p);
  bytes[0] ^= 0xff;
  fs.writeFileSync(p, bytes);
  const bad = await get(base, `/api/objects/${victim}?${q({ store: STORE })}`);
  assert.equal(bad.status, 409);
  assert.equal(bad.body.code, 'EINTEGRITY');
  assertMatchesOpenApi('/api/objects/{oid}', 'GET', 409, bad.body);
  // It was quarantined: asking again says it is gone, and verify lists it.
  const again = await get(base, `/api/objects/${victim}?${q({ store: STORE })}`);
  assert.equal(again.body.code, 'ENOTFOUND');
});

test('an LFS pointer gives ELFSPOINTER with the command to fetch it; a missing object ENOTFOUND', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const content = randomBytes(2000);
  const { oid } = await store.writeObject(content);
  const p = store.objectPath(oid);
  fs.rmSync(p, { force: true });
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, lfsPointerText(oid, content.length));
  const { base } = await serve(t, root);
  const r = await get(base, `/api/objects/${oid}?${q({ store: STORE })}`);
  assert.equal(r.status, 409);
  assert.equal(r.body.code, 'ELFSPOINTER');
  assert.match(r.body.message, /git lfs pull --include=/);
  const missing = await get(base, `/api/objects/${'a'.repeat(64)}?${q({ store: STORE })}`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.code, 'ENOTFOUND');
});

test('an object name that is a symlink out of the root, or a folder, is never served (ENOTFOUND, not bytes)', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const { base } = await serve(t, root);
  // A file outside the served root whose name is its own sha256, as a cloned repository could plant a link to it.
  const outside = await tempDir(t);
  const secret = Buffer.from('a secret outside the served root\n');
  const oid = createHash('sha256').update(secret).digest('hex');
  fs.writeFileSync(path.join(outside, 'secret'), secret);
  const link = store.objectPath(oid);
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.symlinkSync(path.join(outside, 'secret'), link);
  const r = await authFetch(`${base}/api/objects/${oid}?${q({ store: STORE })}`);
  const text = await r.text();
  assert.equal(r.status, 404);
  assert.ok(!text.includes('secret outside'), text);
  assert.equal(JSON.parse(text).code, 'ENOTFOUND');
  assertMatchesOpenApi('/api/objects/{oid}', 'GET', 404, JSON.parse(text));
  assert.ok(fs.lstatSync(link).isSymbolicLink()); // left for verify to report; the target is untouched
  assert.ok(fs.readFileSync(path.join(outside, 'secret')).equals(secret));

  // A folder where an object should be: a miss with a code, not EINTERNAL.
  const dirOid = 'd'.repeat(64);
  fs.mkdirSync(store.objectPath(dirOid), { recursive: true });
  const d = await get(base, `/api/objects/${dirOid}?${q({ store: STORE })}`);
  assert.equal(d.status, 404);
  assert.equal(d.body.code, 'ENOTFOUND');
});
