/**
 * Incremental ingestion of hits.jsonl (CONTRACT.md section 2). Hits and last hit come only from this log; the
 * index keeps the byte offset it has read in meta, so each call reads only what was appended since.
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
  db.exec('DELETE FROM hit_totals');
  db.exec(
    'UPDATE entries SET hits = 0, last_hit_ms = NULL, time_saved_s = 0 WHERE hits != 0 OR last_hit_ms IS NOT NULL'
  );
  setMeta(db, 'hits_offset', '0');
  setMeta(db, 'hits_ino', ino);
}

function aggregate(
  hits: { key: string; at: string; saved_s: number }[]
): Map<string, HitAggregate> {
  const byKey = new Map<string, HitAggregate>();
  for (const h of hits) {
    const at = Date.parse(h.at);
    const saved = Number.isFinite(h.saved_s) && h.saved_s > 0 ? h.saved_s : 0;
    const a = byKey.get(h.key) ?? { hits: 0, last_hit_ms: null, saved_s: 0 };
    a.hits += 1;
    a.saved_s += saved;
    if (Number.isFinite(at) && (a.last_hit_ms === null || at > a.last_hit_ms)) a.last_hit_ms = at;
    byKey.set(h.key, a);
  }
  return byKey;
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
    const totals = aggregate(hits);
    const applied = db
      .transaction((): boolean => {
        if (getMeta(db, 'hits_offset') !== String(offset)) return false; // another process ingested these lines
        const upsertTotal = db.prepare(`
          INSERT INTO hit_totals (key, hits, last_hit_ms, saved_s) VALUES (@key, @hits, @last_hit_ms, @saved_s)
          ON CONFLICT(key) DO UPDATE SET hits = hits + excluded.hits, saved_s = saved_s + excluded.saved_s,
            last_hit_ms = max(coalesce(last_hit_ms, excluded.last_hit_ms), coalesce(excluded.last_hit_ms, last_hit_ms))`);
        const copyToEntry = db.prepare(`
          UPDATE entries SET hits = t.hits, last_hit_ms = t.last_hit_ms, time_saved_s = t.saved_s
          FROM (SELECT hits, last_hit_ms, saved_s FROM hit_totals WHERE key = @key) AS t WHERE entries.key = @key`);
        for (const [key, a] of totals) {
          upsertTotal.run({ key, ...a });
          copyToEntry.run({ key });
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

export function hitTotals(db: Database.Database, key: string): HitAggregate {
  const row = db
    .prepare('SELECT hits, last_hit_ms, saved_s FROM hit_totals WHERE key = ?')
    .get(key) as HitAggregate | undefined;
  return row ?? { hits: 0, last_hit_ms: null, saved_s: 0 };
}
