/**
 * Types of the HTTP API (CONTRACT.md section 4, server/openapi.yaml) shared by the server, which makes them, and the
 * lab extension, which reads them. Types only: the extension imports this package with `import type`, so none of its
 * Node code reaches the browser bundle.
 */

/** One entry as GET /api/entries and GET /api/entries/{key} return it. */
export interface EntrySummary {
  key: string;
  kind: 'cell' | 'function';
  notebook: string | null;
  cell_id: string | null;
  code_sha256: string;
  preview: string;
  qualname: string | null;
  namespace: string | null;
  created: string;
  runtime_s: number;
  /** Logical: the sum of the sizes of the objects it names, a chunked object at its whole size. */
  total_bytes: number;
  /**
   * Physical: what its objects take in the store, each chunk once (format 2), as `stats` counts a group's bytes.
   * Equal to total_bytes for an entry without chunks; less when its chunked objects repeat chunks or share them.
   */
  stored_bytes: number;
  hits: number;
  last_hit: string | null;
  time_saved_s: number;
  variables: string[];
  outputs_count: number;
}
