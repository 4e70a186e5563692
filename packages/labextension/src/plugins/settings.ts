/**
 * Core plugin: reads the settings (schema/plugin.json is the only place with defaults), owns the
 * engine manager and the server monitor, and pushes setting changes to every loaded kernel.
 * Does not require INotebookTracker: the executor plugin depends on this one, and the tracker
 * depends on the executor.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator, type TranslationBundle } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';
import { EngineManager } from '../engine/manager';
import type { IEngineSettings } from '../engine/inject';
import { NoticeBoard } from '../engine/notices';
import { ENGINE_SOURCES } from '../engine/sources.generated';
import { GitNotices } from '../gitnotice';
import { ServerMonitor } from '../servermonitor';
import { useTranslator } from '../request';
import { IXetCache, SETTINGS_PLUGIN_ID, TRANSLATION_DOMAIN } from '../tokens';

function readSettings(s: ISettingRegistry.ISettings): IEngineSettings {
  const c = s.composite as Partial<IEngineSettings>;
  return {
    threshold_s: Number(c.threshold_s),
    always: c.always === true,
    cache_dir: String(c.cache_dir),
    max_bytes: typeof c.max_bytes === 'number' ? c.max_bytes : null
  };
}

class XetCache implements IXetCache {
  constructor(trans: TranslationBundle) {
    // Said once per store (the sidebar keeps the line): the exact command, nothing changed silently.
    this.git = new GitNotices({
      available: () => this.server.available(),
      report: e => this.server.report(e),
      notify: text => {
        Notification.warning(text, { autoClose: 20_000 });
      },
      trans
    });
  }
  readonly engine = new EngineManager(ENGINE_SOURCES);
  // The problem is announced once (it then stays in the sidebar banner and the notification list).
  readonly server = new ServerMonitor(message => {
    Notification.warning(message, { autoClose: 20_000 });
  });
  readonly git: GitNotices;
  readonly storeChanged: Signal<IXetCache, string> = new Signal<IXetCache, string>(this);
  readonly settingsChanged: Signal<IXetCache, IEngineSettings> = new Signal<
    IXetCache,
    IEngineSettings
  >(this);
  get settings(): IEngineSettings | null {
    return this.engine.settings;
  }
  apply(s: IEngineSettings): void {
    this.engine.settings = s;
    this.settingsChanged.emit(s);
  }
}

export const settingsPlugin: JupyterFrontEndPlugin<IXetCache> = {
  id: SETTINGS_PLUGIN_ID,
  description: 'XetCache settings, kernel engine loader and server state.',
  autoStart: true,
  provides: IXetCache,
  optional: [ISettingRegistry, ITranslator],
  activate: (
    _app: JupyterFrontEnd,
    registry: ISettingRegistry | null,
    translator: ITranslator | null
  ): IXetCache => {
    const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
    useTranslator(trans); // the server's problems and fixes, as the sidebar and notices say them
    const xc = new XetCache(trans);
    // Every kernel refuses a bad setting the same way: say each refusal once per session.
    const said = new Set<string>();
    xc.engine.settingsRefused.connect((_, x) => {
      const message = trans.__(
        'XetCache: setting %1 not applied (%2): %3',
        x.key ?? trans.__('(all)'),
        x.code,
        x.message
      );
      if (!said.has(message)) {
        said.add(message);
        Notification.warning(message, { autoClose: 20_000 });
      }
    });
    // Progress of lazy fetches: one notification per transfer, updated (engine/notices.ts).
    const notices = new NoticeBoard({
      emit: (text, kind, autoClose) => Notification.emit(text, kind, { autoClose }),
      update: (id, message, type, autoClose) =>
        Notification.update({ id, message, type, autoClose })
    });
    xc.engine.notice.connect((_, n) => notices.show(n));
    if (registry) {
      registry.load(SETTINGS_PLUGIN_ID).then(
        settings => {
          xc.apply(readSettings(settings));
          settings.changed.connect(() => xc.apply(readSettings(settings)));
        },
        e => console.error('XetCache: could not load settings; the engine uses its own defaults', e)
      );
    }
    return xc;
  }
};
