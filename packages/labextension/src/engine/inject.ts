/**
 * The Python sent (silently) to each kernel to load the engine (CONTRACT.md section 3): an
 * installed `xetcache` wins; otherwise the bundled sources are written to a fresh temp dir that
 * goes on sys.path. Then `xetcache.ipython.jupyter.activate(settings_json)`. The outcome comes back as a
 * user expression (base64 JSON, so no Python repr parsing) and never raises in the kernel, so a
 * broken engine cannot leave a traceback or abort the user's queued cells.
 */

/** Setting values pushed to the kernel; keys as in schema/plugin.json. */
export interface IEngineSettings {
  threshold_s: number;
  always: boolean;
  cache_dir: string;
  max_bytes: number | null;
}

/** A setting the engine refused (bad value or unknown key); the others were applied. */
export interface IRefusedSetting {
  key: string | null;
  code: string;
  message: string;
}

export interface ILoadResult {
  ok: boolean;
  /** 'installed' (import worked) or 'bundled' (written from the extension). */
  origin?: 'installed' | 'bundled';
  version?: string;
  error?: string;
  /** Settings the engine refused (`activate` applies the valid ones and reports these). */
  refused?: IRefusedSetting[];
}

/**
 * The settings the kernel takes (CONTRACT.md section 3): all four; `max_bytes` is the engine's
 * byte budget (null = none; past it a run is the `error` event ESTOREFULL) and the browser's
 * default trim budget.
 */
export function kernelSettings(s: IEngineSettings): IEngineSettings {
  return {
    threshold_s: s.threshold_s,
    always: s.always,
    cache_dir: s.cache_dir,
    max_bytes: s.max_bytes
  };
}

/** UTF-8 → base64 without Buffer (runs in the browser). */
export function utf8ToBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

export function base64ToUtf8(b64: string): string {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) {
    bytes[i] = bin.charCodeAt(i);
  }
  return new TextDecoder().decode(bytes);
}

/** Name of the kernel-side global holding the outcome (underscore: hidden from %who). */
export const RESULT_NAME = '_xetcache_boot_result';
/** The user expression that reads it back. */
export const RESULT_EXPRESSION = RESULT_NAME;

export function buildLoadCode(
  sources: Readonly<Record<string, string>>,
  settings: IEngineSettings | null
): string {
  const files = utf8ToBase64(JSON.stringify(sources));
  const conf = utf8ToBase64(JSON.stringify(settings ? kernelSettings(settings) : {}));
  return `def _xetcache_boot(files_b64, settings_b64):
    import base64, importlib, json, os, sys, tempfile
    out = {"ok": False}
    try:
        settings_json = base64.b64decode(settings_b64).decode("utf-8")
        try:
            import xetcache.ipython.jupyter
            out["origin"] = "installed"
        except ImportError:
            files = json.loads(base64.b64decode(files_b64).decode("utf-8"))
            if "__init__.py" not in files:
                raise
            root = tempfile.mkdtemp(prefix="xetcache-engine-")
            pkg = os.path.join(root, "xetcache")
            os.mkdir(pkg)
            for name, text in files.items():
                parts = name.split("/")
                if not all(p.isidentifier() or (p.endswith(".py") and p[:-3].isidentifier()) for p in parts):
                    continue  # only plain module paths: nothing is written outside the temp dir
                target = os.path.join(pkg, *parts)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "w", encoding="utf-8") as f:
                    f.write(text)
            # Forget a half-imported copy so the bundled one loads cleanly.
            for mod in [m for m in sys.modules if m == "xetcache" or m.startswith("xetcache.")]:
                del sys.modules[mod]
            sys.path.insert(0, root)
            importlib.invalidate_caches()
            import xetcache.ipython.jupyter
            out["origin"] = "bundled"
        res = xetcache.ipython.jupyter.activate(settings_json)
        res = res if isinstance(res, dict) else {}
        out["version"] = str(res.get("version", ""))
        out["refused"] = res.get("refused") or []
        out["ok"] = True
    except BaseException as e:
        out["error"] = "%s: %s" % (type(e).__name__, e)
    return base64.b64encode(json.dumps(out).encode("utf-8")).decode("ascii")
${RESULT_NAME} = _xetcache_boot(${JSON.stringify(files)}, ${JSON.stringify(conf)})
del _xetcache_boot
`;
}

/**
 * Re-applies settings in a kernel where the engine is loaded (the bundled dir stays on sys.path);
 * the outcome (refused settings) comes back in RESULT_EXPRESSION like the load's.
 */
export function buildSettingsCode(settings: IEngineSettings): string {
  const conf = utf8ToBase64(JSON.stringify(kernelSettings(settings)));
  return `def _xetcache_settings(settings_b64):
    import base64, json
    out = {"ok": False}
    try:
        import xetcache.ipython.jupyter
        res = xetcache.ipython.jupyter.activate(base64.b64decode(settings_b64).decode("utf-8"))
        out["refused"] = (res.get("refused") if isinstance(res, dict) else None) or []
        out["ok"] = True
    except BaseException as e:
        out["error"] = "%s: %s" % (type(e).__name__, e)
    return base64.b64encode(json.dumps(out).encode("utf-8")).decode("ascii")
${RESULT_NAME} = _xetcache_settings(${JSON.stringify(conf)})
del _xetcache_settings
`;
}

/** Reads the user expression back: `'<base64>'` (a Python str repr) → ILoadResult. */
export function parseLoadResult(expr: unknown): ILoadResult {
  const e = expr as
    | { status?: string; data?: Record<string, unknown>; ename?: string; evalue?: string }
    | undefined;
  if (!e || e.status !== 'ok') {
    return {
      ok: false,
      error: e?.ename ? `${e.ename}: ${e.evalue ?? ''}` : 'no result from the kernel'
    };
  }
  const repr = String(e.data?.['text/plain'] ?? '');
  const m = /^'([A-Za-z0-9+/=]*)'$/.exec(repr);
  if (!m) {
    return { ok: false, error: `unexpected result ${repr.slice(0, 80)}` };
  }
  try {
    const r = JSON.parse(base64ToUtf8(m[1])) as ILoadResult;
    const refused = Array.isArray(r.refused)
      ? r.refused
          .filter(x => x && typeof x === 'object')
          .map(x => ({
            key: typeof x.key === 'string' ? x.key : null,
            code: String(x.code ?? 'EBADSETTINGS'),
            message: String(x.message ?? '')
          }))
      : [];
    return { ok: r.ok === true, origin: r.origin, version: r.version, error: r.error, refused };
  } catch {
    return { ok: false, error: 'unreadable result from the kernel' };
  }
}

/**
 * Whether the kernel's store exists, as a second user expression of the load and of every
 * settings push (so it costs no request of its own): the UI asks the server about a store only
 * when the kernel says it is there (a missing store reads as empty on the server, so asking would
 * only cost requests). Evaluated after the engine's `activate`, so with the current cache folder.
 */
export const STORE_EXPRESSION =
  "__import__('os').path.isfile(__import__('os').path.join(__import__('xetcache').get_memo_path(), 'STORE'))";

/** The store user expression back: true/false, null when it could not be evaluated. */
export function parseStoreExists(expr: unknown): boolean | null {
  const e = expr as { status?: string; data?: Record<string, unknown> } | undefined;
  const repr = e?.status === 'ok' ? String(e.data?.['text/plain'] ?? '') : '';
  return repr === 'True' ? true : repr === 'False' ? false : null;
}
