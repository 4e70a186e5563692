// The index of one store: re-exports only.
export {
  StoreIndex,
  type StoreIndexOptions,
  type EvictSelector,
  type EvictResult,
  type TrimResult
} from './store-index';
export {
  SORT_KEYS,
  DEFAULT_LIMIT,
  type SortKey,
  type SortOrder,
  type ListQuery,
  type ListResult,
  type Stats
} from './query';
export type { EntrySummary } from './rows';
export { INDEX_SCHEMA_VERSION } from './schema';
export { openIndexDb, indexPath, INDEX_FILE } from './open-db';
export { nativeBindingProblem } from './native-binding';
