"""Storing a cell with many small outputs (issue 10 item 8: 5,000 small values took 16.2 s, one fsynced file each).

Times Storage.save of N small variables (each its own pickle, as `%%xetmemo output=v0,...` stores them) into a fresh
store, against the floor: the same bytes written into one file and fsynced once. Each round uses new values (a salt),
so nothing is deduplicated against an earlier round. Prints the median, min and max of the rounds and the ratio.

Usage: .venv/bin/python bench/py_many_outputs.py [--n 5000] [--repeats 3] [--dir DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pickle
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "packages", "python"))

from xetcache.store.storage import Storage


def values(n: int, salt: int) -> dict:
    return {f"v{i}": {"i": i, "salt": salt, "name": f"item {i}", "xs": [i, i * 2, i * 3]} for i in range(n)}


def store_once(root: str, vals: dict) -> float:
    st = Storage(os.path.join(root, ".xetcache"))
    key = hashlib.sha256(repr(sorted(vals)).encode() + os.urandom(8)).hexdigest()
    t = time.perf_counter()
    st.save(key=key, kind="cell", variables=vals, outputs=None, runtime_s=1.0,
            source={"code_sha256": "0" * 64, "preview": "bench"}, inputs={}, outputs_names=sorted(vals),
            namespace=None)
    return time.perf_counter() - t


def floor_once(root: str, vals: dict) -> float:
    blob = b"".join(pickle.dumps(v, protocol=5) for v in vals.values())
    path = os.path.join(root, "floor.bin")
    t = time.perf_counter()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, blob)
        os.fsync(fd)
    finally:
        os.close(fd)
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--dir", default=None, help="where the stores go (default: the temp dir)")
    a = ap.parse_args()
    ours, floor = [], []
    for r in range(a.repeats):
        vals = values(a.n, r * 1_000_003 + os.getpid())
        root = tempfile.mkdtemp(prefix="xc-many-", dir=a.dir)
        try:
            if r % 2:  # alternate the order, so drift hits both alike
                floor.append(floor_once(root, vals))
                ours.append(store_once(root, vals))
            else:
                ours.append(store_once(root, vals))
                floor.append(floor_once(root, vals))
        finally:
            shutil.rmtree(root, ignore_errors=True)
    med_o, med_f = statistics.median(ours), statistics.median(floor)
    print(f"store {a.n} small outputs: {med_o * 1000:.1f} ms median (min {min(ours) * 1000:.1f}, "
          f"max {max(ours) * 1000:.1f}) over {a.repeats} rounds")
    print(f"floor (same bytes, one file + fsync): {med_f * 1000:.1f} ms median (min {min(floor) * 1000:.1f}, "
          f"max {max(floor) * 1000:.1f})")
    print(f"ratio: {med_o / med_f:.1f}x the floor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
