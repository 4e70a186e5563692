/**
 * Read-only questions to the index: a filtered, sorted page of entries, one entry, and the stats. Sorting and
 * filtering happen in SQL over indexed columns, so a page of 100k entries costs an index walk, not a scan.
 */
import type Database from 'better-sqlite3';
import { rowToSummary, type EntryRow, type EntrySummary } from './rows';

export const SORT_KEYS = ['created', 'size', 'last_hit', 'hits', 'runtime'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortOrder = 'asc' | 'desc';

/** API sort names → columns. A fixed map: user input never reaches the SQL text. */
const SORT_COLUMN: Record<SortKey, string> = {
  created: 'created_ms',
  size: 'total_bytes',
  last_hit: 'last_hit_ms',
  hits: 'hits',
  runtime: 'runtime_s',
};

export interface ListQuery {
  notebook?: string;
  cell?: string;
  kind?: 'cell' | 'function';
  /** Case-insensitive substring of preview, notebook, qualname or cell id; or a key prefix. */
  q?: string;
  sort?: SortKey;
  order?: SortOrder;
  limit?: number;
  offset?: number;
}

export interface ListResult {
  total: number;
  entries: EntrySummary[];
}

export interface GroupStats {
  entries: number;
  bytes: number;
  time_saved_s: number;
}

export interface Stats {
  entries: number;
  bytes: number;
  hits: number;
  time_saved_s: number;
  by_notebook: (GroupStats & { notebook: string | null })[];
  by_cell: (GroupStats & { notebook: string | null; cell_id: string | null })[];
}

export const DEFAULT_LIMIT = 100;

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function where(q: ListQuery): { sql: string; params: Record<string, string> } {
  const clauses: string[] = [];
  const params: Record<string, string> = {};
  if (q.notebook !== undefined) {
    clauses.push('notebook = @notebook');
    params.notebook = q.notebook;
  }
  if (q.cell !== undefined) {
    clauses.push('cell_id = @cell');
    params.cell = q.cell;
  }
  if (q.kind !== undefined) {
    clauses.push('kind = @kind');
    params.kind = q.kind;
  }
  if (q.q !== undefined && q.q !== '') {
    clauses.push(`(preview LIKE @q ESCAPE '\\' OR notebook LIKE @q ESCAPE '\\' OR qualname LIKE @q ESCAPE '\\'
      OR cell_id LIKE @q ESCAPE '\\' OR key LIKE @qprefix ESCAPE '\\')`);
    params.q = `%${likeEscape(q.q)}%`;
    params.qprefix = `${likeEscape(q.q.toLowerCase())}%`;
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

export function listEntries(db: Database.Database, q: ListQuery): ListResult {
  const w = where(q);
  const column = SORT_COLUMN[q.sort ?? 'created'];
  const dir = (q.order ?? 'desc') === 'asc' ? 'ASC' : 'DESC';
  const total = (db.prepare(`SELECT count(*) AS n FROM entries ${w.sql}`).get(w.params) as { n: number }).n;
  const rows = db
    .prepare(`SELECT * FROM entries ${w.sql} ORDER BY ${column} ${dir}, key ${dir} LIMIT @limit OFFSET @offset`)
    .all({ ...w.params, limit: q.limit ?? DEFAULT_LIMIT, offset: q.offset ?? 0 }) as EntryRow[];
  return { total, entries: rows.map(rowToSummary) };
}

export function getEntry(db: Database.Database, key: string): EntrySummary | null {
  const row = db.prepare('SELECT * FROM entries WHERE key = ?').get(key) as EntryRow | undefined;
  return row ? rowToSummary(row) : null;
}

/** Keys by exact match or unique prefix (the CLI accepts the short keys people copy from `ls`). */
export function findKeys(db: Database.Database, prefix: string, max = 2): string[] {
  const rows = db
    .prepare(`SELECT key FROM entries WHERE key LIKE ? ESCAPE '\\' ORDER BY key LIMIT ?`)
    .all(`${likeEscape(prefix)}%`, max) as { key: string }[];
  return rows.map((r) => r.key);
}

export function stats(db: Database.Database, notebook?: string): Stats {
  const w = notebook === undefined ? { sql: '', params: {} } : { sql: 'WHERE notebook = @notebook', params: { notebook } };
  const total = db
    .prepare(`SELECT count(*) AS entries, coalesce(sum(total_bytes), 0) AS bytes, coalesce(sum(hits), 0) AS hits,
      coalesce(sum(time_saved_s), 0) AS time_saved_s FROM entries ${w.sql}`)
    .get(w.params) as Omit<Stats, 'by_notebook' | 'by_cell'>;
  const by_notebook = db
    .prepare(`SELECT notebook, count(*) AS entries, sum(total_bytes) AS bytes, sum(time_saved_s) AS time_saved_s
      FROM entries ${w.sql} GROUP BY notebook ORDER BY bytes DESC, notebook`)
    .all(w.params) as Stats['by_notebook'];
  const by_cell = db
    .prepare(`SELECT notebook, cell_id, count(*) AS entries, sum(total_bytes) AS bytes, sum(time_saved_s) AS time_saved_s
      FROM entries ${w.sql} GROUP BY notebook, cell_id ORDER BY bytes DESC, notebook, cell_id`)
    .all(w.params) as Stats['by_cell'];
  return { ...total, by_notebook, by_cell };
}

/** Everything the store holds, for trim: total bytes and keys in eviction order (least recently used first). */
export function lruOrder(db: Database.Database): { key: string; total_bytes: number }[] {
  return db
    .prepare('SELECT key, total_bytes FROM entries ORDER BY coalesce(last_hit_ms, created_ms) ASC, key ASC')
    .all() as { key: string; total_bytes: number }[];
}

export function keysForCell(db: Database.Database, notebook: string, cellId?: string): { key: string; total_bytes: number }[] {
  const sql =
    cellId === undefined
      ? 'SELECT key, total_bytes FROM entries WHERE notebook = ? ORDER BY key'
      : 'SELECT key, total_bytes FROM entries WHERE notebook = ? AND cell_id = ? ORDER BY key';
  const args = cellId === undefined ? [notebook] : [notebook, cellId];
  return db.prepare(sql).all(...args) as { key: string; total_bytes: number }[];
}
