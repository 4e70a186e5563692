import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BYTE_SIZE_EXAMPLES, formatBytes, parseBytes } from '../src/units';

test('sizes are shown in binary units', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1024), '1 KiB');
  assert.equal(formatBytes(3_200_000), '3.1 MiB');
  assert.equal(formatBytes(500 * 2 ** 20), '500 MiB');
  assert.equal(formatBytes(45 * 2 ** 30), '45 GiB');
  assert.equal(formatBytes(2 ** 20 - 1), '1 MiB');
  assert.equal(formatBytes(null), '—');
  assert.equal(formatBytes(Number.NaN), '—');
});

test('each unit is read for what it says: MB is 10^6, MiB and a bare M are 2^20', () => {
  assert.equal(parseBytes('500MB'), 500_000_000);
  assert.equal(parseBytes('500 mb'), 500_000_000);
  assert.equal(parseBytes('2 GB'), 2e9);
  assert.equal(parseBytes('1.5 kB'), 1500);
  assert.equal(parseBytes('500MiB'), 500 * 2 ** 20);
  assert.equal(parseBytes('500M'), 500 * 2 ** 20);
  assert.equal(parseBytes('1.5gib'), 1.5 * 2 ** 30);
  assert.equal(parseBytes('64k'), 65536);
  assert.equal(parseBytes(' 1234 '), 1234);
  assert.equal(parseBytes('1234 B'), 1234);
  for (const junk of ['', 'lots', '-5 MiB', '5 PiB', '5 MBs', '1e3', '99999999999 TiB']) {
    assert.equal(parseBytes(junk), null, junk);
  }
});

test('what is shown parses back to within its rounding, and every example parses', () => {
  for (const n of [0, 1000, 1024, 3_200_000, 500 * 2 ** 20, 7 * 2 ** 30, 123_456_789_012]) {
    const back = parseBytes(formatBytes(n));
    assert.ok(back !== null && Math.abs(back - n) <= n * 0.05, `${n} → ${formatBytes(n)}`);
  }
  for (const example of BYTE_SIZE_EXAMPLES.split(', ')) assert.notEqual(parseBytes(example), null);
});
