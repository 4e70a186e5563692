import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServerMonitor } from '../src/servermonitor';
import { XetCacheRequestError } from '../src/request';

const missing = new XetCacheRequestError(
  'ESERVERMISSING',
  'pip install x and restart JupyterLab',
  404
);

test('announces a missing server once, keeps the problem, ignores other errors', async () => {
  const said: string[] = [];
  let fail = true;
  const m = new ServerMonitor(
    s => said.push(s),
    async () => {
      if (fail) {
        throw missing;
      }
      return { name: 'xetcache-server', version: '0.1.0', api: 1 };
    }
  );
  assert.equal(await m.available(), false);
  assert.equal(await m.available(), false);
  m.report(missing);
  m.report(new XetCacheRequestError('ENOTFOUND', 'no entry', 404));
  assert.deepEqual(said, ['pip install x and restart JupyterLab']);
  assert.match(m.problem ?? '', /pip install/);
  fail = false;
  assert.equal(await m.available(), true);
  assert.equal(m.problem, null);
});
