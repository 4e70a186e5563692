"""Content-defined chunks (issue 13), measured side by side with the peers in one run:

  dedup  disk used by V versions of a 256 MB float64 array, each the first with a different 1 % contiguous block
         rewritten, each stored as its own cached call; ratio to one version's bytes (target <= 1.2x)
  write  storing a 1 GiB array (a cache miss), vs the write floor measured with the same write pattern: the same
         chunk files written into the same fan-out folders by the same number of threads, each fsynced and
         renamed, then the folders fsynced (target <= 1.5x); one 1 GiB file + fsync is shown too
  hit    the same 1 GiB array as a hit in a fresh process, page cache warm, vs the readinto floor (one file read
         into a buffer that was allocated and touched before the clock started; and into a fresh buffer), and vs
         the peers' hits (target <= 1.5x the floor, faster than every peer). "first hit" is the first load after
         the store; "hit" the following ones. Both trust chunk files by their stat data (the writer records the
         files it created, a reader those it hashed: spec/FORMAT.md "Loading and verified objects"); the first
         may still find the pages it reads into, or the file pages, less at hand.

Peers: hf_xet's local CAS (upload_bytes / download_files against local://), FastCDC (pyfastcdc, 16 KiB average:
unique chunk bytes, an estimate of a chunk store without compression), joblib.Memory, the original xetcache (its
source from $XETCACHE_ORIGINAL_SRC or bench/out/xetcache-original when present, else its approach re-done:
one pickle file per call), cachier and diskcache for hits. Every timing is a fresh process; medians of --repeats.

Usage: .venv/bin/python bench/py_chunks.py [--only dedup,write,hit] [--mib 256] [--versions 10] [--gib 1]
       [--repeats 5] [--peers hf_xet,joblib,...] [--dir DIR]   (needs ~6 GiB free in DIR; default: a folder under the system temp dir)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.abspath(os.path.join(HERE, "..", "packages", "python"))
if PKG not in sys.path:
    sys.path.insert(0, PKG)
sys.path.insert(0, os.path.join(HERE, "harness"))

import peers  # noqa: E402

PEERS = ["xetcache", "hf_xet", "joblib", "original", "cachier", "diskcache"]


# ---- values ----------------------------------------------------------------------------------------------------
def versions(nbytes: int, count: int, seed: int = 0) -> list:
    import numpy as np

    rng = np.random.default_rng(seed)
    base = rng.random(nbytes // 8)
    k = len(base) // 100
    out = [base]
    for _ in range(count - 1):
        v = base.copy()
        start = int(rng.integers(0, len(base) - k))
        v[start:start + k] = rng.random(k)
        out.append(v)
    return out


def big(nbytes: int):
    import numpy as np

    return np.random.default_rng(7).random(nbytes // 8)


def produce(i):
    """The cached function of every peer: returns a value prepared before the clock started. It is handed over
    through an attribute of `sys` (a library module), not a global: xetcache keys a function by the current value
    of the globals it names, so a 1 GiB global would be hashed into every key."""
    return sys._xc_values[i]


def prepare(values: dict) -> None:
    sys._xc_values = values


# ---- peers: memo(fn, dir) -> cached fn ------------------------------------------------------------------------
def memo(peer: str, fn, path: str):
    """The peer's cached version of ``fn``, made as every scenario makes it (bench/harness/peers.py)."""
    return peers.make(peer, path).memo(fn)


def disk_bytes(path: str) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                st = os.lstat(os.path.join(root, name))
            except FileNotFoundError:
                continue
            total += st.st_blocks * 512 if hasattr(st, "st_blocks") else st.st_size
    return total


