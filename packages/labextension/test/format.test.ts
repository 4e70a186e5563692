import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as units from '@xetcache/store/lib/units';
import { formatBytes, formatDate, formatDuration, parseBytes } from '../src/format';

test("bytes are the store's units, so the sidebar and the CLI print and parse sizes alike", () => {
  // the conversions themselves are tested once, in packages/store/test/units.test.ts
  assert.equal(formatBytes, units.formatBytes);
  assert.equal(parseBytes, units.parseBytes);
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

test('the budget field reads back what it shows', () => {
  for (const n of [0, 1000, 1024, 3_200_000, 500 * 2 ** 20, 7 * 2 ** 30]) {
    const shown = formatBytes(n);
    const back = parseBytes(shown);
    assert.ok(back !== null, shown);
    // Shown rounded (one decimal under 10): read back within that rounding.
    assert.ok(Math.abs(back - n) <= n * 0.05, `${shown} → ${back} for ${n}`);
  }
});
