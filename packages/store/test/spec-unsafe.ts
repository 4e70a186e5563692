/**
 * This library's runner for spec/vectors/unsafe-files.json: files a cloned repository can plant in a store.
 * Each is refused without being read, without blocking, and without anything outside the store being read,
 * moved or deleted (Outside checks the last part) — by reads, verify and gc alike.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isXetCacheError } from '../src/errors';
import { openStore } from '../src/store';
import { makeManifest, sha256 } from './helpers';
import * as ss from './spec-support';

async function code(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
    return 'ok';
  } catch (e) {
    return isXetCacheError(e) ? e.code : `not ours: ${String(e)}`;
  }
}

export async function runUnsafe(c: ss.Json, root: string): Promise<void> {
  const dir = path.join(root, 'store', '.xetcache');
  const store = await openStore(dir);
  const data = Buffer.from('the stored value');
  const { oid } = await store.writeObject(data);
  const m = makeManifest(sha256('unsafe entry'), [oid]);
  await store.writeManifest(m);
  let outside: ss.Outside;
  if (c.target === 'object') {
    outside = new ss.Outside(root, data); // the right bytes: even they must not be read through a link
    ss.plant(store.objectPath(oid), c.make, outside);
    assert.equal(await code(() => store.readObject(oid)), 'EINTEGRITY');
    assert.equal(await store.objectState(oid), 'missing');
    assert.equal((await store.verify()).ok, false);
    await store.gc({ graceMs: 0 });
  } else if (c.target === 'manifest') {
    const p = store.manifestPath(m.key);
    outside = new ss.Outside(root, fs.readFileSync(p));
    ss.plant(p, c.make, outside);
    assert.equal(await code(() => store.readManifest(m.key)), 'EBADMANIFEST');
    assert.equal((await store.verify()).ok, false);
    await store.gc({ graceMs: 0 });
    assert.ok(fs.existsSync(store.objectPath(oid)), 'gc swept while a manifest could not be read');
    // evict: the planted name goes (a link itself, never its target); nothing behind a symlinked folder
    const evicted = await store
      .deleteManifest(m.key)
      .then(String, (e: unknown) => (isXetCacheError(e) ? e.code : String(e)));
    const want: Record<string, string> = {
      'fan-symlink-outside': 'false',
      directory: 'EBADMANIFEST'
    };
    assert.equal(evicted, want[c.make] ?? 'true');
  } else if (c.target === 'marker') {
    const p = path.join(dir, 'STORE');
    outside = new ss.Outside(root, fs.readFileSync(p));
    ss.plant(p, c.make, outside);
    assert.equal(await code(() => openStore(dir, { create: false })), 'ENOTSTORE');
    assert.equal(await code(() => openStore(dir)), 'ENOTSTORE'); // never "no store here, make one"
  } else if (c.target === 'hits') {
    await store.appendHit({ key: m.key, saved_s: 1 });
    const p = path.join(dir, 'hits.jsonl');
    outside = new ss.Outside(root, fs.readFileSync(p));
    ss.plant(p, c.make, outside);
    assert.equal(await code(() => store.appendHit({ key: m.key, saved_s: 1 })), 'EINTEGRITY');
    assert.equal(await code(() => store.readHits(0)), 'EINTEGRITY');
  } else throw new Error(`unknown target ${c.target}`);
  outside.assertUntouched();
}
