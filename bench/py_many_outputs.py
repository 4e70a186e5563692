"""Storing a cell with many small outputs (issue 10 item 8: 5,000 small values took 16.2 s, one fsynced file each).

Times what the engine does with N small declared outputs (`%%xetmemo output=v0,...`): cell/declared.py stores them
as one pickle graph. For comparison, the same values one pickle per variable (Storage.save with values: what the
engine did before, and what the function API still does for its one value). Both into a fresh store, against the
floor: the same values' pickle bytes written into one file and fsynced once. Each round uses new values (a salt), so
nothing is deduplicated against an earlier round; the three run in a rotated order. Prints median, min and max.

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
# bench/run.sh points XETCACHE_BENCH_PKG at the engine as committed; alone, this checkout's engine is measured
sys.path.insert(0, os.environ.get("XETCACHE_BENCH_PKG") or os.path.join(HERE, "..", "packages", "python"))

from xetcache.cell import declared
from xetcache.store.storage import Storage


def values(n: int, salt: int) -> dict:
    return {f"v{i}": {"i": i, "salt": salt, "name": f"item {i}", "xs": [i, i * 2, i * 3]} for i in range(n)}


def store_once(root: str, vals: dict, graph: bool) -> float:
    st = Storage(os.path.join(root, ".xetcache-graph" if graph else ".xetcache-each"))
    key = hashlib.sha256(repr(sorted(vals)).encode() + os.urandom(8)).hexdigest()
    fields = {"key": key, "kind": "cell", "outputs": None, "runtime_s": 1.0, "inputs": {}, "namespace": None,
              "source": {"code_sha256": "0" * 64, "preview": "b"}, "outputs_names": sorted(vals)}
    t = time.perf_counter()
    if graph:
        declared.save(st, vals, **fields)
    else:
        st.save(variables=vals, **fields)
    return time.perf_counter() - t


def pickle_floor_once(root: str, vals: dict) -> float:
    """The same with the pickling timed too: one pickle.dumps of all values, one file, one fsync."""
    path = os.path.join(root, "floor-pickle.bin")
    t = time.perf_counter()
    write_fsync(path, pickle.dumps(vals, protocol=5))
    return time.perf_counter() - t


def floor_once(root: str, vals: dict) -> float:
    blob = b"".join(pickle.dumps(v, protocol=5) for v in vals.values())
    path = os.path.join(root, "floor.bin")
    t = time.perf_counter()
    write_fsync(path, blob)
    return time.perf_counter() - t


def write_fsync(path: str, blob: bytes) -> None:
    """The floor's write: one file, one write, one fsync."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, blob)
        os.fsync(fd)
    finally:
        os.close(fd)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--dir", default=None, help="where the stores go (default: the temp dir)")
    a = ap.parse_args()
    got = {"graph": [], "each": [], "floor": [], "pickle+floor": []}
    run = {"graph": lambda root, v: store_once(root, v, True), "each": lambda root, v: store_once(root, v, False),
           "floor": floor_once, "pickle+floor": pickle_floor_once}
    order = list(run)
    for r in range(a.repeats):
        root = tempfile.mkdtemp(prefix="xc-many-", dir=a.dir)
        try:
            for name in order[r % len(order):] + order[:r % len(order)]:  # rotated, so drift and load hit all alike
                got[name].append(run[name](root, values(a.n, r * 1_000_003 + os.getpid() + len(name))))
        finally:
            shutil.rmtree(root, ignore_errors=True)
    med = {k: statistics.median(v) for k, v in got.items()}
    what = {"graph": f"store {a.n} small outputs (engine: one graph)", "each": "the same, one object per variable",
            "floor": "floor (their pickles, one file + fsync)",
            "pickle+floor": "one pickle.dumps of them all + one file + fsync"}
    for k, v in got.items():
        print(f"{what[k]}: {med[k] * 1000:.1f} ms median (min {min(v) * 1000:.1f}, max {max(v) * 1000:.1f}) "
              f"over {a.repeats} rounds")
    print(f"ratio: engine {med['graph'] / med['floor']:.1f}x the floor ({med['graph'] / med['pickle+floor']:.1f}x "
          f"pickling + floor); per variable {med['each'] / med['floor']:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
