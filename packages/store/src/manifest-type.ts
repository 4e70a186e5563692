/**
 * The TypeScript shape of a manifest. It mirrors spec/schemas/manifest.schema.json by hand; the schema stays the
 * single authority (validateManifest checks against it), this type only gives the compiler the same picture.
 * Which objects a manifest names is decided here, once, for verify, fetch/status, LFS include lists and gc.
 */
import { isHex64 } from './layout';

export const GRAPH_CODEC = 'xetcache-graph-1';
/** Manifest format with chunked objects (spec/FORMAT.md, "Chunked objects"); readers of 2 also read 1. */
export const FORMAT_CHUNKED = 2;
export const CHUNKS_HEADER = 'xetcache-chunks-1\n';

/** One part of a chunked object: [stored object id, size]. */
export type ChunkPart = [string, number];

export interface ManifestVariable {
  /** pickle5: its pickle stream, then its out-of-band buffers. xetcache-graph-1: exactly state.objects. */
  objects: string[];
  bytes: number;
  codec: 'pickle5' | typeof GRAPH_CODEC;
  /** module.qualname of the value's type. */
  type: string;
}

export interface ManifestOutputs {
  object: string;
  bytes: number;
  count: number;
}

export interface ManifestSource {
  notebook?: string | null;
  cell_id?: string | null;
  code_sha256: string;
  preview: string;
  qualname?: string | null;
}

/** One pickle graph holding everything a cell run restores (first object: the stream; then its buffers). */
export interface ManifestState {
  codec: typeof GRAPH_CODEC;
  objects: string[];
  bytes: number;
}

/** What the run depended on and changed (every property optional; more may be added). */
export interface ManifestTrace {
  globals?: Record<string, string>;
  files?: { path: string; sha256: string | null }[];
  modules?: { name: string; path: string; sha256: string | null }[];
  functions?: string[];
  hidden?: Record<string, string>;
  bound?: string[];
  mutated?: string[];
  deleted?: string[];
  [more: string]: unknown;
}

export interface Manifest {
  format: 1 | 2;
  key: string;
  kind: 'cell' | 'function';
  created: string;
  runtime_s: number;
  language: { name: string; version: string };
  source: ManifestSource;
  inputs: Record<string, string>;
  outputs_names: string[];
  variables: Record<string, ManifestVariable>;
  outputs: ManifestOutputs | null;
  namespace: string | null;
  total_bytes: number;
  engine: { name: string; version: string };
  state?: ManifestState;
  trace?: ManifestTrace;
  /** Format 2: chunked object id -> its parts, in order (each a stored object). */
  chunks?: Record<string, ChunkPart[]>;
  /** A newer minor of format 1 may add properties: kept as they are (spec/FORMAT.md, "Evolution"). */
  [more: string]: unknown;
}

/** Every object id a manifest names, each once (variables by name, outputs, state); chunked ones unresolved. */
export function manifestNamedIds(m: Manifest): string[] {
  const seen = new Set<string>();
  for (const name of Object.keys(m.variables).sort())
    for (const oid of m.variables[name].objects) seen.add(oid);
  if (m.outputs) seen.add(m.outputs.object);
  for (const oid of m.state?.objects ?? []) seen.add(oid);
  return [...seen];
}

/** Chunked object id -> parts; empty for format 1, where `chunks` is an unknown property. */
export function chunkTable(m: Manifest): Record<string, ChunkPart[]> {
  return m.format === FORMAT_CHUNKED && m.chunks ? m.chunks : {};
}

/**
 * THE answer to "which stored objects does this entry need" (spec/FORMAT.md): the named objects in a stable order
 * (variables by name, outputs, state), each chunked one replaced by its parts, each oid once. What a restore needs,
 * what verify checks, what `fetch`/`status` and LFS include lists name, what gc marks (Python: needed_oids).
 */
export function manifestObjectIds(m: Manifest): string[] {
  const table = chunkTable(m);
  const seen = new Set<string>();
  for (const oid of manifestNamedIds(m)) {
    const parts = Object.prototype.hasOwnProperty.call(table, oid) ? table[oid] : undefined;
    if (parts) for (const [part] of parts) seen.add(part);
    else seen.add(oid);
  }
  return [...seen];
}

/** Top-level fields that hold hashes or text, never object ids: the only ones gc's mark may skip. */
const NOT_OBJECTS = new Set([
  'format',
  'key',
  'kind',
  'created',
  'runtime_s',
  'language',
  'source',
  'inputs',
  'outputs_names',
  'namespace',
  'total_bytes',
  'engine',
  'trace'
]);

function hexStrings(value: unknown, out: Set<string>): void {
  if (typeof value === 'string') {
    if (isHex64(value)) out.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) hexStrings(v, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      hexStrings(k, out);
      hexStrings(v, out);
    }
  }
}

/**
 * What gc keeps for a valid manifest: its objects plus every 64-hex string (key or value) under a field this
 * library does not know, so objects a newer minor names (say, chunk lists) are never swept by an older gc.
 * The Python engine computes the same set (store/manifest.py live_ids; spec/vectors/gc-live-sets.json).
 */
export function manifestLiveIds(m: Manifest): Set<string> {
  const live = new Set(manifestObjectIds(m));
  for (const [name, value] of Object.entries(m))
    if (!NOT_OBJECTS.has(name)) hexStrings(value, live);
  return live;
}

/** What gc keeps for a manifest it cannot read (a merge conflict, a newer major): every run of 64 hex. */
export function liveIdsOfText(text: string): Set<string> {
  return new Set(text.match(/[0-9a-f]{64}/g) ?? []);
}
