import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatDate, formatDuration, parseBytes } from '../src/format';

test('bytes are binary, as the CLI prints them', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1024), '1 KiB');
  assert.equal(formatBytes(3_200_000), '3.1 MiB');
  assert.equal(formatBytes(500 * 2 ** 20), '500 MiB');
  assert.equal(formatBytes(45 * 2 ** 30), '45 GiB');
  assert.equal(formatBytes(2 ** 20 - 1), '1 MiB');
  assert.equal(formatBytes(null), '—');
});

test('durations', () => {
  assert.equal(formatDuration(0.004), '4 ms');
  assert.equal(formatDuration(0.2), '0.2 s');
  assert.equal(formatDuration(12.4), '12.4 s');
  assert.equal(formatDuration(3), '3 s');
  assert.equal(formatDuration(200), '3 min 20 s');
  assert.equal(formatDuration(7500), '2 h 5 min');
  assert.equal(formatDuration(undefined), '—');
});

test('dates are local and minute precision; garbage passes through', () => {
  const iso = '2026-11-25T10:00:00Z';
  const d = new Date(iso);
  const p = (n: number): string => String(n).padStart(2, '0');
  const want = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
  assert.equal(formatDate(iso), want);
  assert.equal(formatDate('yesterday'), 'yesterday');
  assert.equal(formatDate(null), '—');
});

test('budgets typed by people: each unit as it says (MB = 10^6, MiB = 2^20) or plain bytes', () => {
  assert.equal(parseBytes('500 MB'), 500_000_000);
  assert.equal(parseBytes('2 GB'), 2_000_000_000);
  assert.equal(parseBytes('500 MiB'), 500 * 2 ** 20);
  assert.equal(parseBytes('2 GiB'), 2 * 2 ** 30);
  assert.equal(parseBytes('1.5gib'), 1.5 * 2 ** 30);
  assert.equal(parseBytes(' 1234 '), 1234);
  assert.equal(parseBytes('1234 B'), 1234);
  assert.equal(parseBytes('64k'), 65536);
  for (const junk of ['', 'lots', '-5 MiB', '5 PiB', '5 PB']) {
    assert.equal(parseBytes(junk), null, junk);
  }
});

test('the budget field reads back what it shows', () => {
  for (const n of [0, 1000, 1024, 3_200_000, 500 * 2 ** 20, 7 * 2 ** 30]) {
    const shown = formatBytes(n);
    const back = parseBytes(shown);
    assert.ok(back !== null, shown);
    // Shown rounded (one decimal under 10): read back within that rounding.
    assert.ok(Math.abs(back - n) <= n * 0.05, `${shown} → ${back} for ${n}`);
  }
});
