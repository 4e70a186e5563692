/**
 * The cache browser sidebar: entries of the current notebook's store, a picture of where the
 * bytes go and the time saved, and eviction. Plain DOM (rebuilt on each refresh: lists are
 * small) with stable classes and data attributes for UI tests (see README).
 */
import { Widget } from '@lumino/widgets';
import { cellBars } from './chart';
import type { IEntrySummary } from '../events';
import type { GitKnowledge } from '../gitnotice';
import { formatBytes, formatDate, formatDuration, parseBytes } from '../format';

export interface IBrowserData {
  notebookPath: string;
  store: string;
  entries: IEntrySummary[];
  total: number;
}

/** What the widget asks its owner to do (the plugin wires these to the server and the notebook). */
export interface IBrowserActions {
  refresh(): void;
  evict(target: { key: string } | { cellId: string } | 'notebook'): void;
  trim(maxBytes: number): void;
  jumpTo(cellId: string): void;
}

const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string
): HTMLElementTagNameMap[K] => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    node.setAttribute(k, v);
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
};

export class CacheBrowser extends Widget {
  constructor(private readonly _actions: IBrowserActions) {
    super();
    this.id = 'xetcache-browser';
    this.addClass('jp-xetcache-browser');
    this.title.caption = 'XetCache: cached cells';
    this.node.tabIndex = 0;
    this.node.addEventListener('click', this._onClick);
    this.display(null, null, 'Open a notebook to see its cache.');
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

  display(
    data: IBrowserData | null,
    problem: string | null,
    empty = 'No cached cells in this notebook yet.'
  ): void {
    const root = this.node;
    root.replaceChildren();
    const header = el('div', { class: 'jp-xetcache-browser-header' });
    header.append(el('h3', {}, 'XetCache'), this._button('refresh', 'Refresh', '↻'));
    root.append(header);
    if (problem) {
      root.append(el('div', { class: 'jp-xetcache-problem', role: 'alert' }, problem));
    }
    const git = this._git;
    root.dataset.xetcacheGit = typeof git === 'string' ? git : 'notice';
    if (typeof git !== 'string') {
      const line = el('div', { class: 'jp-xetcache-git-notice', role: 'status' }, git.message);
      if (git.fix) {
        line.append(' Fix: ', el('code', {}, git.fix));
      }
      root.append(line);
    }
    if (!data) {
      root.append(el('p', { class: 'jp-xetcache-empty' }, problem ? '' : empty));
      return;
    }
    const bytes = data.entries.reduce((s, e) => s + e.total_bytes, 0);
    const saved = data.entries.reduce((s, e) => s + e.time_saved_s, 0);
    const summary = el('div', {
      class: 'jp-xetcache-summary',
      'data-entries': String(data.total),
      'data-bytes': String(bytes)
    });
    summary.append(
      el('div', { class: 'jp-xetcache-store', title: `store: ${data.store}` }, data.store),
      el(
        'div',
        {},
        `${data.total} ${data.total === 1 ? 'entry' : 'entries'} · ${formatBytes(bytes)} · saved ${formatDuration(saved)}`
      )
    );
    root.append(summary);

    const tools = el('div', { class: 'jp-xetcache-tools' });
    const budget = el('input', {
      'data-role': 'budget',
      type: 'text',
      placeholder: 'budget, e.g. 500 MB',
      title: 'Trim the whole store to this size, least recently used first'
    });
    budget.value = this._budgetText ?? (this._budget !== null ? formatBytes(this._budget) : '');
    budget.addEventListener('input', () => (this._budgetText = budget.value));
    tools.append(
      budget,
      this._button('trim', 'Trim the store to the budget (LRU)', 'Trim'),
      this._button('evict-notebook', 'Evict every entry of this notebook', 'Evict notebook')
    );
    root.append(tools);

    if (!data.entries.length) {
      root.append(el('p', { class: 'jp-xetcache-empty' }, empty));
      return;
    }
    root.append(this._chart(data.entries), this._list(data.entries));
  }

  private _chart(entries: IEntrySummary[]): HTMLElement {
    const chart = el('div', {
      class: 'jp-xetcache-chart',
      role: 'img',
      'aria-label': 'Bytes and time saved per cell'
    });
    chart.append(el('div', { class: 'jp-xetcache-chart-legend' }, '■ size  ■ time saved'));
    for (const bar of cellBars(entries)) {
      const row = el('div', {
        class: 'jp-xetcache-chart-row',
        'data-cell-id': bar.cellId,
        title: bar.label
      });
      const bars = el('div', { class: 'jp-xetcache-chart-bars' });
      const b = el('div', { class: 'jp-xetcache-bar-bytes' });
      b.style.width = `${bar.bytesPct}%`;
      const s = el('div', { class: 'jp-xetcache-bar-saved' });
      s.style.width = `${bar.savedPct}%`;
      bars.append(b, s);
      row.append(
        el('span', { class: 'jp-xetcache-chart-label' }, bar.label),
        bars,
        el(
          'span',
          { class: 'jp-xetcache-chart-value' },
          `${formatBytes(bar.bytes)} · ${formatDuration(bar.savedS)}`
        )
      );
      chart.append(row);
    }
    return chart;
  }

  private _list(entries: IEntrySummary[]): HTMLElement {
    const list = el('ul', { class: 'jp-xetcache-entries' });
    for (const e of entries) {
      const li = el('li', {
        class: 'jp-xetcache-entry',
        'data-key': e.key,
        'data-cell-id': e.cell_id ?? '',
        title: 'Click to go to the cell'
      });
      li.append(el('pre', { class: 'jp-xetcache-preview' }, e.preview));
      const facts = el('div', { class: 'jp-xetcache-facts' });
      const fact = (name: string, label: string, value: string): void => {
        facts.append(el('span', { 'data-field': name, title: label }, `${label} ${value}`));
      };
      fact('size', 'size', formatBytes(e.total_bytes));
      fact('runtime', 'ran', formatDuration(e.runtime_s));
      fact('created', 'stored', formatDate(e.created));
      fact('hits', 'hits', String(e.hits));
      fact('last-hit', 'last hit', e.last_hit ? formatDate(e.last_hit) : 'never');
      fact('saved', 'saved', formatDuration(e.time_saved_s));
      li.append(facts);
      const buttons = el('div', { class: 'jp-xetcache-entry-actions' });
      buttons.append(this._button('evict', 'Evict this entry', 'Evict', e.key));
      if (e.cell_id) {
        buttons.append(
          this._button('evict-cell', "Evict all of this cell's entries", 'Evict cell', e.cell_id)
        );
      }
      li.append(buttons);
      list.append(li);
    }
    return list;
  }

  private _button(action: string, title: string, text: string, target?: string): HTMLButtonElement {
    const b = el(
      'button',
      { class: 'jp-Button jp-mod-minimal jp-xetcache-button', 'data-action': action, title },
      text
    );
    if (target !== undefined) {
      b.dataset.target = target;
    }
    return b;
  }

  private _onClick = (event: MouseEvent): void => {
    const target = event.target as HTMLElement;
    const button = target.closest('button[data-action]') as HTMLButtonElement | null;
    if (button) {
      const t = button.dataset.target ?? '';
      switch (button.dataset.action) {
        case 'refresh':
          return this._actions.refresh();
        case 'evict':
          return this._actions.evict({ key: t });
        case 'evict-cell':
          return this._actions.evict({ cellId: t });
        case 'evict-notebook':
          return this._actions.evict('notebook');
        case 'trim': {
          const input = this.node.querySelector<HTMLInputElement>('input[data-role="budget"]');
          const n = parseBytes(input?.value ?? '');
          if (n === null) {
            input?.setAttribute('aria-invalid', 'true');
            input?.focus();
            return;
          }
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
}
