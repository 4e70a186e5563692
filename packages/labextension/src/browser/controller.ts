/**
 * The cache browser's logic, wired to the current notebook, the server and the engine events:
 * refreshes on notebook switch, after cached runs, after its own evictions, and on a poll while
 * visible. Never asks a server known to be down (the server monitor retries it with a backoff),
 * nor about a store the notebook's kernel says does not exist (storegate.ts): a notebook without
 * a store makes no failing request, so the console stays clean.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Poll } from '@lumino/polling';
import { type INotebookStore, notebookStore } from '../entries';
import type { IEntrySummary } from '../events';
import { formatBytes } from '../format';
import { isRequestError, isServerUnavailable, requestAPI } from '../request';
import { sessionGate } from '../storegate';
import type { IXetCache } from '../tokens';
import { entriesParams, type IStats, manifestInputs, positions, totalsOf } from './query';
import { CacheBrowser, type IBrowserData } from './widget';

/** How often a visible sidebar re-reads the store (it may change outside this page). */
export const BROWSER_POLL_MS = 15_000;
/** Manifests read per refresh for their inputs (each once per session: keys are immutable). */
const INPUTS_PER_REFRESH = 50;

export class BrowserController {
  readonly widget: CacheBrowser;

  constructor(
    private readonly _app: JupyterFrontEnd,
    private readonly _xc: IXetCache,
    private readonly _tracker: INotebookTracker,
    private readonly _trans: TranslationBundle
  ) {
    const xc = _xc;
    this.widget = new CacheBrowser(
      {
        // A manual refresh also asks a server that is down again, ahead of the backoff.
        refresh: () => void (xc.server.state === 'down' ? xc.server.retryNow() : this.refresh()),
        evict: target => void this._evict(target),
        trim: n => void this._trim(n),
        jumpTo: id => this._jump(id),
        query: () => this.soon(0),
        // Opened: show the store as it is now, and let the poll run again.
        shown: () => void this._poll.refresh()
      },
      _trans
    );
    const soon = (): void => this.soon();
    _tracker.currentChanged.connect(soon);
    xc.settingsChanged.connect(soon);
    xc.engine.runEvent.connect(soon);
    xc.engine.statusChanged.connect(soon); // the kernel now says whether the store exists
    xc.server.changed.connect(soon);
    xc.git.changed.connect((_, store) => store === this._where()?.store && soon());
    this._poll = new Poll({
      name: 'xetcache:browser',
      factory: () => this.refresh(),
      frequency: { interval: BROWSER_POLL_MS, backoff: false, max: BROWSER_POLL_MS },
      standby: () => !this.widget.isVisible || document.hidden || xc.server.state === 'down'
    });
    void xc.server.available();
  }

  /** Refresh shortly (coalesces bursts of signals: several cells finishing at once). */
  soon(ms = 500): void {
    window.clearTimeout(this._pending);
    this._pending = window.setTimeout(() => void this.refresh(), ms);
  }

  async refresh(): Promise<void> {
    const w = this._where();
    const widget = this.widget;
    const trans = this._trans;
    if (!w) {
      widget.git = 'unknown';
      widget.display(null, null, trans.__('Open a notebook to see its cache.'));
      return;
    }
    if (this._busy) {
      this._again = true;
      return;
    }
    this._busy = true;
    try {
      widget.git = this._xc.git.get(w.store); // never another store's notice
      if (this._shown !== w.store + w.notebook && this._xc.server.state !== 'down') {
        // The proxy may take many seconds to start (or give up on) the server: say so meanwhile.
        widget.display(null, null, trans.__('Loading the cache of %1…', w.notebook));
      }
      await this._load(w);
    } finally {
      this._busy = false;
      if (this._again) {
        this._again = false;
        this.soon(0);
      }
    }
  }

  private async _load(w: INotebookStore): Promise<void> {
    const { widget, _xc: xc, _trans: trans } = this;
    // While the server is down this answers at once, without a request.
    if (!(await xc.server.available())) {
      this._shown = '';
      widget.display(null, xc.server.problem);
      return;
    }
    const panel = this._tracker.currentWidget;
    const gate = panel ? sessionGate(panel.sessionContext, k => xc.engine.status(k)) : 'ask';
    if (gate === 'wait') {
      this._shown = '';
      widget.display(null, null, trans.__('Waiting for the kernel of %1…', w.notebook));
      return;
    }
    void xc.git.check(w.store); // asked once per store (works before the store exists)
    widget.git = xc.git.get(w.store);
    if (gate === 'skip') {
      // The kernel says the store does not exist yet: nothing to ask (the server would answer it empty).
      this._shown = w.store + w.notebook;
      widget.display(
        this._empty(w),
        null,
        trans.__('No cached cells in this notebook yet: the first stored run creates %1.', w.store)
      );
      return;
    }
    const query = widget.query;
    try {
      const [list, stats] = await Promise.all([
        requestAPI<{ total: number; entries: IEntrySummary[] }>('entries', {
          query: entriesParams(query, w)
        }),
        requestAPI<IStats>('stats', { query: { store: w.store } })
      ]);
      const nb = panel?.content;
      const indexOf = (id: string): number =>
        nb ? nb.widgets.findIndex(c => c.model.sharedModel.getId() === id) : -1;
      await this._readInputs(w.store, list.entries);
      widget.defaultBudget = xc.settings?.max_bytes ?? null;
      this._shown = w.store + w.notebook;
      widget.display(
        {
          store: w.store,
          notebook: w.notebook,
          entries: list.entries,
          total: list.total,
          totals: totalsOf(stats, w.notebook),
          positions: positions(list.entries, w.notebook, indexOf),
          inputs: this._inputs
        },
        null
      );
    } catch (e) {
      xc.server.report(e);
      this._shown = '';
      if (isRequestError(e, 'ENOTSTORE')) {
        widget.display(this._empty(w), null, trans.__('No cached cells in this notebook yet.'));
      } else {
        widget.display(null, isServerUnavailable(e) ? xc.server.problem : (e as Error).message);
      }
    }
  }

