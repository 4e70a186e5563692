/**
 * The Store as a whole, across processes: concurrent writers/evicters leave a store that verifies clean, and a
 * writer killed mid-object leaves nothing visible and only a tmp file that the next open cleans once it is old.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../src/store';
import { listFiles, tempStoreDir } from './helpers';

const PKG = path.join(__dirname, '..');

function runTs(script: string, args: string[]): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'fixtures', script), ...args],
    {
      cwd: PKG,
      stdio: ['ignore', 'pipe', 'pipe']
    }
  );
}

function exited(
  child: ChildProcess
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise(resolve =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }))
  );
}

test('several processes writing, evicting and gc-ing at once leave a store that verifies clean', async t => {
  const dir = await tempStoreDir(t);
  const store = await openStore(dir);
  const children = [0, 1, 2, 3].map(w => runTs('churn.ts', [dir, String(w), '12']));
  const results = children.map(exited);
  // Meanwhile the parent runs gc (default grace) and verify, as the server would.
  let done = false;
  void Promise.all(results).then(() => (done = true));
  while (!done) {
    assert.equal((await store.gc()).removed, 0);
    const mid = await store.verify();
    assert.deepEqual(mid.problems, []);
  }
  for (const r of await Promise.all(results)) assert.equal(r.code, 0, r.stderr);

  const report = await store.verify();
  assert.equal(report.ok, true, JSON.stringify(report.problems));
  const keys = await store.listManifestKeys();
  assert.equal(report.manifests, keys.length);
  assert.ok(keys.length > 0 && keys.length < 48); // some were evicted
  assert.equal((await store.readHits(0)).hits.length, 48);

  // Now nothing is in flight: a zero-grace gc removes exactly the unreferenced objects.
  await store.gc({ graceMs: 0 });
  const after = await store.verify();
  assert.equal(after.ok, true);
  const live = new Set<string>();
  for (const k of keys) {
    const m = await store.readManifest(k);
    for (const v of Object.values(m.variables)) for (const oid of v.objects) live.add(oid);
    if (m.outputs) live.add(m.outputs.object);
  }
  assert.equal(after.objects, live.size);
  for (const oid of live) assert.equal((await store.readObject(oid)).length > 0, true);
  assert.deepEqual(await fsp.readdir(path.join(dir, 'tmp')), []);
});

test('a writer killed with SIGKILL mid-object leaves no visible object; its tmp file goes at the next open', async t => {
  const dir = await tempStoreDir(t);
  await openStore(dir);
  const child = runTs('slow-writer.ts', [dir]);
  const result = exited(child);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('writing')) resolve();
    });
    child.on('exit', () => reject(new Error('writer exited before writing')));
  });
  child.kill('SIGKILL');
  const r = await result;
  assert.equal(r.signal, 'SIGKILL');

  const files = await listFiles(dir);
  const tmps = files.filter(f => f.startsWith(`tmp${path.sep}`));
  assert.equal(tmps.length, 1);
  assert.ok(tmps[0].endsWith('.tmp'));
  assert.ok((await fsp.stat(path.join(dir, tmps[0]))).size > 0);
  assert.deepEqual(
    files.filter(f => f.startsWith('objects') || f.startsWith('entries')),
    []
  );

  // Young, but its name says whose it is and that process is gone: removed at the next open, not an hour later.
  const store = await openStore(dir);
  assert.deepEqual(await fsp.readdir(path.join(dir, 'tmp')), []);
  assert.deepEqual(await store.verify(), {
    ok: true,
    problems: [],
    objects: 0,
    manifests: 0,
    pointers: 0
  });
});
