/**
 * Badges of one notebook: which cells get one, in which state, with which tooltip. Follows the
 * cell models (metadata, source) and the engine events; the DOM is written by `render` only.
 */
import type { Cell, ICellModel } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import { deriveBadge, type IBadge } from './badgestate';
import type { IEntrySummary, IRunEvent } from './events';
import { isCachingEnabled, isXetmemoSource, METADATA_KEY } from './metadata';
import { sha256Hex } from './sha256';

export const BADGE_CLASS = 'jp-xetcache-badge';

/** The CellBadges of each open notebook, so the options dialog can show the cell's last run. */
const BY_PANEL = new WeakMap<NotebookPanel, CellBadges>();

export function badgesOf(panel: NotebookPanel | null | undefined): CellBadges | null {
  return (panel && BY_PANEL.get(panel)) ?? null;
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

  setEntries(entries: IEntrySummary[]): void {
    this._lookupFailed = false;
    this._entries.clear();
    for (const e of entries) {
      if (e.cell_id) {
        const list = this._entries.get(e.cell_id) ?? [];
        list.push(e);
        this._entries.set(e.cell_id, list);
      }
    }
    this.renderAll();
  }

  /** Returns whether the event was about a cell of this notebook. */
  onEvent(ev: IRunEvent): boolean {
    const model = ev.cell_id ? this._model(ev.cell_id) : null;
    if (!model || !ev.cell_id) {
      return false;
    }
    this._events.set(ev.cell_id, ev);
    this.render(model);
    return true;
  }

  /** The cell's last engine event while it is about the cell's current code, else null. */
  lastRun(model: ICellModel): IRunEvent | null {
    const ev = this._events.get(model.sharedModel.getId());
    return ev && ev.code_sha256 === sha256Hex(model.sharedModel.getSource()) ? ev : null;
  }

  badgeFor(model: ICellModel): IBadge | null {
    if (model.type !== 'code') {
      return null;
    }
    const source = model.sharedModel.getSource();
    const enabled = isCachingEnabled(model.getMetadata(METADATA_KEY)) || isXetmemoSource(source);
    if (enabled && this._engineProblem) {
      return {
        state: 'error',
        label: this._trans.__('cache off'),
        title: this._trans.__('%1 — the cell runs without the cache.', this._engineProblem)
      };
    }
    const id = model.sharedModel.getId();
    return (
      deriveBadge({
        enabled,
        codeSha256: enabled ? sha256Hex(source) : '',
        lastEvent: this._events.get(id) ?? null,
        entries: this._entries.get(id) ?? [],
        trans: this._trans,
        lookupFailed: this._lookupFailed
      }) ?? null
    );
  }

  renderAll(): void {
    for (const cell of this._panel.content.widgets) {
      this.render(cell.model);
    }
  }

  render(model: ICellModel): void {
    const cell = this._panel.content.widgets.find(c => c.model === model);
    if (cell) {
      void cell.ready.then(() => paint(cell, this.badgeFor(model)));
    }
  }

  private _model(cellId: string): ICellModel | null {
    return (
      this._panel.content.widgets.find(c => c.model.sharedModel.getId() === cellId)?.model ?? null
    );
  }

  private _engineProblem: string | null = null;
  private _lookupFailed = false;
  private _entries = new Map<string, IEntrySummary[]>();
  private _events = new Map<string, IRunEvent>();
}

/**
 * The badge is a line of its own in the cell's editor box, under the last line of code, at the
 * left: JupyterLab's cell toolbar floats over the top right of the input (and, in a one-line
 * cell, that is also the bottom right), so anything drawn over the code collides with it.
 */
function paint(cell: Cell, badge: IBadge | null): void {
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
  }
  if (node.parentElement !== host) {
    host.appendChild(node);
  }
  node.dataset.xetcacheState = badge.state;
  node.title = badge.title;
  node.textContent = badge.label;
}
