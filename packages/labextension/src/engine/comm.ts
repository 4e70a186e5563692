/** The comm on which the engine sends one run event per cached run (CONTRACT.md section 3). */
import type { Kernel } from '@jupyterlab/services';
import { type IRunEvent, parseRunEvent } from '../events';

export const COMM_TARGET = 'xetcache';

/** Opens it; null when comms are disabled (the engine then prints a stderr line instead). */
export function openEventComm(
  kernel: Kernel.IKernelConnection,
  onEvent: (ev: IRunEvent) => void
): Kernel.IComm | null {
  try {
    const comm = kernel.createComm(COMM_TARGET);
    comm.onMsg = msg => {
      const ev = parseRunEvent(msg.content.data);
      if (ev) {
        onEvent(ev);
      }
    };
    comm.open();
    return comm;
  } catch (e) {
    console.warn('XetCache: could not open the event comm', e);
    return null;
  }
}
