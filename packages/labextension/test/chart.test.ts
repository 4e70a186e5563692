import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellBars, firstLine, sizeText } from '../src/browser/chart';
import type { IEntrySummary } from '../src/events';
import { formatBytes } from '../src/format';

const e = (
  cell: string | null,
  bytes: number,
  saved: number,
  preview = 'x = 1'
): IEntrySummary => ({
  key: `${cell}${bytes}`,
  kind: cell ? 'cell' : 'function',
  notebook: 'a.ipynb',
  cell_id: cell,
  code_sha256: 'c',
  preview,
  qualname: null,
  namespace: null,
  created: '2026-11-25T10:00:00Z',
  runtime_s: 1,
  total_bytes: bytes,
  stored_bytes: bytes,
  hits: 0,
  last_hit: null,
  time_saved_s: saved,
  variables: [],
  outputs_count: 0
});

test('groups by cell, biggest first, scaled to the largest', () => {
  const bars = cellBars([
    e('a', 100, 0),
    e('b', 400, 10, '%%xetmemo\ndf = load()'),
    e('a', 100, 5)
  ]);
  assert.deepEqual(
    bars.map(b => [b.cellId, b.entries, b.bytes, b.bytesPct, b.savedPct, b.label]),
    [
      ['b', 1, 400, 100, 100, 'df = load()'],
      ['a', 2, 200, 50, 50, 'x = 1']
    ]
  );
});

test('caps the number of bars and sums the rest', () => {
  const many = Array.from({ length: 12 }, (_, i) => e(`c${i}`, (i + 1) * 10, 0));
  const bars = cellBars(many, { max: 5 });
  assert.equal(bars.length, 5);
  assert.equal(bars[4].label, '8 other cells');
  assert.equal(
    bars[4].bytes,
    [10, 20, 30, 40, 50, 60, 70, 80].reduce((a, b) => a + b)
  );
  assert.equal(bars[0].savedPct, 0);
  assert.deepEqual(cellBars([]), []);
});

test('first line skips magics and blank lines and is shortened', () => {
  assert.equal(firstLine('\n%%xetmemo input=a\n  y = f(a)\n'), '  y = f(a)');
  assert.equal(firstLine('z'.repeat(200)).length, 120);
});

test('a bar says where its cell is in the notebook', () => {
  const bars = cellBars([e('a', 100, 0, '# slow cell\nx = 1'), e('gone', 50, 0, 'y = 2')], {
    nameOf: id => (id === 'a' ? 'cell 2' : null)
  });
  assert.deepEqual(
    bars.map(b => b.label),
    ['cell 2: # slow cell', 'y = 2']
  );
});

test('bars count what the store holds: a chunked entry by its stored bytes, not its logical size', () => {
  const chunked = { ...e('a', 4_000_000, 1), stored_bytes: 2_500_000 };
  const bars = cellBars([chunked, e('b', 3_000_000, 1)]);
  assert.deepEqual(
    bars.map(b => [b.cellId, b.bytes]),
    [
      ['b', 3_000_000],
      ['a', 2_500_000]
    ]
  );
});

test('an entry size says the stored bytes only when they differ from the logical ones', () => {
  // the units are formatBytes' business; only which numbers are shown is tested here
  assert.equal(sizeText({ total_bytes: 2048, stored_bytes: 2048 }), `size ${formatBytes(2048)}`);
  assert.equal(
    sizeText({ total_bytes: 4 << 20, stored_bytes: 3 << 20 }),
    `size ${formatBytes(4 << 20)} · ${formatBytes(3 << 20)} stored`
  );
});
