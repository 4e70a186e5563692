/**
 * The cache browser's picture (bars per cell with a coloured legend) and its list of entries:
 * each row says where the cell is (position and id in the open notebook, or its notebook), what
 * the entry depends on and restores, and offers "Go to cell" and eviction. Rows are focusable
 * (Enter goes to the cell, arrow keys move between rows).
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IEntrySummary } from '../events';
import { formatBytes, formatDate, formatDuration } from '../format';
import { cellBars, sizeText } from './chart';
import { actionButton, el } from './dom';

/** What the rows know beyond the entries: positions in the open notebook and manifests' inputs. */
export interface IRowContext {
  /** The open notebook's name as the store knows it. */
  notebook: string;
  /** 0-based position of a cell of the open notebook, by id. */
  positions: Map<string, number>;
  /** Input names by entry key (absent: not known yet). */
  inputs: Map<string, string[]>;
}

/** "cell 3" for a cell of the open notebook, null otherwise. */
export function cellName(
  cellId: string | null,
  ctx: IRowContext,
  trans: TranslationBundle
): string | null {
  const i = cellId ? ctx.positions.get(cellId) : undefined;
  return i === undefined ? null : trans.__('cell %1', i + 1);
}

export function chartView(
  entries: IEntrySummary[],
  ctx: IRowContext,
  trans: TranslationBundle
): HTMLElement {
  const chart = el('div', {
    class: 'jp-xetcache-chart',
    role: 'img',
    'aria-label': trans.__('Bytes and time saved per cell')
  });
  const legend = el('div', { class: 'jp-xetcache-chart-legend' });
  for (const [kind, text] of [
    ['bytes', trans.__('size')],
    ['saved', trans.__('time saved')]
  ]) {
    const item = el('span', { class: 'jp-xetcache-legend-item', 'data-series': kind });
    item.append(el('span', { class: `jp-xetcache-swatch jp-xetcache-bar-${kind}` }), text);
    legend.append(item);
  }
  chart.append(legend);
  const nameOf = (id: string): string | null => cellName(id, ctx, trans);
  for (const bar of cellBars(entries, { nameOf, trans })) {
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
      el('div', { class: 'jp-xetcache-chart-label' }, bar.label),
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

function where(e: IEntrySummary, ctx: IRowContext, trans: TranslationBundle): string {
  const name = cellName(e.cell_id, ctx, trans);
  if (name) {
    return trans.__('%1 · id %2', name, e.cell_id ?? '');
  }
  const nb = e.notebook ?? trans.__('no notebook');
  if (e.kind === 'function') {
    return trans.__('function %1 · %2', e.qualname ?? '?', nb);
  }
  return e.notebook === ctx.notebook
    ? trans.__('cell id %1 (no longer in the notebook)', e.cell_id ?? '?')
    : trans.__('%1 · cell id %2', nb, e.cell_id ?? '?');
}

export function entryList(
  entries: IEntrySummary[],
  ctx: IRowContext,
  trans: TranslationBundle
): HTMLElement {
  const list = el('ul', { class: 'jp-xetcache-entries', 'aria-label': trans.__('Cache entries') });
  for (const e of entries) {
    const title = where(e, ctx, trans);
    const canJump = ctx.positions.has(e.cell_id ?? '');
    const li = el('li', {
      class: 'jp-xetcache-entry',
      'data-key': e.key,
      'data-cell-id': canJump ? (e.cell_id ?? '') : '',
      tabindex: '0',
      'aria-label': `${title}: ${e.preview.split('\n')[0]}`
    });
    li.append(el('div', { class: 'jp-xetcache-entry-title' }, title));
    li.append(el('pre', { class: 'jp-xetcache-preview' }, e.preview));
    const facts = el('div', { class: 'jp-xetcache-facts' });
    const fact = (name: string, text: string): void => {
      facts.append(el('span', { 'data-field': name }, text));
    };
    fact('size', sizeText(e, trans));
    facts.lastElementChild?.setAttribute('data-bytes', String(e.total_bytes));
    facts.lastElementChild?.setAttribute('data-stored-bytes', String(e.stored_bytes));
    fact('runtime', trans.__('ran %1', formatDuration(e.runtime_s)));
    fact('created', trans.__('stored %1', formatDate(e.created)));
    fact('hits', trans._n('%1 hit', '%1 hits', e.hits));
    fact(
      'last-hit',
      trans.__('last hit %1', e.last_hit ? formatDate(e.last_hit) : trans.__('never'))
    );
    fact('saved', trans.__('saved %1', formatDuration(e.time_saved_s)));
    const inputs = ctx.inputs.get(e.key);
    if (inputs) {
      fact('inputs', trans.__('inputs: %1', inputs.length ? inputs.join(', ') : trans.__('none')));
    }
    if (e.variables.length) {
      fact('restores', trans.__('restores: %1', e.variables.join(', ')));
    }
    li.append(facts);
    const buttons = el('div', { class: 'jp-xetcache-entry-actions' });
    if (canJump) {
      buttons.append(
        actionButton(
          'jump',
          trans.__('Go to this cell in the notebook'),
          trans.__('Go to cell'),
          e.cell_id ?? ''
        )
      );
    }
    buttons.append(actionButton('evict', trans.__('Evict this entry'), trans.__('Evict'), e.key));
    if (e.cell_id && e.notebook === ctx.notebook) {
      buttons.append(
        actionButton(
          'evict-cell',
          trans.__("Evict all of this cell's entries"),
          trans.__('Evict cell'),
          e.cell_id
        )
      );
    }
    li.append(buttons);
    list.append(li);
  }
  return list;
}

/** Arrow keys move between rows; Enter on a row goes to its cell. Returns whether it handled it. */
export function rowKey(event: KeyboardEvent, jump: (cellId: string) => void): boolean {
  const row = event.target as HTMLElement;
  if (!row.classList?.contains('jp-xetcache-entry')) {
    return false;
  }
  if (event.key === 'Enter' || event.key === ' ') {
    if (row.dataset.cellId) {
      jump(row.dataset.cellId);
    }
    return true;
  }
  const next =
    event.key === 'ArrowDown'
      ? row.nextElementSibling
      : event.key === 'ArrowUp'
        ? row.previousElementSibling
        : null;
  if (next instanceof HTMLElement) {
    next.focus();
    return true;
  }
  return event.key === 'ArrowDown' || event.key === 'ArrowUp';
}
