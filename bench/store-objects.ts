/**
 * Object write/read throughput through @xetcache/store vs raw file I/O on the same disk, in the same run.
 *   npx tsx bench/store-objects.ts [--mib N]      (default 1024)
 * Raw write = write + fsync of the same bytes; raw read = fs.readFile / fs.createReadStream. The store adds
 * sha256 (overlapped with I/O), link + directory fsync on write, and verification on read. Prints figures and
 * ratios side by side (target ≥ 0.8× raw); no assertions. Reads are page-cache warm for both sides.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { openStore } from '../packages/store/src/index';

const MIB = 1024 * 1024;
const argIdx = process.argv.indexOf('--mib');
const mib = argIdx > 0 ? Number(process.argv[argIdx + 1]) : 1024;
const CHUNK = 4 * MIB;
const pattern = randomBytes(16 * MIB);

/** N MiB in 4 MiB chunks cut from a random pattern, each chunk tagged so no two are equal. */
function* chunks(): Generator<Buffer> {
  for (let i = 0; i < (mib * MIB) / CHUNK; i++) {
    const c = Buffer.from(
      pattern.subarray((i * CHUNK) % pattern.length, ((i * CHUNK) % pattern.length) + CHUNK)
    );
    c.writeUInt32LE(i, 0);
    yield c;
  }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function drain(s: NodeJS.ReadableStream): Promise<void> {
  for await (const _ of s as AsyncIterable<Buffer>) void _;
}

async function main(): Promise<void> {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'xetcache-bench-'));
  const store = await openStore(path.join(root, '.xetcache'));
  const rawPath = path.join(root, 'raw.bin');
  const best = {
    sha256: Infinity,
    rawWrite: Infinity,
    storeWrite: Infinity,
    rawRead: Infinity,
    storeRead: Infinity,
    rawStream: Infinity,
    storeStream: Infinity
  };
  let oid = '';
  try {
    for (let round = 0; round < 2; round++) {
      // The verification cost alone: no I/O is cheaper than this, so it bounds every verified read.
      best.sha256 = Math.min(
        best.sha256,
        await timed(async () => {
          const h = createHash('sha256');
          for (let off = 0; off < mib * MIB; off += CHUNK)
            h.update(pattern.subarray(off % pattern.length, (off % pattern.length) + CHUNK));
          h.digest();
        })
      );
      await fsp.rm(rawPath, { force: true });
      best.rawWrite = Math.min(
        best.rawWrite,
        await timed(async () => {
          const fh = await fsp.open(rawPath, 'w');
          for (const c of chunks()) await fh.write(c);
          await fh.sync();
          await fh.close();
        })
      );
      if (oid) await fsp.rm(store.objectPath(oid), { force: true }); // a fresh write, not a dedup hit
      best.storeWrite = Math.min(
        best.storeWrite,
        await timed(async () => {
          oid = (await store.writeObject(Readable.from(chunks()))).oid;
        })
      );
      best.rawRead = Math.min(best.rawRead, await timed(() => fsp.readFile(rawPath)));
      best.storeRead = Math.min(best.storeRead, await timed(() => store.readObject(oid)));
      best.rawStream = Math.min(
        best.rawStream,
        await timed(() => drain(createReadStream(rawPath, { highWaterMark: MIB })))
      );
      best.storeStream = Math.min(
        best.storeStream,
        await timed(() => drain(store.createObjectReadStream(oid)))
      );
    }
  } finally {
    await fsp.rm(root, { recursive: true, force: true });
  }
  const rate = (s: number) => (mib / s).toFixed(0).padStart(7);
  const row = (name: string, raw: number, st: number) =>
    console.log(
      `${name.padEnd(22)} raw ${rate(raw)} MiB/s   store ${rate(st)} MiB/s   ratio ${(raw / st).toFixed(2)}x`
    );
  console.log(
    `store-objects: ${mib} MiB, best of 2 rounds, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}, dir ${os.tmpdir()}`
  );
  console.log(
    `${'sha256 alone'.padEnd(22)} ${rate(best.sha256)} MiB/s (in memory: the ceiling for verified reads)`
  );
  row('write (+fsync)', best.rawWrite, best.storeWrite);
  row('read whole (verified)', best.rawRead, best.storeRead);
  row('read stream (verified)', best.rawStream, best.storeStream);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
