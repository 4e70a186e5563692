/**
 * Helpers for the spec vectors (spec/vectors/*.json): the bytes a case describes, unsafe files to plant, and a
 * guard against FIFOs that block. The Python runner (packages/python/tests/spec_support.py) implements the same
 * helpers, so a case means the same bytes on both sides.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { canonicalJson } from '../src/canonical-json';
import { isHex64 } from '../src/layout';
import { SPEC_DIR } from '../src/validate';

export const VECTORS_DIR = path.join(SPEC_DIR, 'vectors');
export const FALLBACK_KEY = createHash('sha256').update('vector-key').digest('hex');

/* eslint-disable @typescript-eslint/no-explicit-any -- vectors are free-form JSON */
export type Json = any;

export function vectorFiles(): string[] {
  return fs
    .readdirSync(VECTORS_DIR)
    .filter(f => f.endsWith('.json'))
    .sort()
    .map(f => path.join(VECTORS_DIR, f));
}

export function loadVectors(file: string): Json {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

const unescape = (t: string) => t.replace(/~1/g, '/').replace(/~0/g, '~');

/** JSON Patch (RFC 6902) add / replace / remove: all the vectors use. */
export function applyPatch(doc: Json, ops: Json[]): Json {
  const out = structuredClone(doc);
  for (const op of ops) {
    const tokens = String(op.path).split('/').slice(1).map(unescape);
    const last = tokens.pop() as string;
    let target = out;
    for (const t of tokens) target = Array.isArray(target) ? target[Number(t)] : target[t];
    const key: string | number = Array.isArray(target) ? Number(last) : last;
    if (op.op === 'remove') {
      if (Array.isArray(target)) target.splice(key as number, 1);
      else delete target[key];
    } else if (op.op === 'add' && Array.isArray(target))
      target.splice(key as number, 0, structuredClone(op.value));
    else if (op.op === 'add' || op.op === 'replace') target[key] = structuredClone(op.value);
    else throw new Error(`unsupported patch op ${op.op}`);
  }
  return out;
}

export function manifestValue(doc: Json, c: Json): Json {
  return 'value' in c ? c.value : applyPatch(doc.bases[c.base], c.patch ?? []);
}

/** The manifest file a case describes (spec/vectors/manifests.json, 'description'). */
export function manifestBytes(doc: Json, c: Json): Buffer {
  if ('text' in c) return Buffer.from(c.text, 'utf8');
  if ('value' in c) return Buffer.from(JSON.stringify(c.value), 'utf8');
  let data = Buffer.concat([
    Buffer.from(c.prefix_hex ?? '', 'hex'),
    Buffer.from(`${canonicalJson(manifestValue(doc, c), 2)}\n`, 'utf8')
  ]);
  for (const edit of c.edits ?? []) {
    const find = Buffer.from(edit.find, 'utf8');
    const at = data.indexOf(find);
    assert.ok(at >= 0, `edit target ${edit.find} not in the file`);
    const repl =
      'replace_hex' in edit ? Buffer.from(edit.replace_hex, 'hex') : Buffer.from(edit.replace);
    data = Buffer.concat([data.subarray(0, at), repl, data.subarray(at + find.length)]);
  }
  return Buffer.concat([data, Buffer.from(c.append ?? '', 'utf8')]);
}

/** The key the case's file is stored under: its own when it is 64 hex, else a fixed one. */
export function caseKey(doc: Json, c: Json): string {
  let key = c.key;
  if (key === undefined && ('base' in c || 'value' in c)) {
    const v = manifestValue(doc, c);
    key = v && typeof v === 'object' ? v.key : undefined;
  }
  return isHex64(key) ? key : FALLBACK_KEY;
}

/** Vectors spell non-finite numbers as strings (JSON has none). */
export function num(v: Json): Json {
  return ({ Infinity: Infinity, '-Infinity': -Infinity, NaN: NaN } as Json)[v] ?? v;
}

/** Every file under `dir`, relative, '/'-separated (symlinks listed, not followed). */
export function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p).split(path.sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** A folder beside the store with a file that must survive everything: same bytes, inode and place. */
export class Outside {
  readonly dir: string;
  readonly file: string;
  private listing: string[];
  private ino: number;

  constructor(
    root: string,
    readonly content: Buffer
  ) {
    this.dir = path.join(root, 'outside');
    fs.mkdirSync(this.dir, { recursive: true });
    this.file = path.join(this.dir, 'notes.txt');
    fs.writeFileSync(this.file, content);
    this.ino = fs.statSync(this.file).ino;
    this.listing = tree(this.dir);
  }

  relist(): void {
    this.listing = tree(this.dir);
  }

  assertUntouched(): void {
    assert.deepEqual(
      tree(this.dir),
      this.listing,
      'something moved into or out of the outside folder'
    );
    assert.ok(fs.readFileSync(this.file).equals(this.content), 'the outside file changed');
    assert.equal(fs.statSync(this.file).ino, this.ino, 'the outside file was replaced');
  }
}

/** Replace the file at `p` (or, for fan-symlink-outside, its folder) by what a clone could check out. */
export function plant(p: string, make: string, outside: Outside): void {
  if (make === 'fan-symlink-outside') {
    const target = path.join(outside.dir, 'fan');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, path.basename(p)), outside.content);
    fs.rmSync(path.dirname(p), { recursive: true });
    fs.symlinkSync(target, path.dirname(p));
  } else {
    fs.rmSync(p, { force: true });
    if (make === 'symlink-outside') fs.symlinkSync(outside.file, p);
    else if (make === 'fifo') mkfifo(p);
    else if (make === 'symlink-fifo') {
      mkfifo(path.join(outside.dir, 'pipe'));
      fs.symlinkSync(path.join(outside.dir, 'pipe'), p);
    } else if (make === 'directory') fs.mkdirSync(p);
    else throw new Error(`unknown make ${make}`);
  }
  outside.relist();
}

