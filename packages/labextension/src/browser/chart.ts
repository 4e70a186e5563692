/**
 * The browser's picture of the cache: per cell, bytes and time saved as two bars scaled to the
 * largest value. Plain data here (tested); the widget draws it as CSS bars, no chart library.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IEntrySummary } from '../events';
import { formatBytes } from '../format';

export interface ICellBarsOptions {
  /** At most this many bars (the rest summed as "N other cells"). */
  max?: number;
  /** Where the cell is, e.g. "cell 3" (null: not in the open notebook). */
  nameOf?: (cellId: string) => string | null;
  trans?: TranslationBundle;
}

export interface ICellBar {
  cellId: string;
  label: string;
  entries: number;
  bytes: number;
  savedS: number;
  /** 0..100, relative to the largest cell. */
  bytesPct: number;
  savedPct: number;
}

/**
 * Groups entries by cell, biggest first, at most `max` bars. A bar's label says where the cell is
 * ("cell 3: first line") and is shown whole, on a line of its own above its bars.
 */
export function cellBars(entries: IEntrySummary[], opts: ICellBarsOptions = {}): ICellBar[] {
  const max = opts.max ?? 8;
  const by = new Map<string, { label: string; entries: number; bytes: number; savedS: number }>();
  for (const e of entries) {
    const id = e.cell_id ?? `(${e.kind})`;
    const line = firstLine(e.preview) || e.qualname || id;
    const name = e.cell_id && opts.nameOf ? opts.nameOf(e.cell_id) : null;
    const label = name ? `${name}: ${line}` : line;
    const g = by.get(id) ?? { label, entries: 0, bytes: 0, savedS: 0 };
    g.entries += 1;
    // what the entries take in the store (each chunk once per entry), as the totals above the chart count
    g.bytes += e.stored_bytes;
    g.savedS += e.time_saved_s;
    by.set(id, g);
  }
  let groups = [...by.entries()].map(([cellId, g]) => ({ cellId, ...g }));
  groups.sort(
    (a, b) => b.bytes - a.bytes || b.savedS - a.savedS || a.cellId.localeCompare(b.cellId)
  );
  if (groups.length > max) {
    const rest = groups.slice(max - 1);
    groups = groups.slice(0, max - 1);
    groups.push({
      cellId: '',
      label: opts.trans
        ? opts.trans._n('%1 other cell', '%1 other cells', rest.length)
        : `${rest.length} other cells`,
      entries: rest.reduce((s, g) => s + g.entries, 0),
      bytes: rest.reduce((s, g) => s + g.bytes, 0),
      savedS: rest.reduce((s, g) => s + g.savedS, 0)
    });
  }
  const maxBytes = Math.max(1, ...groups.map(g => g.bytes));
  const maxSaved = Math.max(1e-9, ...groups.map(g => g.savedS));
  return groups.map(g => ({
    ...g,
    bytesPct: Math.round((g.bytes / maxBytes) * 100),
    savedPct: g.savedS > 0 ? Math.round((g.savedS / maxSaved) * 100) : 0
  }));
}

/**
 * An entry's size as `xetcache ls`/`stats` tell it: logical (the values whole), and what the store holds for it
 * when that is less (format 2: its chunks, each once).
 */
export function sizeText(
  e: Pick<IEntrySummary, 'total_bytes' | 'stored_bytes'>,
  trans?: TranslationBundle
): string {
  const size = formatBytes(e.total_bytes);
  if (e.stored_bytes >= e.total_bytes) return trans ? trans.__('size %1', size) : `size ${size}`;
  const stored = formatBytes(e.stored_bytes);
  return trans ? trans.__('size %1 · %2 stored', size, stored) : `size ${size} · ${stored} stored`;
}

export function firstLine(preview: string): string {
  const line = preview.split('\n').find(l => l.trim() && !l.trim().startsWith('%%')) ?? '';
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}
