/**
 * Short, human formats shared by badges and the cache browser (one place so they agree). Sizes come from the
 * store package's units module, the one the CLI prints with: binary units (KiB, MiB, GiB), and a parser that reads
 * each unit as it says (MB = 10^6, MiB = 2^20), so the budget field reads back what it shows. Imported by its own
 * path: the package's index would bring Node code into the browser bundle.
 */
import { BYTE_SIZE_EXAMPLES } from '@xetcache/store/lib/units';

export { formatBytes, parseBytes } from '@xetcache/store/lib/units';

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
export const BUDGET_EXAMPLES = BYTE_SIZE_EXAMPLES;
