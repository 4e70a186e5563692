/**
 * Request validation: every route declares its fields; anything else — an unknown field, a wrong type, a value
 * out of range — is refused with EBADREQUEST and a message naming the field, before any work is done. Query
 * strings carry text, so numbers are parsed strictly here (no "12abc", no "1e3" for an integer).
 */
import { XetCacheError } from '@xetcache/store';

export type FieldSpec =
  | {
      type: 'string';
      required?: boolean;
      enum?: readonly string[];
      pattern?: RegExp;
      minLength?: number;
      maxLength?: number;
      hint?: string;
    }
  | { type: 'integer'; required?: boolean; min?: number; max?: number }
  | { type: 'number'; required?: boolean; min?: number; max?: number }
  | { type: 'boolean'; required?: boolean };

export type Spec = Record<string, FieldSpec>;

function bad(message: string, details?: Record<string, unknown>): XetCacheError {
  return new XetCacheError('EBADREQUEST', message, details);
}

function checkString(name: string, v: string, f: Extract<FieldSpec, { type: 'string' }>): string {
  if (f.enum && !f.enum.includes(v))
    throw bad(`${name} must be one of ${f.enum.join(', ')} (got "${v}")`, { field: name });
  if (f.pattern && !f.pattern.test(v))
    throw bad(`${name} must be ${f.hint ?? `like ${f.pattern}`} (got "${v}")`, { field: name });
  if (f.minLength !== undefined && v.length < f.minLength)
    throw bad(
      f.minLength === 1
        ? `${name} must not be empty`
        : `${name} is shorter than ${f.minLength} characters`,
      { field: name }
    );
  if (f.maxLength !== undefined && v.length > f.maxLength)
    throw bad(`${name} is longer than ${f.maxLength} characters`, { field: name });
  return v;
}

function checkNumber(
  name: string,
  v: number,
  f: Extract<FieldSpec, { type: 'integer' | 'number' }>
): number {
  if (!Number.isFinite(v)) throw bad(`${name} must be a finite number`, { field: name });
  if (f.type === 'integer' && !Number.isInteger(v))
    throw bad(`${name} must be an integer`, { field: name });
  if (f.min !== undefined && v < f.min)
    throw bad(`${name} must be >= ${f.min} (got ${v})`, { field: name });
  if (f.max !== undefined && v > f.max)
    throw bad(`${name} must be <= ${f.max} (got ${v})`, { field: name });
  // Above 2^53 a JSON number is no longer read exactly: 9007199254740993 arrives as ...992. The document says so
  // with `maximum` on every integer; this also holds for any integer it forgot to bound.
  if (f.type === 'integer' && !Number.isSafeInteger(v))
    throw bad(`${name} must be at most 2^53-1 (${Number.MAX_SAFE_INTEGER}) (got ${v})`, {
      field: name
    });
  return v;
}

function checkUnknown(obj: Record<string, unknown>, spec: Spec, where: string): void {
  for (const name of Object.keys(obj)) {
    if (!Object.prototype.hasOwnProperty.call(spec, name)) {
      throw bad(`unknown ${where} field "${name}" (allowed: ${Object.keys(spec).join(', ')})`, {
        field: name
      });
    }
  }
}

function checkRequired(obj: Record<string, unknown>, spec: Spec, where: string): void {
  for (const [name, f] of Object.entries(spec)) {
    if (f.required && obj[name] === undefined)
      throw bad(`missing ${where} field "${name}"`, { field: name });
  }
}

const INTEGER_TEXT = /^-?\d+$/;
const NUMBER_TEXT = /^-?(\d+\.?\d*|\.\d+)$/;

/**
 * JupyterLab's ServerConnection.makeRequest appends a bare timestamp (`?1795572410446`) to every GET as a cache
 * buster; it arrives as a digits-only key with an empty value and carries no meaning, so it is dropped.
 */
const CACHE_BUSTER = /^\d{10,}$/;

/** Query strings: each value a single string (a repeated parameter arrives as an array and is refused). */
export function parseQuery<T>(query: unknown, spec: Spec): T {
  const obj = { ...((query ?? {}) as Record<string, unknown>) };
  for (const name of Object.keys(obj))
    if (CACHE_BUSTER.test(name) && obj[name] === '') delete obj[name];
  checkUnknown(obj, spec, 'query');
  checkRequired(obj, spec, 'query');
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(obj)) {
    const f = spec[name];
    if (typeof raw !== 'string')
      throw bad(`query parameter ${name} must be given once, as text`, { field: name });
    if (f.type === 'string') {
      out[name] = checkString(name, raw, f);
    } else if (f.type === 'boolean') {
      if (raw !== 'true' && raw !== 'false')
        throw bad(`${name} must be true or false (got "${raw}")`, { field: name });
      out[name] = raw === 'true';
    } else {
      const ok = f.type === 'integer' ? INTEGER_TEXT.test(raw) : NUMBER_TEXT.test(raw);
      if (!ok)
        throw bad(
          `${name} must be ${f.type === 'integer' ? 'an integer' : 'a number'} (got "${raw}")`,
          { field: name }
        );
      out[name] = checkNumber(name, Number(raw), f);
    }
  }
  return out as T;
}

/** JSON bodies: types must already be right ("10" is not a number). */
export function parseBody<T>(body: unknown, spec: Spec): T {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw bad('the request body must be a JSON object');
  }
  const obj = body as Record<string, unknown>;
  checkUnknown(obj, spec, 'body');
  checkRequired(obj, spec, 'body');
  for (const [name, v] of Object.entries(obj)) {
    const f = spec[name];
    if (f.type === 'string') {
      if (typeof v !== 'string') throw bad(`${name} must be a string`, { field: name });
      checkString(name, v, f);
    } else if (f.type === 'boolean') {
      if (typeof v !== 'boolean') throw bad(`${name} must be true or false`, { field: name });
    } else {
      if (typeof v !== 'number')
        throw bad(`${name} must be ${f.type === 'integer' ? 'an integer' : 'a number'}`, {
          field: name
        });
      checkNumber(name, v, f);
    }
  }
  return obj as T;
}

export const HEX64 = /^[0-9a-f]{64}$/;
