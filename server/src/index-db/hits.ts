/**
 * Incremental ingestion of hits.jsonl (CONTRACT.md section 2). Hits and last hit come only from this log; the
 * index keeps the byte offset it has read in meta, so each call reads only what was appended since.
 *
 * An entry counts only the hits of its own generation: lines whose `at` is not before its manifest's `created`
 * (spec/FORMAT.md section 3). A key evicted and stored again is a new entry: it starts at 0 hits and never shows a
 * last hit older than itself, however the index learnt of the eviction (its own evict, or a kernel, git, a rebuild).
 *
 * Several processes may share an index (server + CLI): the offset is re-checked inside the write transaction
 * (compare-and-swap) so the same lines are never counted twice.
 */
import type Database from 'better-sqlite3';
import * as fs from 'node:fs';
import type { Store } from '@xetcache/store';
import { hitsFile as hitsPath } from './paths';
import { getMeta, setMeta } from './schema';

export interface HitAggregate {
  hits: number;
  last_hit_ms: number | null;
  saved_s: number;
}

function statHits(storeDir: string): { ino: string; size: number } | null {
  try {
    const st = fs.statSync(hitsPath(storeDir));
    return { ino: String(st.ino), size: st.size };
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return null;
    throw e;
  }
}

/** The log was removed, truncated or replaced: counts derived from the old one no longer hold. */
function resetHits(db: Database.Database, ino: string): void {
  db.exec('DELETE FROM hit_log');
  db.exec(
    'UPDATE entries SET hits = 0, last_hit_ms = NULL, time_saved_s = 0 WHERE hits != 0 OR last_hit_ms IS NOT NULL'
  );
  setMeta(db, 'hits_offset', '0');
  setMeta(db, 'hits_ino', ino);
}

/**
 * One row (hits, last_hit_ms, saved_s) of the hits of key @key since @created_ms: the generation rule in one place,
 * used by reconcile's upsert and by the updates below.
 */
export const HITS_SINCE_CREATED = `SELECT count(*) AS hits, max(at_ms) AS last_hit_ms,
  coalesce(sum(saved_s), 0) AS saved_s FROM hit_log WHERE key = @key AND at_ms >= @created_ms`;

function toRow(h: { key: string; at: string; saved_s: number }) {
  const at = Date.parse(h.at);
  return {
    key: h.key,
    at_ms: Number.isFinite(at) ? at : null, // never counted: no generation can be told for it
    saved_s: h.saved_s // readHits keeps only lines in the schema's range (0 to MAX_SAVED_S): a sum stays finite
  };
}

/** Read what was appended since the stored offset and add it to the totals. Returns the number of new hits. */
export async function ingestHits(db: Database.Database, store: Store): Promise<number> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const file = statHits(store.dir);
    const offset = Number(getMeta(db, 'hits_offset') ?? '0');
    const ino = getMeta(db, 'hits_ino') ?? '';
    if (file === null) {
      if (offset !== 0 || ino !== '') db.transaction(() => resetHits(db, '')).immediate();
      return 0;
    }
    if ((ino !== '' && ino !== file.ino) || file.size < offset) {
      db.transaction(() => resetHits(db, file.ino)).immediate();
      continue;
    }
    if (file.size === offset) {
      if (ino === '') db.transaction(() => setMeta(db, 'hits_ino', file.ino)).immediate();
      return 0;
    }
    const { hits, offset: next } = await store.readHits(offset);
    const applied = db
      .transaction((): boolean => {
        if (getMeta(db, 'hits_offset') !== String(offset)) return false; // another process ingested these lines
        const insert = db.prepare(
          'INSERT INTO hit_log (key, at_ms, saved_s) VALUES (@key, @at_ms, @saved_s)'
        );
        const created = db.prepare('SELECT created_ms FROM entries WHERE key = ?').pluck();
        const copyToEntry = db.prepare(`
          UPDATE entries SET hits = t.hits, last_hit_ms = t.last_hit_ms, time_saved_s = t.saved_s
          FROM (${HITS_SINCE_CREATED}) AS t WHERE entries.key = @key`);
        const keys = new Set<string>();
        for (const h of hits) {
          insert.run(toRow(h));
          keys.add(h.key);
        }
        for (const key of keys) {
          const createdMs = created.get(key) as number | undefined;
          if (createdMs !== undefined) copyToEntry.run({ key, created_ms: createdMs });
        }
        setMeta(db, 'hits_offset', String(next));
        setMeta(db, 'hits_ino', file.ino);
        return true;
      })
      .immediate();
    if (applied) return hits.length;
  }
  return 0;
}

/** The hits of the entry with this key (its generation only); zeros when there is no such entry. */
export function hitTotals(db: Database.Database, key: string): HitAggregate {
  const created = db.prepare('SELECT created_ms FROM entries WHERE key = ?').pluck().get(key) as
    number | undefined;
  if (created === undefined) return { hits: 0, last_hit_ms: null, saved_s: 0 };
  return db.prepare(HITS_SINCE_CREATED).get({ key, created_ms: created }) as HitAggregate;
}
