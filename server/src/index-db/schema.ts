/**
 * The SQL shape of the derived index. Everything here can be rebuilt from the manifests and hits.jsonl, so a
 * schema change never migrates data: bumping INDEX_SCHEMA_VERSION drops the tables and rebuilds (see open-db.ts).
 */
import type Database from 'better-sqlite3';

/** Bump on any change below: an index with another version is dropped and rebuilt from the files. */
export const INDEX_SCHEMA_VERSION = 6;

const TABLES = `
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);

-- One row per valid manifest file. Timestamps are epoch ms (REAL) so ordering is numeric: ISO strings with and
-- without fractional seconds do not sort correctly as text. created keeps the manifest's own string for output.
CREATE TABLE IF NOT EXISTS entries (
  key           TEXT PRIMARY KEY,
  shard         TEXT NOT NULL,
  kind          TEXT NOT NULL,
  notebook      TEXT,
  cell_id       TEXT,
  code_sha256   TEXT NOT NULL,
  preview       TEXT NOT NULL,
  qualname      TEXT,
  namespace     TEXT,
  created       TEXT NOT NULL,
  created_ms    REAL NOT NULL,
  runtime_s     REAL NOT NULL,
  total_bytes   INTEGER NOT NULL,
  unchunked_bytes INTEGER NOT NULL DEFAULT 0,
  hits          INTEGER NOT NULL DEFAULT 0,
  last_hit_ms   REAL,
  time_saved_s  REAL NOT NULL DEFAULT 0,
  variables     TEXT NOT NULL,
  outputs_count INTEGER NOT NULL,
  file_mtime_ms REAL NOT NULL,
  file_size     INTEGER NOT NULL
);
-- Manifest files that exist but are not valid: remembered with their stat so they are not re-read every request.
CREATE TABLE IF NOT EXISTS bad_files (
  shard TEXT NOT NULL, name TEXT NOT NULL, mtime_ms REAL NOT NULL, size INTEGER NOT NULL, code TEXT NOT NULL,
  message TEXT NOT NULL, PRIMARY KEY (shard, name)
);

-- Last seen signature of each entries/<k0k1>/ directory; NULL mtime = must rescan (see reconcile.ts).
CREATE TABLE IF NOT EXISTS shards (name TEXT PRIMARY KEY, mtime_ns TEXT);

-- Every hit read from hits.jsonl, also for keys with no manifest (yet): a manifest that arrives later (git pull) or
-- an index rebuilt from scratch gets its hits from here. Kept per hit, not summed per key, because an entry counts
-- only the hits of its own generation (at_ms >= its created_ms): a key evicted and stored again starts at 0.
CREATE TABLE IF NOT EXISTS hit_log (key TEXT NOT NULL, at_ms REAL, saved_s REAL NOT NULL);
CREATE INDEX IF NOT EXISTS hit_log_key ON hit_log (key, at_ms);

-- The chunks of each entry's chunked objects (format 2), each once per entry: physical sizes count a chunk once
-- however many entries share it (query.ts: stats, trim). Rows go with their entry (trigger below).
CREATE TABLE IF NOT EXISTS entry_chunks (
  key TEXT NOT NULL, oid TEXT NOT NULL, size INTEGER NOT NULL, PRIMARY KEY (key, oid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entry_chunks_oid ON entry_chunks (oid, size);
CREATE TRIGGER IF NOT EXISTS entry_chunks_delete AFTER DELETE ON entries BEGIN
  DELETE FROM entry_chunks WHERE key = old.key;
END;

`;

/**
 * Secondary indexes, created after the rows on a rebuild: one sorted build per index is much cheaper than
 * updating eight b-trees on each of 100k inserts. CREATE ... IF NOT EXISTS makes it a no-op afterwards.
 */
