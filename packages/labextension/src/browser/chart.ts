/**
 * The browser's picture of the cache: per cell, bytes and time saved as two bars scaled to the
 * largest value. Plain data here (tested); the widget draws it as CSS bars, no chart library.
 */
import type { IEntrySummary } from '../events';

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

/** Groups entries by cell, biggest first, at most `max` bars (the rest summed as "other cells"). */
export function cellBars(entries: IEntrySummary[], max = 8): ICellBar[] {
  const by = new Map<string, { label: string; entries: number; bytes: number; savedS: number }>();
  for (const e of entries) {
    const id = e.cell_id ?? `(${e.kind})`;
    const g = by.get(id) ?? { label: firstLine(e.preview) || id, entries: 0, bytes: 0, savedS: 0 };
    g.entries += 1;
    g.bytes += e.total_bytes;
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
      label: `${rest.length} other cells`,
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

export function firstLine(preview: string): string {
  const line = preview.split('\n').find(l => l.trim() && !l.trim().startsWith('%%')) ?? '';
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}
