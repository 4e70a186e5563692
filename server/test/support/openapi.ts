/**
 * Checks a real response against server/openapi.yaml's response schema for that route and status, so the
 * document cannot drift from the code. JSON Schema 2020-12 (OpenAPI 3.1), with components reachable by $ref.
 */
import Ajv2020 from 'ajv/dist/2020';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

type Doc = {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  components: Record<string, Record<string, unknown>>;
};

export const OPENAPI_PATH = path.join(__dirname, '..', '..', 'openapi.yaml');
export const openapi = parse(fs.readFileSync(OPENAPI_PATH, 'utf8')) as Doc;

const ajv = new Ajv2020({ strict: false, allErrors: true });
// Register the whole document so "#/components/..." refs resolve from any sub-schema.
ajv.addSchema({ $id: 'openapi.json', ...(openapi as object) } as never);

function resolveRef(ref: string): Record<string, unknown> {
  let node: unknown = openapi;
  for (const part of ref.replace(/^#\//, '').split('/'))
    node = (node as Record<string, unknown>)[part];
  return node as Record<string, unknown>;
}

/** Throws with ajv's errors when `body` does not match the documented schema. */
export function assertMatchesOpenApi(
  route: string,
  method: string,
  status: number,
  body: unknown
): void {
  const op = openapi.paths[route]?.[method.toLowerCase()];
  if (!op) throw new Error(`openapi.yaml has no ${method} ${route}`);
  let response = op.responses[String(status)] as Record<string, unknown> | undefined;
  if (!response) throw new Error(`openapi.yaml documents no ${status} for ${method} ${route}`);
  if (typeof response.$ref === 'string') response = resolveRef(response.$ref);
  const content = response.content as Record<string, { schema: unknown }>;
  const schema = content['application/json']?.schema;
  if (!schema) throw new Error(`no JSON schema for ${status} ${method} ${route}`);
  const pointer = findPointer(route, method, status, response === op.responses[String(status)]);
  const validate = ajv.getSchema(pointer);
  if (!validate) throw new Error(`cannot compile ${pointer}`);
  if (!validate(body)) {
    throw new Error(
      `${method} ${route} ${status} does not match openapi.yaml: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`
    );
  }
}

function esc(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

function findPointer(route: string, method: string, status: number, inline: boolean): string {
  if (inline)
    return `openapi.json#/paths/${esc(route)}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
  const ref = (
    openapi.paths[route][method.toLowerCase()].responses[String(status)] as { $ref: string }
  ).$ref;
  return `openapi.json${ref}/content/application~1json/schema`;
}
