/**
 * What the cache browser lists and how: scope (this notebook or the whole store), sort, order and
 * a filter text, turned into the server's own query parameters (GET /api/entries sorts and
 * filters; `q` matches preview, notebook, function name, cell id or a key prefix), and the
 * totals read from GET /api/stats. Pure, so every mapping is unit-tested.
 */
import type { IEntrySummary } from '../events';

export type BrowserScope = 'notebook' | 'store';
/** The server's sort keys (server/openapi.yaml, /api/entries `sort`). */
export type BrowserSort = 'created' | 'size' | 'runtime' | 'hits' | 'last_hit';
export const SORTS: readonly BrowserSort[] = ['created', 'size', 'runtime', 'hits', 'last_hit'];

export interface IBrowserQuery {
  scope: BrowserScope;
  sort: BrowserSort;
  order: 'asc' | 'desc';
  text: string;
}

export const DEFAULT_QUERY: IBrowserQuery = {
  scope: 'notebook',
  sort: 'created',
  order: 'desc',
  text: ''
};

/** The most rows the sidebar lists at once (the totals still count every entry). */
export const LIST_LIMIT = 200;

/** GET /api/entries parameters for a query on one store (and notebook, in notebook scope). */
export function entriesParams(
  q: IBrowserQuery,
  where: { store: string; notebook: string }
): Record<string, string | number> {
  const p: Record<string, string | number> = {
    store: where.store,
    sort: q.sort,
    order: q.order,
    limit: LIST_LIMIT,
    offset: 0
  };
  if (q.scope === 'notebook') {
    p.notebook = where.notebook;
  }
  const text = q.text.trim().slice(0, 400); // the server's limit for `q`
  if (text) {
    p.q = text;
  }
  return p;
}

/** GET /api/stats answer (the parts the sidebar shows). */
export interface IStats {
  entries: number;
  bytes: number;
  hits: number;
  time_saved_s: number;
  by_notebook: { notebook: string | null; entries: number; bytes: number; time_saved_s: number }[];
}

export interface ITotals {
  entries: number;
  bytes: number;
  savedS: number;
}

/** Totals of the whole store and of one notebook in it (zero when it has none). */
export function totalsOf(stats: IStats, notebook: string): { store: ITotals; notebook: ITotals } {
  const row = stats.by_notebook.find(r => r.notebook === notebook);
  return {
    store: { entries: stats.entries, bytes: stats.bytes, savedS: stats.time_saved_s },
    notebook: row
      ? { entries: row.entries, bytes: row.bytes, savedS: row.time_saved_s }
      : { entries: 0, bytes: 0, savedS: 0 }
  };
}

/**
 * Where each listed cell entry sits in the open notebook: 0-based index by cell id (only for
 * entries of that notebook; the others are labelled by their notebook).
 */
export function positions(
  entries: IEntrySummary[],
  notebook: string,
  indexOf: (cellId: string) => number
): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of entries) {
    if (e.cell_id && e.notebook === notebook && !out.has(e.cell_id)) {
      const i = indexOf(e.cell_id);
      if (i >= 0) {
        out.set(e.cell_id, i);
      }
    }
  }
  return out;
}

/** A manifest's input names (`inputs` maps name → fingerprint), sorted; [] when absent. */
export function manifestInputs(manifest: unknown): string[] {
  const inputs = (manifest as { inputs?: unknown } | null)?.inputs;
  return inputs && typeof inputs === 'object' && !Array.isArray(inputs)
    ? Object.keys(inputs).sort()
    : [];
}
