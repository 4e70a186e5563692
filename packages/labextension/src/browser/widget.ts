/**
 * The cache browser sidebar: totals of the notebook and of the whole store, a picture of where
 * the bytes go and the time saved, a sortable, filterable list of entries, eviction and trimming.
 * The controls are built once (typing in the filter keeps its focus); only the status, totals and
 * list are redrawn. Stable classes and data attributes for UI tests (see ui-tests/README).
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import type { IEntrySummary } from '../events';
import type { GitKnowledge } from '../gitnotice';
import { BUDGET_EXAMPLES, formatBytes, formatDuration, parseBytes } from '../format';
import { actionButton, el } from './dom';
import { queryControls } from './controls';
import { DEFAULT_QUERY, type IBrowserQuery, type ITotals } from './query';
import { chartView, entryList, type IRowContext, rowKey } from './rows';

export interface IBrowserData extends IRowContext {
  store: string;
  entries: IEntrySummary[];
  /** Entries matching the query (the list shows at most LIST_LIMIT of them). */
  total: number;
  totals: { store: ITotals; notebook: ITotals } | null;
}

/** What the widget asks its owner to do (the controller wires these to the server and the notebook). */
export interface IBrowserActions {
  refresh(): void;
  evict(target: { key: string } | { cellId: string } | 'notebook'): void;
  trim(maxBytes: number): void;
  jumpTo(cellId: string): void;
  /** The scope, sort, order or filter changed. */
  query(q: IBrowserQuery): void;
  /** The sidebar was opened. */
  shown(): void;
}

export class CacheBrowser extends Widget {
  constructor(
    private readonly _actions: IBrowserActions,
    private readonly _trans: TranslationBundle
  ) {
    super();
    const trans = _trans;
    this.id = 'xetcache-browser';
    this.addClass('jp-xetcache-browser');
    this.title.caption = trans.__('XetCache: cached cells');
    const header = el('div', { class: 'jp-xetcache-browser-header' });
    header.append(
      el('h3', {}, trans.__('XetCache')),
      actionButton('refresh', trans.__('Refresh'), '↻')
    );
    this._budgetInput = el('input', {
      'data-role': 'budget',
      type: 'text',
      placeholder: trans.__('budget, e.g. %1', '500 MiB'),
      title: trans.__('Trim the whole store to this size, least recently used first'),
      'aria-label': trans.__('Byte budget for Trim')
    });
    this._budgetInput.addEventListener('input', () => {
      this._budgetText = this._budgetInput.value;
      this._budgetProblem('');
    });
    const tools = el('div', { class: 'jp-xetcache-tools' });
    tools.append(
      this._budgetInput,
      actionButton(
        'trim',
        trans.__('Trim the store to the budget (least recently used first)'),
        trans.__('Trim')
      ),
      actionButton(
        'evict-notebook',
        trans.__('Evict every entry of this notebook'),
        trans.__('Evict notebook')
      )
    );
    this._budgetError = el('div', { class: 'jp-xetcache-budget-error', role: 'alert' });
    this._status = el('div', { class: 'jp-xetcache-status' });
    this._totals = el('div', { class: 'jp-xetcache-summary' });
    this._content = el('div', { class: 'jp-xetcache-content' });
    this.node.append(
      header,
      this._status,
      this._totals,
      tools,
      this._budgetError,
      queryControls(trans, change => this._set(change)),
      this._content
    );
    this.node.addEventListener('click', this._onClick);
    this.node.addEventListener('keydown', this._onKey);
    this.display(null, null, trans.__('Open a notebook to see its cache.'));
  }

  /** Budget shown in the trim box until the user types another (setting max_bytes). */
  set defaultBudget(bytes: number | null) {
    this._budget = bytes;
  }

  /**
   * Git LFS readiness of the shown store: a notice stays as a line until another store is shown.
   * The root's `data-xetcache-git` says what is known (`unknown`, `ok`, `notice`).
   */
  set git(knowledge: GitKnowledge) {
    this._git = knowledge;
  }

  get query(): IBrowserQuery {
    return { ...this._query };
  }

  display(data: IBrowserData | null, problem: string | null, empty?: string): void {
    // The list is redrawn on every refresh (poll, runs): keep the keyboard focus on its row.
    const focus = this._focused();
    this._draw(data, problem, empty);
    if (focus) {
      const row = this._content.querySelector<HTMLElement>(`[data-key="${focus.key}"]`);
      const button = focus.action
        ? row?.querySelector<HTMLElement>(`button[data-action="${focus.action}"]`)
        : null;
      (button ?? row)?.focus();
    }
  }

  private _focused(): { key: string; action: string | undefined } | null {
    const node = document.activeElement as HTMLElement | null;
    const row =
      node && this._content.contains(node) ? node.closest<HTMLElement>('[data-key]') : null;
    return row?.dataset.key ? { key: row.dataset.key, action: node?.dataset.action } : null;
  }

