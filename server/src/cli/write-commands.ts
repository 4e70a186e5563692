/** `xetcache evict | trim | gc | verify`: the state-changing commands (same index code as the server). */
import { BYTE_SIZE_EXAMPLES, XetCacheError, formatBytes, parseBytes } from '@xetcache/store';
import { gcSummary, gcText } from '../gc-summary';
import type { StoreIndex } from '../index-db';
import type { Output } from './output';
import { resolveKey } from './read-commands';

export async function evictCommand(
  index: StoreIndex,
  key: string | undefined,
  opts: { notebook?: string; cell?: string },
  out: Output
): Promise<void> {
  if (
    (key === undefined) === (opts.notebook === undefined) ||
    (opts.cell !== undefined && opts.notebook === undefined)
  ) {
    throw new XetCacheError(
      'EBADREQUEST',
      'give a KEY, or --notebook NB (optionally with --cell ID)'
    );
  }
  const sel =
    key !== undefined
      ? { key: await resolveKey(index, key) }
      : { notebook: opts.notebook as string, cell_id: opts.cell };
  const r = await index.evict(sel);
  out.result(
    r,
    () =>
      `evicted ${r.evicted.length} entr${r.evicted.length === 1 ? 'y' : 'ies'} (${formatBytes(r.bytes)}); run \`xetcache gc\` to delete unreferenced objects`
  );
}

export async function trimCommand(
  index: StoreIndex,
  maxBytesText: string,
  out: Output
): Promise<void> {
  const maxBytes = parseBytes(maxBytesText);
  if (maxBytes === null)
    throw new XetCacheError(
      'EBADREQUEST',
      `--max-bytes must be a size like ${BYTE_SIZE_EXAMPLES} (KB, MB, GB are powers of 1000; KiB, MiB, GiB and K, M, G of 1024) (got "${maxBytesText}")`
    );
  const r = await index.trim(maxBytes);
  out.result(
    r,
    () =>
      `evicted ${r.evicted.length} entries: ${formatBytes(r.bytes_before)} → ${formatBytes(r.bytes_after)} (budget ${formatBytes(maxBytes)})`
  );
}

export async function gcCommand(
  index: StoreIndex,
  graceText: string | undefined,
  out: Output,
  force = false
): Promise<void> {
  let grace: number | undefined;
  if (graceText !== undefined) {
    grace = Number(graceText);
    if (!/^\d+(\.\d+)?$/.test(graceText) || !Number.isFinite(grace)) {
      throw new XetCacheError(
        'EBADREQUEST',
        `--grace must be a number of seconds (got "${graceText}")`
      );
    }
  }
  const data = gcSummary(await index.gc(grace, force));
  out.result(data, () => gcText(data));
}

/** A store with problems is a failure (exit 1) so scripts and CI can gate on it; the report still prints. */
export async function verifyCommand(index: StoreIndex, out: Output): Promise<void> {
  const r = await index.verify();
  const data = { ok: r.ok, problems: r.problems };
  out.result(data, () => {
    const head = r.ok
      ? `ok: ${r.manifests} manifests, ${r.objects} objects verified`
      : `${r.problems.length} problem(s):`;
    return [head, ...r.problems.map(p => `  ${p.code}  ${p.path}  ${p.message}`)].join('\n');
  });
  if (!r.ok) {
    const first = r.problems.find(p => p.code !== 'ELFSPOINTER') ?? r.problems[0];
    process.stderr.write(
      `xetcache: ${first?.code ?? 'EINTEGRITY'}: verify found ${r.problems.length} problem(s) in ${index.dir}\n`
    );
    process.exitCode = 1;
  }
}