const INDEXES = `
-- (column, key) so ORDER BY column, key LIMIT n walks an index: ties break by key, which is stable across rebuilds.
CREATE INDEX IF NOT EXISTS entries_created  ON entries(created_ms, key);
CREATE INDEX IF NOT EXISTS entries_size     ON entries(total_bytes, key);
CREATE INDEX IF NOT EXISTS entries_last_hit ON entries(last_hit_ms, key);
CREATE INDEX IF NOT EXISTS entries_hits     ON entries(hits, key);
CREATE INDEX IF NOT EXISTS entries_runtime  ON entries(runtime_s, key);
-- Covering for the per-notebook / per-cell stats (a walk of this index, no table lookups) and cell filters.
CREATE INDEX IF NOT EXISTS entries_cell     ON entries(notebook, cell_id, total_bytes, time_saved_s, hits);
-- No index on shard (rows of a shard are a key range: key >= 'ab' AND key < 'ab~') and none for trim's LRU
-- order (trim is rare and sorts 100k rows in tens of ms): every index costs on each of 100k rebuild inserts.

`;

export function ensureIndexes(db: Database.Database): void {
  db.exec(INDEXES);
  ensureTextIndex(db);
}

/**
 * Text search (q=): the trigrams of what q= matches (notebook, cell id, qualname, preview), one row per entry
 * (rowid = entries.rowid). detail=none keeps it small: it only says which rows hold every trigram asked for, and
 * query.ts checks those few candidates with the exact LIKE. Made after the rows like the indexes above (one bulk
 * fill of a rebuilt index instead of 100k trigger runs), then kept equal to entries by triggers (the REPLACE of
 * an upsert fires the delete trigger because open-db.ts turns recursive_triggers on).
 */
const TEXT_EXPR = (row: string) =>
  `coalesce(${row}.notebook, '') || char(10) || coalesce(${row}.cell_id, '') || char(10) ||
    coalesce(${row}.qualname, '') || char(10) || ${row}.preview`;

const TEXT_INDEX = `
CREATE VIRTUAL TABLE entries_fts USING fts5(text, tokenize = 'trigram', detail = none);
INSERT INTO entries_fts (rowid, text) SELECT rowid, ${TEXT_EXPR('entries')} FROM entries;
CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN
  DELETE FROM entries_fts WHERE rowid = new.rowid;
  INSERT INTO entries_fts (rowid, text) VALUES (new.rowid, ${TEXT_EXPR('new')});
END;
CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
  DELETE FROM entries_fts WHERE rowid = old.rowid;
END;
CREATE TRIGGER entries_fts_update AFTER UPDATE OF notebook, cell_id, qualname, preview ON entries BEGIN
  UPDATE entries_fts SET text = ${TEXT_EXPR('new')} WHERE rowid = new.rowid;
END;
`;

function ensureTextIndex(db: Database.Database): void {
  const exists = () =>
    db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'entries_fts'")
      .get() !== undefined;
  if (exists()) return;
  db.transaction(() => {
    if (!exists()) db.exec(TEXT_INDEX); // another process may have made it meanwhile
  }).immediate();
}

const DROP = `
DROP TABLE IF EXISTS entries_fts; DROP TABLE IF EXISTS entry_chunks; DROP TABLE IF EXISTS entries; DROP TABLE IF EXISTS bad_files; DROP TABLE IF EXISTS shards;
DROP TABLE IF EXISTS hit_totals; DROP TABLE IF EXISTS hit_log; DROP TABLE IF EXISTS meta;
`;

export function getMeta(db: Database.Database, k: string): string | undefined {
  const row = db.prepare('SELECT v FROM meta WHERE k = ?').get(k) as { v: string } | undefined;
  return row?.v;
}

export function setMeta(db: Database.Database, k: string, v: string): void {
  db.prepare(
    'INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v'
  ).run(k, v);
}

function hasMetaTable(db: Database.Database): boolean {
  return (
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get() !==
    undefined
  );
}

/**
 * Create the tables, or drop and recreate them when the stored schema version differs. Returns true when the
 * index is new (empty): the caller then does a full reconcile and re-reads hits.jsonl from offset 0.
 */
export function ensureSchema(db: Database.Database): boolean {
  return db
    .transaction((): boolean => {
      const version = hasMetaTable(db) ? getMeta(db, 'schema_version') : undefined;
      if (version === String(INDEX_SCHEMA_VERSION)) return false;
      db.exec(DROP);
      db.exec(TABLES);
      setMeta(db, 'schema_version', String(INDEX_SCHEMA_VERSION));
      setMeta(db, 'hits_offset', '0');
      setMeta(db, 'hits_ino', '');
      return true;
    })
    .immediate();
}
