/**
 * The cache browser sidebar (logic in browser/controller.ts), its command and palette entry.
 */
import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { BrowserController } from '../browser/controller';
import { cacheIcon } from '../icons';
import { CommandIDs, IXetCache, TRANSLATION_DOMAIN } from '../tokens';

export const browserPlugin: JupyterFrontEndPlugin<void> = {
  id: '@xetcache/labextension:browser',
  description:
    'Sidebar listing the cache entries of the current notebook and its store, with sorting, filtering, eviction and trimming.',
  autoStart: true,
  requires: [IXetCache, INotebookTracker],
  optional: [ILayoutRestorer, ICommandPalette, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    xc: IXetCache,
    tracker: INotebookTracker,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
    const { widget } = new BrowserController(app, xc, tracker, trans);
    widget.title.icon = cacheIcon;
    app.shell.add(widget, 'right', { rank: 650 });
    restorer?.add(widget, 'xetcache-browser');

    app.commands.addCommand(CommandIDs.openBrowser, {
      label: trans.__('Show XetCache Browser'),
      caption: trans.__('The cached entries of this notebook and its store'),
      icon: cacheIcon,
      execute: () => app.shell.activateById(widget.id)
    });
    palette?.addItem({ command: CommandIDs.openBrowser, category: trans.__('XetCache') });
  }
};
