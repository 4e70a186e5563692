import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { addEntry, makeStore, tempDir } from '../support/fixtures';

const SERVER_DIR = path.join(__dirname, '..', '..');

test('the bundle runs on its own, away from node_modules, with the addon beside it', async t => {
  const build = spawnSync(process.execPath, [path.join(SERVER_DIR, 'scripts', 'bundle.js')], {
    encoding: 'utf8'
  });
  assert.equal(build.status, 0, build.stderr);
  const dir = await tempDir(t);
  const ship = path.join(dir, 'server_dist');
  fs.mkdirSync(ship);
  for (const f of ['xetcache-server.js', 'better_sqlite3.node'])
    fs.copyFileSync(path.join(SERVER_DIR, 'dist', f), path.join(ship, f));
  const store = await makeStore(dir, 'nb/.xetcache');
  const m = await addEntry(store);
  const r = spawnSync(
    process.execPath,
    [path.join(ship, 'xetcache-server.js'), '--store', store.dir, 'ls', '--json'],
    { cwd: dir, encoding: 'utf8' }
  );
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(
    JSON.parse(r.stdout).entries.map((e: { key: string }) => e.key),
    [m.key]
  );
  // Manifest validation works inside the bundle (the schema is inlined): a broken manifest is not listed.
  fs.writeFileSync(store.manifestPath(m.key), '{"format": 2}\n');
  const after = spawnSync(
    process.execPath,
    [path.join(ship, 'xetcache-server.js'), '--store', store.dir, 'verify', '--json'],
    { cwd: dir, encoding: 'utf8' }
  );
  assert.equal(after.status, 1);
  assert.equal(JSON.parse(after.stdout).problems[0].code, 'EBADMANIFEST');
});
