/**
 * Manifest validation against spec/schemas/manifest.schema.json, the one schema both languages use (lib/ and src/
 * both sit three levels below the repository's spec/; the server bundle inlines it, server/scripts/bundle.js).
 * The Python engine cannot import a JSON Schema library, so it has its own small validator of the same rules;
 * the vectors in spec/vectors/manifests*.json prove the three agree.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { XetCacheError } from './errors';
import {
  CHUNKS_HEADER,
  type ChunkPart,
  FORMAT_CHUNKED,
  GRAPH_CODEC,
  type Manifest
} from './manifest-type';

export const SPEC_DIR = path.join(__dirname, '..', '..', '..', 'spec');
export const SCHEMAS_DIR = path.join(SPEC_DIR, 'schemas');
export const MANIFEST_SCHEMA_PATH = path.join(SCHEMAS_DIR, 'manifest.schema.json');

export type SchemaName = 'manifest' | 'hit' | 'run-event' | 'cell-spec';

/** The schema file's JSON. (server/scripts/bundle.js replaces this body: a bundle has no spec/ folder.) */
export function loadSchema(name: SchemaName): object {
  return JSON.parse(
    fs.readFileSync(path.join(SCHEMAS_DIR, `${name}.schema.json`), 'utf8')
  ) as object;
}

const compiled = new Map<SchemaName, ValidateFunction>();

/** Compiled once per process, on first use: compiling costs milliseconds, validating microseconds. */
export function schemaValidator(name: SchemaName): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    // Only the format the schemas use; the array form also skips ajv-formats' extra keywords.
    addFormats(ajv as unknown as Parameters<typeof addFormats>[0], ['date-time']);
    v = ajv.compile(loadSchema(name));
    compiled.set(name, v);
  }
  return v;
}

/** Objects and arrays nested deeper are refused (Python's json gives up near 1000 levels, V8's does not). */
export const MAX_DEPTH = 64;

function depth(value: unknown): number {
  let deepest = 0;
  const todo: [unknown, number][] = [[value, 1]];
  while (todo.length) {
    const [v, d] = todo.pop() as [unknown, number];
    if (v && typeof v === 'object') {
      deepest = Math.max(deepest, d);
      if (d <= MAX_DEPTH) for (const x of Object.values(v)) todo.push([x, d + 1]);
    }
  }
  return deepest;
}

/** The id of a chunked object: sha256 of "xetcache-chunks-1\n" then "<oid> <size>\n" per part (FORMAT.md). */
export function chunkId(parts: ChunkPart[]): string {
  const h = createHash('sha256').update(CHUNKS_HEADER, 'ascii');
  for (const [oid, size] of parts) h.update(`${oid} ${size}\n`, 'ascii');
  return h.digest('hex');
}

/**
 * Rules JSON Schema cannot say (spec/FORMAT.md): a graph variable names exactly the state's objects; a chunked
 * object's id is the hash of its parts; nesting is at most MAX_DEPTH deep.
 */
function beyondSchema(m: Manifest): { path: string; message: string }[] {
  if (depth(m) > MAX_DEPTH)
    return [{ path: '/', message: `nests deeper than ${MAX_DEPTH} levels` }];
  const errors: { path: string; message: string }[] = [];
  if (m.state) {
    const want = JSON.stringify(m.state.objects);
    for (const [name, v] of Object.entries(m.variables))
      if (v.codec === GRAPH_CODEC && JSON.stringify(v.objects) !== want)
        errors.push({ path: `/variables/${name}/objects`, message: 'must equal /state/objects' });
  }
  if (m.format === FORMAT_CHUNKED && m.chunks)
    for (const [id, parts] of Object.entries(m.chunks))
      if (chunkId(parts) !== id)
        errors.push({
          path: `/chunks/${id}`,
          message: 'is not the id of its parts (sha256 of xetcache-chunks-1 and the part list)'
        });
  return errors;
}

/** Returns the value typed as a Manifest, or throws EBADMANIFEST listing what is wrong (JSON pointer + message). */
export function validateManifest(value: unknown): Manifest {
  const validate = schemaValidator('manifest');
  const errors = validate(value)
    ? beyondSchema(value as Manifest)
    : (validate.errors ?? []).map(e => ({
        path: e.instancePath || '/',
        message: e.message ?? 'invalid'
      }));
  if (errors.length === 0) return value as Manifest;
  const summary = errors
    .slice(0, 3)
    .map(e => `${e.path} ${e.message}`)
    .join('; ');
  throw new XetCacheError('EBADMANIFEST', `manifest does not match the schema: ${summary}`, {
    errors
  });
}
