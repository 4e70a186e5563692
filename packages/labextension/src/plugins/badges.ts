/**
 * Per-cell badges as a notebook WidgetExtension (the jupyterlab-execute-time pattern): one
 * CellBadges (what to show) and one BadgeFeed (what the server knows) per notebook panel.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import type { DocumentRegistry } from '@jupyterlab/docregistry';
import type { INotebookModel, NotebookPanel } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator, type TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import { BadgeFeed } from '../badgefeed';
import { CellBadges } from '../cellbadges';
import { IXetCache, TRANSLATION_DOMAIN } from '../tokens';

class BadgeExtension implements DocumentRegistry.IWidgetExtension<NotebookPanel, INotebookModel> {
  constructor(
    private readonly _xc: IXetCache,
    private readonly _trans: TranslationBundle
  ) {}

  createNew(panel: NotebookPanel, context: DocumentRegistry.IContext<INotebookModel>): IDisposable {
    const badges = new CellBadges(panel, this._trans);
    const feed = new BadgeFeed(panel, context, this._xc, badges, this._trans);
    const disposable = {
      isDisposed: false,
      dispose: () => {
        if (!disposable.isDisposed) {
          disposable.isDisposed = true;
          feed.dispose();
        }
      }
    };
    panel.disposed.connect(disposable.dispose);
    return disposable;
  }
}

export const badgesPlugin: JupyterFrontEndPlugin<void> = {
  id: '@xetcache/labextension:badges',
  description:
    'Shows per-cell cache badges (armed, running, hit, stored, skipped, stale, not cached, error) with explanations.',
  autoStart: true,
  requires: [IXetCache],
  optional: [ITranslator],
  activate: (app: JupyterFrontEnd, xc: IXetCache, translator: ITranslator | null) => {
    const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
    app.docRegistry.addWidgetExtension('Notebook', new BadgeExtension(xc, trans));
  }
};
