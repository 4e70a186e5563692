import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { StoreIndex } from '../../src/index-db';
import { get, makeStore, q, serve, tempDir } from '../support/fixtures';

const SERVER_DIR = path.join(__dirname, '..', '..');

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise(resolve => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: SERVER_DIR,
      stdio: ['ignore', 'ignore', 'pipe']
    });
    let stderr = '';
    child.stderr.on('data', c => (stderr += c));
    child.on('close', code => resolve({ code, stderr }));
  });
}

test('several processes storing and evicting at once leave a store that verifies clean and an exact index', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const { base } = await serve(t, root);
  const cli = (...a: string[]) => run(['src/cli/run.ts', '--store', store.dir, ...a]);
  const writer = (nb: string) =>
    run([path.join('test', 'support', 'writer.ts'), store.dir, '12', nb]);

  const evictors = (async () => {
    const results = [];
    for (let i = 0; i < 3; i++) {
      results.push(await cli('trim', '--max-bytes', '2000'));
      results.push(await cli('evict', '--notebook', 'w1.ipynb', '--cell', 'c1'));
    }
    return results;
  })();
  const listing = (async () => {
    for (let i = 0; i < 15; i++) {
      const r = await get(base, `/api/entries?${q({ store: 'work/.xetcache', limit: 1000 })}`);
      assert.equal(r.status, 200);
    }
  })();
  const writers = await Promise.all([writer('w1.ipynb'), writer('w2.ipynb'), writer('w3.ipynb')]);
  for (const w of writers) assert.equal(w.code, 0, w.stderr);
  for (const e of await evictors) assert.equal(e.code, 0, e.stderr);
  await listing;

  const report = await store.verify();
  assert.deepEqual(report.problems, []);
  assert.equal(report.ok, true);
  // The server's index (and a fresh one) agree exactly with the manifests on disk.
  const onDisk = (await store.listManifestKeys()).sort();
  const served = (await get(base, `/api/entries?${q({ store: 'work/.xetcache', limit: 1000 })}`))
    .body;
  assert.deepEqual(served.entries.map((e: { key: string }) => e.key).sort(), onDisk);
  const fresh = await StoreIndex.open(store.dir);
  t.after(() => fresh.close());
  assert.equal((await fresh.list({ limit: 1000 })).total, onDisk.length);
  // gc after all that keeps every object the remaining manifests need.
  await store.gc({ graceMs: 0 });
  assert.equal((await store.verify()).ok, true);
});
