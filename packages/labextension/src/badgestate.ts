/**
 * What a cell's badge shows, derived from (a) the last engine event for the cell and (b) the
 * entries the server knows for it, against the cell's current code hash. Pure, so every wording
 * and every state transition is unit-tested.
 */
import type { IEntrySummary, IRunEvent } from './events';
import { formatBytes, formatDate, formatDuration } from './format';

export type BadgeState = 'armed' | 'hit' | 'stored' | 'skipped' | 'stale' | 'error';

export interface IBadge {
  state: BadgeState;
  /** Short visible text. */
  label: string;
  /** The tooltip: says why. */
  title: string;
}

/** What to do about each engine error code, appended to the engine's own reason. */
export const ERROR_ADVICE: Readonly<Record<string, string>> = {
  EUNPICKLABLE:
    'List the variables to keep in the cell options (outputs), or turn caching off for this cell.',
  EUNHASHABLE: 'Name the inputs in the cell options, or give the cell a key.',
  ESTOREFULL:
    'The store is full (over its byte budget), so this run was not stored: evict or trim entries in the XetCache browser, or raise the byte budget in Settings → XetCache.',
  ECORRUPT: 'A cached object did not match its hash; it was quarantined and the cell ran normally.',
  ESTORE: 'The cache folder could not be written: check its permissions and free disk space.'
};

const sep = ' · ';

function missWhy(ev: IRunEvent): string {
  const c = ev.changed;
  if (!c) {
    return 'first run with these inputs';
  }
  const parts: string[] = [];
  if (c.code) {
    parts.push('the code changed');
  }
  if (c.inputs.length) {
    parts.push(`input ${c.inputs.join(', ')} changed`);
  }
  return parts.length ? `miss: ${parts.join(' and ')}` : 'miss: no earlier entry matched';
}

/**
 * Said (briefly: the fix is in the sidebar, once) on a badge whose earlier entries could not be
 * looked up because the server is not usable.
 */
export const LOOKUP_UNAVAILABLE =
  'earlier entries unknown: the XetCache server is not available (the XetCache sidebar says how to fix it)';

export function armedBadge(lookupFailed = false): IBadge {
  const title = 'Caching is on: the next run is stored if it is slow enough (or "always")';
  return {
    state: 'armed',
    label: 'cache',
    title: lookupFailed ? `${title}${sep}${LOOKUP_UNAVAILABLE}` : title
  };
}

export function badgeFromEvent(ev: IRunEvent): IBadge {
  switch (ev.state) {
    case 'hit': {
      const parts = [
        `Restored in ${formatDuration(ev.restore_s)}`,
        `saved ${formatDuration(ev.saved_s)}`,
        `stored ${formatDate(ev.created)}`,
        formatBytes(ev.bytes)
      ];
      return {
        state: 'hit',
        label: `hit · saved ${formatDuration(ev.saved_s)}`,
        title: parts.join(sep)
      };
    }
    case 'stored': {
      const parts = [
        `Stored: ran ${formatDuration(ev.runtime_s)}`,
        formatBytes(ev.bytes),
        missWhy(ev)
      ];
      return { state: 'stored', label: 'stored', title: parts.join(sep) };
    }
    case 'skipped': {
      const title =
        `ran ${formatDuration(ev.runtime_s)}, below the ${formatDuration(ev.threshold_s)} threshold — not cached` +
        `${sep}${missWhy(ev)}`;
      return { state: 'skipped', label: 'not cached', title };
    }
    case 'error':
    default: {
      const what = ev.reason ?? `cache error ${ev.error_code ?? ''}`.trim();
      const advice = (ev.error_code && ERROR_ADVICE[ev.error_code]) || '';
      const title = [what, ev.variable ? `(variable ${ev.variable})` : '', advice]
        .filter(Boolean)
        .join(' ');
      return { state: 'error', label: 'cache error', title };
    }
  }
}

/** From the server's entries of one cell: stored if one matches the code, stale if none does. */
export function badgeFromEntries(
  entries: IEntrySummary[],
  codeSha256: string,
  lookupFailed = false
): IBadge {
  if (!entries.length) {
    return armedBadge(lookupFailed);
  }
  const newest = (list: IEntrySummary[]): IEntrySummary =>
    list.reduce((a, b) => (a.created >= b.created ? a : b));
  const matching = entries.filter(e => e.code_sha256 === codeSha256);
  if (matching.length) {
    const e = newest(matching);
    const more = matching.length > 1 ? `${sep}${matching.length} entries` : '';
    return {
      state: 'stored',
      label: 'cached',
      title: `cached entry from ${formatDate(e.created)}${sep}ran ${formatDuration(e.runtime_s)}${sep}${formatBytes(e.total_bytes)}${more}`
    };
  }
  const e = newest(entries);
  return {
    state: 'stale',
    label: 'stale',
    title: `The code changed since the cached entry from ${formatDate(e.created)}; the next run stores a new entry`
  };
}

/**
 * The badge for a cell now, or null for a cell that gets none (caching off and not %%xetmemo).
 * The last event wins while it is about the current code; after an edit the entries decide.
 */
export function deriveBadge(opts: {
  enabled: boolean;
  codeSha256: string;
  lastEvent: IRunEvent | null;
  entries: IEntrySummary[];
  /** The server could not be asked for this notebook's entries (so none are known). */
  lookupFailed?: boolean;
}): IBadge | null {
  if (!opts.enabled) {
    return null;
  }
  if (opts.lastEvent && opts.lastEvent.code_sha256 === opts.codeSha256) {
    return badgeFromEvent(opts.lastEvent);
  }
  return badgeFromEntries(opts.entries, opts.codeSha256, opts.lookupFailed === true);
}
