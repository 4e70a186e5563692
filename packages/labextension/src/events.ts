/**
 * Messages the kernel engine sends on the `xetcache` comm (CONTRACT.md section 3) and the entry
 * summaries the server returns (section 4). Parsed defensively: a newer engine may add fields,
 * a broken one may send junk, and neither may break the notebook UI.
 */
import type { EntrySummary } from '@xetcache/store';

/** `declined`: the engine refused to cache this cell (e.g. it uses exec); the cell ran normally. */
export type RunState = 'hit' | 'stored' | 'skipped' | 'declined' | 'error';

export interface IRunChange {
  code: boolean;
  inputs: string[];
  previous_key: string | null;
}

/** What the entry depends on, as the engine recorded it (each list optional: [] when absent). */
export interface IRunDeps {
  inputs: string[];
  /** Qualified names of the user functions the cell called. */
  functions: string[];
  files: string[];
  modules: string[];
  /** Hidden state the cell read, e.g. "random", "numpy.random", "matplotlib.rcParams". */
  hidden: string[];
}

/** What a hit restores: variables bound anew and objects changed in place. */
export interface IRunRestores {
  bound: string[];
  mutated: string[];
}

export interface IRunEvent {
  type: 'run';
  state: RunState;
  cell_id: string | null;
  notebook: string | null;
  code_sha256: string;
  key: string | null;
  runtime_s: number | null;
  restore_s: number | null;
  saved_s: number | null;
  bytes: number | null;
  created: string | null;
  threshold_s: number | null;
  reason: string | null;
  error_code: string | null;
  variable: string | null;
  changed: IRunChange | null;
  inputs: string[];
  outputs: string[];
  /** Null when the engine sent none (older engines, skipped and error events). */
  deps: IRunDeps | null;
  restores: IRunRestores | null;
  /**
   * Declared `%%xetmemo` only: what the run bound or changed beyond `output=` (a hit restores
   * only the declared outputs). Null when none.
   */
  warning: string | null;
}

/** GET /api/entries item: defined once, in @xetcache/store (types only: no store code in the bundle). */
export type IEntrySummary = EntrySummary;

const STATES: RunState[] = ['hit', 'stored', 'skipped', 'declined', 'error'];
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const names = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
const record = (v: unknown): Record<string, unknown> | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

function parseDeps(v: unknown): IRunDeps | null {
  const d = record(v);
  return d
    ? {
        inputs: names(d.inputs),
        functions: names(d.functions),
        files: names(d.files),
        modules: names(d.modules),
        hidden: names(d.hidden)
      }
    : null;
}

function parseRestores(v: unknown): IRunRestores | null {
  const r = record(v);
  return r ? { bound: names(r.bound), mutated: names(r.mutated) } : null;
}

/** Returns null for anything that is not a well-formed run event. */
export function parseRunEvent(data: unknown): IRunEvent | null {
  if (!data || typeof data !== 'object') {
    return null;
  }
  const d = data as Record<string, unknown>;
  if (
    d.type !== 'run' ||
    !STATES.includes(d.state as RunState) ||
    typeof d.code_sha256 !== 'string'
  ) {
    return null;
  }
  let changed: IRunChange | null = null;
  if (d.changed && typeof d.changed === 'object') {
    const c = d.changed as Record<string, unknown>;
    changed = { code: c.code === true, inputs: names(c.inputs), previous_key: str(c.previous_key) };
  }
  return {
    type: 'run',
    state: d.state as RunState,
    cell_id: str(d.cell_id),
    notebook: str(d.notebook),
    code_sha256: d.code_sha256,
    key: str(d.key),
    runtime_s: num(d.runtime_s),
    restore_s: num(d.restore_s),
    saved_s: num(d.saved_s),
    bytes: num(d.bytes),
    created: str(d.created),
    threshold_s: num(d.threshold_s),
    reason: str(d.reason),
    error_code: str(d.error_code),
    variable: str(d.variable),
    changed,
    inputs: names(d.inputs),
    outputs: names(d.outputs),
    deps: parseDeps(d.deps),
    restores: parseRestores(d.restores),
    warning: str(d.warning) || null
  };
}
