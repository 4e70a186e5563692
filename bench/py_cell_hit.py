"""Kernel-side cost of a small `%%xetmemo` hit vs the same trivial cell run uncached (DESIGN target: <= 2 ms p50).

Starts one real ipykernel (jupyter_client) in a temp folder, opens the `xetcache` comm like JupyterLab does, stores
one small cell, then times inside the kernel, N times each:
  uncached   ip.run_cell(body)                      the cell as a user would run it without caching
  hit        ip.run_cell('%%xetmemo ...\\n' + body)   full cell path: IPython + magic + key + lookup + load + replay
  engine     ip.run_cell_magic('xetmemo', ...)      the magic alone (no IPython cell machinery)
Usage: .venv/bin/python bench/py_cell_hit.py [N]
"""

import json
import os
import sys
import tempfile
import uuid

from jupyter_client.manager import KernelManager

N = int(sys.argv[1]) if len(sys.argv) > 1 else 200
PKG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "packages", "python")

KERNEL_CODE = r'''
import time, statistics, json
ip = get_ipython()
body = "b = [a] * 10\nprint('ok', len(b))\n"
line = "input=a output=b always=True"
ip.run_cell("%%xetmemo " + line + "\n" + body, store_history=False)   # store once
def timed(fn):
    xs = []
    for _ in range(N):
        t = time.perf_counter(); fn(); xs.append((time.perf_counter() - t) * 1e3)
    xs.sort()
    return {"p50": statistics.median(xs), "p99": xs[int(len(xs) * 0.99) - 1], "min": xs[0]}
res = {
    "uncached": timed(lambda: ip.run_cell(body, store_history=False)),
    "hit": timed(lambda: ip.run_cell("%%xetmemo " + line + "\n" + body, store_history=False)),
    "engine": timed(lambda: ip.run_cell_magic("xetmemo", line, body)),
}
open(OUT, "w").write(json.dumps(res))
'''


def main():
    with tempfile.TemporaryDirectory() as tmp:
        km = KernelManager(kernel_name="python3")
        env = dict(os.environ, PYTHONPATH=os.path.abspath(PKG))
        out_path = os.path.join(tmp, "bench.json")
        km.start_kernel(cwd=tmp, env=env)
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            kc.execute_interactive("%load_ext xetcache\na = 41", timeout=60, output_hook=lambda m: None)
            kc.shell_channel.send(kc.session.msg("comm_open", {"comm_id": uuid.uuid4().hex,
                                                               "target_name": "xetcache", "data": {}}))
            code = f"N = {N}\nOUT = {out_path!r}\n" + KERNEL_CODE
            reply = kc.execute_interactive(code, timeout=600, output_hook=lambda m: None)
            assert reply["content"]["status"] == "ok", reply["content"]
            res = json.load(open(out_path))
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    print(f"small cell, {N} runs each, kernel-side wall time (ms)")
    print(f"{'':10s} {'p50':>8s} {'p99':>8s} {'min':>8s}")
    for name in ("uncached", "hit", "engine"):
        r = res[name]
        print(f"{name:10s} {r['p50']:8.3f} {r['p99']:8.3f} {r['min']:8.3f}")
    print(f"hit / uncached p50 ratio: {res['hit']['p50'] / res['uncached']['p50']:.2f}x; "
          f"target: hit p50 <= 2 ms -> {'met' if res['hit']['p50'] <= 2 else 'NOT met'}")


if __name__ == "__main__":
    main()
