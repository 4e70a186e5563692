import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ERROR_CODES, XetCacheError, isXetCacheError } from '../src/errors';

test('every agreed code exists and errors carry code and details', () => {
  for (const code of [
    'ENOTSTORE',
    'ESTOREVERSION',
    'EINTEGRITY',
    'ENOTFOUND',
    'EBADMANIFEST',
    'ELFSPOINTER',
    'EOUTSIDEROOT',
    'EBADREQUEST',
    'ECROSSSITE',
    'ESTOREFULL',
    'EINTERNAL'
  ] as const) {
    assert.ok(ERROR_CODES.includes(code));
    const e = new XetCacheError(code, 'm', { x: 1 });
    assert.equal(e.code, code);
    assert.deepEqual(e.details, { x: 1 });
    assert.ok(e instanceof Error);
    assert.ok(isXetCacheError(e, code));
  }
});

test('isXetCacheError distinguishes codes and foreign errors', () => {
  const e = new XetCacheError('ENOTFOUND', 'm');
  assert.equal(isXetCacheError(e, 'EINTEGRITY'), false);
  assert.equal(isXetCacheError(new Error('x')), false);
  assert.equal(isXetCacheError(Object.assign(new Error('x'), { code: 'ENOENT' })), false);
  assert.equal(e.details, undefined);
});
