/**
 * "Git and LFS": a store in a git repository where Git LFS is missing or not set up is said once
 * per store per session, with the exact command that fixes it (GET /api/git; the server runs git,
 * the UI changes nothing). Asked when a notebook's store is first looked at, only while the server
 * monitor says the server is up, through the one request function.
 */
import { nullTranslator, type TranslationBundle } from '@jupyterlab/translation';
import { type ISignal, Signal } from '@lumino/signaling';
import { requestAPI } from './request';

/** GET /api/git answer (server/openapi.yaml `GitStatus`). */
export interface IGitStatus {
  in_repo: boolean;
  lfs_available: boolean;
  lfs_configured: boolean;
  message: string | null;
  fix: string | null;
}

/** What the UI shows for one store: null = nothing to say (ready, or not in a repository). */
export interface IGitNotice {
  message: string;
  fix: string | null;
}

/** What the sidebar knows about a store: not asked (yet), fine, or a notice. */
export type GitKnowledge = 'unknown' | 'ok' | IGitNotice;

/** The notice a status calls for, if any (only inside a repository, and only with a message). */
export function noticeOf(s: IGitStatus): IGitNotice | null {
  if (!s || s.in_repo !== true || typeof s.message !== 'string' || !s.message) {
    return null;
  }
  return { message: s.message, fix: typeof s.fix === 'string' && s.fix ? s.fix : null };
}

/**
 * The notification's text: the fix first, because JupyterLab cuts notifications at 140 characters
 * (the sidebar line keeps the whole message).
 */
export function noticeText(
  n: IGitNotice,
  trans: TranslationBundle = nullTranslator.load('xetcache')
): string {
  return n.fix
    ? trans.__('XetCache: Git LFS is not ready for this store. Fix: %1. %2', n.fix, n.message)
    : trans.__('XetCache: %1', n.message);
}

export interface IGitNoticeDeps {
  /** Whether the server is up (the server monitor's `available`). */
  available(): Promise<boolean>;
  /** Request errors go back to the server monitor. */
  report(e: unknown): void;
  /** Shows the notification (once per store). */
  notify(text: string): void;
  /** The notification's language (English without it). */
  trans?: TranslationBundle;
  /** GET /api/git for a store; defaults to the one request function. */
  fetch?(store: string): Promise<IGitStatus>;
}

export class GitNotices {
  constructor(private readonly _deps: IGitNoticeDeps) {}

  /** Emits the store whose knowledge changed. */
  get changed(): ISignal<this, string> {
    return this._changed;
  }

  /** What is known about `store` now (the sidebar's line). */
  get(store: string): GitKnowledge {
    return this._known.get(store) ?? 'unknown';
  }

  /**
   * Asks the server about `store` the first time it is looked at (later calls share or reuse the
   * answer). While the server is down nothing is asked and nothing is remembered, so the next look
   * after it came up asks.
   */
  check(store: string): Promise<GitKnowledge> {
    const known = this._known.get(store);
    if (known) {
      return Promise.resolve(known);
    }
    let pending = this._pending.get(store);
    if (!pending) {
      pending = this._ask(store).finally(() => this._pending.delete(store));
      this._pending.set(store, pending);
    }
    return pending;
  }

  private async _ask(store: string): Promise<GitKnowledge> {
    if (!(await this._deps.available())) {
      return 'unknown';
    }
    let status: IGitStatus;
    try {
      const fetch =
        this._deps.fetch ?? ((s: string) => requestAPI<IGitStatus>('git', { query: { store: s } }));
      status = await fetch(store);
    } catch (e) {
      this._deps.report(e);
      return 'unknown'; // asked again on the next look
    }
    const notice = noticeOf(status);
    const knowledge: GitKnowledge = notice ?? 'ok';
    this._known.set(store, knowledge);
    if (notice) {
      this._deps.notify(noticeText(notice, this._deps.trans));
    }
    this._changed.emit(store);
    return knowledge;
  }

  private _known = new Map<string, GitKnowledge>();
  private _pending = new Map<string, Promise<GitKnowledge>>();
  private _changed = new Signal<this, string>(this);
}
