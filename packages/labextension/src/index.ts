/** XetCache for JupyterLab: the plugins only (logic lives in the plain modules beside this file). */
import type { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { badgesPlugin } from './plugins/badges';
import { browserPlugin } from './plugins/browser';
import { commandsPlugin } from './plugins/commands';
import { executorPlugin } from './plugins/executor';
import { settingsPlugin } from './plugins/settings';

export { CommandIDs, IXetCache } from './tokens';

// The plugins provide different tokens (or none), so their value types differ.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const plugins: JupyterFrontEndPlugin<any>[] = [
  settingsPlugin,
  executorPlugin,
  commandsPlugin,
  badgesPlugin,
  browserPlugin
];
export default plugins;