  private _draw(data: IBrowserData | null, problem: string | null, empty?: string): void {
    const trans = this._trans;
    this._status.replaceChildren();
    if (problem) {
      this._status.append(el('div', { class: 'jp-xetcache-problem', role: 'alert' }, problem));
    }
    const git = this._git;
    this.node.dataset.xetcacheGit = typeof git === 'string' ? git : 'notice';
    if (typeof git !== 'string') {
      const line = el('div', { class: 'jp-xetcache-git-notice', role: 'status' }, git.message);
      if (git.fix) {
        line.append(` ${trans.__('Fix:')} `, el('code', {}, git.fix));
      }
      this._status.append(line);
    }
    if (!this._budgetText) {
      this._budgetInput.value = this._budget !== null ? formatBytes(this._budget) : '';
    }
    this._totals.replaceChildren();
    this._content.replaceChildren();
    this.node.dataset.xetcacheShown = data ? 'store' : 'none';
    if (!data) {
      this._content.append(el('p', { class: 'jp-xetcache-empty' }, problem ? '' : (empty ?? '')));
      return;
    }
    this._totals.dataset.entries = String(data.totals?.notebook.entries ?? data.total);
    this._totals.dataset.bytes = String(data.totals?.notebook.bytes ?? 0);
    this._totals.append(
      el(
        'div',
        { class: 'jp-xetcache-store', title: trans.__('store: %1', data.store) },
        data.store
      )
    );
    const line = (role: string, label: string, t: ITotals): void => {
      const text = trans._n(
        '%2: %1 entry · %3 · saved %4',
        '%2: %1 entries · %3 · saved %4',
        t.entries,
        label,
        formatBytes(t.bytes),
        formatDuration(t.savedS)
      );
      this._totals.append(el('div', { 'data-totals': role }, text));
    };
    if (data.totals) {
      line('notebook', trans.__('This notebook'), data.totals.notebook);
      line('store', trans.__('Whole store'), data.totals.store);
    }
    if (!data.entries.length) {
      const none = this._query.text.trim()
        ? trans.__('No entries match “%1”.', this._query.text.trim())
        : (empty ?? trans.__('No cached cells in this notebook yet.'));
      this._content.append(el('p', { class: 'jp-xetcache-empty' }, none));
      return;
    }
    if (data.total > data.entries.length) {
      this._content.append(
        el(
          'p',
          { class: 'jp-xetcache-more' },
          trans.__(
            'Showing %1 of %2 entries: filter or sort to see others.',
            data.entries.length,
            data.total
          )
        )
      );
    }
    this._content.append(
      chartView(data.entries, data, trans),
      entryList(data.entries, data, trans)
    );
  }

  protected override onAfterShow(): void {
    this._actions.shown();
  }

  private _set(change: Partial<IBrowserQuery>): void {
    this._query = { ...this._query, ...change };
    const order = this.node.querySelector<HTMLButtonElement>('button[data-action="order"]');
    if (order) {
      order.textContent = this._query.order === 'desc' ? '↓' : '↑';
      order.dataset.order = this._query.order;
    }
    this._actions.query(this.query);
  }

  private _budgetProblem(text: string): void {
    this._budgetError.textContent = text;
    this._budgetInput.setAttribute('aria-invalid', text ? 'true' : 'false');
  }

  private _onKey = (event: KeyboardEvent): void => {
    if (rowKey(event, id => this._actions.jumpTo(id))) {
      event.preventDefault();
    }
  };

  private _onClick = (event: MouseEvent): void => {
    const target = event.target as HTMLElement;
    const button = target.closest('button[data-action]') as HTMLButtonElement | null;
    if (button) {
      const t = button.dataset.target ?? '';
      switch (button.dataset.action) {
        case 'refresh':
          return this._actions.refresh();
        case 'order':
          return this._set({ order: this._query.order === 'desc' ? 'asc' : 'desc' });
        case 'jump':
          return this._actions.jumpTo(t);
        case 'evict':
          return this._actions.evict({ key: t });
        case 'evict-cell':
          return this._actions.evict({ cellId: t });
        case 'evict-notebook':
          return this._actions.evict('notebook');
        case 'trim': {
          const text = this._budgetInput.value;
          const n = parseBytes(text);
          if (n === null) {
            this._budgetProblem(
              text.trim()
                ? this._trans.__(
                    '“%1” is not a size. Use bytes or binary units, e.g. %2.',
                    text.trim(),
                    BUDGET_EXAMPLES
                  )
                : this._trans.__(
                    'Type a budget first: bytes or binary units, e.g. %1.',
                    BUDGET_EXAMPLES
                  )
            );
            this._budgetInput.focus();
            return;
          }
          this._budgetProblem('');
          return this._actions.trim(n);
        }
      }
      return;
    }
    const row = target.closest('.jp-xetcache-entry, .jp-xetcache-chart-row') as HTMLElement | null;
    if (row?.dataset.cellId) {
      this._actions.jumpTo(row.dataset.cellId);
    }
  };

  private _budget: number | null = null;
  private _git: GitKnowledge = 'unknown';
  private _budgetText: string | null = null;
  private _query: IBrowserQuery = { ...DEFAULT_QUERY };
  private readonly _budgetInput: HTMLInputElement;
  private readonly _budgetError: HTMLElement;
  private readonly _status: HTMLElement;
  private readonly _totals: HTMLElement;
  private readonly _content: HTMLElement;
}
