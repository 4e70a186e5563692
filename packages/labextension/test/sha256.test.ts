import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { sha256Hex } from '../src/sha256';

const ref = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

test('matches the published vector for "abc"', () => {
  assert.equal(
    sha256Hex('abc'),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
  );
});

test('matches node crypto around the padding boundaries and for non-ASCII code', () => {
  for (let n = 0; n < 200; n++) {
    const s = 'x'.repeat(n);
    assert.equal(sha256Hex(s), ref(s), `length ${n}`);
  }
  const code = 'df = load("données.csv")  # 数据 🚀\nprint(df)\n';
  assert.equal(sha256Hex(code), ref(code));
});

test('large source', () => {
  const s = 'a = 1\n'.repeat(50000);
  assert.equal(sha256Hex(s), ref(s));
});
