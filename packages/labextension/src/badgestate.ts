/**
 * What a cell's badge shows, derived from (a) the last engine event for the cell and (b) the
 * entries the server knows for it, against the cell's current code hash. Pure, so every wording
 * and every state transition is unit-tested. Every text goes through the translation bundle.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { depsLine } from './depstext';
import type { IEntrySummary, IRunEvent } from './events';
import { formatBytes, formatDate, formatDuration } from './format';

/** The states, named as in the README ("Using it"); the visible label starts with the name. */
export type BadgeState =
  'armed' | 'running' | 'hit' | 'stored' | 'skipped' | 'stale' | 'declined' | 'error';

/**
 * How a cell is cached: `toggled` (caching on in its metadata), `xetmemo` (a `%%xetmemo` cell,
 * never toggled: it gets a badge only from its own runs), `off` (no badge).
 */
export type CellMode = 'off' | 'toggled' | 'xetmemo';

export interface IBadge {
  state: BadgeState;
  /** Short visible text. */
  label: string;
  /** The tooltip: says why (first line), then what the entry depends on and restores. */
  title: string;
}

/** What to do about an engine error code, appended to the engine's own reason ('' if nothing). */
export function errorAdvice(code: string | null, trans: TranslationBundle): string {
  switch (code) {
    case 'EUNPICKLABLE':
      return trans.__(
        'List the variables to keep in the cell options (outputs), or turn caching off for this cell.'
      );
    case 'EUNHASHABLE':
      return trans.__('Name the inputs in the cell options, or give the cell a key.');
    case 'ESTOREFULL':
      return trans.__(
        'The store is full (over its byte budget), so this run was not stored: evict or trim entries in the XetCache browser, or raise the byte budget in Settings → XetCache.'
      );
    case 'ECORRUPT':
      return trans.__(
        'A cached object did not match its hash; it was quarantined and the cell ran normally.'
      );
    case 'ESTORE':
      return trans.__(
        'The cache folder could not be written: check its permissions and free disk space.'
      );
    default:
      return '';
  }
}

const sep = ' · ';

/**
 * The tooltip's first line, then (on lines of their own) what the run depends on and restores,
 * and the engine's warning (a declared %%xetmemo that changed more than its outputs).
 */
function withDeps(title: string, ev: IRunEvent, trans: TranslationBundle): string {
  const deps = depsLine(ev, trans);
  const warning = ev.warning ? trans.__('warning: %1', ev.warning) : '';
  return [title, deps, warning].filter(Boolean).join('\n');
}

function missWhy(ev: IRunEvent, trans: TranslationBundle): string {
  const c = ev.changed;
  if (!c) {
    return trans.__('first run with these inputs');
  }
  const parts: string[] = [];
  if (c.code) {
    parts.push(trans.__('the code changed'));
  }
  if (c.inputs.length) {
    parts.push(trans.__('input %1 changed', c.inputs.join(', ')));
  }
  if (!parts.length) {
    return trans.__('miss: no earlier entry matched');
  }
  const what = parts.length === 2 ? trans.__('%1 and %2', parts[0], parts[1]) : parts[0];
  return trans.__('miss: %1', what);
}

/**
 * Said (briefly: the fix is in the sidebar, once) on a badge whose earlier entries could not be
 * looked up because the server is not usable.
 */
export function lookupUnavailable(trans: TranslationBundle): string {
  return trans.__(
    'earlier entries unknown: the XetCache server is not available (the XetCache sidebar says how to fix it)'
  );
}

export function armedBadge(trans: TranslationBundle, lookupFailed = false): IBadge {
  const title = trans.__(
    'Caching is on: the next run is stored if it is slow enough (or "always")'
  );
  return {
    state: 'armed',
    label: trans.__('armed'),
    title: lookupFailed ? `${title}${sep}${lookupUnavailable(trans)}` : title
  };
}

/** A run the engine refused to cache (e.g. "uses exec (line 3)"); the cell itself ran normally. */
function declinedBadge(ev: IRunEvent, trans: TranslationBundle): IBadge {
  const reason = ev.reason ?? trans.__('the engine cannot cache this cell safely');
  const variable =
    ev.variable && !reason.includes(ev.variable)
      ? ` ${trans.__('(variable %1)', ev.variable)}`
      : '';
  const title =
    trans.__('not cached: %1', reason + variable) +
    sep +
    trans.__('the cell ran normally; nothing was stored');
  return { state: 'declined', label: trans.__('not cached'), title: withDeps(title, ev, trans) };
}

