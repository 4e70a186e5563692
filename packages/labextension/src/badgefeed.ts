/**
 * Feeds one notebook's badges from the server: the entries of its cells, asked on open, after a
 * stored run, after the UI changed the store (sidebar evict/trim), when the server comes back,
 * and on a slow poll while the page is visible (an entry evicted by the CLI or a colleague's pull
 * re-derives the badge). Never asks a server known to be down, nor about a store the kernel says
 * does not exist (storegate.ts), so a notebook without a store makes no failing request.
 */
import type { DocumentRegistry } from '@jupyterlab/docregistry';
import type { INotebookModel, NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Poll } from '@lumino/polling';
import type { CellBadges } from './cellbadges';
import { fetchNotebookEntries, notebookStore } from './entries';
import type { IRunEvent } from './events';
import { isServerUnavailable } from './request';
import { sessionGate, type StoreGate } from './storegate';
import type { IXetCache } from './tokens';

/** How often a visible notebook re-reads its entries (the store may change outside this page). */
export const BADGE_POLL_MS = 10_000;

export class BadgeFeed {
  constructor(
    private readonly _panel: NotebookPanel,
    private readonly _context: DocumentRegistry.IContext<INotebookModel>,
    private readonly _xc: IXetCache,
    private readonly _badges: CellBadges,
    private readonly _trans: TranslationBundle
  ) {
    const xc = _xc;
    xc.engine.watch(_panel.sessionContext);
    xc.engine.runEvent.connect(this._onEvent, this);
    xc.engine.statusChanged.connect(this._onEngine, this);
    xc.settingsChanged.connect(this._refresh, this);
    xc.server.changed.connect(this._onServer, this);
    xc.storeChanged.connect(this._onStore, this);
    _context.pathChanged.connect(this._refresh, this);
    _panel.sessionContext.statusChanged.connect(this._onKernel, this);
    this._poll = new Poll({
      name: 'xetcache:badges',
      factory: () => this.refresh(),
      frequency: { interval: BADGE_POLL_MS, backoff: false, max: BADGE_POLL_MS },
      // Nothing to re-read while hidden, while the server is down, or without a store.
      standby: () => document.hidden || xc.server.state === 'down' || this._gate() !== 'ask'
    });
    void _context.ready.then(() => {
      if (!_panel.isDisposed) {
        const cells = _context.model.cells;
        for (let i = 0; i < cells.length; i++) {
          _badges.follow(cells.get(i));
        }
        cells.changed.connect((_, change) => change.newValues.forEach(m => _badges.follow(m)));
        void this.refresh();
      }
    });
  }

  /** Asks for the entries now (one request at a time; a call during one asks again after it). */
  async refresh(): Promise<void> {
    if (this._busy) {
      this._again = true;
      return;
    }
    this._busy = true;
    try {
      do {
        this._again = false;
        await this._fetch();
      } while (this._again && !this._panel.isDisposed);
    } finally {
      this._busy = false;
    }
  }

  dispose(): void {
    const xc = this._xc;
    this._poll.dispose();
    xc.engine.runEvent.disconnect(this._onEvent, this);
    xc.engine.statusChanged.disconnect(this._onEngine, this);
    xc.settingsChanged.disconnect(this._refresh, this);
    xc.server.changed.disconnect(this._onServer, this);
    xc.storeChanged.disconnect(this._onStore, this);
    this._badges.dispose();
  }

  private async _fetch(): Promise<void> {
    const xc = this._xc;
    if (!xc.settings || !this._context.isReady || this._panel.isDisposed) {
      return;
    }
    const gate = this._gate();
    if (gate === 'wait') {
      return; // the engine's status change brings us back
    }
    if (gate === 'skip') {
      this._badges.setEntries([], this._badges.mark()); // no store: nothing is cached
      if (xc.server.state === 'ok') {
        void xc.git.check(this._where().store); // said once if its repository lacks Git LFS
      }
      return;
    }
    // No request while the server is known to be down (the monitor retries it on a backoff
    // and `changed` brings us back); the badges still follow the kernel's events meanwhile.
    if (!(await xc.server.available())) {
      this._badges.lookupFailed = true;
      return;
    }
    const where = this._where();
    void xc.git.check(where.store); // said once if its repository lacks Git LFS
    const mark = this._badges.mark();
    try {
      this._badges.setEntries(await fetchNotebookEntries(where), mark);
    } catch (e) {
      xc.server.report(e);
      if (isServerUnavailable(e)) {
        this._badges.lookupFailed = true;
      }
    }
  }

  private _where(): { store: string; notebook: string } {
    return notebookStore(this._context.path, this._xc.settings?.cache_dir ?? '.xetcache');
  }

  private _gate(): StoreGate {
    return sessionGate(this._panel.sessionContext, k => this._xc.engine.status(k));
  }

  private _refresh(): void {
    void this.refresh();
  }

  private _onEvent(_: unknown, ev: IRunEvent): void {
    if (this._badges.onEvent(ev) && ev.state === 'stored') {
      void this.refresh(); // the new entry makes older code versions of this cell "stale"
    }
  }

  private _onEngine(): void {
    const s = this._xc.engine.status(this._panel.sessionContext.session?.kernel);
    const trans = this._trans;
    this._badges.engineProblem =
      s?.state === 'unsupported'
        ? trans.__('XetCache needs a Python kernel')
        : s?.state === 'failed'
          ? trans.__('XetCache engine not loaded in this kernel: %1', s.error ?? s.state)
          : null;
    const gate = this._gate();
    if (gate !== this._lastGate) {
      this._lastGate = gate;
      void this.refresh(); // the kernel now says whether the store exists
      void this._poll.refresh();
    }
  }

  private _onKernel(_: unknown, status: string): void {
    if (status === 'restarting' || status === 'autorestarting') {
      this._badges.forgetRuns();
    }
  }

  private _onServer(_: unknown, problem: string | null): void {
    if (problem === null) {
      void this.refresh(); // the server came (back) up
    }
  }

  private _onStore(_: unknown, store: string): void {
    if (this._xc.settings && store === this._where().store) {
      void this.refresh();
    }
  }

  private _busy = false;
  private _again = false;
  private _lastGate: StoreGate | null = null;
  private _poll: Poll;
}
