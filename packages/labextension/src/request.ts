/**
 * The ONE way this extension talks to the XetCache server (behind jupyter-server-proxy at
 * `<baseUrl>/xetcache/api/...`). Every failure becomes an XetCacheRequestError with a string
 * `code`, so callers branch on codes, never on message text.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** The Python package that installs the server side; the lead decides the final name (here only). */
export const SERVER_PACKAGE = 'xetcache-jupyterlab';
export const SERVER_FIX = `pip install ${SERVER_PACKAGE} and restart JupyterLab`;
/** The API major this extension speaks (GET /api/status → `api`). */
export const API_VERSION = 1;

/** Codes made on this side; the server's own codes (EBADREQUEST, ENOTFOUND, ...) pass through. */
export type ClientErrorCode = 'ESERVERMISSING' | 'EAPIVERSION' | 'EHTTP' | 'EBADRESPONSE';

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
  return isRequestError(e, 'ESERVERMISSING') || isRequestError(e, 'EAPIVERSION');
}

export interface IRequestInit {
  method?: 'GET' | 'POST' | 'DELETE';
  query?: Record<string, string | number | null | undefined>;
  body?: unknown;
}

function missing(status: number, detail: string): XetCacheRequestError {
  return new XetCacheRequestError(
    'ESERVERMISSING',
    `The XetCache server is not available (${detail}). Cells still run and cache in the kernel; ` +
      `to browse and evict the cache: ${SERVER_FIX}.`,
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
    throw missing(0, `network error: ${(e as Error).message}`);
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
      throw missing(response.status, `HTTP ${response.status} from ${endpoint}`);
    }
    const message =
      (body as { message?: unknown } | undefined)?.message ??
      `HTTP ${response.status} from ${endpoint}`;
    throw new XetCacheRequestError(errCode ?? 'EHTTP', String(message), response.status);
  }
  if (body === undefined) {
    throw new XetCacheRequestError(
      'EBADRESPONSE',
      `The XetCache server sent no JSON for ${endpoint}`,
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
    throw missing(200, 'something else answers at /xetcache/api/status');
  }
  if (status.api !== API_VERSION) {
    throw new XetCacheRequestError(
      'EAPIVERSION',
      `The XetCache server speaks API ${status.api} (version ${status.version}) but this extension needs API ` +
        `${API_VERSION}: install matching versions (${SERVER_FIX}).`,
      200
    );
  }
  return status;
}
