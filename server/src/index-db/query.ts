/**
 * Read-only questions to the index: a filtered, sorted page of entries, one entry, and the stats. Sorting and
 * filtering happen in SQL over indexed columns, so a page of 100k entries costs an index walk, not a scan.
 */
import type Database from 'better-sqlite3';
import { rowToSummary, type EntrySummary, type ListedRow } from './rows';
import { isShortText, shortTextPage } from './short-search';

export const SORT_KEYS = ['created', 'size', 'last_hit', 'hits', 'runtime'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortOrder = 'asc' | 'desc';

/** API sort names → columns. A fixed map: user input never reaches the SQL text. */
const SORT_COLUMN: Record<SortKey, string> = {
  created: 'created_ms',
  size: 'total_bytes',
  last_hit: 'last_hit_ms',
  hits: 'hits',
  runtime: 'runtime_s'
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

/**
 * `bytes` is what the entries take in the store, each chunk once however many of them share it (physical);
 * `logical_bytes` the sum of their total_bytes (what restoring each would make).
 */
export interface GroupStats {
  entries: number;
  bytes: number;
  logical_bytes: number;
  time_saved_s: number;
}

export interface Stats {
  entries: number;
  bytes: number;
  logical_bytes: number;
  hits: number;
  time_saved_s: number;
  by_notebook: (GroupStats & { notebook: string | null })[];
  by_cell: (GroupStats & { notebook: string | null; cell_id: string | null })[];
}

export const DEFAULT_LIMIT = 100;

/** The columns of a listed entry (rows.ts ListedRow): its chunks summed for the few rows of a page only. */
const LISTED = `entries.*, unchunked_bytes + coalesce((SELECT sum(size) FROM entry_chunks c
  WHERE c.key = entries.key), 0) AS stored_bytes`;

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, c => `\\${c}`);
}

/**
 * An FTS5 query matching rows that hold trigrams of `text` (the candidates of a substring search), or null when it
 * is shorter than three characters (short-search.ts). Each trigram is a quoted string. Trigrams that
 * do not overlap (every third, and the last) cover the text and are enough for a filter the LIKE then decides:
 * common ones match most rows, and merging fewer long lists is what keeps a search within milliseconds.
 */
export function trigramQuery(text: string): string | null {
  const chars = [...text.toLowerCase()];
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i += 3) grams.add(chars.slice(i, i + 3).join(''));
  if (chars.length >= 3) grams.add(chars.slice(-3).join(''));
  if (grams.size === 0) return null;
  return [...grams].map(g => `"${g.replace(/"/g, '""')}"`).join(' AND ');
}

/** The four column LIKEs of q= (the definition of a text match), as SQL over an entries row. */
const TEXT_LIKE = `(preview LIKE @q ESCAPE '\\' OR notebook LIKE @q ESCAPE '\\' OR qualname LIKE @q ESCAPE '\\'
      OR cell_id LIKE @q ESCAPE '\\')`;
const KEY_RANGE = '(key >= @kfrom AND key < @kto)';

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
    // The trigram index narrows a substring search to a few candidates (entries_fts, schema.ts), the LIKE
    // decides; a key prefix is a range of the primary key. Both sides of the OR use an index.
    const fts = trigramQuery(q.q);
    const text = fts
      ? `(rowid IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH @fts) AND ${TEXT_LIKE})`
      : TEXT_LIKE;
    clauses.push(`(${text} OR ${KEY_RANGE})`);
    params.q = `%${likeEscape(q.q)}%`;
    if (fts) params.fts = fts;
    params.kfrom = q.q.toLowerCase();
    params.kto = `${q.q.toLowerCase()}\uffff`;
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

export function listEntries(db: Database.Database, q: ListQuery): ListResult {
  const w = where(q);
  const column = SORT_COLUMN[q.sort ?? 'created'];
  const dir = (q.order ?? 'desc') === 'asc' ? 'ASC' : 'DESC';
  if (isShortText(q.q)) {
    const { total, rows } = shortTextPage<ListedRow>(db, {
      restSql: where({ ...q, q: undefined }).sql,
      params: w.params,
      exact: `(${TEXT_LIKE} OR ${KEY_RANGE})`,
      select: LISTED,
      orderBy: `${column} ${dir}, key ${dir}`,
      limit: q.limit ?? DEFAULT_LIMIT,
      offset: q.offset ?? 0
    });
    return { total, entries: rows.map(rowToSummary) };
  }
  const total = (
    db.prepare(`SELECT count(*) AS n FROM entries ${w.sql}`).get(w.params) as { n: number }
  ).n;
  const rows = db
    .prepare(
      `SELECT ${LISTED} FROM entries ${w.sql} ORDER BY ${column} ${dir}, key ${dir} LIMIT @limit OFFSET @offset`
    )
    .all({ ...w.params, limit: q.limit ?? DEFAULT_LIMIT, offset: q.offset ?? 0 }) as ListedRow[];
  return { total, entries: rows.map(rowToSummary) };
}

export function getEntry(db: Database.Database, key: string): EntrySummary | null {
  const row = db.prepare(`SELECT ${LISTED} FROM entries WHERE key = ?`).get(key) as
    ListedRow | undefined;
  return row ? rowToSummary(row) : null;
}

