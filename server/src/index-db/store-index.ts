/**
 * One store and its index: the object the server (one per store it serves) and the CLI (one per command) work
 * through. Every answer is preceded by a cheap reconcile with the files and hits.jsonl, so manifests written by
 * a kernel or brought by `git pull` show up without a restart. Operations on one StoreIndex run one at a time
 * (an async mutex): a listing never interleaves with a half-applied eviction.
 */
import type Database from 'better-sqlite3';
import * as fs from 'node:fs';
import {
  checkGrace,
  openStore,
  XetCacheError,
  type GcReport,
  type Manifest,
  type Store,
  type VerifyReport
} from '@xetcache/store';
import { planTrim, removeEntries, type Victim } from './evict';
import { hitTotals, ingestHits } from './hits';
import { indexPath, openIndexDb, openMemoryDb, type OpenedDb } from './open-db';
import {
  findKeys,
  getEntry,
  keysForCell,
  listEntries,
  stats,
  type ListQuery,
  type ListResult,
  type Stats
} from './query';
import { reconcile } from './reconcile';
import { ensureIndexes } from './schema';
import type { EntrySummary } from './rows';
import { isUnwritable, writeError } from './unwritable';
import { EntriesWatcher } from './watcher';

export interface StoreIndexOptions {
  /** Watch entries/ for in-place rewrites (long-lived server). The CLI, which runs once, does not need it. */
  watch?: boolean;
}

export type EvictSelector = { key: string } | { notebook: string; cell_id?: string };

export interface EvictResult {
  evicted: string[];
  bytes: number;
}

export interface TrimResult {
  evicted: string[];
  bytes_before: number;
  bytes_after: number;
}

const yieldToLoop = () => new Promise<void>(resolve => setImmediate(resolve));

