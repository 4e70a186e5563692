/** What the engine manager keeps per kernel, and the constants of its silent requests. */
import type { Kernel } from '@jupyterlab/services';
import {
  type IEngineSettings,
  kernelSettings,
  RESULT_EXPRESSION,
  STORE_EXPRESSION
} from './inject';

export type EngineState = 'loading' | 'ready' | 'failed' | 'unsupported';

export interface IEngineStatus {
  state: EngineState;
  origin?: string;
  version?: string;
  error?: string;
  /** Whether the kernel's store exists (null/absent: unknown); see STORE_EXPRESSION. */
  store?: boolean | null;
}

export interface IKernelRecord {
  /** Bumped on every restart; the engine is loaded when loadedGeneration === generation. */
  generation: number;
  loadedGeneration: number;
  status: IEngineStatus;
  language: string | null;
  comm: Kernel.IComm | null;
  /** The settings the kernel last got (with the load or a push): compared on load to catch up. */
  sent: string | null;
}

/** Only the part the kernel gets (kernelSettings) decides whether a push is needed. */
export const settingsKey = (s: IEngineSettings): string => JSON.stringify(kernelSettings(s));

/** Both silent requests read back the outcome and whether the store exists. */
export const EXPRESSIONS = { r: RESULT_EXPRESSION, s: STORE_EXPRESSION };

export const SILENT = {
  silent: true,
  store_history: false,
  allow_stdin: false,
  stop_on_error: false
};
