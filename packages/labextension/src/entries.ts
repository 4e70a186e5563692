/** Server queries shared by the badges and the browser (all through the one request function). */
import type { IEntrySummary } from './events';
import { isRequestError, requestAPI } from './request';
import { notebookInStore, storeForNotebook } from './storepath';

export interface INotebookStore {
  /** Store path relative to the Jupyter root (the server's `store` parameter). */
  store: string;
  /** The notebook as the engine names it in manifests (relative to the store's parent). */
  notebook: string;
}

export function notebookStore(notebookPath: string, cacheDir: string): INotebookStore {
  const store = storeForNotebook(notebookPath, cacheDir);
  return { store, notebook: notebookInStore(notebookPath, store) };
}

/** Every cell entry of a notebook; a store that does not exist yet simply has none. */
export async function fetchNotebookEntries(where: INotebookStore, limit = 5000): Promise<IEntrySummary[]> {
  try {
    const r = await requestAPI<{ total: number; entries: IEntrySummary[] }>('entries', {
      query: { store: where.store, notebook: where.notebook, kind: 'cell', sort: 'created', order: 'desc', limit }
    });
    return r.entries;
  } catch (e) {
    if (isRequestError(e, 'ENOTSTORE') || isRequestError(e, 'ENOTFOUND')) {
      return [];
    }
    throw e;
  }
}
