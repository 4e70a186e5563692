/**
 * `git lfs pull --include=<patterns>`: patterns are comma-separated and glob-like, and cannot escape a comma.
 * Every character that would be read as syntax becomes '?' (any one character but '/'); the file name is a 64-hex
 * oid, so the pattern still matches exactly one object. Same rule as the Python side (xetcache/lfs.py).
 */
const SPECIAL = new Set([',', '*', '?', '[', ']', '\\']);

/** Linux refuses a single argument over 128 KiB (MAX_ARG_STRLEN); stay well below. */
export const MAX_INCLUDE_ARG = 100_000;

export function includePattern(relPath: string): string {
  const chars = [...relPath].map(c => (SPECIAL.has(c) ? '?' : c));
  if (chars.length > 0 && (chars[0] === '!' || chars[0] === '#')) chars[0] = '?';
  return chars.join('');
}

/** Joins patterns into as few --include values as fit under `max` characters each. */
export function includeArgs(patterns: string[], max: number = MAX_INCLUDE_ARG): string[] {
  const out: string[] = [];
  let cur = '';
  for (const p of patterns) {
    if (cur && cur.length + 1 + p.length > max) {
      out.push(cur);
      cur = '';
    }
    cur = cur ? `${cur},${p}` : p;
  }
  if (cur) out.push(cur);
  return out;
}
