"""The team cache (issue 14): push and pull throughput of one large entry (default 1 GiB) through XetCache's remote
tier, next to a plain boto3 managed transfer (upload_file / download_file, default TransferConfig) of the same bytes
to and from the same server, in the same run. Target: XetCache >= 0.8x boto3 both ways.

The server is SeaweedFS started here on free loopback ports (the weed binary of scripts/setup.sh), or any
S3-compatible endpoint given with --endpoint/--bucket (credentials from the environment or ~/.aws, as for users).
The entry is what the engine stores for a 1 GiB value: ~1,650 content-defined chunks, which a push sends as one pack
(spec/FORMAT.md section 5). XetCache's push includes what boto3's does not: the remote's pack indexes are read first
(only objects it lacks are sent), every byte is hashed while it is read (a local object that changed under its
name is never published), and the index, where-file and manifest follow; its pull hashes every object before it
gets its name and makes it durable (fsync) before the manifest is written. Prints figures and ratios; asserts
nothing.

Usage: .venv/bin/python bench/py_remote.py [--gib 1] [--repeat 2] [--endpoint URL --bucket NAME]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "packages" / "python"))
sys.path.insert(0, str(HERE.parent / "packages" / "python" / "tests"))

import weedutil
from xetcache.remote import config
from xetcache.remote.progress import Progress
from xetcache.remote.transfer import Remote
from xetcache.remote.tuning import PART, WORKERS
from xetcache.store import layout
from xetcache.store.needed import needed_oids
from xetcache.store.storage import Storage


def mbps(nbytes: int, secs: float) -> float:
    return nbytes / secs / 1e6 if secs > 0 else float("inf")


def make_entry(store_dir: str, nbytes: int) -> dict:
    os.environ["XETCACHE_REMOTE"] = "off"  # stored here; pushed by the bench, not in the background
    try:
        blob = os.urandom(nbytes)  # incompressible, nothing repeats: no object or chunk is shared with another
        return Storage(store_dir).save(
            key="b" * 64, kind="function", variables={"return": blob}, outputs=None, runtime_s=60.0,
            source={"code_sha256": "0" * 64, "preview": "bench", "qualname": "bench"}, inputs={},
            outputs_names=["return"], namespace=None)
    finally:
        del os.environ["XETCACHE_REMOTE"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gib", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--endpoint", help="an S3-compatible endpoint instead of a local SeaweedFS")
    ap.add_argument("--bucket", default="xetcache-bench")
    ap.add_argument("--region", default="us-east-1")
    a = ap.parse_args()
    nbytes = int(a.gib * (1 << 30))
    tmp = Path(tempfile.mkdtemp(prefix="xc-bench-remote-"))
    weed = None
    try:
        if a.endpoint:
            endpoint = a.endpoint
            import boto3
            from botocore.config import Config

            s3 = boto3.client("s3", endpoint_url=endpoint, region_name=a.region,
                              config=Config(s3={"addressing_style": "path"}))
        else:
            binary = weedutil.weed_binary()
            if binary is None:
                print(weedutil.missing_message(), file=sys.stderr)
                return 1
            weed = weedutil.Weed(tmp / "weed", binary).start()
            endpoint = weed.endpoint
            os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"] = weedutil.RW
            s3 = weed.client()
            weed.make_bucket(a.bucket)
        print(f"server: {endpoint} ({'SeaweedFS ' + weedutil.weed_version() if weed else 'given'}); "
              f"load: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        src = str(tmp / "a" / ".xetcache")
        t0 = time.perf_counter()
        m = make_entry(src, nbytes)
        oids = needed_oids(m)
        total = sum(os.path.getsize(layout.object_path(src, o)) for o in oids)
        print(f"entry: {total / 2**20:.0f} MiB in {len(oids)} object(s) (made in {time.perf_counter() - t0:.1f} s); "
              f"XetCache: {WORKERS} workers, {PART >> 20} MiB parts; boto3: TransferConfig defaults")
        plain = str(tmp / "plain.bin")
        with open(plain, "wb") as f:  # the same bytes as one file, for boto3
            for o in oids:
                with open(layout.object_path(src, o), "rb") as g:
                    shutil.copyfileobj(g, f, 64 << 20)
        import boto3.s3.transfer as s3t

        results = {"xet_push": [], "boto_up": [], "xet_pull": [], "boto_down": []}
        cpu = {k: [] for k in results}  # this process's CPU seconds (the client side; the server's are not in it)
        for r in range(a.repeat):
            prefix = f"run{r}-{int(time.time())}"
            cfg = config.RemoteConfig(config.check({"bucket": a.bucket, "prefix": prefix, "endpoint": endpoint,
                                                    "region": a.region}))
            remote = Remote(src, cfg)
            t0, c0 = time.perf_counter(), time.process_time()
            remote.push(m["key"], Progress())
            results["xet_push"].append(time.perf_counter() - t0)
            cpu["xet_push"].append(time.process_time() - c0)

            t0, c0 = time.perf_counter(), time.process_time()
            s3.upload_file(plain, a.bucket, f"{prefix}/plain.bin", Config=s3t.TransferConfig())
            results["boto_up"].append(time.perf_counter() - t0)
            cpu["boto_up"].append(time.process_time() - c0)

            dst = str(tmp / f"b{r}" / ".xetcache")
            Storage(dst)
            pull_remote = Remote(dst, cfg)
            t0, c0 = time.perf_counter(), time.process_time()
            pull_remote.pull(m["key"], Progress())
            results["xet_pull"].append(time.perf_counter() - t0)
            cpu["xet_pull"].append(time.process_time() - c0)
            # What each side downloaded stays until the end of the run. Deleting ~1,650 pulled files here made
            # the next round's pull slower than any user's: ext4 without a journal (as on this project's
            # machines) skips inodes freed in the last ~30 s when it allocates, and checks each of them per new
            # file (recently_deleted() in its inode allocator: ~0.2-0.4 CPU-s per GiB pulled, seen with perf).

            out = str(tmp / f"down{r}.bin")
            t0, c0 = time.perf_counter(), time.process_time()
            s3.download_file(a.bucket, f"{prefix}/plain.bin", out, Config=s3t.TransferConfig())
            results["boto_down"].append(time.perf_counter() - t0)
            cpu["boto_down"].append(time.process_time() - c0)
            print(f"round {r + 1}: push {mbps(total, results['xet_push'][-1]):.0f} MB/s (boto3 upload "
                  f"{mbps(total, results['boto_up'][-1]):.0f}), pull {mbps(total, results['xet_pull'][-1]):.0f} MB/s "
                  f"(boto3 download {mbps(total, results['boto_down'][-1]):.0f})", flush=True)
        best = {k: min(v) for k, v in results.items()}
        print()
        print("| direction | XetCache | boto3 managed transfer | ratio, best of each (goal >= 0.8x) | ratio per round "
              "| client CPU s, XetCache / boto3 |")
        print("| --- | --- | --- | --- | --- | --- |")
        for name, x, b in (("push", "xet_push", "boto_up"), ("pull", "xet_pull", "boto_down")):
            rounds = ", ".join(f"{tb / tx:.2f}x" for tx, tb in zip(results[x], results[b]))
            print(f"| {name} {total / 2**30:.2f} GiB | {best[x]:.2f} s, {mbps(total, best[x]):.0f} MB/s | "
                  f"{best[b]:.2f} s, {mbps(total, best[b]):.0f} MB/s | {best[b] / best[x]:.2f}x | {rounds} | "
                  f"{min(cpu[x]):.1f} / {min(cpu[b]):.1f} |")
        print(f"({a.repeat} rounds, each: XetCache push, boto3 upload, XetCache pull, boto3 download; "
              f"load now {os.getloadavg()[0]:.1f})")
        return 0
    finally:
        if weed is not None:
            weed.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
