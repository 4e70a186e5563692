/**
 * server/openapi.yaml is the one description of the API: the routes read what they accept from it (query
 * parameters and JSON body fields with their types, bounds, patterns and lengths), and the 405 handler reads which
 * methods each path answers. So the document and the server cannot drift apart; schemathesis then fuzzes the
 * server from the same document (packages/python/tests/test_server_schemathesis.py).
 *
 * lib/ and the tsx test runs read the YAML file beside the package; the Python package's one-file bundle has it
 * inlined by scripts/bundle.js (which replaces the marked read below, and fails if it cannot find it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import type { FieldSpec, Spec } from './validate';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export const OPENAPI_FILE = path.join(__dirname, '..', '..', 'openapi.yaml');

function load(): Json {
  return /* openapi-inline */ parse(fs.readFileSync(OPENAPI_FILE, 'utf8'));
}

let doc: Json | undefined;
export function openapiDocument(): Json {
  doc ??= load();
  return doc;
}

function resolve(schema: Json): Json {
  let s = schema;
  while (s && typeof s.$ref === 'string') {
    const parts = (s.$ref as string).replace(/^#\//, '').split('/');
    s = parts.reduce(
      (node: Json, p) => node?.[p.replace(/~1/g, '/').replace(/~0/g, '~')],
      openapiDocument()
    );
    if (s === undefined) throw new Error(`openapi.yaml: unresolved $ref ${schema.$ref}`);
  }
  return s;
}

/** One JSON Schema of a parameter or body property, as the validator's field spec. */
function fieldSpec(name: string, raw: Json, required: boolean): FieldSpec {
  const s = resolve(raw);
  const type = s.type ?? (Array.isArray(s.enum) ? 'string' : undefined);
  if (type === 'string') {
    return {
      type: 'string',
      required,
      enum: s.enum,
      pattern: s.pattern !== undefined ? new RegExp(s.pattern, 'u') : undefined,
      minLength: s.minLength,
      maxLength: s.maxLength,
      hint: s.description
    };
  }
  if (type === 'boolean') return { type, required };
  if (type === 'integer' || type === 'number') {
    return { type, required, min: s.minimum, max: s.maximum };
  }
  throw new Error(
    `openapi.yaml: ${name} has a type the server does not validate (${JSON.stringify(s)})`
  );
}

function operation(method: string, route: string): Json {
  const op = openapiDocument().paths?.[route]?.[method.toLowerCase()];
  if (!op) throw new Error(`openapi.yaml has no ${method} ${route}`);
  return op;
}

/** The query parameters of an operation (path and header parameters are checked where they are used). */
export function querySpec(method: string, route: string): Spec {
  const spec: Spec = {};
  for (const raw of operation(method, route).parameters ?? []) {
    const p = resolve(raw);
    if (p.in === 'query') spec[p.name] = fieldSpec(p.name, p.schema, p.required === true);
  }
  return spec;
}

/**
 * The JSON body fields of an operation. A `oneOf` of object shapes (evict) gives the union of their fields, each
 * required only when every shape requires it; the route checks which combination was given.
 */
export function bodySpec(method: string, route: string): Spec {
  const schema = resolve(
    operation(method, route).requestBody?.content?.['application/json']?.schema
  );
  if (!schema) throw new Error(`openapi.yaml: ${method} ${route} has no JSON body`);
  const shapes: Json[] = (schema.oneOf ?? [schema]).map(resolve);
  const spec: Spec = {};
  for (const shape of shapes) {
    for (const [name, prop] of Object.entries(shape.properties ?? {})) {
      const everywhere = shapes.every(s => (s.required ?? []).includes(name));
      spec[name] ??= fieldSpec(name, prop, everywhere);
    }
  }
  return spec;
}

/** Express-style path patterns and the methods the document gives them ("/api/entries/:key" → ["GET"]). */
export function documentedRoutes(): { pattern: RegExp; methods: string[] }[] {
  return Object.entries(openapiDocument().paths as Record<string, Json>).map(([route, item]) => {
    const re = route
      .split('/')
      .map(seg => (/^\{.+\}$/.test(seg) ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    return {
      pattern: new RegExp(`^${re}/?$`, 'i'), // express matches paths case-insensitively
      methods: Object.keys(item)
        .filter(m => ['get', 'put', 'post', 'delete', 'patch'].includes(m))
        .map(m => m.toUpperCase())
    };
  });
}
