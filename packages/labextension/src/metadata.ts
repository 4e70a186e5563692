/**
 * The per-cell state, stored in cell metadata under `xetcache` (so it travels with the notebook
 * and the cell's source is never touched):
 * `{"enabled": true, "inputs"?: [..], "outputs"?: [..], "always"?: bool, "key"?: str}`.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

export const METADATA_KEY = 'xetcache';

export interface ICellCacheConfig {
  enabled: boolean;
  inputs?: string[];
  outputs?: string[];
  always?: boolean;
  key?: string;
}

const isNames = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every(x => typeof x === 'string' && x.length > 0);

/** Reads whatever is in the metadata leniently: hand-edited or foreign values never throw. */
export function readCellConfig(value: unknown): ICellCacheConfig | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return null;
  }
  const v = value as Record<string, unknown>;
  const out: ICellCacheConfig = { enabled: v.enabled === true };
  if (isNames(v.inputs)) {
    out.inputs = v.inputs;
  }
  if (isNames(v.outputs)) {
    out.outputs = v.outputs;
  }
  if (typeof v.always === 'boolean') {
    out.always = v.always;
  }
  if (typeof v.key === 'string' && v.key) {
    out.key = v.key;
  }
  return out;
}

export function isCachingEnabled(value: unknown): boolean {
  return readCellConfig(value)?.enabled === true;
}

/**
 * The metadata to write when toggling: turning off keeps the options (inputs/outputs/...) so a
 * user can flip back without retyping them; `null` means "delete the key" (nothing worth keeping).
 */
export function toggledConfig(value: unknown, enabled: boolean): ICellCacheConfig | null {
  const current = readCellConfig(value) ?? { enabled: false };
  const next: ICellCacheConfig = { ...current, enabled };
  if (!enabled && Object.keys(next).length === 1) {
    return null;
  }
  return next;
}

/** Names typed by a person ("a, b  c") → a clean list; empty → undefined (= let the engine infer). */
export function parseNames(text: string): string[] | undefined {
  const names = text
    .split(/[\s,]+/)
    .map(s => s.trim())
    .filter(Boolean);
  return names.length ? names : undefined;
}

/** Whether a source is a `%%xetmemo` cell (the seed API; gets a badge even without the toggle). */
export function isXetmemoSource(source: string): boolean {
  return /^\s*%%xetmemo\b/.test(source);
}

/**
 * The dialog's fields, named as in the README ("Using it") and the `%%xetmemo` options (input=,
 * output=, key=, always=); test/wording.test.ts keeps them in step.
 */
export function optionLabels(
  trans: TranslationBundle
): Record<'inputs' | 'outputs' | 'key' | 'always', string> {
  return {
    inputs: trans.__('Inputs (names the cell reads)'),
    outputs: trans.__('Outputs (names it binds or changes in place)'),
    key: trans.__('Key (a namespace for its entries)'),
    always: trans.__('Always store (however fast the run)')
  };
}
