/**
 * Canonical JSON: the exact bytes both languages write for manifests (spec/FORMAT.md, "Bytes"). Numbers are
 * JSON.stringify's (the Python engine imitates them: 12.0 is written 12). Keys are sorted by code point and
 * written in that order by hand: a JavaScript object would put integer-like keys ("9", "10") first whatever the
 * insertion order, and Array.prototype.sort compares UTF-16 units, not code points as Python does.
 */

/** Python's string order (code points); Array.prototype.sort alone compares UTF-16 units. */
export function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i].codePointAt(0) ?? 0) - (y[i].codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function write(value: unknown, indent: number, level: number, out: string[]): void {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    out.push(JSON.stringify(value));
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${value} is not a JSON number`);
    out.push(JSON.stringify(value));
  } else if (Array.isArray(value)) {
    container(
      value.map(v => [null, v] as const),
      '[]',
      indent,
      level,
      out
    );
  } else if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter(k => obj[k] !== undefined)
      .sort(byCodePoint);
    container(
      keys.map(k => [k, obj[k]] as const),
      '{}',
      indent,
      level,
      out
    );
  } else {
    throw new TypeError(`${typeof value} is not JSON`);
  }
}

function container(
  items: (readonly [string | null, unknown])[],
  brackets: string,
  indent: number,
  level: number,
  out: string[]
): void {
  if (items.length === 0) {
    out.push(brackets);
    return;
  }
  const pad = indent ? `\n${' '.repeat(indent * (level + 1))}` : '';
  out.push(brackets[0]);
  items.forEach(([k, v], i) => {
    out.push((i ? ',' : '') + pad);
    if (k !== null) out.push(JSON.stringify(k) + (indent ? ': ' : ':'));
    write(v, indent, level + 1, out);
  });
  out.push((indent ? `\n${' '.repeat(indent * level)}` : '') + brackets[1]);
}

/** `value` as canonical JSON: sorted keys, `indent` spaces per level (0 = compact), no trailing newline. */
export function canonicalJson(value: unknown, indent = 0): string {
  const out: string[] = [];
  write(value, indent, 0, out);
  return out.join('');
}
