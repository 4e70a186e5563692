/**
 * gc with a grace period too short for a writer (issue 10 item 5): `gc --grace 0` deleted the objects of entries
 * being written. Here a real writer process stores entries (objects first, manifest last) while gc is asked for a
 * zero grace over and over: every such gc is refused with EBADREQUEST, and every entry the writer finished is whole.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { MIN_GC_GRACE_MS, isXetCacheError } from '@xetcache/store';
import { StoreIndex } from '../../src/index-db';
import { makeStore, tempDir } from '../support/fixtures';

const SERVER_DIR = path.join(__dirname, '..', '..');

test('a grace period below the safe minimum is refused while a writer stores; forced, it is accepted', async t => {
  const root = await tempDir(t);
  const store = await makeStore(root);
  const index = await StoreIndex.open(store.dir);
  t.after(() => index.close());
  const writer = spawn(
    process.execPath,
    ['--import', 'tsx', path.join('test', 'support', 'writer.ts'), store.dir, '40', 'w.ipynb'],
    { cwd: SERVER_DIR, stdio: 'ignore' }
  );
  const done = new Promise<number | null>(resolve => writer.on('close', resolve));
  let refused = 0;
  let running = true;
  void done.then(() => (running = false));
  while (running) {
    for (const graceS of [0, MIN_GC_GRACE_MS / 1000 - 1]) {
      await assert.rejects(index.gc(graceS), e => {
        assert.ok(isXetCacheError(e) && e.code === 'EBADREQUEST');
        assert.match(e.message, /below the safe minimum of 600 s.*being written/);
        return true;
      });
      refused++;
    }
    await new Promise(r => setTimeout(r, 5));
  }
  assert.equal(await done, 0);
  assert.ok(refused > 0);
  const report = await store.verify(); // every manifest the writer wrote names objects that are all there
  assert.equal(report.ok, true, JSON.stringify(report.problems));
  assert.equal((await store.listManifestKeys()).length, 40);

  assert.equal((await index.gc(MIN_GC_GRACE_MS / 1000)).removed, 0); // the minimum itself is accepted
  assert.equal((await index.gc(0, true)).graceMs, 0); // forced: the caller says no writer can be running
});
