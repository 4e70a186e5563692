/** A small form for a cell's cache options (inputs, outputs, always, key); empty = let the engine infer. */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';
import { type ICellCacheConfig, parseNames } from './metadata';

class OptionsBody extends Widget implements Dialog.IBodyWidget<ICellCacheConfig> {
  constructor(private readonly _initial: ICellCacheConfig) {
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
    field('inputs', 'Inputs', (_initial.inputs ?? []).join(', '), 'inferred from the code');
    field('outputs', 'Outputs', (_initial.outputs ?? []).join(', '), 'inferred from the code');
    field('key', 'Key (namespace)', _initial.key ?? '', 'none');
    const row = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.name = 'always';
    box.checked = _initial.always === true;
    row.append(box, ' Always store, however fast the run');
    this.node.appendChild(row);
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

/** Resolves to the new options, or null when cancelled. */
export async function editCellOptions(initial: ICellCacheConfig): Promise<ICellCacheConfig | null> {
  const result = await showDialog({
    title: 'XetCache options for this cell',
    body: new OptionsBody(initial),
    buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Save' })]
  });
  return result.button.accept ? result.value : null;
}
