"""The first cached run in a kernel, with 100 and with 100k entries in the store (issue 13: "the same time within
noise"). Before, every manifest was parsed on the first run in a kernel (0.24 s at 10k, 2.39 s at 100k).

For each store size: a store of N entries (valid manifests of other cells, written as files) plus one cell stored
by the engine. Then, each in a fresh process (an in-process IPython shell with the extension loaded: what a new
kernel does), timed around one `%%xetcache_cell` run:
  hit    the stored cell again: lookup + load + restore
  miss   the same cell with new code: lookup, the cell's earlier entries (what changed), run, store
The engine's index (index.sqlite-engine) is built once per store by a first process (its time is printed as
"index build", once in the store's life: it is derived and kept on disk).

Usage: .venv/bin/python bench/py_first_run.py [--sizes 100,100000] [--repeats 5] [--dir DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.join(HERE, "..", "packages", "python")

CHILD = r'''
import json, os, sys, time
t_import = time.perf_counter()
from IPython.core.interactiveshell import InteractiveShell
ip = InteractiveShell.instance()
ip.run_line_magic("load_ext", "xetcache")
import xetcache
xetcache.set_memo_path(STORE)
ip.user_ns["a"] = 41
spec = {"cell_id": "bench-cell", "notebook": "bench.ipynb", "code_sha256": None, "inputs": None, "outputs": None,
        "always": True, "key": None}
t = time.perf_counter()
ip.run_cell("%%xetcache_cell " + json.dumps(spec) + "\n" + BODY, store_history=False)
took = time.perf_counter() - t
st = xetcache.store.cache.open_store(create=False)
print(json.dumps({"s": took, "parsed": st._index.parsed if st is not None else None}))
'''


def sha(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()


def child(store: str, body: str) -> dict:
    code = f"STORE = {store!r}\nBODY = {body!r}\n" + CHILD
    env = dict(os.environ, PYTHONPATH=os.path.abspath(PKG))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600,
                         check=False)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def make_store(root: str, n: int) -> str:
    store = os.path.join(root, f"n{n}", ".xetcache")
    marker = os.path.join(root, f"n{n}", "COMPLETE")
    if os.path.exists(marker):
        return store
    shutil.rmtree(os.path.dirname(store), ignore_errors=True)
    sys.path.insert(0, PKG)
    from xetcache.store.storage import Storage

    st = Storage(store)
    proto = st.save(key=sha("proto"), kind="cell", variables={"x": 1}, outputs=None, runtime_s=3.0,
                    source={"notebook": "other.ipynb", "cell_id": "c0", "code_sha256": sha("code"),
                            "preview": "x = 1"}, inputs={}, outputs_names=["x"], namespace=None)
    from xetcache.store.manifest import dumps

    t = time.perf_counter()
    for i in range(n - 1):
        m = dict(proto, key=sha(f"filler-{i}"))
        m["source"] = dict(proto["source"], notebook=f"nb{i % 50}.ipynb", cell_id=f"cell-{i % 400}",
                           preview=f"x_{i} = step({i})")
        path = st.manifest_path(m["key"])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(dumps(m))
    old = time.time() - 3600  # written long ago: no folder is in the racy window
    for d in os.scandir(os.path.join(store, "entries")):
        os.utime(d.path, (old, old))
    print(f"  store of {n} entries written in {time.perf_counter() - t:.1f} s", flush=True)
    open(marker, "w").close()
    return store


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100,100000")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "xetcache-bench-first-run"))
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    res = {}
    for n in sizes:
        store = make_store(args.dir, n)
        hit_body = "b = a + 1\n"
        t = time.perf_counter()
        child(store, hit_body)  # stores the cell (first time) and builds the engine's index
        build = time.perf_counter() - t
        hits, misses, parsed = [], [], []
        for r in range(args.repeats):
            h = child(store, hit_body)
            m = child(store, f"b = a + {r + 2}  # new code: a miss {time.time_ns()}\n")
            hits.append(h["s"])
            misses.append(m["s"])
            parsed.append((h["parsed"], m["parsed"]))
        res[n] = {"hit": statistics.median(hits), "miss": statistics.median(misses), "build": build,
                  "parsed": parsed[-1]}
    print(f"\nfirst cached run in a fresh kernel (median of {args.repeats}; load {os.getloadavg()[0]:.1f})")
    print(f"{'entries':>8s} {'hit ms':>9s} {'miss ms':>9s} {'manifests parsed':>17s} {'first process (index build) s':>30s}")
    for n in sizes:
        r = res[n]
        print(f"{n:8d} {r['hit'] * 1e3:9.1f} {r['miss'] * 1e3:9.1f} {r['parsed']!s:>17s} {r['build']:30.2f}")
    if len(sizes) >= 2:
        a, b = res[sizes[0]], res[sizes[-1]]
        print(f"ratio {sizes[-1]} / {sizes[0]}: hit {b['hit'] / a['hit']:.2f}x, miss {b['miss'] / a['miss']:.2f}x "
              "(target: the same within noise)")


if __name__ == "__main__":
    main()
