/**
 * Manifest validation against schema/manifest.schema.json, read from disk relative to this package (lib/ and src/
 * both sit beside schema/). The Python side validates against the same file, so the two cannot drift apart.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { XetCacheError } from './errors';
import type { Manifest } from './manifest-type';

export const MANIFEST_SCHEMA_PATH = path.join(__dirname, '..', 'schema', 'manifest.schema.json');

let compiled: ValidateFunction | undefined;

/** Compiled once per process, on first use: compiling costs milliseconds, validating microseconds. */
function validator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(fs.readFileSync(MANIFEST_SCHEMA_PATH, 'utf8')) as object;
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    // Only the format the schema uses; the array form also skips ajv-formats' extra keywords.
    addFormats(ajv as unknown as Parameters<typeof addFormats>[0], ['date-time']);
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/** Returns the value typed as a Manifest, or throws EBADMANIFEST listing what is wrong (JSON pointer + message). */
export function validateManifest(value: unknown): Manifest {
  const validate = validator();
  if (validate(value)) return value as Manifest;
  const errors = (validate.errors ?? []).map(e => ({
    path: e.instancePath || '/',
    message: e.message ?? 'invalid'
  }));
  const summary = errors
    .slice(0, 3)
    .map(e => `${e.path} ${e.message}`)
    .join('; ');
  throw new XetCacheError('EBADMANIFEST', `manifest does not match the schema: ${summary}`, {
    errors
  });
}
