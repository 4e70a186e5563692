/**
 * Badges of one notebook: which cells get one, in which state, with which tooltip. Follows the
 * cell models (metadata, source, execution state and count) and the engine events; what runs
 * said is kept in a RunMemory (dropped when it would be a leftover); the DOM is written by
 * `render` only.
 */
import type { Cell, ICellModel, ICodeCellModel } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { badgeAriaLabel, type CellMode, deriveBadge, type IBadge } from './badgestate';
import type { IEntrySummary, IRunEvent } from './events';
import { isCachingEnabled, isXetmemoSource, METADATA_KEY } from './metadata';
import { RunMemory } from './runmemory';
import { sha256Hex } from './sha256';

export const BADGE_CLASS = 'jp-xetcache-badge';

/** Source edits re-hash the cell; wait for a pause in typing. */
const EDIT_DEBOUNCE_MS = 300;

/** The CellBadges of each open notebook, so the options dialog can show the cell's last run. */
const BY_PANEL = new WeakMap<NotebookPanel, CellBadges>();

export function badgesOf(panel: NotebookPanel | null | undefined): CellBadges | null {
  return (panel && BY_PANEL.get(panel)) ?? null;
}

export function cellMode(model: ICellModel): CellMode {
  if (model.type !== 'code') {
    return 'off';
  }
  if (isCachingEnabled(model.getMetadata(METADATA_KEY))) {
    return 'toggled';
  }
  return isXetmemoSource(model.sharedModel.getSource()) ? 'xetmemo' : 'off';
}

export class CellBadges {
  constructor(
    private readonly _panel: NotebookPanel,
    private readonly _trans: TranslationBundle
  ) {
    BY_PANEL.set(_panel, this);
  }

  /** A kernel-wide problem (engine not loadable) shown on every enabled cell; null clears it. */
  set engineProblem(problem: string | null) {
    this._engineProblem = problem;
    this.renderAll();
  }

  /** Whether the server could not be asked for entries (pre-run badges say so, briefly). */
  set lookupFailed(failed: boolean) {
    if (failed !== this._lookupFailed) {
      this._lookupFailed = failed;
      this.renderAll();
    }
  }

  /** Take before asking the server for entries; give it back to `setEntries`. */
  mark(): number {
    return this._memory.mark();
  }

  /**
   * The server's entries of this notebook, asked after `mark`: they decide the badges of cells
   * without a current run, and a hit/stored badge whose entry is gone (evicted) is dropped.
   */
  setEntries(entries: IEntrySummary[], mark: number): void {
    this._lookupFailed = false;
    this._entries.clear();
    for (const e of entries) {
      if (e.cell_id) {
        const list = this._entries.get(e.cell_id) ?? [];
        list.push(e);
        this._entries.set(e.cell_id, list);
      }
    }
    this._memory.reconcile(new Set(entries.map(e => e.key)), mark);
    this.renderAll();
  }

  /** Returns whether the event was about a cell of this notebook. */
  onEvent(ev: IRunEvent): boolean {
    const model = ev.cell_id ? this._model(ev.cell_id) : null;
    if (!model || !ev.cell_id) {
      return false;
    }
    this._memory.onEvent(ev.cell_id, ev);
    this.render(model);
    return true;
  }

  /** The kernel restarted: what runs restored is gone, so the store decides every badge again. */
  forgetRuns(): void {
    if (this._memory.forget()) {
      this.renderAll();
    }
  }

  /** Keep a cell's badge true to its metadata, source and execution. */
  follow(model: ICellModel): void {
    model.metadataChanged.connect(() => this.render(model));
    model.contentChanged.connect(() => {
      window.clearTimeout(this._timers.get(model));
      this._timers.set(
        model,
        window.setTimeout(() => this.render(model), EDIT_DEBOUNCE_MS)
      );
    });
    if (model.type === 'code') {
      // The code cell model emits execution state and count here too (typed as ICellModel's).
      (model as ICodeCellModel).stateChanged.connect((_, changed) => {
        const args = changed as unknown as { name: string; newValue: unknown };
        const id = model.sharedModel.getId();
        if (args.name === 'executionState') {
          const running = args.newValue === 'running' && cellMode(model) !== 'off';
          if (this._memory.setRunning(id, running)) {
            this.render(model);
          }
        } else if (args.name === 'executionCount' && args.newValue === null) {
          // Outputs cleared (Clear Outputs, Restart and Clear, or a run starting): the last
          // run's outcome no longer describes what the cell shows.
          if (!this._memory.isRunning(id) && this._memory.forget(id)) {
            this.render(model);
          }
        }
      });
    }
    this.render(model);
  }

  /** The cell's last engine event while it is about the cell's current code, else null. */
  lastRun(model: ICellModel): IRunEvent | null {
    const ev = this._memory.last(model.sharedModel.getId());
    return ev && ev.code_sha256 === sha256Hex(model.sharedModel.getSource()) ? ev : null;
  }

  badgeFor(model: ICellModel): IBadge | null {
    const mode = cellMode(model);
    if (mode !== 'off' && this._engineProblem) {
      return {
        state: 'error',
        label: this._trans.__('error'),
        title: this._trans.__('%1 — the cell runs without the cache.', this._engineProblem)
      };
    }
    const id = model.sharedModel.getId();
    return deriveBadge({
      mode,
      codeSha256: mode !== 'off' ? sha256Hex(model.sharedModel.getSource()) : '',
      running: this._memory.isRunning(id),
      lastEvent: this._memory.last(id),
      entries: this._entries.get(id) ?? [],
      trans: this._trans,
      lookupFailed: this._lookupFailed
    });
  }

  renderAll(): void {
    for (const cell of this._panel.content.widgets) {
      this.render(cell.model);
    }
  }

  render(model: ICellModel): void {
    const cell = this._panel.content.widgets.find(c => c.model === model);
    if (cell) {
      void cell.ready.then(() => paint(cell, this.badgeFor(model), this._trans));
    }
  }

  dispose(): void {
    this._timers.forEach(t => window.clearTimeout(t));
  }

  private _model(cellId: string): ICellModel | null {
    return (
      this._panel.content.widgets.find(c => c.model.sharedModel.getId() === cellId)?.model ?? null
    );
  }

  private _engineProblem: string | null = null;
  private _lookupFailed = false;
  private _entries = new Map<string, IEntrySummary[]>();
  private _memory = new RunMemory();
  private _timers = new Map<ICellModel, number>();
}

/**
 * The badge is a line of its own in the cell's editor box, under the last line of code, at the
 * left: JupyterLab's cell toolbar floats over the top right of the input (and, in a one-line
 * cell, that is also the bottom right), so anything drawn over the code collides with it.
 */
function paint(cell: Cell, badge: IBadge | null, trans: TranslationBundle): void {
  if (cell.isDisposed) {
    return;
  }
  const host = cell.inputArea?.editorWidget?.node;
  let node = cell.node.querySelector<HTMLElement>(`.${BADGE_CLASS}`);
  if (!badge || !host) {
    node?.remove();
    return;
  }
  if (!node) {
    node = document.createElement('div');
    node.className = BADGE_CLASS;
    // A polite live region: a screen reader hears the outcome when a run ends.
    node.setAttribute('role', 'status');
  }
  if (node.parentElement !== host) {
    host.appendChild(node);
  }
  node.dataset.xetcacheState = badge.state;
  node.title = badge.title;
  node.setAttribute('aria-label', badgeAriaLabel(badge, trans));
  node.textContent = badge.label;
}
