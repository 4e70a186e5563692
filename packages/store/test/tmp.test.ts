/**
 * Leftovers of killed writers (issue 10 item 6): tmp files are named <host>-<pid>-<random>.tmp (spec/FORMAT.md), so
 * opening the store removes those of a writer that is gone — here a real process killed with SIGKILL while it held
 * its tmp file open — at once instead of after an hour; a live writer's, another machine's and unknown young ones
 * stay.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { TMP_STALE_MS } from '../src/layout';
import { openStoreDir } from '../src/open';
import { createTmp, hostId, tmpWriter } from '../src/tmp';
import { tempStoreDir } from './helpers';

const PKG_DIR = path.join(__dirname, '..');

async function tmpNames(dir: string): Promise<string[]> {
  return (await fsp.readdir(path.join(dir, 'tmp'))).filter(n => n.endsWith('.tmp')).sort();
}

test('the tmp file of a writer killed mid-write goes at the next open of the store', async t => {
  const dir = await openStoreDir(await tempStoreDir(t));
  const code =
    "const { createTmp } = require('./src/tmp');" +
    '(async () => { const t = await createTmp(process.argv[1]);' +
    " await t.fh.write(Buffer.alloc(65536)); process.stdout.write('ready\\n'); setInterval(() => {}, 1000); })();";
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', code, dir], {
    cwd: PKG_DIR,
    stdio: ['ignore', 'pipe', 'inherit']
  });
  const exited = new Promise(resolve => child.on('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) =>
      d.toString().includes('ready') ? resolve() : undefined
    );
    child.on('exit', () => reject(new Error('the writer exited before writing')));
  });
  const left = await tmpNames(dir);
  assert.equal(left.length, 1);
  assert.deepEqual(tmpWriter(left[0]), [hostId(), child.pid]);
  child.kill('SIGKILL');
  await exited;
  await openStoreDir(dir, { create: false }); // what the server, the CLI and every writer do first
  assert.deepEqual(await tmpNames(dir), []);
});

test("a live writer's, another machine's and unknown young tmp files stay until they are an hour old", async t => {
  const dir = await openStoreDir(await tempStoreDir(t));
  const mine = await createTmp(dir); // this process: alive
  await mine.fh.close();
  const rand = () => randomBytes(12).toString('hex');
  const foreign = path.join(dir, 'tmp', `00000000-${process.pid + 1}-${rand()}.tmp`);
  const oldStyle = path.join(dir, 'tmp', `${rand()}.tmp`);
  for (const p of [foreign, oldStyle]) await fsp.writeFile(p, 'x');
  await openStoreDir(dir, { create: false });
  const all = [mine.path, foreign, oldStyle].map(p => path.basename(p)).sort();
  assert.deepEqual(await tmpNames(dir), all);
  const hourAgo = new Date(Date.now() - TMP_STALE_MS - 10_000);
  for (const p of [foreign, oldStyle]) await fsp.utimes(p, hourAgo, hourAgo);
  await openStoreDir(dir, { create: false });
  assert.deepEqual(await tmpNames(dir), [path.basename(mine.path)]);
});
