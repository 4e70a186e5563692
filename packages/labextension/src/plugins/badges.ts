/**
 * Per-cell badges as a notebook WidgetExtension (the jupyterlab-execute-time pattern): one
 * CellBadges per panel, fed by cell model changes, engine events and the server's entries.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import type { ICellModel } from '@jupyterlab/cells';
import type { DocumentRegistry } from '@jupyterlab/docregistry';
import type { INotebookModel, NotebookPanel } from '@jupyterlab/notebook';
import type { IObservableList } from '@jupyterlab/observables';
import { ITranslator, nullTranslator, type TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import { CellBadges } from '../cellbadges';
import { fetchNotebookEntries, notebookStore } from '../entries';
import type { IRunEvent } from '../events';
import { isServerUnavailable } from '../request';
import { IXetCache, TRANSLATION_DOMAIN } from '../tokens';

/** Source edits re-hash the cell; wait for a pause in typing. */
const EDIT_DEBOUNCE_MS = 300;

class BadgeExtension implements DocumentRegistry.IWidgetExtension<NotebookPanel, INotebookModel> {
  constructor(
    private readonly _xc: IXetCache,
    private readonly _trans: TranslationBundle
  ) {}

  createNew(panel: NotebookPanel, context: DocumentRegistry.IContext<INotebookModel>): IDisposable {
    const xc = this._xc;
    const trans = this._trans;
    const badges = new CellBadges(panel, trans);
    xc.engine.watch(panel.sessionContext);
    const timers = new Map<ICellModel, number>();

    const refresh = async (): Promise<void> => {
      if (!xc.settings || !context.isReady || panel.isDisposed) {
        return;
      }
      // No request while the server is known to be down (the monitor retries it on a backoff
      // and `onServer` brings us back); the badges still follow the kernel's events meanwhile.
      if (!(await xc.server.available())) {
        badges.lookupFailed = true;
        return;
      }
      const where = notebookStore(context.path, xc.settings.cache_dir);
      // The store is looked at: say once if its repository lacks Git LFS (not awaited).
      void xc.git.check(where.store);
      try {
        badges.setEntries(await fetchNotebookEntries(where));
      } catch (e) {
        xc.server.report(e);
        if (isServerUnavailable(e)) {
          badges.lookupFailed = true;
        }
      }
    };
    const onServer = (_: unknown, problem: string | null): void => {
      if (problem === null) {
        void refresh(); // the server came (back) up
      }
    };
    const later = (model: ICellModel): void => {
      window.clearTimeout(timers.get(model));
      timers.set(
        model,
        window.setTimeout(() => badges.render(model), EDIT_DEBOUNCE_MS)
      );
    };
    const follow = (model: ICellModel): void => {
      model.metadataChanged.connect(() => badges.render(model));
      model.contentChanged.connect(() => later(model));
      badges.render(model);
    };
    const onCells = (_: unknown, change: IObservableList.IChangedArgs<ICellModel>): void => {
      change.newValues.forEach(follow);
    };
    const onEvent = (_: unknown, ev: IRunEvent): void => {
      if (badges.onEvent(ev) && ev.state === 'stored') {
        void refresh(); // the new entry makes older code versions of this cell "stale"
      }
    };
    const onEngine = (): void => {
      const s = xc.engine.status(panel.sessionContext.session?.kernel);
      badges.engineProblem =
        s && (s.state === 'failed' || s.state === 'unsupported')
          ? trans.__('XetCache engine not loaded in this kernel: %1', s.error ?? s.state)
          : null;
    };

    void context.ready.then(() => {
      if (panel.isDisposed) {
        return;
      }
      const cells = context.model.cells;
      for (let i = 0; i < cells.length; i++) {
        follow(cells.get(i));
      }
      cells.changed.connect(onCells);
      void refresh();
    });
    xc.engine.runEvent.connect(onEvent);
    xc.engine.statusChanged.connect(onEngine);
    xc.settingsChanged.connect(refresh);
    xc.server.changed.connect(onServer);
    context.pathChanged.connect(refresh);

    const disposable = {
      isDisposed: false,
      dispose: () => {
        disposable.isDisposed = true;
        xc.engine.runEvent.disconnect(onEvent);
        xc.engine.statusChanged.disconnect(onEngine);
        xc.settingsChanged.disconnect(refresh);
        xc.server.changed.disconnect(onServer);
        timers.forEach(t => window.clearTimeout(t));
      }
    };
    panel.disposed.connect(disposable.dispose);
    return disposable;
  }
}

export const badgesPlugin: JupyterFrontEndPlugin<void> = {
  id: '@xetcache/labextension:badges',
  description:
    'Shows per-cell cache badges (armed, hit, stored, skipped, stale, declined, error) with explanations.',
  autoStart: true,
  requires: [IXetCache],
  optional: [ITranslator],
  activate: (app: JupyterFrontEnd, xc: IXetCache, translator: ITranslator | null) => {
    const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
    app.docRegistry.addWidgetExtension('Notebook', new BadgeExtension(xc, trans));
  }
};
