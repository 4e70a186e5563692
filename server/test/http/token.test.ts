import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newToken, takeTokenParams } from '../../src/http/token';
import { startServer } from '../../src/serve';
import { tempDir } from '../support/fixtures';

test('token= parameters are taken out of the query; the rest stays byte for byte', () => {
  assert.deepEqual(takeTokenParams('store=a%2Fb&token=abc&q=x+y'), {
    rest: 'store=a%2Fb&q=x+y',
    tokens: ['abc']
  });
  assert.deepEqual(takeTokenParams('%74oken=x&1795572410446'), {
    rest: '1795572410446',
    tokens: ['x']
  });
  assert.deepEqual(takeTokenParams('tokens=1&token'), { rest: 'tokens=1', tokens: [''] });
  assert.match(newToken(), /^[0-9a-f]{48}$/);
  assert.notEqual(newToken(), newToken());
});

test('TCP servers get a fresh token unless given one; a short or spaced token is refused', async t => {
  const root = await tempDir(t);
  const a = await startServer({ root, port: 0 });
  t.after(() => a.close());
  const b = await startServer({ root, port: 0 });
  t.after(() => b.close());
  assert.match(a.token ?? '', /^[0-9a-f]{48}$/);
  assert.notEqual(a.token, b.token);
  const given = await startServer({ root, port: 0, token: 'x'.repeat(16) });
  t.after(() => given.close());
  assert.equal(given.token, 'x'.repeat(16));
  for (const token of ['', 'short', 'has a space in it!!'])
    await assert.rejects(startServer({ root, port: 0, token }), /at least 16 printable/);
  const res = await fetch(`${a.url}/api/status`, {
    headers: { Authorization: `token ${b.token}` }
  });
  assert.equal(res.status, 401); // another server's token is not this one's
});
