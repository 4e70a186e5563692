// Public API of @xetcache/store (docs/INTERFACES.md). Re-exports only; each concept lives in its own file.
export { ERROR_CODES, type ErrorCode, XetCacheError, isXetCacheError } from './errors';
export { openStore, type Store, type OpenOptions } from './store';
export type {
  Manifest,
  ManifestVariable,
  ManifestOutputs,
  ManifestSource,
  ManifestState,
  ManifestTrace,
  ChunkPart
} from './manifest-type';
export {
  manifestObjectIds,
  manifestNamedIds,
  chunkTable,
  manifestLiveIds,
  liveIdsOfText,
  GRAPH_CODEC,
  FORMAT_CHUNKED
} from './manifest-type';
export {
  chunkId,
  validateManifest,
  schemaValidator,
  MANIFEST_SCHEMA_PATH,
  SCHEMAS_DIR,
  SPEC_DIR
} from './validate';
export { serializeManifest, parseManifest } from './manifest';
export { canonicalJson } from './canonical-json';
export { formatHitLine, MAX_SAVED_S } from './hits';
export { formatBytes, parseBytes, BYTE_SIZE_EXAMPLES } from './units';
export { openRegular, openRegularSync, readRegular, NotRegularError } from './safe-open';
export type { ObjectState } from './content-read';
export type { Hit, HitsRead } from './hits';
export type { VerifyReport, VerifyProblem } from './verify';
export type { GcReport, GcOptions } from './gc';
export { checkGrace } from './gc';
export type { EntrySummary } from './api-types';
export { looksLikeLfsPointer, lfsPointerText } from './lfs';
export {
  STORE_FILE_CONTENT,
  GITATTRIBUTES_CONTENT,
  GITIGNORE_CONTENT,
  DEFAULT_GC_GRACE_MS,
  MIN_GC_GRACE_MS,
  isHex64
} from './layout';
