/**
 * The engine's transient notices: progress and "could not fetch" lines of the lazy fetches (Git LFS, the team
 * cache), sent on the `xetcache` comm as `{"type": "notice", "text", "state", "transfer"?}` (CONTRACT.md section 3;
 * xetcache/lfs/notice.py). They never go into a cell's outputs; here they become JupyterLab notifications, one per
 * transfer: "fetching…" shows while it runs and is then updated to "fetched" (or why not), instead of a new toast
 * per line. Pure logic; the plugin gives it JupyterLab's Notification (plugins/settings.ts).
 */

export type NoticeState = 'info' | 'progress' | 'done' | 'error';

export interface INotice {
  text: string;
  state: NoticeState;
  /** Lines of one transfer share it; null for a line on its own. */
  transfer: string | null;
}

const STATES: readonly string[] = ['info', 'progress', 'done', 'error'];

/** A comm message's data → a notice, or null when it is not one (e.g. a run event). */
export function parseNotice(data: unknown): INotice | null {
  if (typeof data !== 'object' || data === null) {
    return null;
  }
  const d = data as Record<string, unknown>;
  if (d.type !== 'notice' || typeof d.text !== 'string' || d.text === '') {
    return null;
  }
  // An engine older than transfers sends only text: a line on its own.
  const state = typeof d.state === 'string' && STATES.includes(d.state) ? d.state : 'info';
  const transfer = typeof d.transfer === 'string' && d.transfer !== '' ? d.transfer : null;
  return { text: d.text, state: state as NoticeState, transfer };
}

/** JupyterLab's notification kinds used here (a subset of Notification.TypeOptions). */
export type NotificationKind = 'info' | 'in-progress' | 'success' | 'warning';

/** How a notice is shown: its kind and when it closes (ms; false = stays until updated or dismissed). */
export function presentation(state: NoticeState): {
  kind: NotificationKind;
  autoClose: number | false;
} {
  switch (state) {
    case 'progress':
      return { kind: 'in-progress', autoClose: false };
    case 'done':
      return { kind: 'success', autoClose: 5_000 };
    case 'error':
      // A warning, not an error: the cell runs instead and its badge says why.
      return { kind: 'warning', autoClose: 20_000 };
    default:
      return { kind: 'info', autoClose: 8_000 };
  }
}

/** What NoticeBoard needs of JupyterLab's Notification. */
export interface INotifier {
  /** Shows a notification; returns its id. */
  emit(text: string, kind: NotificationKind, autoClose: number | false): string;
  /** Changes one; false when it is gone (closed or dismissed). */
  update(id: string, text: string, kind: NotificationKind, autoClose: number | false): boolean;
}

export class NoticeBoard {
  constructor(private readonly _notifier: INotifier) {}

  show(n: INotice): void {
    const { kind, autoClose } = presentation(n.state);
    const id = n.transfer === null ? undefined : this._open.get(n.transfer);
    const shown =
      id !== undefined && this._notifier.update(id, n.text, kind, autoClose)
        ? id
        : this._notifier.emit(n.text, kind, autoClose);
    if (n.transfer === null) {
      return;
    }
    if (n.state === 'done' || n.state === 'error') {
      this._open.delete(n.transfer); // finished: a later line with this id (none expected) starts afresh
    } else {
      this._open.set(n.transfer, shown);
    }
  }

  /** Transfers whose notification is still open (for tests and leak checks). */
  get openTransfers(): number {
    return this._open.size;
  }

  private _open = new Map<string, string>();
}
