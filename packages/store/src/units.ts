/**
 * Byte sizes for people, the one convention of every XetCache surface (sidebar, badges, CLI `ls`/`stats`/`show`/
 * `status`/`gc`/`trim`, README): sizes are shown in binary units (KiB, MiB, GiB, TiB = powers of 1024, like `ls -h`),
 * and what is shown parses back to (nearly) the same number. Parsing takes each unit for what it says: KiB/MiB/GiB
 * are powers of 1024, KB/MB/GB powers of 1000 (`trim --max-bytes 500MB` is 500 000 000 bytes, never 500 MiB), and a
 * bare K/M/G (`500M`, as `ls -h` prints) is binary. Pure code with no Node imports: the browser bundle imports this
 * file on its own (`@xetcache/store/lib/units`), never the package's index.
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** Bytes → "999 B", "3.1 MiB", "42 GiB"; null, undefined or not finite → "—". */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  if (i === 0) return `${v} B`;
  const shown = Math.abs(v) < 10 ? Number(v.toFixed(1)) : Math.round(v);
  // 1023.96 KiB would round to "1024 KiB": show the next unit instead.
  if (Math.abs(shown) >= 1024 && i < UNITS.length - 1) return `${Math.sign(shown)} ${UNITS[i + 1]}`;
  return `${shown} ${UNITS[i]}`;
}

const FACTOR: Record<string, number> = {
  '': 1,
  b: 1,
  k: 2 ** 10,
  kib: 2 ** 10,
  kb: 1e3,
  m: 2 ** 20,
  mib: 2 ** 20,
  mb: 1e6,
  g: 2 ** 30,
  gib: 2 ** 30,
  gb: 1e9,
  t: 2 ** 40,
  tib: 2 ** 40,
  tb: 1e12
};

/** Examples of what parseBytes reads, for messages that say what is accepted. */
export const BYTE_SIZE_EXAMPLES = '500 MiB, 2 GiB, 500 MB, 1048576';

/**
 * "500 MiB", "2GiB", "1.5 gib", "500MB" (500 000 000), "500M" (500 MiB), "1234" (bytes) → whole bytes.
 * Anything else (negative, unknown unit, beyond a safe integer) → null.
 */
export function parseBytes(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!m) return null;
  const factor = FACTOR[m[2].toLowerCase()];
  if (factor === undefined) return null;
  const n = Math.round(Number(m[1]) * factor);
  return Number.isSafeInteger(n) ? n : null;
}
