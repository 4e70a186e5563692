/**
 * The TypeScript shape of a manifest. It mirrors schema/manifest.schema.json by hand; the schema stays the single
 * authority (validateManifest checks against it), this type only gives the compiler the same picture.
 */
export interface ManifestVariable {
  /** First: the pickle stream; then its out-of-band buffers in order. */
  objects: string[];
  bytes: number;
  codec: 'pickle5';
  /** module.qualname of the value's type. */
  type: string;
}

export interface ManifestOutputs {
  object: string;
  bytes: number;
  count: number;
}

export interface ManifestSource {
  notebook?: string | null;
  cell_id?: string | null;
  code_sha256: string;
  preview: string;
  qualname?: string | null;
}

export interface Manifest {
  format: 1;
  key: string;
  kind: 'cell' | 'function';
  created: string;
  runtime_s: number;
  language: { name: string; version: string };
  source: ManifestSource;
  inputs: Record<string, string>;
  outputs_names: string[];
  variables: Record<string, ManifestVariable>;
  outputs: ManifestOutputs | null;
  namespace: string | null;
  total_bytes: number;
  engine: { name: string; version: string };
}

/** Every object id a manifest names, each once, in a stable order (variables by name, then outputs). */
export function manifestObjectIds(m: Manifest): string[] {
  const seen = new Set<string>();
  for (const name of Object.keys(m.variables).sort())
    for (const oid of m.variables[name].objects) seen.add(oid);
  if (m.outputs) seen.add(m.outputs.object);
  return [...seen];
}