function mkfifo(p: string): void {
  const r = spawnSync('mkfifo', [p], { encoding: 'utf8' });
  assert.equal(r.status, 0, `mkfifo failed: ${r.stderr}`);
}

/** Open every FIFO under `root` for writing once: that releases a reader blocked in open(2). */
function releaseFifos(root: string): void {
  let files: string[];
  try {
    files = tree(root).map(r => path.join(root, r));
  } catch {
    return; // the test's folder is gone already
  }
  for (const f of files) {
    try {
      if (fs.lstatSync(f).isFIFO())
        fs.closeSync(fs.openSync(f, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
    } catch {
      // ENXIO: nobody is blocked reading this one; ENOENT: removed meanwhile
    }
  }
}

/**
 * `work` must settle within `ms`. A read that opened a FIFO without O_NONBLOCK blocks a libuv thread (and, with
 * four of them, soon every file operation); on timeout the test fails, and the FIFOs are released every 100 ms
 * for a while, so the stuck work (which may open them again) drains and the next tests can run.
 */
export async function noHang<T>(root: string, work: () => Promise<T>, ms = 20000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const release = setInterval(() => releaseFifos(root), 100);
      setTimeout(() => clearInterval(release), 30000).unref();
      reject(new Error(`blocked for ${ms} ms: a FIFO was opened without O_NONBLOCK?`));
    }, ms);
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A chunking case's input (spec/vectors/chunking.json): sha256 in counter mode or zeros, then edits in order. */
export function chunkInput(spec: Json): Buffer {
  let data: Buffer;
  if (spec.fill === 'zeros') data = Buffer.alloc(spec.bytes as number);
  else {
    const blocks: Buffer[] = [];
    for (let i = 0; 32 * blocks.length < spec.bytes; i++)
      blocks.push(createHash('sha256').update(`${spec.seed}:${i}`).digest());
    data = Buffer.concat(blocks).subarray(0, spec.bytes as number);
  }
  for (const e of (spec.edits ?? []) as Json[]) {
    const ins = e.insert ? chunkInput(e.insert) : Buffer.alloc(0);
    data = Buffer.concat([data.subarray(0, e.at), ins, data.subarray(e.at + (e.delete ?? 0))]);
  }
  return data;
}
