/**
 * Remembers whether the XetCache server answers, and shows ONE clear message (with the fix)
 * the first time it does not, instead of one error per failed request. Cells keep running
 * either way: caching happens in the kernel and does not need the server.
 */
import { type ISignal, Signal } from '@lumino/signaling';
import { checkServer, isServerUnavailable, type IServerStatus } from './request';

export type Notify = (message: string) => void;

export class ServerMonitor {
  constructor(
    private readonly _notify: Notify,
    private readonly _check: () => Promise<IServerStatus> = () => checkServer()
  ) {}

  /** The last problem, or null when the server answered (or was not asked yet). */
  get problem(): string | null {
    return this._problem;
  }
  get changed(): ISignal<this, string | null> {
    return this._changed;
  }

  /** GET /api/status once (again after a reported failure). */
  async available(): Promise<boolean> {
    if (!this._pending) {
      this._pending = this._check().then(
        () => {
          this._set(null);
          return true;
        },
        e => {
          this.report(e);
          this._pending = null; // ask again next time: the user may have fixed it
          return false;
        }
      );
    }
    return this._pending;
  }

  /** Feed any request error here; a missing/incompatible server is announced once. */
  report(e: unknown): void {
    if (!isServerUnavailable(e)) {
      return;
    }
    const message = (e as Error).message;
    if (!this._notified) {
      this._notified = true;
      this._notify(message);
    }
    this._set(message);
  }

  private _set(problem: string | null): void {
    if (problem !== this._problem) {
      this._problem = problem;
      this._changed.emit(problem);
    }
  }

  private _problem: string | null = null;
  private _notified = false;
  private _pending: Promise<boolean> | null = null;
  private _changed = new Signal<this, string | null>(this);
}
