/**
 * The comm on which the engine sends one run event per cached run, and transient notices (progress of a lazy
 * fetch) while a run waits for one (CONTRACT.md section 3).
 */
import type { Kernel } from '@jupyterlab/services';
import { type IRunEvent, parseRunEvent } from '../events';
import { type INotice, parseNotice } from './notices';

export const COMM_TARGET = 'xetcache';

export interface ICommHandlers {
  onEvent(ev: IRunEvent): void;
  onNotice(n: INotice): void;
}

/** Opens it; null when comms are disabled (the engine then prints a stderr line instead). */
export function openEventComm(
  kernel: Kernel.IKernelConnection,
  handlers: ICommHandlers
): Kernel.IComm | null {
  try {
    const comm = kernel.createComm(COMM_TARGET);
    comm.onMsg = msg => {
      const notice = parseNotice(msg.content.data);
      if (notice) {
        handlers.onNotice(notice);
        return;
      }
      const ev = parseRunEvent(msg.content.data);
      if (ev) {
        handlers.onEvent(ev);
      }
    };
    comm.open();
    return comm;
  } catch (e) {
    console.warn('XetCache: could not open the event comm', e);
    return null;
  }
}
