"""Big values: fingerprint, store and restore of a large float64 array (default 256 MiB; --gib 1 for the targets).

Targets (DESIGN.md): key of a 1 GiB input <= 1 s, store <= 5 s, restore <= 1.5 s. Floors: raw write+fsync of the
same bytes, and readinto of the file into a preallocated buffer (page cache warm, like a hit right after a store).
Compared with joblib (hash + Memory) and the original XetCache approach (sha256(pickle.dumps) + one pickle file).
Prints figures and ratios; no assertions. Run rarely: it writes several copies of the array to a temp dir.
Usage: python bench/py_big_array.py [--gib G | --mib M]
"""

import argparse
import hashlib
import os
import pickle
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "packages", "python"))

import numpy as np  # noqa: E402

from xetcache import Storage, fingerprint  # noqa: E402


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def raw_write(path, buf):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        mv, pos = memoryview(buf).cast("B"), 0
        while pos < len(mv):
            pos += os.write(fd, mv[pos:pos + (64 << 20)])
        os.fsync(fd)
    finally:
        os.close(fd)


def raw_readinto(path):
    size = os.path.getsize(path)
    buf = bytearray(size)
    with open(path, "rb", buffering=0) as f:
        view, pos = memoryview(buf), 0
        while pos < size:
            pos += f.readinto(view[pos:])
    return buf


def main():
    ap = argparse.ArgumentParser()
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--gib", type=float)
    g.add_argument("--mib", type=float)
    a = ap.parse_args()
    nbytes = int((a.gib * 1024 if a.gib else (a.mib or 256)) * (1 << 20)) // 8 * 8
    tmp = tempfile.mkdtemp(prefix="xc-bench-big-")
    try:
        run(nbytes, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(nbytes, tmp):
    arr = np.arange(nbytes // 8, dtype=np.float64) * 1.000001
    gib = nbytes / (1 << 30)
    rows = []

    # -- fingerprint (the key of an input) --
    t_fp, _ = timed(lambda: fingerprint(arr, "arr"))
    t_sha_floor, _ = timed(lambda: hashlib.sha256(memoryview(arr).cast("B")).hexdigest())
    t_orig_key, _ = timed(lambda: hashlib.sha256(pickle.dumps(arr)).hexdigest())
    import joblib

    t_joblib_hash, _ = timed(lambda: joblib.hash(arr))

    # -- store --
    st = Storage(os.path.join(tmp, ".xetcache"))
    t_store, m = timed(lambda: st.save(
        key="e" * 64, kind="function", variables={"return": arr}, outputs=None, runtime_s=60.0,
        source={"code_sha256": "c" * 64, "preview": ""}, inputs={}, outputs_names=["return"], namespace=None))
    raw_path = os.path.join(tmp, "raw.bin")
    t_raw_write, _ = timed(lambda: raw_write(raw_path, arr))

    def orig_store():
        path = os.path.join(tmp, hashlib.sha256(pickle.dumps(["k"])).hexdigest() + ".pickle")
        data = pickle.dumps(arr)
        hashlib.sha256(data).hexdigest()  # the original keyed outputs by sha256 of their pickle as well
        raw_write(path, data)
        return path

    t_orig_store, orig_path = timed(orig_store)

    # -- restore (page cache warm) --
    st2 = Storage(st.path)
    t_restore, got = timed(lambda: st2.load_variables(st2.lookup("e" * 64))["return"])
    t_touch, _ = timed(lambda g=got: float(g[:: 4096 // 8].sum()))  # first touch of the mapped pages by the user
    assert got.shape == arr.shape
    del got
    t_raw_read, buf = timed(lambda: raw_readinto(raw_path))
    del buf

    def orig_load():
        with open(orig_path, "rb") as f:
            return pickle.load(f)

    t_orig_load, x = timed(orig_load)
    del x

    mem = joblib.Memory(os.path.join(tmp, "joblib"), verbose=0)
    holder = {"a": arr}

    def produce(tag):
        return holder["a"]

    cached = mem.cache(produce)
    t_jl_store, _ = timed(lambda: cached("big"))
    t_jl_load, x = timed(lambda: cached("big"))
    del x

    print(f"array float64 {gib:.3f} GiB ({nbytes} bytes); page cache warm for reads")
    print("machine load average (1/5/15 min): %.1f %.1f %.1f on %d cores" % (*os.getloadavg(), os.cpu_count()))
    print(f"{'operation':46} {'seconds':>9} {'GiB/s':>7}   vs xetcache")
    rows = [
        ("fingerprint: xetcache (sha256 over buffer)", t_fp, t_fp),
        ("fingerprint floor: sha256(memoryview)", t_sha_floor, t_fp),
        ("fingerprint: original sha256(pickle.dumps)", t_orig_key, t_fp),
        ("fingerprint: joblib.hash (md5)", t_joblib_hash, t_fp),
        ("store: xetcache save (pickle5 oob, fsync)", t_store, t_store),
        ("store floor: raw write + fsync", t_raw_write, t_store),
        ("store: original (dumps + sha256 + write)", t_orig_store, t_store),
        ("store: joblib.Memory first call", t_jl_store, t_store),
        ("restore: xetcache load (verified, mmap)", t_restore, t_restore),
        ("  + first touch of every page by the user", t_touch, t_restore),
        ("restore floor: readinto preallocated buffer", t_raw_read, t_restore),
        ("restore: original pickle.load", t_orig_load, t_restore),
        ("restore: joblib.Memory second call", t_jl_load, t_restore),
    ]
    for name, t, ref in rows:
        print(f"{name:46} {t:9.3f} {gib / t if t else float('inf'):7.2f}   {t / ref:6.2f}x")
    scale = 1 / gib if gib else 0
    print(f"per GiB: fingerprint {t_fp * scale:.3f} s (target <= 1), store {t_store * scale:.3f} s (<= 5), "
          f"restore {t_restore * scale:.3f} s (<= 1.5; with first touch {(t_restore + t_touch) * scale:.3f} s)")
    print(f"entry objects: {len(m['variables']['return']['objects'])}, total {m['total_bytes']} bytes")


if __name__ == "__main__":
    main()
