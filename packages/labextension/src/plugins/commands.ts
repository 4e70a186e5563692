/**
 * The per-cell toggle (toolbar button via schema "jupyter.lab.toolbars", palette, context menu)
 * and the options dialog. State lives in cell metadata only; the cell's source is never touched.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import type { Cell, ICellModel } from '@jupyterlab/cells';
import { INotebookTracker } from '@jupyterlab/notebook';
import { cacheIcon } from '../icons';
import { isCachingEnabled, METADATA_KEY, readCellConfig, toggledConfig } from '../metadata';
import { editCellOptions } from '../optionsdialog';
import { CommandIDs } from '../tokens';

function targetCells(tracker: INotebookTracker): Cell[] {
  const nb = tracker.currentWidget?.content;
  if (!nb) {
    return [];
  }
  return nb.widgets.filter(c => nb.isSelectedOrActive(c) && c.model.type === 'code');
}

function writeConfig(model: ICellModel, value: object | null): void {
  if (value) {
    model.setMetadata(METADATA_KEY, value);
  } else {
    model.deleteMetadata(METADATA_KEY);
  }
}

export const commandsPlugin: JupyterFrontEndPlugin<void> = {
  id: '@xetcache/labextension:commands',
  description: "Turn caching on or off for the selected cells; edit a cell's cache options.",
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ICommandPalette],
  activate: (app: JupyterFrontEnd, tracker: INotebookTracker, palette: ICommandPalette | null) => {
    const { commands } = app;
    const activeModel = (): ICellModel | null => tracker.activeCell?.model ?? null;
    const isCode = (): boolean => activeModel()?.type === 'code';

    commands.addCommand(CommandIDs.toggleCell, {
      // Icon only in the cell toolbar (args.toolbar is set there); text in menus and the palette.
      label: args => (args.toolbar ? '' : 'Cache Cell Results (XetCache)'),
      caption:
        'Cache this cell: later runs with the same code and inputs restore variables and outputs instead of running',
      icon: cacheIcon,
      isEnabled: isCode,
      isToggled: () => isCaching(activeModel()),
      execute: () => {
        const on = !isCaching(activeModel());
        for (const cell of targetCells(tracker)) {
          writeConfig(cell.model, toggledConfig(cell.model.getMetadata(METADATA_KEY), on));
        }
        commands.notifyCommandChanged(CommandIDs.toggleCell);
      }
    });

    commands.addCommand(CommandIDs.editCellOptions, {
      label: 'XetCache Options for Cell…',
      isEnabled: isCode,
      execute: async () => {
        const model = activeModel();
        if (!model) {
          return;
        }
        const current = readCellConfig(model.getMetadata(METADATA_KEY)) ?? { enabled: true };
        const next = await editCellOptions(current);
        if (next && !model.isDisposed) {
          writeConfig(model, next);
          commands.notifyCommandChanged(CommandIDs.toggleCell);
        }
      }
    });

    // Keep the button's aria-pressed true to the active cell, also when metadata changes
    // elsewhere (undo, collaborators, the options dialog).
    let watched: ICellModel | null = null;
    const onMeta = (): void => commands.notifyCommandChanged(CommandIDs.toggleCell);
    tracker.activeCellChanged.connect(() => {
      watched?.metadataChanged.disconnect(onMeta);
      watched = activeModel();
      watched?.metadataChanged.connect(onMeta);
      onMeta();
    });

    palette?.addItem({ command: CommandIDs.toggleCell, category: 'XetCache' });
    palette?.addItem({ command: CommandIDs.editCellOptions, category: 'XetCache' });
  }
};

function isCaching(model: ICellModel | null): boolean {
  return !!model && model.type === 'code' && isCachingEnabled(model.getMetadata(METADATA_KEY));
}
