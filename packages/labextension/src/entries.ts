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

/** The server's largest page (`limit` above it is refused with EBADREQUEST). */
export const PAGE_LIMIT = 1000;

/** Every cell entry of a notebook, page by page; a store that does not exist yet simply has none. */
export async function fetchNotebookEntries(where: INotebookStore): Promise<IEntrySummary[]> {
  const all: IEntrySummary[] = [];
  try {
    for (;;) {
      const r = await requestAPI<{ total: number; entries: IEntrySummary[] }>('entries', {
        query: {
          store: where.store,
          notebook: where.notebook,
          kind: 'cell',
          sort: 'created',
          order: 'desc',
          limit: PAGE_LIMIT,
          offset: all.length
        }
      });
      all.push(...r.entries);
      if (r.entries.length === 0 || all.length >= r.total) {
        return all;
      }
    }
  } catch (e) {
    if (isRequestError(e, 'ENOTSTORE') || isRequestError(e, 'ENOTFOUND')) {
      return [];
    }
    throw e;
  }
}
