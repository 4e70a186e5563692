/**
 * q= of one or two characters, which the trigram index cannot narrow (a trigram needs three). Instead of four LIKEs
 * over every wide entries row, one LIKE scans the text the trigram index already keeps, one short row per entry
 * (entries_fts_content: notebook, cell id, qualname and preview joined by newlines, schema.ts TEXT_EXPR). For a q
 * without a newline that LIKE matches exactly the rows one of the four column LIKEs matches: the q cannot span a
 * separator, a NULL column is an empty segment, and it is the same LIKE (case, ESCAPE). A q with a newline keeps
 * the column LIKEs (query.ts). The page then takes whichever way is cheap for how many rows matched:
 * - few: their rowids (at most SPARSE_FACTOR x the page end), then sorted;
 * - many: the sort index walked with the exact column LIKEs, stopping after the page (a match every few rows).
 */
import type Database from 'better-sqlite3';

/** Matches up to this many times the rows a page reaches (offset + limit) are fetched by rowid and sorted. */
const SPARSE_FACTOR = 20;

export function isShortText(q: string | undefined): q is string {
  return q !== undefined && q !== '' && [...q].length < 3 && !q.includes('\n');
}

export interface ShortPage {
  /** The clauses other than q= (notebook, cell, kind), `WHERE ...` or '', over entries. */
  restSql: string;
  /** Their parameters plus q (the LIKE pattern), kfrom and kto (the key prefix range). */
  params: Record<string, string>;
  /** The exact condition on an entries row (the column LIKEs or the key range), for the walk. */
  exact: string;
  select: string;
  orderBy: string;
  limit: number;
  offset: number;
}

export function shortTextPage<Row>(
  db: Database.Database,
  p: ShortPage
): { total: number; rows: Row[] } {
  const inRest = p.restSql ? `AND f.id IN (SELECT rowid FROM entries ${p.restSql})` : '';
  const matching = `FROM entries_fts_content f WHERE (f.c0 LIKE @q ESCAPE '\\'
    OR f.id IN (SELECT rowid FROM entries WHERE key >= @kfrom AND key < @kto)) ${inRest}`;
  const reach = p.offset + p.limit;
  const few = db
    .prepare(`SELECT f.id ${matching} LIMIT @cap`)
    .pluck()
    .all({ ...p.params, cap: SPARSE_FACTOR * reach + 1 }) as number[];
  if (few.length <= SPARSE_FACTOR * reach) {
    const rows = db
      .prepare(
        `SELECT ${p.select} FROM entries WHERE rowid IN (SELECT value FROM json_each(@ids))
        ORDER BY ${p.orderBy} LIMIT @limit OFFSET @offset`
      )
      .all({ ids: JSON.stringify(few), limit: p.limit, offset: p.offset }) as Row[];
    return { total: few.length, rows };
  }
  const total = db.prepare(`SELECT count(*) ${matching}`).pluck().get(p.params) as number;
  const walkWhere = p.restSql ? `${p.restSql} AND ${p.exact}` : `WHERE ${p.exact}`;
  const rows = db
    .prepare(
      `SELECT ${p.select} FROM entries ${walkWhere} ORDER BY ${p.orderBy} LIMIT @limit OFFSET @offset`
    )
    .all({ ...p.params, limit: p.limit, offset: p.offset }) as Row[];
  return { total, rows };
}
