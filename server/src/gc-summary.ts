/**
 * What gc did, as the HTTP API and `xetcache gc --json` both answer it (server/openapi.yaml, POST /api/gc), and
 * the CLI's line for people. Besides what was removed it says what the grace period kept and when that can go:
 * a gc run right after an eviction frees nothing, and without this it would not say why.
 */
import { formatBytes, type GcReport } from '@xetcache/store';

export interface GcSummary {
  removed: number;
  freed_bytes: number;
  grace_s: number;
  /** Unreferenced objects kept because they are younger than grace_s, and their bytes. */
  grace_kept: number;
  grace_kept_bytes: number;
  /** When the first / the last of them leave the grace period (ISO 8601), null when none was kept. */
  grace_first_free: string | null;
  grace_all_free: string | null;
}

export function gcSummary(r: GcReport): GcSummary {
  return {
    removed: r.removed,
    freed_bytes: r.freedBytes,
    grace_s: r.graceMs / 1000,
    grace_kept: r.graceKept,
    grace_kept_bytes: r.graceKeptBytes,
    grace_first_free: r.graceFirstFree,
    grace_all_free: r.graceAllFree
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "1 h", "30 min", "90 s": the grace period as people set it. */
function duration(s: number): string {
  if (s >= 3600 && s % 3600 === 0) return `${s / 3600} h`;
  if (s >= 60 && s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

/** "2026-11-29T17:13:40.123Z" → "2026-11-29 17:14 UTC" (rounded up: at that minute it can surely go). */
function minuteUtc(iso: string): string {
  const ms = Math.ceil(Date.parse(iso) / 60_000) * 60_000;
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function gcText(s: GcSummary): string {
  const lines = [
    `removed ${plural(s.removed, 'unreferenced object')}, freed ${formatBytes(s.freed_bytes)}`
  ];
  if (s.grace_kept > 0 && s.grace_first_free !== null && s.grace_all_free !== null) {
    const when =
      s.grace_first_free === s.grace_all_free ||
      minuteUtc(s.grace_first_free) === minuteUtc(s.grace_all_free)
        ? `from ${minuteUtc(s.grace_all_free)}`
        : `from ${minuteUtc(s.grace_first_free)} (all of them from ${minuteUtc(s.grace_all_free)})`;
    lines.push(
      `kept ${plural(s.grace_kept, 'unreferenced object')} (${formatBytes(s.grace_kept_bytes)}) younger than the grace period (${duration(s.grace_s)}): they can be removed ${when}; run \`xetcache gc\` again then (the grace period protects a kernel that is storing an entry right now)`
    );
  }
  return lines.join('\n');
}
