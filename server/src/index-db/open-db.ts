/**
 * The factory for an index database (never a module-level singleton: the server holds one per store, tests open
 * many). WAL lets the CLI read while the server writes; the busy timeout makes concurrent writers wait instead of
 * failing with SQLITE_BUSY.
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureSchema } from './schema';
import { assertNativeBinding, nativeBindingPath } from './native-binding';
import { isUnwritable } from './unwritable';

export const INDEX_FILE = 'index.sqlite';
const BUSY_TIMEOUT_MS = 10_000;

export interface OpenedDb {
  db: Database.Database;
  /** true when the tables were (re)created: the caller must rebuild from the manifests and hits.jsonl. */
  fresh: boolean;
  /** inode of the file at open time, to notice `rm index.sqlite` under a running server (-1 in memory). */
  ino: number;
  /** true when the index lives in memory because its file cannot be opened or written (unwritable.ts). */
  memory: boolean;
}

export function indexPath(storeDir: string): string {
  return path.join(storeDir, INDEX_FILE);
}

function removeIndexFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
}

function openOnce(file: string): OpenedDb {
  // An addon built for another Node ABI/OS/CPU: one clear line instead of the loader's multi-line text.
  assertNativeBinding();
  // A -wal/-shm pair without its database belongs to a deleted index; SQLite must not replay it into a new one.
  if (!fs.existsSync(file)) {
    fs.rmSync(`${file}-wal`, { force: true });
    fs.rmSync(`${file}-shm`, { force: true });
  }
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS, nativeBinding: nativeBindingPath() });
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL is durable enough for a derived index: a lost last transaction is redone by the next reconcile.
    db.pragma('synchronous = NORMAL');
    // 64 MiB of page cache: a 100k-entry index (~60 MiB) stays in memory while it is rebuilt and queried.
    db.pragma('cache_size = -65536');
    // An upsert (INSERT OR REPLACE) deletes the old row: with this on, that fires the text index's delete trigger.
    db.pragma('recursive_triggers = ON');
    const fresh = ensureSchema(db);
    return { db, fresh, ino: fs.statSync(file).ino, memory: false };
  } catch (e) {
    db.close();
    throw e;
  }
}

/**
 * An index in this process's memory, empty (fresh): for a store whose folder or disk cannot take index.sqlite.
 * It is rebuilt from the manifests and hits.jsonl like a deleted index, and later reconciles stay incremental.
 */
export function openMemoryDb(): OpenedDb {
  assertNativeBinding();
  const db = new Database(':memory:', { nativeBinding: nativeBindingPath() });
  db.pragma('recursive_triggers = ON');
  ensureSchema(db);
  return { db, fresh: true, ino: -1, memory: true };
}

/**
 * Open (creating if needed) <store>/index.sqlite. An unreadable file is derived data: delete it and start over. A
 * store that cannot be written (read-only, disk full) gets an index in memory instead: reading still works.
 */
export function openIndexDb(storeDir: string): OpenedDb {
  const file = indexPath(storeDir);
  try {
    try {
      return openOnce(file);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (code !== 'SQLITE_NOTADB' && code !== 'SQLITE_CORRUPT') throw e;
      removeIndexFiles(file);
      return openOnce(file);
    }
  } catch (e) {
    if (!isUnwritable(e)) throw e;
    return openMemoryDb();
  }
}
