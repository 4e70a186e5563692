/**
 * Replaces JupyterLab's cell executor (the default plugin is disabled in package.json
 * `jupyterlab.disabledExtensions`; only one executor can be active). Must NOT require
 * INotebookTracker: the tracker itself requires the executor.
 */
import type { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { INotebookCellExecutor } from '@jupyterlab/notebook';
import { createCellExecutor } from '../executor';
import { IXetCache } from '../tokens';

export const executorPlugin: JupyterFrontEndPlugin<INotebookCellExecutor> = {
  id: '@xetcache/labextension:cell-executor',
  description: 'Runs cells with caching on through the XetCache engine; all other cells as usual.',
  autoStart: true,
  provides: INotebookCellExecutor,
  requires: [IXetCache],
  activate: (_app, xc: IXetCache): INotebookCellExecutor => createCellExecutor(xc.engine)
};
