/**
 * A hint, not the source of truth: inotify watchers on entries/ and each entries/<k0k1>/ flag shards whose
 * files changed. reconcile.ts already notices additions, removals and renames through directory mtimes; the
 * watcher adds the one case those miss — a manifest rewritten in place (an editor, a tool that does not rename).
 *
 * One non-recursive watcher per directory (≤ 257) instead of `recursive: true`, whose Linux emulation in Node 20
 * walks and watches every file (100k inotify watches for a big store).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { entriesDir } from './paths';

const SHARD = /^[0-9a-f]{2}$/;
const MAX_WATCHERS = 300;

export class EntriesWatcher {
  private readonly root: string;
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private dirty = new Set<string>();
  /** Something went wrong (watch limit, a watcher error): the next reconcile rescans every shard once. */
  private everything = false;
  private closed = false;

  constructor(storeDir: string) {
    this.root = entriesDir(storeDir);
  }

  start(): void {
    this.watchDir('', this.root);
    let names: string[] = [];
    try {
      names = fs.readdirSync(this.root);
    } catch {
      return; // no entries/ yet: the root watcher (if any) or the mtime checks will pick it up
    }
    for (const name of names) if (SHARD.test(name)) this.watchDir(name, path.join(this.root, name));
  }

  /** Shards flagged since the last call, or 'all'. */
  takeDirty(): Set<string> | 'all' {
    if (this.everything) {
      this.everything = false;
      this.dirty = new Set();
      return 'all';
    }
    const d = this.dirty;
    this.dirty = new Set();
    return d;
  }

  close(): void {
    this.closed = true;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  private watchDir(shard: string, dir: string): void {
    if (this.closed || this.watchers.has(shard)) return;
    if (this.watchers.size >= MAX_WATCHERS) {
      this.everything = true;
      return;
    }
    let w: fs.FSWatcher;
    try {
      w = fs.watch(dir, { persistent: false }, (_event, filename) => this.onEvent(shard, filename));
    } catch {
      this.everything = true; // ENOSPC (inotify limit) or the directory vanished: fall back to mtimes + rescans
      return;
    }
    w.on('error', () => {
      w.close();
      this.watchers.delete(shard);
      this.everything = true;
    });
    this.watchers.set(shard, w);
  }

  private onEvent(shard: string, filename: string | Buffer | null): void {
    if (shard !== '') {
      this.dirty.add(shard);
      return;
    }
    const name = filename === null ? null : filename.toString();
    if (name === null) {
      this.everything = true;
    } else if (SHARD.test(name)) {
      // A new shard directory: watch it, and rescan it since files may have landed before the watch started.
      this.dirty.add(name);
      const dir = path.join(this.root, name);
      if (fs.existsSync(dir)) {
        this.watchDir(name, dir);
      } else {
        this.watchers.get(name)?.close();
        this.watchers.delete(name);
      }
    }
  }
}
