/**
 * The per-cell toggle (toolbar button via schema "jupyter.lab.toolbars", palette, context menu)
 * and the options dialog. State lives in cell metadata only; the cell's source is never touched.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import type { Cell, ICellModel } from '@jupyterlab/cells';
import { INotebookTracker, NotebookActions } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { badgesOf } from '../cellbadges';
import { cacheIcon } from '../icons';
import { isCachingEnabled, METADATA_KEY, readCellConfig, toggledConfig } from '../metadata';
import { editCellOptions } from '../optionsdialog';
import { CommandIDs, TRANSLATION_DOMAIN } from '../tokens';

function targetCells(tracker: INotebookTracker): Cell[] {
  const nb = tracker.currentWidget?.content;
  if (!nb) {
    return [];
  }
  return nb.widgets.filter(c => nb.isSelectedOrActive(c) && c.model.type === 'code');
}

/**
 * Hands keyboard focus back to the notebook after the cell toolbar button was used, as
 * JupyterLab's own cell toolbar commands do: otherwise the button keeps it, and Shift+Enter
 * right after presses the button again (caching off) instead of running the cell. Only when the
 * focus is inside the notebook and not in an editor (a menu or the palette hand it back
 * themselves). `focusActiveCell` awaits the cell's readiness, so this lands after the toolbar's
 * click handler has focused its button.
 */
function refocusNotebook(tracker: INotebookTracker): void {
  const nb = tracker.currentWidget?.content;
  const focused = document.activeElement;
  if (!nb || !focused || !nb.node.contains(focused) || nb.activeCell?.editor?.hasFocus()) {
    return;
  }
  void NotebookActions.focusActiveCell(nb, { waitUntilReady: true, preventScroll: true });
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
  optional: [ICommandPalette, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ) => {
    const { commands } = app;
    const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
    const activeModel = (): ICellModel | null => tracker.activeCell?.model ?? null;
    const isCode = (): boolean => activeModel()?.type === 'code';

    commands.addCommand(CommandIDs.toggleCell, {
      // Icon only in the cell toolbar (args.toolbar is set there); text in menus and the palette.
      label: args => (args.toolbar ? '' : trans.__('Cache Cell Results (XetCache)')),
      caption: trans.__(
        'Cache this cell: later runs with the same code and inputs restore variables and outputs instead of running'
      ),
      icon: cacheIcon,
      isEnabled: isCode,
      isToggled: () => isCaching(activeModel()),
      execute: () => {
        const on = !isCaching(activeModel());
        for (const cell of targetCells(tracker)) {
          writeConfig(cell.model, toggledConfig(cell.model.getMetadata(METADATA_KEY), on));
        }
        commands.notifyCommandChanged(CommandIDs.toggleCell);
        refocusNotebook(tracker);
      }
    });

    commands.addCommand(CommandIDs.editCellOptions, {
      label: trans.__('XetCache Options for Cell…'),
      isEnabled: isCode,
      execute: async () => {
        const model = activeModel();
        if (!model) {
          return;
        }
        const current = readCellConfig(model.getMetadata(METADATA_KEY)) ?? { enabled: true };
        // What the last run recorded (depends on, restores), if it ran with the current code.
        const run = badgesOf(tracker.currentWidget)?.lastRun(model) ?? null;
        const next = await editCellOptions(current, trans, run);
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

    const category = trans.__('XetCache');
    palette?.addItem({ command: CommandIDs.toggleCell, category });
    palette?.addItem({ command: CommandIDs.editCellOptions, category });
  }
};

function isCaching(model: ICellModel | null): boolean {
  return !!model && model.type === 'code' && isCachingEnabled(model.getMetadata(METADATA_KEY));
}
