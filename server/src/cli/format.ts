/** Human-readable output for the CLI's default (non --json) mode. */

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

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

/** "500M", "2GiB", "1.5g", "1000" → bytes (binary multiples: what `ls -h` and the UI show). */
export function parseByteSize(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?$/i.exec(text.trim());
  if (!m) return null;
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[
    m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'
  ];
  const n = Math.floor(Number(m[1]) * mult);
  return Number.isSafeInteger(n) ? n : null;
}
