/**
 * The cache browser sidebar, wired to the current notebook, the server and the engine events.
 * Refreshes on notebook switch, after cached runs, and every POLL_MS while visible; never asks
 * a server known to be down (the server monitor retries it with a backoff).
 */
import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { CacheBrowser } from '../browser/widget';
import { fetchNotebookEntries, type INotebookStore, notebookStore } from '../entries';
import { formatBytes } from '../format';
import { cacheIcon } from '../icons';
import { isServerUnavailable, requestAPI } from '../request';
import { CommandIDs, IXetCache } from '../tokens';

const POLL_MS = 15000;

export const browserPlugin: JupyterFrontEndPlugin<void> = {
  id: '@xetcache/labextension:browser',
  description:
    'Sidebar listing the cache entries of the current notebook, with eviction and trimming.',
  autoStart: true,
  requires: [IXetCache, INotebookTracker],
  optional: [ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    xc: IXetCache,
    tracker: INotebookTracker,
    restorer: ILayoutRestorer | null
  ) => {
    let busy = false;
    let shown = '';
    const where = (): INotebookStore | null => {
      const path = tracker.currentWidget?.context.path;
      return path && xc.settings ? notebookStore(path, xc.settings.cache_dir) : null;
    };

    const refresh = async (): Promise<void> => {
      const w = where();
      if (!w || busy) {
        if (!w) {
          widget.git = 'unknown';
          widget.display(null, null, 'Open a notebook to see its cache.');
        }
        return;
      }
      busy = true;
      // What is known of this store's repository (set before any display: never another store's).
      widget.git = xc.git.get(w.store);
      if (shown !== w.store + w.notebook && xc.server.state !== 'down') {
        // The proxy may take many seconds to start (or give up on) the server: say so meanwhile.
        widget.display(null, null, `Loading the cache of ${w.notebook}…`);
      }
      try {
        // While the server is down this answers at once, without a request; the monitor retries
        // on its own backoff and `changed` brings us back here when the server answers.
        if (!(await xc.server.available())) {
          shown = '';
          widget.display(null, xc.server.problem);
          return;
        }
        // First look at this store: ask (once) whether its repository lacks Git LFS; the answer
        // comes back through `git.changed`.
        void xc.git.check(w.store);
        widget.git = xc.git.get(w.store);
        const entries = await fetchNotebookEntries(w);
        widget.defaultBudget = xc.settings?.max_bytes ?? null;
        shown = w.store + w.notebook;
        widget.display(
          {
            notebookPath: tracker.currentWidget?.context.path ?? '',
            store: w.store,
            entries,
            total: entries.length
          },
          null
        );
      } catch (e) {
        xc.server.report(e);
        shown = '';
        widget.display(null, isServerUnavailable(e) ? xc.server.problem : (e as Error).message);
      } finally {
        busy = false;
      }
    };

    const post = async (endpoint: string, body: object): Promise<void> => {
      try {
        await requestAPI(endpoint, { method: 'POST', body });
      } catch (e) {
        xc.server.report(e);
        void showDialog({
          title: 'XetCache',
          body: (e as Error).message,
          buttons: [Dialog.okButton()]
        });
      }
      await refresh();
    };

    const widget = new CacheBrowser({
      // A manual refresh also asks a server that is down again, ahead of the backoff.
      refresh: () => void (xc.server.state === 'down' ? xc.server.retryNow() : refresh()),
      evict: async target => {
        const w = where();
        if (!w) {
          return;
        }
        if (target === 'notebook') {
          const ok = await showDialog({
            title: "Evict this notebook's cache?",
            body: `Every cached entry of ${w.notebook} in ${w.store} is removed (blobs are freed by gc).`,
            buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Evict' })]
          });
          if (ok.button.accept) {
            await post('evict', { store: w.store, notebook: w.notebook });
          }
        } else if ('key' in target) {
          await post('evict', { store: w.store, key: target.key });
        } else {
          await post('evict', { store: w.store, notebook: w.notebook, cell_id: target.cellId });
        }
      },
      trim: async maxBytes => {
        const w = where();
        if (!w) {
          return;
        }
        const ok = await showDialog({
          title: 'Trim the store?',
          body: `Least recently used entries of ${w.store} (all notebooks in it) are evicted until it is at most ${formatBytes(maxBytes)}.`,
          buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Trim' })]
        });
        if (ok.button.accept) {
          await post('trim', { store: w.store, max_bytes: maxBytes });
        }
      },
      jumpTo: cellId => {
        const panel = tracker.currentWidget;
        const nb = panel?.content;
        const index = nb ? nb.widgets.findIndex(c => c.model.sharedModel.getId() === cellId) : -1;
        if (!panel || !nb || index < 0) {
          return;
        }
        app.shell.activateById(panel.id);
        nb.activeCellIndex = index;
        void nb.scrollToItem(index, 'smart');
      }
    });
    widget.title.icon = cacheIcon;
    app.shell.add(widget, 'right', { rank: 650 });
    restorer?.add(widget, 'xetcache-browser');

    let pending = 0;
    const soon = (): void => {
      window.clearTimeout(pending);
      pending = window.setTimeout(() => void refresh(), 500);
    };
    tracker.currentChanged.connect(soon);
    xc.settingsChanged.connect(soon);
    xc.engine.runEvent.connect(soon);
    xc.server.changed.connect(soon);
    xc.git.changed.connect((_, store) => {
      if (store === where()?.store) {
        soon();
      }
    });
    window.setInterval(() => {
      if (widget.isVisible && !document.hidden) {
        void refresh();
      }
    }, POLL_MS);
    void xc.server.available();

    app.commands.addCommand(CommandIDs.openBrowser, {
      label: 'Show XetCache Browser',
      icon: cacheIcon,
      execute: () => app.shell.activateById(widget.id)
    });
  }
};
