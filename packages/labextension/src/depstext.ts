/**
 * What a cached run depends on (inputs, called functions, files, modules, hidden state) and what
 * it restores (variables bound anew, objects changed in place), in words: one compact line for
 * the badge tooltip, labelled rows for the options dialog. Only what the event carries is shown,
 * so a dependency the engine did not record is visible by its absence.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IRunEvent } from './events';

export type DepKind = 'inputs' | 'functions' | 'files' | 'modules' | 'hidden' | 'restores';

export interface IDepItem {
  kind: DepKind;
  /** Names as shown (restores carry "(new)" / "(changed in place)"). */
  values: string[];
}

/** Names beyond this many are counted, not listed, in the tooltip (the dialog lists them all). */
export const TOOLTIP_MAX_NAMES = 8;

/**
 * The non-empty lists of an event, in a fixed order. An engine that sends no `deps` still sends
 * the inputs it fingerprinted (`inputs`), and for a hit or a stored run the variables of the
 * entry (`outputs`); those stand in for `deps.inputs` and `restores`.
 */
export function depItems(ev: IRunEvent, trans: TranslationBundle): IDepItem[] {
  const items: IDepItem[] = [];
  const add = (kind: DepKind, values: string[]): void => {
    if (values.length) {
      items.push({ kind, values });
    }
  };
  const d = ev.deps;
  add('inputs', d ? d.inputs : ev.inputs);
  if (d) {
    add('functions', d.functions);
    add('files', d.files);
    add('modules', d.modules);
    add('hidden', d.hidden);
  }
  const r = ev.restores;
  if (r) {
    add('restores', [
      ...r.bound.map(n => trans.__('%1 (new)', n)),
      ...r.mutated.map(n => trans.__('%1 (changed in place)', n))
    ]);
  } else if (ev.state === 'hit' || ev.state === 'stored') {
    add('restores', ev.outputs);
  }
  return items;
}

function tooltipLabel(kind: DepKind, trans: TranslationBundle): string {
  switch (kind) {
    case 'inputs':
      return trans.__('depends on');
    case 'functions':
      return trans.__('functions');
    case 'files':
      return trans.__('files');
    case 'modules':
      return trans.__('modules');
    case 'hidden':
      return trans.__('hidden');
    case 'restores':
      return trans.__('restores');
  }
}

/** "Depends on", … as row labels of the options dialog. */
export function rowLabel(kind: DepKind, trans: TranslationBundle): string {
  switch (kind) {
    case 'inputs':
      return trans.__('Depends on');
    case 'functions':
      return trans.__('Functions called');
    case 'files':
      return trans.__('Files');
    case 'modules':
      return trans.__('Modules');
    case 'hidden':
      return trans.__('Hidden state');
    case 'restores':
      return trans.__('Restores');
  }
}

function compact(values: string[], trans: TranslationBundle): string {
  if (values.length <= TOOLTIP_MAX_NAMES) {
    return values.join(', ');
  }
  const more = values.length - TOOLTIP_MAX_NAMES;
  return trans.__('%1, +%2 more', values.slice(0, TOOLTIP_MAX_NAMES).join(', '), String(more));
}

/**
 * One line for the tooltip, e.g. "depends on: a, b · functions: total · files: data.csv ·
 * hidden: numpy.random; restores: t (new), lst (changed in place)"; '' when nothing is known.
 */
export function depsLine(ev: IRunEvent, trans: TranslationBundle): string {
  const items = depItems(ev, trans);
  const part = (i: IDepItem): string =>
    trans.__('%1: %2', tooltipLabel(i.kind, trans), compact(i.values, trans));
  const deps = items.filter(i => i.kind !== 'restores').map(part);
  const restores = items.filter(i => i.kind === 'restores').map(part);
  return [deps.join(' · '), ...restores].filter(Boolean).join('; ');
}

/**
 * The "recorded by the last run" rows (label, value) of the dialog: why it was not cached, what
 * it depends on, what it restores; [] when the run recorded nothing (or there was no run).
 */
export function recordedRows(run: IRunEvent | null, trans: TranslationBundle): [string, string][] {
  if (!run) {
    return [];
  }
  const rows: [string, string][] = [];
  if (run.state === 'declined') {
    rows.push([trans.__('Not cached'), run.reason ?? trans.__('declined by the engine')]);
  }
  for (const item of depItems(run, trans)) {
    rows.push([rowLabel(item.kind, trans), item.values.join(', ')]);
  }
  return rows;
}
