/**
 * Short, human formats shared by badges and the cache browser (one place so they agree). Sizes
 * are binary (KiB, MiB, GiB: what the CLI prints), and the budget field reads back what it shows.
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** Bytes → "999 B", "3.1 MiB", "42 GiB" (powers of 1024, like `xetcache ls`). */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) {
    return '—';
  }
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  if (i === 0) {
    return `${v} B`;
  }
  // 1023.96 KiB would round to "1024 KiB": show the next unit instead.
  const shown = v < 10 ? Number(v.toFixed(1)) : Math.round(v);
  if (shown >= 1024 && i < UNITS.length - 1) {
    return `1 ${UNITS[i + 1]}`;
  }
  return `${shown} ${UNITS[i]}`;
}

/** Seconds → "4 ms", "0.2 s", "12.4 s", "3 min 20 s", "2 h 5 min". */
export function formatDuration(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) {
    return '—';
  }
  if (s < 0.1) {
    return `${Math.round(s * 1000)} ms`;
  }
  if (s < 60) {
    return `${Number(s.toFixed(1))} s`;
  }
  if (s < 3600) {
    const m = Math.floor(s / 60);
    const rest = Math.round(s - m * 60);
    return rest ? `${m} min ${rest} s` : `${m} min`;
  }
  const h = Math.floor(s / 3600);
  const m = Math.round((s - h * 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** ISO timestamp → local "YYYY-MM-DD HH:MM" (what people read in a tooltip); bad input → as is. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) {
    return '—';
  }
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) {
    return iso;
  }
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** What the budget field accepts, for the message shown when it cannot read the text. */
export const BUDGET_EXAMPLES = '500 MiB, 2 GiB, 1048576';

const FACTOR: Record<string, number> = {
  '': 1,
  b: 1,
  k: 2 ** 10,
  kib: 2 ** 10,
  m: 2 ** 20,
  mib: 2 ** 20,
  g: 2 ** 30,
  gib: 2 ** 30,
  t: 2 ** 40,
  tib: 2 ** 40
};

/**
 * "500 MiB", "2GiB", "1.5 gib", "3.1 MiB" (as formatBytes shows it), "1234" (bytes) → bytes.
 * Decimal units (MB, GB) are refused rather than guessed: they would be read 5% off. Junk → null.
 */
export function parseBytes(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!m) {
    return null;
  }
  const factor = FACTOR[m[2].toLowerCase()];
  return factor === undefined ? null : Math.round(Number(m[1]) * factor);
}