/** Keys by exact match or unique prefix (the CLI accepts the short keys people copy from `ls`). */
export function findKeys(db: Database.Database, prefix: string, max = 2): string[] {
  const rows = db
    .prepare(`SELECT key FROM entries WHERE key LIKE ? ESCAPE '\\' ORDER BY key LIMIT ?`)
    .all(`${likeEscape(prefix)}%`, max) as { key: string }[];
  return rows.map(r => r.key);
}

/** Chunk bytes of each group, each chunk once per group (entry_chunks is empty for a store without chunks). */
function chunkBytes(
  db: Database.Database,
  cols: string[],
  w: { sql: string; params: Record<string, string> }
): Map<string, number> {
  const sel = cols.map(c => `e.${c}`).join(', ');
  const rows = db
    .prepare(
      `SELECT ${cols.length ? `${cols.join(', ')}, ` : ''}sum(size) AS bytes FROM (SELECT DISTINCT ${sel}${
        cols.length ? ', ' : ''
      }c.oid, c.size FROM entry_chunks c JOIN entries e ON e.key = c.key ${
        'notebook' in w.params ? 'WHERE e.notebook = @notebook' : ''
      })
      ${cols.length ? `GROUP BY ${cols.join(', ')}` : ''}`
    )
    .all(w.params) as Record<string, string | number | null>[];
  return new Map(rows.map(r => [JSON.stringify(cols.map(c => r[c])), Number(r.bytes ?? 0)]));
}

/** One walk of the covering (notebook, cell_id, ...) index; the other groupings are summed from it here. */
export function stats(db: Database.Database, notebook?: string): Stats {
  const w =
    notebook === undefined
      ? { sql: '', params: {} as Record<string, string> }
      : { sql: 'WHERE notebook = @notebook', params: { notebook } };
  const cells = db
    .prepare(
      `SELECT notebook, cell_id, count(*) AS entries, sum(unchunked_bytes) AS bytes, sum(total_bytes) AS logical_bytes,
      sum(time_saved_s) AS time_saved_s, sum(hits) AS hits FROM entries ${w.sql} GROUP BY notebook, cell_id`
    )
    .all(w.params) as (Stats['by_cell'][number] & { hits: number })[];
  const chunksByCell = chunkBytes(db, ['notebook', 'cell_id'], w);
  const chunksByNotebook = chunkBytes(db, ['notebook'], w);
  const chunksAll = chunkBytes(db, [], w).get('[]') ?? 0;
  const total = { entries: 0, bytes: chunksAll, logical_bytes: 0, hits: 0, time_saved_s: 0 };
  const byNotebook = new Map<string | null, Stats['by_notebook'][number]>();
  for (const c of cells) {
    const unchunked = c.bytes;
    c.bytes += chunksByCell.get(JSON.stringify([c.notebook, c.cell_id])) ?? 0;
    total.entries += c.entries;
    total.bytes += unchunked;
    total.logical_bytes += c.logical_bytes;
    total.hits += c.hits;
    total.time_saved_s += c.time_saved_s;
    const n = byNotebook.get(c.notebook) ?? {
      notebook: c.notebook,
      entries: 0,
      bytes: chunksByNotebook.get(JSON.stringify([c.notebook])) ?? 0,
      logical_bytes: 0,
      time_saved_s: 0
    };
    n.entries += c.entries;
    n.bytes += unchunked;
    n.logical_bytes += c.logical_bytes;
    n.time_saved_s += c.time_saved_s;
    byNotebook.set(c.notebook, n);
  }
  // Largest first; ties by name (null last) so the order is stable across rebuilds.
  const cmpName = (a: string | null, b: string | null) =>
    a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1;
  const by_notebook = [...byNotebook.values()].sort(
    (a, b) => b.bytes - a.bytes || cmpName(a.notebook, b.notebook)
  );
  const by_cell = cells
    .map(({ hits: _hits, ...c }) => c)
    .sort(
      (a, b) =>
        b.bytes - a.bytes || cmpName(a.notebook, b.notebook) || cmpName(a.cell_id, b.cell_id)
    );
  return { ...total, by_notebook, by_cell };
}

/** Everything the store holds, for trim: keys in eviction order (least recently used first) and their sizes. */
export function lruOrder(
  db: Database.Database
): { key: string; total_bytes: number; unchunked_bytes: number }[] {
  return db
    .prepare(
      `SELECT key, total_bytes, unchunked_bytes FROM entries
      ORDER BY coalesce(last_hit_ms, created_ms) ASC, key ASC`
    )
    .all() as { key: string; total_bytes: number; unchunked_bytes: number }[];
}

/** Every entry's chunks, for trim (which frees a chunk only with the last entry that names it). */
export function allEntryChunks(
  db: Database.Database
): { key: string; oid: string; size: number }[] {
  return db.prepare('SELECT key, oid, size FROM entry_chunks').all() as {
    key: string;
    oid: string;
    size: number;
  }[];
}

export function keysForCell(
  db: Database.Database,
  notebook: string,
  cellId?: string
): { key: string; total_bytes: number }[] {
  const sql =
    cellId === undefined
      ? 'SELECT key, total_bytes FROM entries WHERE notebook = ? ORDER BY key'
      : 'SELECT key, total_bytes FROM entries WHERE notebook = ? AND cell_id = ? ORDER BY key';
  const args = cellId === undefined ? [notebook] : [notebook, cellId];
  return db.prepare(sql).all(...args) as { key: string; total_bytes: number }[];
}
