/**
 * Bring the index in line with the manifest files, cheaply enough to run before every list/stats answer.
 *
 * Cost model: one readdir of entries/ and one stat per shard directory (≤ 256) on every call. Only shards whose
 * directory mtime changed since the last scan (a file was added, removed or renamed into it — which is how both
 * writers and `git pull` place manifests), that a file watcher flagged, or that were "racy" are listed and their
 * files compared by name + mtime + size; only new or changed files are read.
 *
 * Racy shards: directory mtimes come from a coarse clock, so two changes within one tick can share an mtime. A
 * shard whose mtime is closer than RACY_MS to the scan is stored with a NULL signature and rescanned next time.
 * The signature is taken before listing, so a change during the scan also forces a rescan.
 */
import type Database from 'better-sqlite3';
import {
  listShardNames,
  listShards,
  readManifestFile,
  shardDir,
  statShardFile,
  type ParsedFile
} from './scan';
import type { ManifestColumns } from './rows';
import { HITS_SINCE_CREATED } from './hits';

const RACY_MS = 2000;

export interface ReconcileOptions {
  /** Rescan every shard (new or rebuilt index). */
  full: boolean;
  /** Shards a watcher saw change (e.g. a manifest rewritten in place, which leaves the directory mtime alone). */
  dirty: ReadonlySet<string>;
  /** Called between shards so a long rebuild does not starve the event loop. */
  yieldFn?: () => Promise<void>;
  now?: () => number;
}

export interface ReconcileResult {
  scannedShards: number;
  upserted: number;
  removed: number;
  bad: number;
}

interface Change {
  shard: string;
  upserts: { columns: ManifestColumns; chunks: [string, number][] }[];
  bad: { name: string; parsed: Extract<ParsedFile, { ok: false }> }[];
  removedKeys: string[];
  removedBad: string[];
  shardSig: string | null;
}

type Statements = ReturnType<typeof statements>;

function statements(db: Database.Database) {
  return {
    knownShards: db.prepare('SELECT name, mtime_ns FROM shards'),
    // A shard's rows are a range of the primary key, so no separate index on shard is needed.
    shardRows: db.prepare(
      'SELECT key, file_mtime_ms, file_size FROM entries WHERE key >= ? AND key < ?'
    ),
    shardBad: db.prepare('SELECT name, mtime_ms, size FROM bad_files WHERE shard = ?'),
    upsert: db.prepare(`
      INSERT OR REPLACE INTO entries (key, shard, kind, notebook, cell_id, code_sha256, preview, qualname, namespace,
        created, created_ms, runtime_s, total_bytes, unchunked_bytes, hits, last_hit_ms, time_saved_s, variables,
        outputs_count, file_mtime_ms, file_size)
      SELECT @key, @shard, @kind, @notebook, @cell_id, @code_sha256, @preview, @qualname, @namespace,
        @created, @created_ms, @runtime_s, @total_bytes, @unchunked_bytes, h.hits, h.last_hit_ms,
        h.saved_s, @variables, @outputs_count, @file_mtime_ms, @file_size
      FROM (${HITS_SINCE_CREATED}) AS h`),
    deleteEntry: db.prepare('DELETE FROM entries WHERE key = ?'),
    putChunk: db.prepare('INSERT OR IGNORE INTO entry_chunks (key, oid, size) VALUES (?, ?, ?)'),
    putBad:
      db.prepare(`INSERT OR REPLACE INTO bad_files (shard, name, mtime_ms, size, code, message)
      VALUES (?, ?, ?, ?, ?, ?)`),
    deleteBad: db.prepare('DELETE FROM bad_files WHERE shard = ? AND name = ?'),
    deleteBadShard: db.prepare('DELETE FROM bad_files WHERE shard = ?'),
    deleteEntriesShard: db.prepare('DELETE FROM entries WHERE key >= ? AND key < ?'),
    putShard: db.prepare('INSERT OR REPLACE INTO shards (name, mtime_ns) VALUES (?, ?)'),
    deleteShard: db.prepare('DELETE FROM shards WHERE name = ?')
  };
}

/**
 * Compare one shard's files with its rows; read what is new or changed. Pure filesystem + reads. A file the index
 * knows is stat'ed to compare its signature; one it does not know is read at once (its stat comes from the open
 * file), so a rebuild costs one open per manifest and no separate stat.
 */
