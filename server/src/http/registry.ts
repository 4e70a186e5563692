/**
 * The stores a server process has open, by realpath. Created by createApp (never a module singleton) so tests and
 * embedders can run several apps in one process; close() releases every index and watcher.
 */
import { StoreIndex } from '../index-db';
import { resolveStorePath } from './store-path';

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

  async close(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map(async p => (await p.catch(() => null))?.close()));
  }
}