# ---- children (one fresh process per timing) ------------------------------------------------------------------
def child_main(op: dict) -> dict:
    import numpy as np

    if op["op"] == "dedup":
        vs = versions(op["bytes"], op["versions"])
        prepare(dict(enumerate(vs)))
        f = memo(op["peer"], produce, op["dir"])
        for i in range(len(vs)):
            f(i)
        return {"disk": disk_bytes(op["dir"])}
    if op["op"] == "store":
        prepare({0: big(op["bytes"])})
        f = memo(op["peer"], produce, op["dir"])
        t = time.perf_counter()
        f(0)
        return {"s": time.perf_counter() - t}
    if op["op"] == "hit":
        f = memo(op["peer"], produce, op["dir"])
        c = _cpu()
        t = time.perf_counter()
        v = f(0)
        took = time.perf_counter() - t
        cpu = _cpu() - c
        assert len(v) == op["bytes"] // 8 and float(v[123]) == float(big(4096)[123]), "wrong value"
        return {"s": took, "cpu": cpu}
    if op["op"] == "floor_read":
        size = os.path.getsize(op["file"])
        res = {}
        buf = bytearray(size)  # allocated and touched before the clock
        c = _cpu()
        t = time.perf_counter()
        with open(op["file"], "rb", buffering=0) as fh:
            fh.readinto(buf)
        res["touched"] = time.perf_counter() - t
        res["touched_cpu"] = _cpu() - c
        del buf
        c = _cpu()
        t = time.perf_counter()
        arr = np.empty(size, dtype=np.uint8)  # a fresh buffer: page faults included
        with open(op["file"], "rb", buffering=0) as fh:
            fh.readinto(memoryview(arr))
        res["fresh"] = time.perf_counter() - t
        res["fresh_cpu"] = _cpu() - c
        return res
    if op["op"] == "floor_write":
        return floor_write(op)
    raise ValueError(op["op"])


def _cpu() -> float:
    """CPU seconds of this process, all threads (user + system). Shown next to wall times because on a shared,
    overloaded machine the wall time of the same work varies several-fold (waiting for a core, faulting in fresh
    memory in a VM), while the CPU it takes does not."""
    return time.process_time()


