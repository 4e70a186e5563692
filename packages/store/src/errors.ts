/**
 * The one errors module of the TypeScript side. The server and CLI import it (and may add codes here) so that
 * every failure that crosses a boundary — library → HTTP → browser — carries the same machine-readable `code`.
 * Callers branch on `code`, never on message text.
 */

/** Every code, as a value, so callers (e.g. the HTTP layer) can check an unknown string against the list. */
export const ERROR_CODES = [
  'ENOTSTORE', // the folder is not a store (no/garbled STORE file) and we were told not to create one
  'ESTOREVERSION', // STORE names a newer major format than this library understands
  'EINTEGRITY', // an object's bytes do not hash to its name (it has been moved to quarantine/)
  'ENOTFOUND', // no such object / manifest
  'EBADMANIFEST', // a manifest that does not parse or does not match the JSON Schema
  'ELFSPOINTER', // the object file is a Git LFS pointer: content exists upstream but is not local
  'EOUTSIDEROOT', // a path outside the server's root
  'EBADREQUEST', // malformed input (bad oid/key, bad argument)
  'ECROSSSITE', // a state-changing request from another site
  'EBADHOST', // over TCP: a Host that is neither loopback nor allowed (DNS rebinding)
  'ETOKEN', // a request over TCP without the server's token, or with a wrong one
  'EMETHOD', // an existing route asked with a method it does not answer (see the Allow header)
  'ESTOREFULL', // the byte budget would be exceeded, or the disk holding the store is full
  'EREADONLY', // the store cannot be written (read-only folder or file system): reading still works
  'EINTERNAL' // a bug or an unexpected system error
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class XetCacheError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    details?: Record<string, unknown>,
    options?: { cause?: unknown }
  ) {
    super(message, options);
    this.name = 'XetCacheError';
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}

/** True when `e` is one of ours (optionally with the given code). Works across duplicate module copies. */
export function isXetCacheError(e: unknown, code?: ErrorCode): e is XetCacheError {
  if (!(e instanceof XetCacheError)) {
    // Two copies of this package (e.g. lib/ and src/ under tsx) give two classes; fall back to the shape.
    const shaped =
      e instanceof Error &&
      e.name === 'XetCacheError' &&
      typeof (e as { code?: unknown }).code === 'string';
    if (!shaped) return false;
  }
  return code === undefined || (e as XetCacheError).code === code;
}

/** Node system errors carry a string `code` such as 'ENOENT'; this narrows to them without `any`. */
export function sysCode(e: unknown): string | undefined {
  if (
    e &&
    typeof e === 'object' &&
    'code' in e &&
    typeof (e as { code: unknown }).code === 'string'
  ) {
    return (e as { code: string }).code;
  }
  return undefined;
}
