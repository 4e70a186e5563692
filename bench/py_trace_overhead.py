"""What dependency tracing costs (issue 8): a missed toggled cell (traced: snapshot before/after, audit hook,
hidden state) vs the same body run plain, and a small traced hit, all inside one real ipykernel.

Cells: `calls` makes 10^6 Python-level calls to a user function; `numpy` is dominated by numpy work on a 4M-element
array that the cell also changes in place (so the snapshot hashes it before and after); `small_hit` is the
kernel-side cost of a hit of a trivial toggled cell (target <= 2 ms p50).
Usage: .venv/bin/python bench/py_trace_overhead.py [N]   (prints figures and ratios; asserts nothing)
"""

import json
import os
import sys
import tempfile

from jupyter_client.manager import KernelManager

N = int(sys.argv[1]) if len(sys.argv) > 1 else 5
PKG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "packages", "python")

KERNEL_CODE = r'''
import time, statistics, json, hashlib
import numpy as np
import xetcache
from xetcache.ipython import jupyter
jupyter.activate('{"always": true}')
ip = get_ipython()
def spec(body, cid):
    return "%%xetcache_cell " + json.dumps({"cell_id": cid, "notebook": None, "inputs": None, "outputs": None,
        "code_sha256": hashlib.sha256(body.encode()).hexdigest(), "always": False, "key": None}) + "\n" + body
ip.run_cell("def f(x):\n    return x + 1\nbig = np.random.rand(4_000_000)\nsmall = [1, 2, 3]", store_history=False)
CELLS = {
    "calls": "t = 0\nfor i in range(1_000_000):\n    t = f(t)",
    "numpy": "big *= 1.0000001\nm = float(np.sqrt(big).sum())",
}
def timed(fn, n):
    xs = []
    for _ in range(n):
        t = time.perf_counter(); fn(); xs.append(time.perf_counter() - t)
    xs.sort()
    return {"p50": statistics.median(xs), "min": xs[0], "max": xs[-1]}
res = {}
xetcache.set_runtime_threshold(1e9)  # traced but never stored: every run is a full traced miss
for name, body in CELLS.items():
    res[name] = {"plain": timed(lambda: ip.run_cell(body, store_history=False), N),
                 "traced": timed(lambda: ip.run_cell(spec(body, name), store_history=False), N)}
xetcache.set_runtime_threshold(0)
hit_body = "r = [x * 2 for x in small]"
ip.run_cell(spec(hit_body, "hit"), store_history=False)
res["small_hit"] = {"plain": timed(lambda: ip.run_cell(hit_body, store_history=False), 50),
                    "traced": timed(lambda: ip.run_cell(spec(hit_body, "hit"), store_history=False), 50)}
open(OUT, "w").write(json.dumps(res))
'''


def main():
    with tempfile.TemporaryDirectory() as tmp:
        km = KernelManager(kernel_name="python3")
        km.start_kernel(cwd=tmp, env=dict(os.environ, PYTHONPATH=os.path.abspath(PKG)))
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            out = os.path.join(tmp, "res.json")
            code = f"N = {N}\nOUT = {out!r}\n" + KERNEL_CODE
            reply = kc.execute_interactive(code, timeout=1800, output_hook=lambda m: None)
            if reply["content"]["status"] != "ok":
                sys.exit(f"kernel error: {reply['content'].get('evalue')}")
            with open(out) as f:
                res = json.load(f)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    print(f"{'cell':<10} {'plain p50':>12} {'traced p50':>12} {'ratio':>7}   (min..max traced)")
    for name, r in res.items():
        p, t = r["plain"]["p50"], r["traced"]["p50"]
        unit, k = ("ms", 1e3)
        print(f"{name:<10} {p * k:>10.2f}{unit} {t * k:>10.2f}{unit} {t / p:>6.2f}x   "
              f"({r['traced']['min'] * k:.2f}..{r['traced']['max'] * k:.2f} {unit})")
    print("traced = toggled cell through the engine (miss: key, snapshot, run, diff; "
          "small_hit: key, trace check, restore, replay)")


if __name__ == "__main__":
    main()
