/** The cache browser's query controls: scope, sort, order and a filter (typing pauses before asking). */
import type { TranslationBundle } from '@jupyterlab/translation';
import { actionButton, el } from './dom';
import { type IBrowserQuery, SORTS } from './query';

/** The order button (`data-action="order"`) is handled by the widget, which owns the query. */
export function queryControls(
  trans: TranslationBundle,
  set: (change: Partial<IBrowserQuery>) => void
): HTMLElement {
  let typing = 0;
  const box = el('div', { class: 'jp-xetcache-controls' });
  const select = (role: string, label: string, options: [string, string][]): HTMLSelectElement => {
    const s = el('select', { 'data-role': role, 'aria-label': label, title: label });
    for (const [value, text] of options) {
      s.append(el('option', { value }, text));
    }
    s.addEventListener('change', () => set({ [role]: s.value }));
    return s;
  };
  const sortNames: Record<string, string> = {
    created: trans.__('newest'),
    size: trans.__('size'),
    runtime: trans.__('runtime'),
    hits: trans.__('hits'),
    last_hit: trans.__('last hit')
  };
  const filter = el('input', {
    type: 'search',
    'data-role': 'filter',
    placeholder: trans.__('filter: code, cell id, notebook'),
    'aria-label': trans.__('Filter entries')
  });
  filter.addEventListener('input', () => {
    window.clearTimeout(typing);
    typing = window.setTimeout(() => set({ text: filter.value }), 300);
  });
  box.append(
    select('scope', trans.__('Show entries of'), [
      ['notebook', trans.__('This notebook')],
      ['store', trans.__('Whole store')]
    ]),
    select(
      'sort',
      trans.__('Sort by'),
      SORTS.map(s => [s, sortNames[s]])
    ),
    actionButton('order', trans.__('Reverse the order'), '↓'),
    filter
  );
  return box;
}
