/**
 * What a toggled cell sends to the kernel (CONTRACT.md section 3): the cell magic line with the
 * spec as one-line JSON, then the cell source unchanged.
 */
import type { ICellCacheConfig } from './metadata';
import { sha256Hex } from './sha256';

export const CELL_MAGIC = '%%xetcache_cell';

export interface ICellSpec {
  cell_id: string;
  notebook: string | null;
  code_sha256: string;
  inputs: string[] | null;
  outputs: string[] | null;
  always: boolean | null;
  key: string | null;
}

export function buildSpec(
  cellId: string,
  notebook: string | null,
  source: string,
  config: ICellCacheConfig
): ICellSpec {
  return {
    cell_id: cellId,
    notebook,
    code_sha256: sha256Hex(source),
    inputs: config.inputs ?? null,
    outputs: config.outputs ?? null,
    always: config.always ?? null,
    key: config.key ?? null
  };
}

/**
 * JSON.stringify never emits a raw newline (they are escaped inside strings), so the spec stays
 * on the magic line even when a key or a name contains one.
 */
export function buildCode(spec: ICellSpec, source: string): string {
  return `${CELL_MAGIC} ${JSON.stringify(spec)}\n${source}`;
}
