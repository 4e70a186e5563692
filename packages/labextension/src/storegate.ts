/**
 * Whether to ask the server about a notebook's store now. A store that does not exist yet (no
 * cached run has been stored) has nothing to list (the server answers it as an empty store), so
 * the UI asks only when the notebook's kernel says the store exists (engine/inject.ts
 * STORE_EXPRESSION), waits while the kernel is still starting or loading the engine, and falls
 * back to asking when no kernel can tell (no kernel, not Python, the engine did not load).
 */
import type { ISessionContext } from '@jupyterlab/apputils';
import type { Kernel } from '@jupyterlab/services';
import type { IEngineStatus } from './engine/manager';

/** `ask`: the store may exist; `skip`: it does not (nothing to list); `wait`: not known yet. */
export type StoreGate = 'ask' | 'skip' | 'wait';

export interface IGateInput {
  /** The session settled (a kernel started, or the user chose none). */
  ready: boolean;
  hasKernel: boolean;
  /** The engine's status in that kernel (null: not attached yet). */
  engine: IEngineStatus | null;
}

export function storeGate(s: IGateInput): StoreGate {
  if (!s.ready) {
    return 'wait';
  }
  if (!s.hasKernel) {
    return 'ask';
  }
  switch (s.engine?.state) {
    case undefined:
    case 'loading':
      return 'wait';
    case 'ready':
      return s.engine.store === false ? 'skip' : 'ask';
    default:
      return 'ask'; // failed / unsupported: the kernel cannot tell
  }
}

/** The gate of a notebook's session (the plugins' one-liner). */
export function sessionGate(
  session: ISessionContext,
  status: (kernel: Kernel.IKernelConnection) => IEngineStatus | null
): StoreGate {
  const kernel = session.session?.kernel ?? null;
  return storeGate({
    ready: session.isReady,
    hasKernel: kernel !== null,
    engine: kernel ? status(kernel) : null
  });
}