  private _empty(w: INotebookStore): IBrowserData {
    const zero = { entries: 0, bytes: 0, savedS: 0 };
    return {
      store: w.store,
      notebook: w.notebook,
      entries: [],
      total: 0,
      totals: { store: zero, notebook: zero },
      positions: new Map(),
      inputs: this._inputs
    };
  }

  /** The input names of listed entries, from their manifests (the summaries do not carry them). */
  private async _readInputs(store: string, entries: IEntrySummary[]): Promise<void> {
    const missing = entries.filter(e => !this._inputs.has(e.key)).slice(0, INPUTS_PER_REFRESH);
    for (const e of missing) {
      try {
        const r = await requestAPI<{ manifest: unknown }>(`entries/${e.key}`, { query: { store } });
        this._inputs.set(e.key, manifestInputs(r.manifest));
      } catch (err) {
        this._xc.server.report(err);
        return; // evicted meanwhile, or the server went away: the next refresh tries again
      }
    }
  }

  private _where(): INotebookStore | null {
    const path = this._tracker.currentWidget?.context.path;
    return path && this._xc.settings ? notebookStore(path, this._xc.settings.cache_dir) : null;
  }

  private async _post(
    endpoint: string,
    body: { store: string; [k: string]: unknown }
  ): Promise<void> {
    try {
      await requestAPI(endpoint, { method: 'POST', body });
      this._xc.storeChanged.emit(body.store); // the badges re-derive from the store now
    } catch (e) {
      this._xc.server.report(e);
      void showDialog({
        title: this._trans.__('XetCache'),
        body: (e as Error).message,
        buttons: [Dialog.okButton({ label: this._trans.__('OK') })]
      });
    }
    await this.refresh();
  }

  private async _evict(target: { key: string } | { cellId: string } | 'notebook'): Promise<void> {
    const w = this._where();
    const trans = this._trans;
    if (!w) {
      return;
    }
    if (target === 'notebook') {
      const ok = await showDialog({
        title: trans.__("Evict this notebook's cache?"),
        body: trans.__(
          'Every cached entry of %1 in %2 is removed. Their files stay on disk until `xetcache gc` runs after a grace period of one hour (a kernel may be storing right now); gc says what it kept and when it can go.',
          w.notebook,
          w.store
        ),
        buttons: [
          Dialog.cancelButton({ label: trans.__('Cancel') }),
          Dialog.warnButton({ label: trans.__('Evict') })
        ]
      });
      if (ok.button.accept) {
        await this._post('evict', { store: w.store, notebook: w.notebook });
      }
    } else if ('key' in target) {
      await this._post('evict', { store: w.store, key: target.key });
    } else {
      await this._post('evict', { store: w.store, notebook: w.notebook, cell_id: target.cellId });
    }
  }

  private async _trim(maxBytes: number): Promise<void> {
    const w = this._where();
    const trans = this._trans;
    if (!w) {
      return;
    }
    const ok = await showDialog({
      title: trans.__('Trim the store?'),
      body: trans.__(
        'Least recently used entries of %1 (all notebooks in it) are evicted until it is at most %2.',
        w.store,
        formatBytes(maxBytes)
      ),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.warnButton({ label: trans.__('Trim') })
      ]
    });
    if (ok.button.accept) {
      await this._post('trim', { store: w.store, max_bytes: maxBytes });
    }
  }

  private _jump(cellId: string): void {
    const panel = this._tracker.currentWidget;
    const nb = panel?.content;
    const index = nb ? nb.widgets.findIndex(c => c.model.sharedModel.getId() === cellId) : -1;
    if (!panel || !nb || index < 0) {
      return;
    }
    this._app.shell.activateById(panel.id);
    nb.activeCellIndex = index;
    nb.mode = 'command';
    void nb.scrollToItem(index, 'smart');
    nb.activeCell?.node.focus();
  }

  private _busy = false;
  private _again = false;
  private _shown = '';
  private _pending = 0;
  private _inputs = new Map<string, string[]>();
  private readonly _poll: Poll;
}
