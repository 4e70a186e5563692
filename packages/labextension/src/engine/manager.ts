/**
 * Keeps the engine loaded in every notebook kernel: on start, and again after each restart
 * (a restart wipes the kernel's modules and comms). Loading is sent synchronously when a cached
 * cell is about to run in a kernel that has not got it yet, so the load request is queued ahead
 * of the cell in the kernel and a "Restart and Run All" never races the loader.
 */
import type { ISessionContext } from '@jupyterlab/apputils';
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { type ISignal, Signal } from '@lumino/signaling';
import type { IRunEvent } from '../events';
import { openEventComm } from './comm';
import {
  buildLoadCode,
  buildSettingsCode,
  type IEngineSettings,
  type ILoadResult,
  type IRefusedSetting,
  parseLoadResult,
  parseStoreExists
} from './inject';
import {
  type IEngineStatus,
  EXPRESSIONS,
  type IKernelRecord,
  settingsKey,
  SILENT
} from './kernelrecord';
import type { INotice } from './notices';

export { COMM_TARGET } from './comm';
export type { EngineState, IEngineStatus } from './kernelrecord';

export class EngineManager {
  constructor(private readonly _sources: Readonly<Record<string, string>>) {}

  /** Settings to push; null until the setting registry answered (the engine then uses its own). */
  get settings(): IEngineSettings | null {
    return this._settings;
  }
  set settings(value: IEngineSettings | null) {
    this._settings = value;
    if (!value) {
      return;
    }
    for (const kernel of this._kernels) {
      const rec = this._records.get(kernel);
      // A kernel still loading gets them when its load settles (see _settle).
      if (rec?.status.state === 'ready' && !kernel.isDisposed && rec.sent !== settingsKey(value)) {
        this._push(kernel, rec, value);
      }
    }
  }

  /** One event per cached run, from any kernel (routed to cells by cell_id). */
  get runEvent(): ISignal<this, IRunEvent> {
    return this._runEvent;
  }
  /** A transient notice from any kernel's engine (engine/notices.ts). */
  get notice(): ISignal<this, INotice> {
    return this._notice;
  }
  /**
   * The engine refused some settings (a bad value, an unknown key) and applied the others: one
   * message per refusal, already logged; the settings plugin notifies the user.
   */
  get settingsRefused(): ISignal<this, IRefusedSetting> {
    return this._settingsRefused;
  }
  /** A kernel's engine state changed (loaded, failed, restarting). */
  get statusChanged(): ISignal<this, Kernel.IKernelConnection> {
    return this._statusChanged;
  }

  status(kernel: Kernel.IKernelConnection | null | undefined): IEngineStatus | null {
    return kernel ? (this._records.get(kernel)?.status ?? null) : null;
  }

  /** Follow a notebook's session: load into each new kernel and after restarts. */
  watch(session: ISessionContext): void {
    if (this._sessions.has(session)) {
      return;
    }
    this._sessions.add(session);
    const attach = (): void => {
      const kernel = session.session?.kernel;
      if (kernel) {
        this._attach(kernel);
        void this._loadWhenKnown(kernel);
      }
    };
    session.kernelChanged.connect(attach);
    session.disposed.connect(() => this._sessions.delete(session));
    attach();
  }

  /**
   * Synchronously makes sure the engine is (being) loaded in this kernel. Returns false when
   * cached runs are impossible there (not Python, or loading failed): the caller runs the cell
   * the ordinary way.
   */
  ensureLoaded(kernel: Kernel.IKernelConnection): boolean {
    const rec = this._attach(kernel);
    if (
      rec.status.state === 'unsupported' ||
      (rec.status.state === 'failed' && rec.loadedGeneration === rec.generation)
    ) {
      return false;
    }
    const python = rec.language ? rec.language === 'python' : /python/i.test(kernel.name);
    if (!python) {
      return false;
    }
    if (rec.loadedGeneration !== rec.generation) {
      this._load(kernel, rec);
    }
    return true;
  }

  private _attach(kernel: Kernel.IKernelConnection): IKernelRecord {
    let rec = this._records.get(kernel);
    if (rec) {
      return rec;
    }
    rec = {
      generation: 1,
      loadedGeneration: 0,
      status: { state: 'loading' },
      language: null,
      comm: null,
      sent: null
    };
    this._records.set(kernel, rec);
    this._kernels.add(kernel);
    kernel.disposed.connect(() => this._kernels.delete(kernel));
    kernel.statusChanged.connect((_, status) => {
      const r = this._records.get(kernel)!;
      if (status === 'restarting' || status === 'autorestarting') {
        r.generation++;
        r.comm = null;
        r.status = { state: 'loading' };
        this._statusChanged.emit(kernel);
      } else if (
        status === 'idle' &&
        r.loadedGeneration !== r.generation &&
        r.language === 'python'
      ) {
        this._load(kernel, r);
      }
    });
    return rec;
  }

  /** First load: wait for kernel_info so only Python kernels get Python. */
  private async _loadWhenKnown(kernel: Kernel.IKernelConnection): Promise<void> {
    const rec = this._attach(kernel);
    try {
      const info = await kernel.info;
      rec.language = (info.language_info?.name ?? '').toLowerCase();
    } catch {
      return; // the kernel went away before it answered
    }
    if (rec.language !== 'python') {
      rec.status = {
        state: 'unsupported',
        error: `XetCache needs a Python kernel (this one runs ${rec.language})`
      };
      this._statusChanged.emit(kernel);
      return;
    }
    if (rec.loadedGeneration !== rec.generation) {
      this._load(kernel, rec);
    }
  }

