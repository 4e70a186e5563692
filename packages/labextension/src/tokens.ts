/** Command ids, plugin ids and the service shared between this package's plugins. */
import type { ISignal, Signal } from '@lumino/signaling';
import { Token } from '@lumino/coreutils';
import type { EngineManager } from './engine/manager';
import type { IEngineSettings } from './engine/inject';
import type { GitNotices } from './gitnotice';
import type { ServerMonitor } from './servermonitor';

export namespace CommandIDs {
  export const toggleCell = 'xetcache:toggle-cell';
  export const editCellOptions = 'xetcache:edit-cell-options';
  export const openBrowser = 'xetcache:open-browser';
}

/** The gettext domain of this extension's texts (`translator.load(TRANSLATION_DOMAIN)`). */
export const TRANSLATION_DOMAIN = 'xetcache';

/** The settings plugin's id: its schema (schema/plugin.json) holds every default. */
export const SETTINGS_PLUGIN_ID = '@xetcache/labextension:plugin';

export interface IXetCache {
  readonly engine: EngineManager;
  /** Null until the setting registry answered. */
  readonly settings: IEngineSettings | null;
  readonly settingsChanged: ISignal<IXetCache, IEngineSettings>;
  readonly server: ServerMonitor;
  /** Git LFS readiness per store, said once per store per session. */
  readonly git: GitNotices;
  /**
   * Emits a store path after the UI changed its entries (evict, trim in the cache browser), so
   * every notebook's badges re-derive from the server at once.
   */
  readonly storeChanged: Signal<IXetCache, string>;
}

export const IXetCache = new Token<IXetCache>(
  '@xetcache/labextension:IXetCache',
  'XetCache engine, settings and server state'
);
