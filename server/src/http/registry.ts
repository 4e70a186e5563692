/**
 * The stores a server process has open, by realpath. Created by createApp (never a module singleton) so tests and
 * embedders can run several apps in one process; close() releases every index and watcher.
 */
import { XetCacheError, isXetCacheError } from '@xetcache/store';
import { StoreIndex } from '../index-db';
import { resolveStorePath, storeOrAncestor } from './store-path';

/** What the read routes ask of a store. */
export type StoreReader = Pick<StoreIndex, 'list' | 'get' | 'stats'>;

/**
 * A store that does not exist yet: nothing has been cached there, which is an empty store, not an error (a 404
 * would be one in the browser's console on every poll of a notebook that has not stored anything yet).
 */
const EMPTY_STORE: StoreReader = {
  list: async () => ({ total: 0, entries: [] }),
  get: async key => {
    throw new XetCacheError('ENOTFOUND', `no entry with key ${key}: the store has none yet`, {
      key
    });
  },
  stats: async () => ({
    entries: 0,
    bytes: 0,
    logical_bytes: 0,
    hits: 0,
    time_saved_s: 0,
    by_notebook: [],
    by_cell: []
  })
};

export class StoreRegistry {
  private readonly open = new Map<string, Promise<StoreIndex>>();

  constructor(readonly root: string) {}

  /** The index for the `store` parameter: checked against the root, opened once, reused. */
  async get(rel: string): Promise<StoreIndex> {
    const dir = await resolveStorePath(this.root, rel);
    let pending = this.open.get(dir);
    if (!pending) {
      pending = StoreIndex.open(dir, { watch: true });
      this.open.set(dir, pending);
      // A failed open (not a store yet) must not be cached: the store may be created a moment later.
      pending.catch(() => this.open.delete(dir));
    }
    return pending;
  }

  /**
   * For read routes: get(), or the empty store when nothing is at the path yet. A folder there that is not a store
   * stays ENOTSTORE, and a missing path whose nearest existing folder leaves the root stays EOUTSIDEROOT.
   */
  async reader(rel: string): Promise<StoreReader> {
    try {
      await resolveStorePath(this.root, rel);
    } catch (e) {
      if (!isXetCacheError(e, 'ENOTSTORE')) throw e;
      await storeOrAncestor(this.root, rel);
      return EMPTY_STORE;
    }
    return this.get(rel);
  }

  async close(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map(async p => (await p.catch(() => null))?.close()));
  }
}
