/**
 * The notebook cell executor: cells with caching on run as `%%xetcache_cell <spec>\n<source>`
 * through the same steps as JupyterLab's default `runCell` (same output area, same metadata with
 * cellId, same execution count, same scheduled/executed callbacks, same error handling);
 * every other cell goes to the default `runCell` untouched.
 *
 * Order: `Private.runCells` calls runCell for all cells at once and relies on the kernel queue.
 * Both paths here send their execute request synchronously (no await before the send), so Run
 * All keeps cell order, and the kernel's stop_on_error still aborts the rest after an error.
 */
import type { ISessionContext } from '@jupyterlab/apputils';
import type { CodeCell } from '@jupyterlab/cells';
import {
  type INotebookCellExecutor,
  KernelError,
  runCell as defaultRunCell
} from '@jupyterlab/notebook';
import { OutputArea } from '@jupyterlab/outputarea';
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { METADATA_KEY, readCellConfig } from './metadata';
import { buildCode, buildSpec } from './spec';
import { notebookInStore, storeForNotebook } from './storepath';

/** What the executor needs from the engine manager (an interface, so it stays testable). */
export interface IEngineForExecutor {
  ensureLoaded(kernel: Kernel.IKernelConnection): boolean;
  readonly settings: { cache_dir: string } | null;
}

export function createCellExecutor(engine: IEngineForExecutor): INotebookCellExecutor {
  const runCell = (options: INotebookCellExecutor.IRunCellOptions): Promise<boolean> => {
    const { cell, sessionContext } = options;
    if (cell.model.type !== 'code' || !sessionContext) {
      return defaultRunCell(options);
    }
    const config = readCellConfig(cell.model.getMetadata(METADATA_KEY));
    const kernel = sessionContext.session?.kernel;
    const source = cell.model.sharedModel.getSource();
    // Anything unusual (no kernel yet, input pending, terminating, empty cell) is the default's
    // job: it shows the right dialog or clears the cell; such a run is simply not cached.
    if (
      !config?.enabled ||
      !kernel ||
      !source.trim() ||
      sessionContext.isTerminating ||
      sessionContext.pendingInput ||
      sessionContext.hasNoKernel ||
      !engine.ensureLoaded(kernel)
    ) {
      return defaultRunCell(options);
    }
    const cacheDir = engine.settings?.cache_dir;
    const path = sessionContext.path;
    const notebook =
      cacheDir && path ? notebookInStore(path, storeForNotebook(path, cacheDir)) : null;
    const code = buildCode(
      buildSpec(cell.model.sharedModel.getId(), notebook, source, config),
      source
    );
    return runCached(options, cell as CodeCell, sessionContext, code);
  };
  return Object.freeze({ runCell });
}

/** The default runCell's code branch, with `code` instead of the cell's source. */
async function runCached(
  options: INotebookCellExecutor.IRunCellOptions,
  cell: CodeCell,
  sessionContext: ISessionContext,
  code: string
): Promise<boolean> {
  const { notebook, notebookConfig, onCellExecuted, onCellExecutionScheduled } = options;
  const deletedCells = notebook.deletedCells;
  onCellExecutionScheduled({ cell });
  let ran = false;
  try {
    const reply = await execute(cell, sessionContext, code, {
      deletedCells,
      recordTiming: notebookConfig.recordTiming
    });
    deletedCells.splice(0, deletedCells.length);
    if (cell.isDisposed) {
      ran = false;
    } else if (reply.content.status === 'ok') {
      ran = true;
    } else {
      throw new KernelError(reply.content);
    }
  } catch (reason) {
    if (cell.isDisposed || String((reason as Error).message).startsWith('Canceled')) {
      ran = false;
    } else {
      onCellExecuted({ cell, success: false, error: reason as KernelError });
      throw reason;
    }
  }
  if (ran) {
    onCellExecuted({ cell, success: true });
  }
  return ran;
}

type ExecuteReply = KernelMessage.IExecuteReplyMsg;

/** CodeCell.execute (cells/src/widget.ts) with the code passed in; the send happens before any await. */
function execute(
  cell: CodeCell,
  sessionContext: ISessionContext,
  code: string,
  extra: { deletedCells: string[]; recordTiming: boolean }
): Promise<ExecuteReply> {
  const model = cell.model;
  const metadata = { ...model.metadata, ...extra, cellId: model.sharedModel.getId() };
  const { recordTiming } = extra;
  model.sharedModel.transact(
    () => {
      model.clearExecution();
      cell.outputHidden = false;
    },
    false,
    'silent-change'
  );
  model.executionState = 'running';
  model.trusted = true;
  let msgPromise: Promise<KernelMessage.IExecuteReplyMsg | undefined>;
  try {
    msgPromise = OutputArea.execute(code, cell.outputArea, sessionContext, metadata);
  } catch (e) {
    return Promise.reject(e);
  }
  // outputArea.future is assigned synchronously inside OutputArea.execute.
  const future = cell.outputArea.future;
  if (recordTiming) {
    future.registerMessageHook(msg => {
      let label: string;
      if (msg.header.msg_type === 'status') {
        label = `status.${(msg as KernelMessage.IStatusMsg).content.execution_state}`;
      } else if (msg.header.msg_type === 'execute_input') {
        label = 'execute_input';
      } else {
        return true;
      }
      const timing = { ...(model.getMetadata('execution') as object) } as Record<string, string>;
      timing[`iopub.${label}`] = msg.header.date || new Date().toISOString();
      model.setMetadata('execution', timing);
      return true;
    });
  } else {
    model.deleteMetadata('execution');
  }
  return msgPromise.then(
    msg => {
      const reply = msg as ExecuteReply;
      model.executionCount = (reply.content as KernelMessage.IExecuteReply).execution_count;
      if (recordTiming) {
        const timing = { ...(model.getMetadata('execution') as object) } as Record<string, string>;
        const started = (reply.metadata as { started?: string }).started;
        if (started) {
          timing['shell.execute_reply.started'] = started;
        }
        timing['shell.execute_reply'] = reply.header.date || new Date().toISOString();
        model.setMetadata('execution', timing);
      }
      return reply;
    },
    e => {
      // Still showing this execution: clear the prompt, as CodeCell.execute does.
      if (!cell.isDisposed && cell.outputArea.future === future) {
        model.executionState = 'idle';
        if (recordTiming && future.isDisposed) {
          const timing = { ...(model.getMetadata('execution') as object) } as Record<
            string,
            string
          >;
          timing['execution_failed'] = new Date().toISOString();
          model.setMetadata('execution', timing);
        }
      }
      throw e;
    }
  );
}
