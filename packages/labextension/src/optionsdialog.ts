/**
 * A small form for a cell's cache options (inputs, outputs, always, key); empty = let the engine
 * infer. Under it, read-only, what the cell's last run recorded: what the entry depends on and
 * what it restores (only the lists the engine sent), so a missing dependency is visible.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { recordedRows } from './depstext';
import type { IRunEvent } from './events';
import { type ICellCacheConfig, optionLabels, parseNames } from './metadata';

function recordedSection(run: IRunEvent | null, trans: TranslationBundle): HTMLElement | null {
  const rows = recordedRows(run, trans);
  if (!rows.length) {
    return null;
  }
  const box = document.createElement('fieldset');
  box.className = 'jp-xetcache-options-recorded';
  const legend = document.createElement('legend');
  legend.textContent = trans.__('Recorded by the last run');
  const list = document.createElement('dl');
  for (const [label, value] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = value;
    list.append(dt, dd);
  }
  box.append(legend, list);
  if (run?.deps) {
    // The engine said what it checks: anything else is not part of the entry's key.
    const note = document.createElement('p');
    note.textContent = trans.__(
      'Only what is listed is checked: a change to anything else does not invalidate the entry (name such variables in Inputs).'
    );
    box.appendChild(note);
  }
  return box;
}

class OptionsBody extends Widget implements Dialog.IBodyWidget<ICellCacheConfig> {
  constructor(
    private readonly _initial: ICellCacheConfig,
    trans: TranslationBundle,
    run: IRunEvent | null
  ) {
    super();
    this.addClass('jp-xetcache-options');
    const field = (name: string, label: string, value: string, hint: string): void => {
      const row = document.createElement('label');
      row.textContent = label;
      const input = document.createElement('input');
      input.name = name;
      input.value = value;
      input.placeholder = hint;
      row.appendChild(input);
      this.node.appendChild(row);
    };
    const inferred = trans.__('inferred from the code');
    const labels = optionLabels(trans);
    field('inputs', labels.inputs, (_initial.inputs ?? []).join(', '), inferred);
    field('outputs', labels.outputs, (_initial.outputs ?? []).join(', '), inferred);
    field('key', labels.key, _initial.key ?? '', trans.__('none'));
    const row = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.name = 'always';
    box.checked = _initial.always === true;
    row.append(box, ' ', labels.always);
    this.node.appendChild(row);
    const recorded = recordedSection(run, trans);
    if (recorded) {
      this.node.appendChild(recorded);
    }
  }

  getValue(): ICellCacheConfig {
    const get = (n: string): HTMLInputElement =>
      this.node.querySelector(`input[name="${n}"]`) as HTMLInputElement;
    const out: ICellCacheConfig = { enabled: this._initial.enabled };
    const inputs = parseNames(get('inputs').value);
    const outputs = parseNames(get('outputs').value);
    const key = get('key').value.trim();
    if (inputs) {
      out.inputs = inputs;
    }
    if (outputs) {
      out.outputs = outputs;
    }
    if (key) {
      out.key = key;
    }
    if (get('always').checked) {
      out.always = true;
    }
    return out;
  }
}

/**
 * Resolves to the new options, or null when cancelled. `run` is the cell's last engine event for
 * its current code (null: not run since the code changed, or never).
 */
export async function editCellOptions(
  initial: ICellCacheConfig,
  trans: TranslationBundle,
  run: IRunEvent | null = null
): Promise<ICellCacheConfig | null> {
  const result = await showDialog({
    title: trans.__('XetCache options for this cell'),
    body: new OptionsBody(initial, trans, run),
    buttons: [Dialog.cancelButton(), Dialog.okButton({ label: trans.__('Save') })]
  });
  return result.button.accept ? result.value : null;
}
