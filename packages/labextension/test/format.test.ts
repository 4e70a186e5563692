import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatDate, formatDuration, parseBytes } from '../src/format';

test('bytes', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(999), '999 B');
  assert.equal(formatBytes(3_200_000), '3.2 MB');
  assert.equal(formatBytes(45_000_000_000), '45 GB');
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

test('budgets typed by people', () => {
  assert.equal(parseBytes('500 MB'), 500_000_000);
  assert.equal(parseBytes('1.5gb'), 1_500_000_000);
  assert.equal(parseBytes(' 1234 '), 1234);
  assert.equal(parseBytes('3.2 MB'), 3_200_000);
  for (const junk of ['', 'lots', '-5 MB', '5 PB']) {
    assert.equal(parseBytes(junk), null, junk);
  }
});
