/**
 * Whether the XetCache server answers, asked as rarely as possible. A missing or broken server
 * (no proxy route, Node missing, "could not start xetcache in time") fails the same way every
 * time, and each failed request may make the proxy try to start Node again, so:
 * - callers ask `available()` before talking to the server; while it is down that answers false
 *   at once, without a request;
 * - it is asked again on a backoff timer (5 s, doubling up to 2 min) and on `retryNow()` (the
 *   sidebar's refresh button); when it answers, `changed` emits null and the UI reloads;
 * - the problem (with its fix) is announced once, and kept in `problem` for the sidebar.
 * Cells keep running and caching either way: that happens in the kernel.
 */
import { type ISignal, Signal } from '@lumino/signaling';
import { checkServer, isServerUnavailable, type IServerStatus } from './request';

export type Notify = (message: string) => void;

export interface IRetryPolicy {
  /** Delay before the first automatic retry after a failure. */
  firstMs: number;
  /** The delay doubles after each failed retry, up to this. */
  maxMs: number;
}

export const RETRY: IRetryPolicy = { firstMs: 5_000, maxMs: 120_000 };

/** setTimeout/clearTimeout, replaceable in tests. */
export interface ITimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: ITimers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: h => clearTimeout(h as ReturnType<typeof setTimeout>)
};

export type ServerState = 'unknown' | 'ok' | 'down';

export class ServerMonitor {
  constructor(
    private readonly _notify: Notify,
    private readonly _check: () => Promise<IServerStatus> = () => checkServer(),
    private readonly _retry: IRetryPolicy = RETRY,
    private readonly _timers: ITimers = realTimers
  ) {
    this._delay = _retry.firstMs;
  }

  get state(): ServerState {
    return this._state;
  }
  /** The current problem with its fix, or null when the server answered (or was not asked yet). */
  get problem(): string | null {
    return this._problem;
  }
  /** Emits the new problem, or null when the server came (back) up. */
  get changed(): ISignal<this, string | null> {
    return this._changed;
  }
  /** Delay of the scheduled automatic retry (null when none is scheduled). */
  get nextRetryMs(): number | null {
    return this._timer === null ? null : this._scheduledMs;
  }

  /**
   * Whether requests to the server make sense now. Asks the server only the first time (and
   * while a check is under way, shares it); while it is down, false without a request.
   */
  available(): Promise<boolean> {
    if (this._state === 'ok') {
      return Promise.resolve(true);
    }
    if (this._state === 'down' && !this._pending) {
      return Promise.resolve(false);
    }
    return this._ask();
  }

  /** Ask now, whatever the backoff (the user pressed refresh: they may have fixed it). */
  retryNow(): Promise<boolean> {
    this._cancelTimer();
    return this._ask();
  }

  /** Feed request errors here: a missing/broken server switches to "down" and starts the backoff. */
  report(e: unknown): void {
    if (isServerUnavailable(e) && this._state !== 'down') {
      this._down((e as Error).message);
    }
  }

  dispose(): void {
    this._cancelTimer();
    this._disposed = true;
  }

  private _ask(): Promise<boolean> {
    if (!this._pending) {
      this._pending = this._check().then(
        () => {
          this._pending = null;
          this._up();
          return true;
        },
        e => {
          this._pending = null;
          this._down((e as Error).message ?? String(e));
          return false;
        }
      );
    }
    return this._pending;
  }

  private _up(): void {
    this._cancelTimer();
    this._state = 'ok';
    this._delay = this._retry.firstMs;
    this._set(null);
  }

  private _down(message: string): void {
    this._state = 'down';
    if (!this._notified) {
      this._notified = true;
      this._notify(message);
    }
    this._set(message);
    this._schedule();
  }

  private _schedule(): void {
    if (this._disposed || this._timer !== null) {
      return;
    }
    this._scheduledMs = this._delay;
    this._delay = Math.min(this._delay * 2, this._retry.maxMs);
    this._timer = this._timers.set(() => {
      this._timer = null;
      void this._ask();
    }, this._scheduledMs);
  }

  private _cancelTimer(): void {
    if (this._timer !== null) {
      this._timers.clear(this._timer);
      this._timer = null;
    }
  }

  private _set(problem: string | null): void {
    if (problem !== this._problem) {
      this._problem = problem;
      this._changed.emit(problem);
    }
  }

  private _state: ServerState = 'unknown';
  private _problem: string | null = null;
  private _notified = false;
  private _disposed = false;
  private _pending: Promise<boolean> | null = null;
  private _timer: unknown = null;
  private _delay: number;
  private _scheduledMs = 0;
  private _changed = new Signal<this, string | null>(this);
}