def floor_write(op: dict) -> dict:
    """Write the same files as the store did (sizes, fan-out folders), with the same number of threads: each
    O_EXCL tmp file written, fsynced, renamed into place; then every folder fsynced. Plus one file of all bytes."""
    from concurrent.futures import ThreadPoolExecutor

    from xetcache.store import writer

    value = memoryview(big(op["bytes"])).cast("B")
    sizes = op["sizes"]
    root = op["dir"]
    os.makedirs(os.path.join(root, "tmp"), exist_ok=True)
    offsets, pos = [], 0
    for n in sizes:
        offsets.append((pos, n))
        pos += n

    def one(i):
        off, n = offsets[i]
        tmp = os.path.join(root, "tmp", f"{i}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        mv = value[off:off + n]
        done = 0
        while done < n:
            done += os.write(fd, mv[done:])
        os.fsync(fd)
        os.close(fd)
        fan = os.path.join(root, "objects", f"{i % 256:02x}")
        os.makedirs(fan, exist_ok=True)
        os.rename(tmp, os.path.join(fan, f"{i}"))
        return fan

    t = time.perf_counter()
    with ThreadPoolExecutor(writer.WORKERS) as pool:
        fans = set(pool.map(one, range(len(offsets))))
        for _ in pool.map(_fsync_dir, sorted(fans)):
            pass
    same = time.perf_counter() - t
    shutil.rmtree(root)
    os.makedirs(root)
    t = time.perf_counter()
    fd = os.open(os.path.join(root, "one"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    done = 0
    while done < len(value):
        done += os.write(fd, value[done:done + (64 << 20)])
    os.fsync(fd)
    os.close(fd)
    one_file = time.perf_counter() - t
    shutil.rmtree(root)
    return {"same_pattern": same, "one_file": one_file}


def _fsync_dir(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def run_child(op: dict) -> dict:
    env = dict(os.environ, PYTHONPATH=PKG + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", json.dumps(op)], env=env,
                         capture_output=True, text=True, timeout=3600, check=False)
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"exit {out.returncode}"}
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---- the three measurements ------------------------------------------------------------------------------------
def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, unit="s"):
    if x is None:
        return "-"
    return f"{x:.3f} s" if unit == "s" else f"{x / 1e6:,.1f} MB"


def bench_dedup(args, root):
    nbytes = args.mib * 1_000_000
    print(f"\n== dedup: {args.versions} versions of a {args.mib} MB float64 array, each with a different 1 % "
          "contiguous block rewritten", flush=True)
    one = nbytes
    rows = []
    for peer in ["xetcache", "hf_xet", "joblib", "original"]:
        d = os.path.join(root, "dedup", peer)
        shutil.rmtree(d, ignore_errors=True)
        r = run_child({"op": "dedup", "peer": peer, "dir": d, "bytes": nbytes, "versions": args.versions})
        rows.append((peer, r.get("disk"), r.get("error")))
        shutil.rmtree(d, ignore_errors=True)
    try:
        rows.append(("FastCDC (16 KiB avg, unique chunk bytes)", peers.fastcdc_unique(versions(nbytes, args.versions)),
                     None))
    except ImportError as e:
        rows.append(("FastCDC", None, str(e)))
    print(f"{'':42s} {'on disk':>14s} {'x one version':>14s}")
    for name, disk, err in rows:
        ratio = f"{disk / one:.2f}x" if disk else "-"
        print(f"{name:42s} {fmt(disk, 'b'):>14s} {ratio:>14s}" + (f"  ({err})" if err else ""))
    ours = rows[0][1]
    if ours:
        print(f"target <= 1.20x: {'met' if ours / one <= 1.2 else 'NOT met'} ({ours / one:.3f}x)")


def stored_chunk_sizes(store_dir):
    from xetcache.store import manifest as manifests

    sizes = []
    for dirpath, _d, files in os.walk(os.path.join(store_dir, "entries")):
        for f in files:
            with open(os.path.join(dirpath, f), "rb") as fh:
                m = manifests.parse(fh.read())
            for parts in manifests.chunk_table(m).values():
                sizes += [n for _, n in parts]
    return sizes


def bench_write_and_hit(args, root, do_write, do_hit):
    nbytes = int(args.gib * (1 << 30))
    label = f"{args.gib:g} GiB float64 array"
    results = {}
    if do_write:
        print(f"\n== store: a {label}, a cache miss (fresh store each time; median of {args.repeats})", flush=True)
        times, floors, ones, sizes = [], [], [], None
        for _ in range(args.repeats):
            d = os.path.join(root, "write", "xetcache")
            shutil.rmtree(d, ignore_errors=True)
            r = run_child({"op": "store", "peer": "xetcache", "dir": d, "bytes": nbytes})
            times.append(r.get("s"))
            sizes = stored_chunk_sizes(os.path.join(d, ".xetcache")) or [nbytes]
            shutil.rmtree(d, ignore_errors=True)
            fl = run_child({"op": "floor_write", "dir": os.path.join(root, "write", "floor"), "bytes": nbytes,
                            "sizes": sizes})
            floors.append(fl.get("same_pattern"))
            ones.append(fl.get("one_file"))
        ours, floor, one = med(times), med(floors), med(ones)
        print(f"{'xetcache store (chunk, hash, write, fsync)':48s} {fmt(ours):>10s}")
        what = f"floor: the same {len(sizes)} files, fsync + rename"
        print(f"{what:48s} {fmt(floor):>10s}")
        print(f"{'one file of the same bytes + fsync':48s} {fmt(one):>10s}")
        if ours and floor:
            print(f"ratio to the floor: {ours / floor:.2f}x (target <= 1.5x: {'met' if ours / floor <= 1.5 else 'NOT met'})"
                  f"; to one file: {ours / one:.2f}x")
        results["write"] = (ours, floor)
    if do_hit:
        print(f"\n== hit: the {label} in a fresh process, page cache warm ({args.repeats} interleaved rounds: "
              "every contender once per round, order rotated; median and min)", flush=True)
        errors, firsts, dirs = {}, {}, {}
        for peer in PEERS:  # every store first, so that the rounds below see the same machine
            d = os.path.join(root, "hit", peer)
            shutil.rmtree(d, ignore_errors=True)
            r = run_child({"op": "store", "peer": peer, "dir": d, "bytes": nbytes})
            if "error" in r:
                errors[peer] = r["error"]
            else:
                dirs[peer] = d
        f = os.path.join(root, "hit", "floor.bin")
        with open(f, "wb") as fh:
            fh.write(memoryview(big(nbytes)).cast("B"))
        time.sleep(2.5)  # past the racy window: chunks hashed by the first hit can be trusted later
        for peer, d in dirs.items():
            r = run_child({"op": "hit", "peer": peer, "dir": d, "bytes": nbytes})
            firsts[peer] = r.get("s")
            if "error" in r:
                errors[peer] = r["error"]
        run_child({"op": "floor_read", "file": f})  # warms the floor's pages as the first hits warmed theirs
        names = list(dirs) + ["floor"]
        times: dict = {n: [] for n in names + ["floor_fresh"]}
        cpus: dict = {n: [] for n in names + ["floor_fresh"]}
        for rnd in range(args.repeats):
            for name in names[rnd % len(names):] + names[:rnd % len(names)]:
                if name == "floor":
                    r = run_child({"op": "floor_read", "file": f})
                    times["floor"].append(r.get("touched"))
                    times["floor_fresh"].append(r.get("fresh"))
                    cpus["floor"].append(r.get("touched_cpu"))
                    cpus["floor_fresh"].append(r.get("fresh_cpu"))
                else:
                    r = run_child({"op": "hit", "peer": name, "dir": dirs[name], "bytes": nbytes})
                    times[name].append(r.get("s"))
                    cpus[name].append(r.get("cpu"))
                    if "error" in r:
                        errors[name] = r["error"]
        os.unlink(f)

        def stat(name):
            xs = [x for x in times.get(name, []) if x is not None]
            return (statistics.median(xs), min(xs)) if xs else (None, None)

        touched, touched_min = stat("floor")
        cpu_floor = med(cpus["floor"])
        print(f"{'':36s} {'first hit':>10s} {'median':>10s} {'x floor':>8s} {'min':>10s} {'x floor':>8s}"
              f" {'cpu':>10s} {'x floor':>8s}")
        print(f"{'floor: readinto, buffer touched':36s} {'':>10s} {fmt(touched):>10s} {'1.00x':>8s} "
              f"{fmt(touched_min):>10s} {'1.00x':>8s} {fmt(cpu_floor):>10s} {'1.00x':>8s}")
        rows = {}
        for name, label2 in [("floor_fresh", "floor: readinto, fresh buffer")] + [(p, p) for p in PEERS]:
            med_, min_ = stat(name)
            rows[name] = med_
            x1 = f"{med_ / touched:7.2f}x" if med_ and touched else "-"
            x2 = f"{min_ / touched_min:7.2f}x" if min_ and touched_min else "-"
            err = errors.get(name)
            cpu = med(cpus.get(name, []))
            x3 = f"{cpu / cpu_floor:7.2f}x" if cpu and cpu_floor else "-"
            print(f"{label2:36s} {fmt(firsts.get(name)):>10s} {fmt(med_):>10s} {x1:>8s} {fmt(min_):>10s} {x2:>8s}"
                  f" {fmt(cpu):>10s} {x3:>8s}" + (f"  ({err})" if err else ""))
        ours = rows.get("xetcache")
        others = [v for k, v in rows.items() if k not in ("xetcache", "floor_fresh") and v]
        if ours and touched:
            print(f"target <= 1.5x the floor: {'met' if ours / touched <= 1.5 else 'NOT met'} ({ours / touched:.2f}x"
                  f" median); faster than every peer: {'yes' if all(ours < o for o in others) else 'no'}")
        for d in dirs.values():
            shutil.rmtree(d, ignore_errors=True)
        results["hit"] = rows
    return results


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--child")
    ap.add_argument("--only", default="dedup,write,hit")
    ap.add_argument("--mib", type=int, default=256)
    ap.add_argument("--versions", type=int, default=10)
    ap.add_argument("--gib", type=float, default=1.0)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--peers", default=",".join(PEERS), help="hit contenders (xetcache always)")
    ap.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "xetcache-bench-chunks"))
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child_main(json.loads(args.child))))
        return
    from xetcache.store import chunking

    only = set(args.only.split(","))
    PEERS[:] = ["xetcache"] + [p for p in args.peers.split(",") if p in PEERS and p != "xetcache"]
    os.makedirs(args.dir, exist_ok=True)
    print(f"py_chunks: chunker {chunking.backend()}, load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores, "
          f"in {args.dir}")
    if "dedup" in only:
        bench_dedup(args, args.dir)
    if only & {"write", "hit"}:
        bench_write_and_hit(args, args.dir, "write" in only, "hit" in only)
    print(f"\nload at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
