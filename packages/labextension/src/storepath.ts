/**
 * Where a notebook's store is, as the server names it (a path relative to the Jupyter root),
 * and how the engine names the notebook inside it (relative to the store's parent directory,
 * manifest schema `source.notebook`).
 */

function normalize(parts: string[]): string[] {
  const out: string[] = [];
  for (const p of parts) {
    if (p === '' || p === '.') {
      continue;
    }
    if (p === '..') {
      if (out.length && out[out.length - 1] !== '..') {
        out.pop();
      } else {
        out.push('..');
      }
      continue;
    }
    out.push(p);
  }
  return out;
}

function dirParts(path: string): string[] {
  const parts = normalize(path.split('/'));
  parts.pop();
  return parts;
}

/** store = dirname(notebook path) + "/" + cache_dir, normalised ("" dirname → cache_dir alone). */
export function storeForNotebook(notebookPath: string, cacheDir: string): string {
  if (cacheDir.startsWith('/')) {
    // An absolute cache_dir cannot be named relative to the Jupyter root; the server refuses it.
    return cacheDir;
  }
  return normalize([...dirParts(notebookPath), ...cacheDir.split('/')]).join('/');
}

/** The notebook's path relative to the store's parent directory ('/'-separated). */
export function notebookInStore(notebookPath: string, store: string): string {
  const from = dirParts(store);
  const to = normalize(notebookPath.split('/'));
  let i = 0;
  while (i < from.length && i < to.length - 1 && from[i] === to[i]) {
    i++;
  }
  return [...from.slice(i).map(() => '..'), ...to.slice(i)].join('/');
}
