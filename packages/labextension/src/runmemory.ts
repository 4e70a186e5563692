/**
 * What the badges remember of runs in this session, per cell id, and when to forget it, so a
 * badge never shows a leftover: a run that starts replaces the previous run's event (the cell is
 * `running` until its own event or its end), a kernel restart or cleared outputs drop it (the
 * store decides again), and an entry evicted anywhere (sidebar, CLI, another user) drops the
 * `hit`/`stored` event that named it once the server's entries no longer list it. Pure: no DOM,
 * no timers, so every rule is unit-tested.
 */
import type { IRunEvent } from './events';

export class RunMemory {
  /** The event of a cached run of this cell (it may arrive while the cell still runs). */
  onEvent(cellId: string, ev: IRunEvent): void {
    this._events.set(cellId, { ev, seq: ++this._seq });
  }

  /** The cell started (or was queued) or stopped running. Returns whether anything changed. */
  setRunning(cellId: string, running: boolean): boolean {
    if (running === this._running.has(cellId)) {
      return false;
    }
    if (running) {
      this._running.add(cellId);
      this._events.delete(cellId); // the previous run's outcome is not this run's
    } else {
      this._running.delete(cellId);
    }
    return true;
  }

  isRunning(cellId: string): boolean {
    return this._running.has(cellId);
  }

  last(cellId: string): IRunEvent | null {
    return this._events.get(cellId)?.ev ?? null;
  }

  /**
   * Drops what runs said: of one cell (its outputs were cleared) or of all (the kernel
   * restarted: what a hit restored is gone). Returns whether anything was dropped.
   */
  forget(cellId?: string): boolean {
    if (cellId === undefined) {
      const had = this._events.size + this._running.size > 0;
      this._events.clear();
      this._running.clear();
      return had;
    }
    return this._events.delete(cellId);
  }

  /** Take before asking the server for entries; pass to `reconcile` with the answer. */
  mark(): number {
    return this._seq;
  }

  /**
   * The server's entries of the notebook, asked after `mark`: a `hit` or `stored` event received
   * before that whose entry is not listed any more was evicted. Returns the cells whose event was
   * dropped. Events received after the mark are kept (the answer may predate them).
   */
  reconcile(keys: ReadonlySet<string>, mark: number): string[] {
    const dropped: string[] = [];
    for (const [cellId, { ev, seq }] of this._events) {
      const named = (ev.state === 'hit' || ev.state === 'stored') && ev.key;
      if (named && seq <= mark && !keys.has(ev.key as string)) {
        this._events.delete(cellId);
        dropped.push(cellId);
      }
    }
    return dropped;
  }

  private _seq = 0;
  private _events = new Map<string, { ev: IRunEvent; seq: number }>();
  private _running = new Set<string>();
}