export function badgeFromEvent(ev: IRunEvent, trans: TranslationBundle): IBadge {
  switch (ev.state) {
    case 'hit': {
      const parts = [
        trans.__('Restored in %1', formatDuration(ev.restore_s)),
        trans.__('saved %1', formatDuration(ev.saved_s)),
        trans.__('stored %1', formatDate(ev.created)),
        formatBytes(ev.bytes)
      ];
      return {
        state: 'hit',
        label: trans.__('hit · saved %1', formatDuration(ev.saved_s)),
        title: withDeps(parts.join(sep), ev, trans)
      };
    }
    case 'stored': {
      const parts = [
        trans.__('Stored: ran %1', formatDuration(ev.runtime_s)),
        formatBytes(ev.bytes),
        missWhy(ev, trans)
      ];
      return {
        state: 'stored',
        label: trans.__('stored'),
        title: withDeps(parts.join(sep), ev, trans)
      };
    }
    case 'skipped': {
      const title =
        trans.__(
          'ran %1, below the %2 threshold — not cached',
          formatDuration(ev.runtime_s),
          formatDuration(ev.threshold_s)
        ) + `${sep}${missWhy(ev, trans)}`;
      return { state: 'skipped', label: trans.__('skipped'), title: withDeps(title, ev, trans) };
    }
    case 'declined':
      return declinedBadge(ev, trans);
    case 'error':
    default: {
      const what = ev.reason ?? trans.__('cache error %1', ev.error_code ?? '').trim();
      const title = [
        what,
        ev.variable ? trans.__('(variable %1)', ev.variable) : '',
        errorAdvice(ev.error_code, trans)
      ]
        .filter(Boolean)
        .join(' ');
      return { state: 'error', label: trans.__('error'), title: withDeps(title, ev, trans) };
    }
  }
}

/** From the server's entries of one cell: stored if one matches the code, stale if none does. */
export function badgeFromEntries(
  entries: IEntrySummary[],
  codeSha256: string,
  trans: TranslationBundle,
  lookupFailed = false
): IBadge {
  if (!entries.length) {
    return armedBadge(trans, lookupFailed);
  }
  const newest = (list: IEntrySummary[]): IEntrySummary =>
    list.reduce((a, b) => (a.created >= b.created ? a : b));
  const matching = entries.filter(e => e.code_sha256 === codeSha256);
  if (matching.length) {
    const e = newest(matching);
    const parts = [
      trans.__('cached entry from %1', formatDate(e.created)),
      trans.__('ran %1', formatDuration(e.runtime_s)),
      formatBytes(e.total_bytes)
    ];
    if (matching.length > 1) {
      parts.push(trans._n('%1 entry', '%1 entries', matching.length));
    }
    const restores = e.variables.length
      ? `\n${trans.__('%1: %2', trans.__('restores'), e.variables.join(', '))}`
      : '';
    return { state: 'stored', label: trans.__('stored'), title: parts.join(sep) + restores };
  }
  const e = newest(entries);
  return {
    state: 'stale',
    label: trans.__('stale'),
    title: trans.__(
      'The code changed since the cached entry from %1; the next run stores a new entry',
      formatDate(e.created)
    )
  };
}

/** While the cell runs (or waits in the kernel's queue): the outcome replaces it when it ends. */
export function runningBadge(trans: TranslationBundle): IBadge {
  return {
    state: 'running',
    label: trans.__('running'),
    title: trans.__(
      'Running (or queued): the badge shows whether it was a hit, stored or skipped when the run ends'
    )
  };
}

/** What a screen reader says for a badge: the label, then the tooltip on one line. */
export function badgeAriaLabel(badge: IBadge, trans: TranslationBundle): string {
  return trans.__('XetCache: %1. %2', badge.label, badge.title.replace(/\n/g, '. '));
}

/**
 * The badge for a cell now, or null for a cell that gets none. A run in progress shows
 * `running`; else the last event wins while it is about the current code; after an edit (or
 * when the run's event was dropped: restart, cleared outputs, evicted entry) the server's entries
 * decide. A `%%xetmemo` cell the user never toggled shows only what its own runs said.
 */
export function deriveBadge(opts: {
  mode: CellMode;
  codeSha256: string;
  lastEvent: IRunEvent | null;
  entries: IEntrySummary[];
  trans: TranslationBundle;
  /** The cell is running or queued. */
  running?: boolean;
  /** The server could not be asked for this notebook's entries (so none are known). */
  lookupFailed?: boolean;
}): IBadge | null {
  if (opts.mode === 'off') {
    return null;
  }
  if (opts.running) {
    return runningBadge(opts.trans);
  }
  if (opts.lastEvent && opts.lastEvent.code_sha256 === opts.codeSha256) {
    return badgeFromEvent(opts.lastEvent, opts.trans);
  }
  if (opts.mode === 'xetmemo') {
    return null;
  }
  return badgeFromEntries(opts.entries, opts.codeSha256, opts.trans, opts.lookupFailed === true);
}