export class StoreIndex {
  private db: Database.Database;
  private ino: number;
  private needsFull: boolean;
  /** The index is in memory: index.sqlite cannot be opened or written (a read-only store, a full disk). */
  private memory = false;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly store: Store,
    private readonly watcher: EntriesWatcher | null
  ) {
    const opened = openIndexDb(store.dir);
    this.db = opened.db;
    this.ino = opened.ino;
    this.needsFull = opened.fresh;
    this.memory = opened.memory;
  }

  private use(opened: OpenedDb): void {
    this.db = opened.db;
    this.ino = opened.ino;
    this.needsFull = this.needsFull || opened.fresh;
    this.memory = opened.memory;
  }

  /** Whether the index is kept in memory because the store cannot be written (status, tests). */
  get inMemory(): boolean {
    return this.memory;
  }

  /** dir = the .xetcache folder. Never creates a store: ENOTSTORE / ESTOREVERSION come from @xetcache/store. */
  static async open(dir: string, opts: StoreIndexOptions = {}): Promise<StoreIndex> {
    const store = await openStore(dir, { create: false });
    const watcher = opts.watch ? new EntriesWatcher(store.dir) : null;
    const index = new StoreIndex(store, watcher);
    watcher?.start();
    return index;
  }

  get dir(): string {
    return this.store.dir;
  }

  /** Serialise operations; a failed one does not block the next. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(() => {
      if (this.closed) throw new XetCacheError('EINTERNAL', `the index of ${this.dir} was closed`);
      return fn();
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** `rm index.sqlite` under a running server: reopen (and so rebuild) instead of serving an orphaned file. */
  private reopenIfReplaced(): void {
    if (this.memory) return; // nothing on disk to be replaced
    let ino: number | null = null;
    try {
      ino = fs.statSync(indexPath(this.dir)).ino;
    } catch {
      ino = null;
    }
    if (ino === this.ino) return;
    this.db.close();
    this.use(openIndexDb(this.dir));
  }

  private async syncOnce(): Promise<void> {
    this.reopenIfReplaced();
    const dirty = this.watcher?.takeDirty() ?? new Set<string>();
    const full = this.needsFull || dirty === 'all';
    // The hit log first: an entry's row takes its hits as it is inserted (reconcile's upsert), so a rebuild does
    // not update 50k rows a second time afterwards, moving each in three of the indexes.
    await ingestHits(this.db, this.store);
    await reconcile(this.db, this.dir, {
      full,
      dirty: dirty === 'all' ? new Set() : dirty,
      yieldFn: full ? yieldToLoop : undefined
    });
    this.needsFull = false;
    ensureIndexes(this.db);
  }

  /** A write into index.sqlite that fails because the store cannot be written (it became read-only, the disk
   * filled up): continue with the index in memory, rebuilt from the files. */
  private async sync(): Promise<void> {
    try {
      await this.syncOnce();
    } catch (e) {
      if (this.memory || !isUnwritable(e)) throw e;
      this.db.close();
      this.use(openMemoryDb());
      await this.syncOnce();
    }
  }

  /** Run a write into the store; a read-only folder or a full disk becomes EREADONLY / ESTOREFULL. */
  private async writing<T>(action: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw writeError(e, this.dir, action);
    }
  }

  /** Reconcile with the files now (the other methods do this themselves). */
  refresh(): Promise<void> {
    return this.exclusive(() => this.sync());
  }

  list(q: ListQuery): Promise<ListResult> {
    return this.exclusive(async () => {
      await this.sync();
      return listEntries(this.db, q);
    });
  }

  /** The index row and the manifest as it is on disk now. ENOTFOUND when there is no such entry. */
  get(key: string): Promise<{ entry: EntrySummary; manifest: Manifest }> {
    return this.exclusive(async () => {
      await this.sync();
      const entry = getEntry(this.db, key);
      if (!entry)
        throw new XetCacheError('ENOTFOUND', `no entry with key ${key} in ${this.dir}`, { key });
      return { entry, manifest: await this.store.readManifest(key) };
    });
  }

  /** Full keys that start with `prefix` (at most 2: enough to tell unique from ambiguous). */
  resolveKey(prefix: string): Promise<string[]> {
    return this.exclusive(async () => {
      await this.sync();
      return findKeys(this.db, prefix);
    });
  }

  stats(notebook?: string): Promise<Stats> {
    return this.exclusive(async () => {
      await this.sync();
      return stats(this.db, notebook);
    });
  }

  evict(sel: EvictSelector): Promise<EvictResult> {
    return this.exclusive(async () => {
      await this.sync();
      let victims: Victim[];
      if ('key' in sel) {
        const entry = getEntry(this.db, sel.key);
        if (!entry)
          throw new XetCacheError('ENOTFOUND', `no entry with key ${sel.key} in ${this.dir}`, {
            key: sel.key
          });
        victims = [{ key: entry.key, total_bytes: entry.total_bytes }];
      } else {
        victims = keysForCell(this.db, sel.notebook, sel.cell_id);
      }
      await this.writing('evict', () => removeEntries(this.db, this.store, victims));
      return {
        evicted: victims.map(v => v.key),
        bytes: victims.reduce((s, v) => s + v.total_bytes, 0)
      };
    });
  }

  trim(maxBytes: number): Promise<TrimResult> {
    return this.exclusive(async () => {
      await this.sync();
      const plan = planTrim(this.db, maxBytes);
      await this.writing('trim', () => removeEntries(this.db, this.store, plan.victims));
      return {
        evicted: plan.victims.map(v => v.key),
        bytes_before: plan.bytesBefore,
        bytes_after: plan.bytesAfter
      };
    });
  }

  /** Append to hits.jsonl (the only source of hit counts) and ingest it. ENOTFOUND for a key with no entry. */
  recordHit(key: string, savedS: number): Promise<{ hits: number; last_hit: string | null }> {
    return this.exclusive(async () => {
      await this.sync();
      if (!getEntry(this.db, key))
        throw new XetCacheError('ENOTFOUND', `no entry with key ${key} in ${this.dir}`, { key });
      await this.writing('record a hit', () => this.store.appendHit({ key, saved_s: savedS }));
      await ingestHits(this.db, this.store);
      const t = hitTotals(this.db, key);
      return {
        hits: t.hits,
        last_hit: t.last_hit_ms === null ? null : new Date(t.last_hit_ms).toISOString()
      };
    });
  }

  /** grace below MIN_GC_GRACE_MS: EBADREQUEST unless `force` (checkGrace says why). */
  async gc(graceS?: number, force = false): Promise<GcReport> {
    const graceMs = checkGrace(graceS === undefined ? undefined : graceS * 1000, force);
    return this.exclusive(() => this.writing('gc', () => this.store.gc({ graceMs })));
  }

  verify(): Promise<VerifyReport> {
    return this.exclusive(() => this.store.verify());
  }

  /** Waits for the running operation, then releases the watchers and the database. */
  async close(): Promise<void> {
    await this.exclusive(async () => undefined).catch(() => undefined);
    this.closed = true;
    this.watcher?.close();
    this.db.close();
  }
}