function diffShard(st: Statements, storeDir: string, shard: string): Omit<Change, 'shardSig'> {
  const dir = shardDir(storeDir, shard);
  const files = listShardNames(dir);
  const change: Omit<Change, 'shardSig'> = {
    shard,
    upserts: [],
    bad: [],
    removedKeys: [],
    removedBad: []
  };
  const known = new Map<string, { mtimeMs: number; size: number; bad: boolean }>();
  for (const r of st.shardRows.all(shard, `${shard}~`) as {
    key: string;
    file_mtime_ms: number;
    file_size: number;
  }[]) {
    known.set(`${r.key}.json`, { mtimeMs: r.file_mtime_ms, size: r.file_size, bad: false });
  }
  for (const r of st.shardBad.all(shard) as { name: string; mtime_ms: number; size: number }[]) {
    known.set(r.name, { mtimeMs: r.mtime_ms, size: r.size, bad: true });
  }
  for (const name of files) {
    const k = known.get(name);
    if (k) {
      const sig = statShardFile(dir, name);
      if (sig === null) files.delete(name); // gone or no longer a regular file: handled as "not in files" below
      if (sig === null || (sig.mtimeMs === k.mtimeMs && sig.size === k.size)) continue;
    }
    const parsed = readManifestFile(dir, shard, name);
    if (parsed === null) {
      files.delete(name); // vanished (or replaced by a non-file) meanwhile
      continue;
    }
    if (k?.bad && parsed.ok) change.removedBad.push(name);
    if (k && !k.bad && !parsed.ok) change.removedKeys.push(name.slice(0, -5));
    if (parsed.ok) change.upserts.push({ columns: parsed.columns, chunks: parsed.chunks });
    else change.bad.push({ name, parsed });
  }
  for (const [name, k] of known) {
    if (files.has(name)) continue;
    if (k.bad) change.removedBad.push(name);
    else change.removedKeys.push(name.slice(0, -5));
  }
  return change;
}

/** One write transaction per shard: keeps the write lock short so other processes (CLI, a second server) interleave. */
function apply(db: Database.Database, st: Statements, c: Change): void {
  db.transaction(() => {
    {
      for (const key of c.removedKeys) st.deleteEntry.run(key);
      for (const name of c.removedBad) st.deleteBad.run(c.shard, name);
      for (const u of c.upserts) {
        st.upsert.run(u.columns); // the REPLACE drops the entry's old chunk rows (trigger, schema.ts)
        for (const [oid, size] of u.chunks) st.putChunk.run(u.columns.key, oid, size);
      }
      for (const b of c.bad) {
        st.putBad.run(
          c.shard,
          b.name,
          b.parsed.sig.mtimeMs,
          b.parsed.sig.size,
          b.parsed.code,
          b.parsed.message
        );
      }
      st.putShard.run(c.shard, c.shardSig);
    }
  }).immediate();
}

export async function reconcile(
  db: Database.Database,
  storeDir: string,
  opts: ReconcileOptions
): Promise<ReconcileResult> {
  const st = statements(db);
  const now = opts.now ?? Date.now;
  const result: ReconcileResult = { scannedShards: 0, upserted: 0, removed: 0, bad: 0 };
  const known = new Map<string, string | null>();
  for (const r of st.knownShards.all() as { name: string; mtime_ns: string | null }[])
    known.set(r.name, r.mtime_ns);

  const onDisk = listShards(storeDir);
  const present = new Set(onDisk.map(s => s.name));
  const gone = [...known.keys()].filter(name => !present.has(name));
  if (gone.length > 0) {
    db.transaction(() => {
      for (const name of gone) {
        result.removed += st.deleteEntriesShard.run(name, `${name}~`).changes;
        st.deleteBadShard.run(name);
        st.deleteShard.run(name);
      }
    }).immediate();
  }

  for (const shard of onDisk) {
    const stored = known.get(shard.name);
    const changed =
      opts.full ||
      opts.dirty.has(shard.name) ||
      stored === undefined ||
      stored === null ||
      stored !== shard.mtimeNs;
    if (!changed) continue;
    const racy = now() - shard.mtimeMs < RACY_MS;
    const diff = diffShard(st, storeDir, shard.name);
    result.scannedShards++;
    result.upserted += diff.upserts.length;
    result.removed += diff.removedKeys.length;
    result.bad += diff.bad.length;
    // Applied before yielding: reads must never wait across a yield while another caller applies newer state.
    apply(db, st, { ...diff, shardSig: racy ? null : shard.mtimeNs });
    if (opts.yieldFn) await opts.yieldFn();
  }
  return result;
}
