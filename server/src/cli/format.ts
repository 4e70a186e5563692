/** Human-readable output for the CLI's default (non --json) mode. Sizes: formatBytes of @xetcache/store (units.ts). */

export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  if (s < 3600) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** "2026-11-25T10:00:00.123Z" → "2026-11-25 10:00" (UTC, minutes are enough in a table). */
export function formatTime(iso: string | null): string {
  if (iso === null) return '-';
  return iso.replace('T', ' ').slice(0, 16);
}

/** First line of a preview, shortened for a table cell. */
export function oneLine(text: string, max: number): string {
  const line = text.split('\n').find(l => l.trim() !== '') ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Left-aligned columns, right-aligned where `right` says (numbers). */
export function table(
  headers: string[],
  rows: string[][],
  right: ReadonlySet<number> = new Set()
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [fmt(headers), ...rows.map(fmt)].join('\n');
}
