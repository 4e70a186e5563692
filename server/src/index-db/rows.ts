/**
 * Conversions between a manifest, an index row and the API's EntrySummary (CONTRACT.md section 4). The index
 * stores exactly what listing, filtering and sorting need; the full manifest is always read from its file.
 */
import { chunkTable, manifestNamedIds, type EntrySummary, type Manifest } from '@xetcache/store';

export interface EntryRow {
  key: string;
  shard: string;
  kind: string;
  notebook: string | null;
  cell_id: string | null;
  code_sha256: string;
  preview: string;
  qualname: string | null;
  namespace: string | null;
  created: string;
  created_ms: number;
  runtime_s: number;
  total_bytes: number;
  /** total_bytes less the chunked objects: what the entry stores whole (its chunks are in entry_chunks). */
  unchunked_bytes: number;
  hits: number;
  last_hit_ms: number | null;
  time_saved_s: number;
  variables: string; // JSON array of names
  outputs_count: number;
  file_mtime_ms: number;
  file_size: number;
}

// Defined once in @xetcache/store (shared with the lab extension); re-exported for the index's callers.
export type { EntrySummary };

/** The columns that come from the manifest file (hits are merged in from hit_log by the caller). */
export type ManifestColumns = Omit<EntryRow, 'hits' | 'last_hit_ms' | 'time_saved_s'>;

/**
 * A row as listings select it: the columns plus its physical size, unchunked bytes + each of its chunks once
 * (entry_chunks holds an entry's chunks once each), as stats counts a group's bytes (query.ts).
 */
export type ListedRow = EntryRow & { stored_bytes: number };

/**
 * The chunks an entry's chunked objects are made of, each once, with their sizes (format 2; empty for format 1),
 * and the logical bytes of those objects. Physical sizes count each chunk once (query.ts, spec/FORMAT.md).
 */
export function manifestChunks(m: Manifest): { parts: [string, number][]; chunkedBytes: number } {
  const table = chunkTable(m);
  const parts = new Map<string, number>();
  let chunkedBytes = 0;
  for (const id of manifestNamedIds(m)) {
    const list = Object.prototype.hasOwnProperty.call(table, id) ? table[id] : undefined;
    if (!list) continue;
    for (const [oid, size] of list) {
      parts.set(oid, size);
      chunkedBytes += size;
    }
  }
  return { parts: [...parts], chunkedBytes };
}

/** The row of a manifest and its chunks (one pass over its chunk lists for both). */
export function manifestToColumns(
  m: Manifest,
  file: { mtimeMs: number; size: number }
): { columns: ManifestColumns; chunks: [string, number][] } {
  const created_ms = Date.parse(m.created);
  const { parts, chunkedBytes } = manifestChunks(m);
  const columns: ManifestColumns = {
    key: m.key,
    shard: m.key.slice(0, 2),
    kind: m.kind,
    notebook: m.source.notebook ?? null,
    cell_id: m.source.cell_id ?? null,
    code_sha256: m.source.code_sha256,
    preview: m.source.preview,
    qualname: m.source.qualname ?? null,
    namespace: m.namespace ?? null,
    created: m.created,
    // The schema says date-time, but a hand-edited file may not parse: sort it first rather than fail the index.
    created_ms: Number.isFinite(created_ms) ? created_ms : 0,
    runtime_s: m.runtime_s,
    total_bytes: m.total_bytes,
    unchunked_bytes: Math.max(0, m.total_bytes - chunkedBytes),
    variables: JSON.stringify(Object.keys(m.variables).sort()),
    outputs_count: m.outputs === null ? 0 : m.outputs.count,
    file_mtime_ms: file.mtimeMs,
    file_size: file.size
  };
  return { columns, chunks: parts };
}

export function rowToSummary(r: ListedRow): EntrySummary {
  return {
    key: r.key,
    kind: r.kind as EntrySummary['kind'],
    notebook: r.notebook,
    cell_id: r.cell_id,
    code_sha256: r.code_sha256,
    preview: r.preview,
    qualname: r.qualname,
    namespace: r.namespace,
    created: r.created,
    runtime_s: r.runtime_s,
    total_bytes: r.total_bytes,
    stored_bytes: r.stored_bytes,
    hits: r.hits,
    last_hit: r.last_hit_ms === null ? null : new Date(r.last_hit_ms).toISOString(),
    time_saved_s: r.time_saved_s,
    variables: JSON.parse(r.variables) as string[],
    outputs_count: r.outputs_count
  };
}