  /** Sends the load request and the comm open in the same tick (kernel order: load, comm, cells). */
  private _load(kernel: Kernel.IKernelConnection, rec: IKernelRecord): void {
    const generation = rec.generation;
    rec.loadedGeneration = generation;
    rec.status = { state: 'loading' };
    rec.sent = this._settings ? settingsKey(this._settings) : null;
    let future: Kernel.IShellFuture<
      KernelMessage.IExecuteRequestMsg,
      KernelMessage.IExecuteReplyMsg
    >;
    try {
      future = kernel.requestExecute({
        code: buildLoadCode(this._sources, this._settings),
        ...SILENT,
        user_expressions: EXPRESSIONS
      });
    } catch (e) {
      rec.status = { state: 'failed', error: String(e) };
      this._statusChanged.emit(kernel);
      return;
    }
    rec.comm = this._openComm(kernel);
    future.done.then(
      reply => {
        const ux = (reply.content as { user_expressions?: Record<string, unknown> })
          .user_expressions;
        this._settle(kernel, rec, generation, parseLoadResult(ux?.r), parseStoreExists(ux?.s));
      },
      e => this._settle(kernel, rec, generation, { ok: false, error: String(e) }, null)
    );
  }

  private _settle(
    kernel: Kernel.IKernelConnection,
    rec: IKernelRecord,
    generation: number,
    r: ILoadResult,
    store: boolean | null
  ): void {
    if (rec.generation !== generation) {
      return; // restarted meanwhile; a newer load is in charge
    }
    rec.status = r.ok
      ? { state: 'ready', origin: r.origin, version: r.version, store }
      : { state: 'failed', error: r.error ?? 'unknown error' };
    if (r.ok) {
      this._refused(kernel, r.refused);
    }
    if (!r.ok) {
      console.warn(`XetCache: engine not loaded in kernel ${kernel.id}: ${rec.status.error}`);
    } else if (this._settings && settingsKey(this._settings) !== rec.sent) {
      // The settings arrived (or changed) while the engine was loading: the load carried older
      // ones (or none, i.e. the engine's defaults), so push the current ones now.
      this._push(kernel, rec, this._settings);
    }
    this._statusChanged.emit(kernel);
  }

  /** Re-applies settings in a loaded kernel; a refusal is logged (the kernel keeps its old ones). */
  private _push(kernel: Kernel.IKernelConnection, rec: IKernelRecord, s: IEngineSettings): void {
    rec.sent = settingsKey(s);
    let future: Kernel.IShellFuture<
      KernelMessage.IExecuteRequestMsg,
      KernelMessage.IExecuteReplyMsg
    >;
    try {
      future = kernel.requestExecute({
        code: buildSettingsCode(s),
        ...SILENT,
        user_expressions: EXPRESSIONS
      });
    } catch (e) {
      console.warn(`XetCache: could not send settings to kernel ${kernel.id}`, e);
      return;
    }
    future.done.then(
      reply => {
        const c = reply.content as {
          status: string;
          ename?: string;
          evalue?: string;
          user_expressions?: Record<string, unknown>;
        };
        const r = c.status === 'ok' ? parseLoadResult(c.user_expressions?.r) : null;
        if (!r?.ok) {
          console.warn(
            `XetCache: kernel ${kernel.id} refused the settings: ${r?.error ?? `${c.ename ?? c.status}: ${c.evalue ?? ''}`}`
          );
          return;
        }
        this._refused(kernel, r.refused);
        this._storeIs(kernel, rec, parseStoreExists(c.user_expressions?.s)); // cache_dir may have moved
      },
      () => undefined // the kernel went away or restarted: the next load sends the settings
    );
  }

  /** Logs and announces the settings an engine refused (it applied the others). */
  private _refused(kernel: Kernel.IKernelConnection, refused: IRefusedSetting[] | undefined): void {
    for (const x of refused ?? []) {
      const message = `XetCache: setting ${x.key ?? '(all)'} not applied (${x.code}): ${x.message}`;
      console.warn(`${message} [kernel ${kernel.id}]`);
      this._settingsRefused.emit(x);
    }
  }

  private _storeIs(
    kernel: Kernel.IKernelConnection,
    rec: IKernelRecord | undefined,
    store: boolean | null
  ): void {
    if (rec && rec.status.state === 'ready' && rec.status.store !== store) {
      rec.status = { ...rec.status, store };
      this._statusChanged.emit(kernel);
    }
  }

  private _openComm(kernel: Kernel.IKernelConnection): Kernel.IComm | null {
    return openEventComm(kernel, {
      onEvent: ev => {
        if (ev.state === 'hit' || ev.state === 'stored') {
          this._storeIs(kernel, this._records.get(kernel), true); // a store now exists
        }
        this._runEvent.emit(ev);
      },
      onNotice: n => this._notice.emit(n)
    });
  }

  private _settings: IEngineSettings | null = null;
  private _records = new WeakMap<Kernel.IKernelConnection, IKernelRecord>();
  private _kernels = new Set<Kernel.IKernelConnection>();
  private _sessions = new Set<ISessionContext>();
  private _runEvent = new Signal<this, IRunEvent>(this);
  private _notice = new Signal<this, INotice>(this);
  private _statusChanged = new Signal<this, Kernel.IKernelConnection>(this);
  private _settingsRefused = new Signal<this, IRefusedSetting>(this);
}
