/** `xetcache ls | show | stats`: reading the index of one store (same code as the server, no HTTP). */
import { XetCacheError, formatBytes } from '@xetcache/store';
import type { EntrySummary, ListQuery, StoreIndex } from '../index-db';
import { formatSeconds, formatTime, oneLine, table } from './format';
import type { Output } from './output';

function entryRows(entries: EntrySummary[]): string[][] {
  return entries.map(e => [
    e.key.slice(0, 12),
    e.notebook ?? '-',
    e.cell_id ?? e.qualname ?? '-',
    formatBytes(e.total_bytes),
    formatSeconds(e.runtime_s),
    formatTime(e.created),
    String(e.hits),
    formatTime(e.last_hit),
    oneLine(e.preview, 40)
  ]);
}

export async function lsCommand(index: StoreIndex, q: ListQuery, out: Output): Promise<void> {
  const page = await index.list(q);
  const sizes = page.total > 0 ? await index.stats(q.notebook) : null;
  out.result(page, () => {
    if (page.total === 0) return `no entries in ${index.dir}`;
    const headers = [
      'KEY',
      'NOTEBOOK',
      'CELL',
      'SIZE',
      'RUNTIME',
      'CREATED',
      'HITS',
      'LAST HIT',
      'PREVIEW'
    ];
    const shown = `${page.entries.length} of ${page.total} entries${q.offset ? ` from ${q.offset}` : ''}`;
    const where = q.notebook === undefined ? 'the store' : q.notebook;
    // SIZE is each entry's logical size; what they take together counts shared chunks once (spec/FORMAT.md)
    const bytes = sizes
      ? `; ${where}: ${formatBytes(sizes.logical_bytes)} logical, ${formatBytes(sizes.bytes)} stored`
      : '';
    return `${table(headers, entryRows(page.entries), new Set([3, 4, 6]))}\n${shown}${bytes}`;
  });
}

/** Accept the 12-character keys `ls` prints: any unique prefix of at least 4 hex characters. */
export async function resolveKey(index: StoreIndex, text: string): Promise<string> {
  if (!/^[0-9a-f]{4,64}$/.test(text)) {
    throw new XetCacheError(
      'EBADREQUEST',
      `"${text}" is not a key: give 4 to 64 lowercase hex characters (see xetcache ls)`
    );
  }
  const keys = await index.resolveKey(text);
  if (keys.length === 0)
    throw new XetCacheError('ENOTFOUND', `no entry with key ${text} in ${index.dir}`, {
      key: text
    });
  if (keys.length > 1)
    throw new XetCacheError('EBADREQUEST', `key prefix ${text} is ambiguous: give more characters`);
  return keys[0];
}

export async function showCommand(index: StoreIndex, keyText: string, out: Output): Promise<void> {
  const { entry, manifest } = await index.get(await resolveKey(index, keyText));
  out.result({ entry, manifest }, () => {
    const vars = Object.entries(manifest.variables).map(
      ([name, v]) => `  ${name}: ${v.type}, ${formatBytes(v.bytes)}, ${v.objects.length} object(s)`
    );
    const lines = [
      `key:        ${entry.key}`,
      `kind:       ${entry.kind}${entry.qualname ? ` (${entry.qualname})` : ''}`,
      `notebook:   ${entry.notebook ?? '-'}  cell: ${entry.cell_id ?? '-'}`,
      `created:    ${entry.created}  runtime: ${formatSeconds(entry.runtime_s)}`,
      // logical; what the store holds for it when less (its chunks, each once), as the sidebar says it
      `size:       ${formatBytes(entry.total_bytes)}${
        entry.stored_bytes < entry.total_bytes ? ` (${formatBytes(entry.stored_bytes)} stored)` : ''
      }  outputs: ${entry.outputs_count}`,
      `hits:       ${entry.hits}  last hit: ${entry.last_hit ?? '-'}  saved: ${formatSeconds(entry.time_saved_s)}`,
      `inputs:     ${Object.keys(manifest.inputs).join(', ') || '-'}`,
      `variables:`,
      ...(vars.length ? vars : ['  -']),
      `code:`,
      ...manifest.source.preview.split('\n').map(l => `  | ${l}`)
    ];
    return lines.join('\n');
  });
}

export async function statsCommand(
  index: StoreIndex,
  notebook: string | undefined,
  out: Output
): Promise<void> {
  const s = await index.stats(notebook);
  out.result(s, () => {
    const head = `${s.entries} entries, ${formatBytes(s.bytes)} stored (${formatBytes(s.logical_bytes)} logical), ${s.hits} hits, ${formatSeconds(s.time_saved_s)} saved`;
    if (s.entries === 0) return head;
    const rows = s.by_notebook.map(n => [
      n.notebook ?? '(none)',
      String(n.entries),
      formatBytes(n.bytes),
      formatBytes(n.logical_bytes),
      formatSeconds(n.time_saved_s)
    ]);
    const headers = ['NOTEBOOK', 'ENTRIES', 'STORED', 'LOGICAL', 'SAVED'];
    return `${head}\n\n${table(headers, rows, new Set([1, 2, 3, 4]))}`;
  });
}
