"""Store growth: the same operations on a store of S1 and of S2 entries (10k and 100k; quick: 200 and 2000).

  hit             a small entry's hit in a warm process: ours through the engine's storage path (lookup +
                  verified load + hit log), the peers through their memoized function; floor: read + unpickle
  miss + store    a new small entry: ours Storage.save (objects and manifest fsync'ed), the peers a first call;
                  floor: write the value's pickle to a new file + fsync
  first cell      the first toggled-cell hit in a fresh kernel (ours: the engine reads the store's manifests
                  once to know the cell's earlier entries); the peers: their first hit in a fresh process
  ls              `xetcache ls` (a new process) with the index present, and the first one with no index.sqlite
                  (built from the manifests); floor: listing the entry files' names (scandir of every shard)
  API page        GET /api/entries, 100 rows by last hit, over HTTP on loopback
  text search     GET /api/entries?q=..., a substring of one entry's code preview
The S entries of our store are one real entry (stored by the engine) plus copies of its manifest under other keys,
notebooks, cells and previews (written as files, as bench/index-fixture.ts does: storing 100k entries through the
engine takes many minutes); the peers' stores are filled through their own APIs (the time is shown).
"""

import hashlib
import json
import os
import pickle
import random
import statistics
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))

import common  # noqa: E402
import peers  # noqa: E402
from values import make_value  # noqa: E402

GROWTH_PEERS = ["joblib", "diskcache", "cachier", "original"]
FILL_BUDGET_S = 600  # per peer and size: joblib and cachier take ~5-10 ms per entry on a loaded 2-core machine
BODY = "b = [a] * 10\nprint('ok', len(b))\n"

KERNEL_CODE = r'''
import time, json, hashlib, sys
ip = get_ipython()
from xetcache.ipython import jupyter
jupyter.activate('{"always": true}')
a = 41
src = "%%xetcache_cell " + json.dumps({"cell_id": "growth-cell", "notebook": None, "inputs": None, "outputs": None,
    "code_sha256": hashlib.sha256(BODY.encode()).hexdigest(), "always": True, "key": None}) + "\n" + BODY
def once():
    t = time.perf_counter(); r = ip.run_cell(src, store_history=False); sys.stdout.flush()
    if not r.success: raise RuntimeError("cell failed")
    return time.perf_counter() - t
import os
def hits():
    return sum(1 for _ in open(".xetcache/hits.jsonl")) if os.path.exists(".xetcache/hits.jsonl") else 0
h0 = hits()
first = once()
again = once()
json.dump({"first": first, "again": again, "new_hits": hits() - h0}, open(OUT, "w"))
'''


def kernel_run(cwd, code):
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="python3")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([common.HERE, common.PKG, os.environ.get("PYTHONPATH", "")]))
    km.start_kernel(cwd=cwd, env=env)
    kc = km.client()
    kc.start_channels()
    out = os.path.join(cwd, f"k-{uuid.uuid4().hex}.json")
    try:
        kc.wait_for_ready(timeout=120)
        kc.execute_interactive("%load_ext xetcache", timeout=120, output_hook=lambda m: None)
        kc.shell_channel.send(kc.session.msg("comm_open", {"comm_id": uuid.uuid4().hex, "target_name": "xetcache",
                                                           "data": {}}))
        reply = kc.execute_interactive(f"BODY = {BODY!r}\nOUT = {out!r}\n" + code, timeout=1800,
                                       output_hook=lambda m: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"kernel error: {reply['content'].get('evalue')}")
        with open(out) as f:
            return json.load(f)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        if os.path.exists(out):
            os.unlink(out)


def build_store(base, size, value):
    """Our store with `size` entries: the toggled cell's real entry, one real Storage entry, copies."""
    from xetcache import Storage
    from xetcache.store import manifest as manifests

    kernel_run(base, KERNEL_CODE)  # stores the toggled cell (and hits it once)
    st = Storage(os.path.join(base, ".xetcache"))
    key = hashlib.sha256(b"growth-api-entry").hexdigest()
    m = st.save(key=key, kind="cell", variables={"result": value}, outputs=None, runtime_s=5.0,
                source={"code_sha256": "c" * 64, "preview": "result = train(params)"}, inputs={"params": "d" * 64},
                outputs_names=["result"], namespace=None)
    t = time.perf_counter()
    # one serialisation, then the varying fields substituted (canonical JSON of plain ASCII strings: safe)
    c = json.loads(json.dumps(m))
    c["key"] = "K" * 64
    c["created"] = "2026-01-01T00:00:00.000Z"
    c["source"].update(notebook="@NB@", cell_id="@CELL@", code_sha256="C" * 64, preview="@PREVIEW@")
    tmpl = manifests.dumps(c).decode()
    created = m["created"]
    shards = set()
    for i in range(size - 2):
        k = hashlib.sha256(f"growth-{i}".encode()).hexdigest()
        when = created[:11] + f"{i % 24:02d}:{i % 60:02d}:{(i // 60) % 60:02d}" + created[19:]
        text = (tmpl.replace("K" * 64, k).replace("2026-01-01T00:00:00.000Z", when)
                .replace("@NB@", f"notebooks/nb{i % 50}.ipynb").replace("@CELL@", f"cell-{i % 40}")
                .replace("C" * 64, hashlib.sha256(f"code-{i}".encode()).hexdigest())
                .replace("@PREVIEW@", f"result_{i} = slow_step(data, {i})"))
        d = os.path.join(base, ".xetcache", "entries", k[:2])
        if k[:2] not in shards:
            os.makedirs(d, exist_ok=True)
            shards.add(k[:2])
        with open(os.path.join(d, k + ".json"), "w") as f:
            f.write(text)
    manifests.parse(text.encode(), k)  # the copies are valid manifests
    keys = [hashlib.sha256(f"growth-{i}".encode()).hexdigest() for i in range(0, size - 2, 2)]
    with open(os.path.join(base, ".xetcache", "hits.jsonl"), "ab") as f:
        for i, k in enumerate(keys):
            f.write((json.dumps({"key": k, "at": f"2026-02-01T00:{(i // 60) % 60:02d}:{i % 60:02d}Z",
                                 "saved_s": 2.5}) + "\n").encode())
    return st, key, time.perf_counter() - t


def run(cfg):
    import benchfuncs

    sizes = [200, 2000] if cfg.quick else [10_000, 100_000]
    calls = 20 if cfg.quick else 100
    value = make_value({"kind": "small", "bytes": 0})
    sys._xc_bench_value = value
    res = common.Result("growth", f"Store growth: {sizes[0]:,} -> {sizes[1]:,} entries",
                        params={"sizes": sizes, "calls_per_round": calls})
    T = {k: res.table(title, unit, floor=None) for k, title, unit in [
        ("hit", f"hit of a small entry (median of {calls} calls per round)", "ms"),
        ("miss", f"miss + store of a new small entry (median of {calls} per round)", "ms"),
        ("first", "first cached cell / first hit in a fresh process", "ms"),
        ("ls", "`xetcache ls` (a new process)", "s"),
        ("api", "API page: 100 entries by last hit, HTTP on loopback", "ms"),
        ("search", "text search (q=), HTTP on loopback", "ms"),
        ("fill", "filling the store to S entries (once, not interleaved)", "s"),
    ]}
    root = common.tmpdir(cfg, "growth")
    contenders = {}
    try:
        for size in sizes:
            tag = f"@{size:,}"
            base = os.path.join(root, f"s{size}")
            os.makedirs(base)
            st, key, fill_s = build_store(base, size, value)
            T["fill"].row(f"xetcache (ours) {tag}", "info", "manifest copies written as files").add(fill_s)
            floor_file = os.path.join(base, "floor.pickle")
            with open(floor_file, "wb") as f:
                pickle.dump(value, f)
            for k in ("hit", "miss", "ls", "first"):
                T[k].floor = None
            fl_hit = T["hit"].row(f"floor: read file + unpickle {tag}", "floor", "open, read, close, pickle.loads")
            fl_miss = T["miss"].row(f"floor: write + fsync a new file {tag}", "floor", "the value's pickle")
            fl_ls = T["ls"].row(f"floor: list the entry files {tag}", "floor", "scandir of every shard folder")
            ours_hit = T["hit"].row(f"xetcache (ours) {tag}", "ours", "storage path: lookup + verified load + hit log")
            ours_miss = T["miss"].row(f"xetcache (ours) {tag}", "ours", "Storage.save: objects + manifest fsync'ed")
            ours_first = T["first"].row(f"xetcache (ours) toggled cell, fresh kernel {tag}", "ours",
                                        "kernel-side, run_cell + flush")
            ours_again = T["first"].row(f"xetcache (ours) toggled cell, second hit {tag}", "info")
            ls_warm = T["ls"].row(f"xetcache ls {tag}", "ours", "index present")
            ls_first = T["ls"].row(f"xetcache ls, no index yet {tag}", "ours", "index.sqlite built from the manifests")
            api = T["api"].row(f"xetcache API page {tag}", "ours")
            search = T["search"].row(f"xetcache text search {tag}", "ours")
            for r in (fl_hit, ours_hit, ours_first):
                r.vs = None
            counter = [0]

            def floor_hit():
                with open(floor_file, "rb") as f:
                    return pickle.loads(f.read())

            def floor_miss(base=base):
                counter[0] += 1
                common.floor_write(os.path.join(base, f"floor-{counter[0]}.bin"), pickle.dumps(value))

            def ours_hit_fn(st=st, key=key):
                m = st.lookup(key)
                got = st.load_variables(m)["result"]
                st.record_hit(key, m["runtime_s"])
                return got

            def ours_miss_fn(st=st):
                counter[0] += 1
                k = hashlib.sha256(f"new-{counter[0]}-{random.random()}".encode()).hexdigest()
                st.save(key=k, kind="cell", variables={"result": value}, outputs=None, runtime_s=5.0,
                        source={"code_sha256": "e" * 64, "preview": "new"}, inputs={}, outputs_names=["result"],
                        namespace=None)

            def ls_scan(base=base):
                t = time.perf_counter()
                n = 0
                with os.scandir(os.path.join(base, ".xetcache", "entries")) as shards:
                    for d in shards:
                        with os.scandir(d.path) as files:
                            n += sum(1 for _ in files)
                return time.perf_counter() - t

            q = f"slow_step(data, {size // 2 + 1})"
            idx_out = os.path.join(base, "index.json")

            def index_side(r, base=base, size=size, q=q, idx_out=idx_out, tag=tag,
                           ls_warm=ls_warm, ls_first=ls_first, api=api, search=search):
                def go():
                    cmd = ["npx", "tsx", os.path.join(common.BENCH, "growth-index.ts"), "--store",
                           os.path.join(base, ".xetcache"), "--q", q, "--n", "1", "--out", idx_out]
                    p = subprocess.run(cmd, cwd=common.ROOT, capture_output=True, text=True, timeout=1800)
                    if p.returncode != 0:
                        raise RuntimeError(p.stderr.strip()[-400:])
                    with open(idx_out) as f:
                        got = json.load(f)
                    if got["total"] < size:
                        raise RuntimeError(f"the index shows {got['total']} entries, expected >= {size}")
                    ls_first.add(got["ls_first"][0])
                    ls_warm.add(got["ls"][0])
                    api.samples.extend([statistics.median(got["api_page_ms"])])
                    search.samples.extend([statistics.median(got["search_ms"])])
                common.guarded(api, go)

            def first_cell(r, base=base, ours_first=ours_first, ours_again=ours_again, size=size):
                def go():
                    got = kernel_run(base, KERNEL_CODE)
                    if got["new_hits"] != 2:
                        raise RuntimeError(f"the toggled cell was not a hit twice ({got['new_hits']} hits logged)")
                    ours_again.add(got["again"] * 1e3)
                    return got["first"] * 1e3
                common.guarded(ours_first, go)

            contenders[f"floor-hit{size}"] = lambda r, row=fl_hit, fn=floor_hit: row.add(common.median_call_ms(fn, calls))
            contenders[f"floor-miss{size}"] = lambda r, row=fl_miss, fn=floor_miss: row.add(common.median_call_ms(fn, calls))
            contenders[f"floor-ls{size}"] = lambda r, row=fl_ls, fn=ls_scan: row.add(fn())
            contenders[f"ours-hit{size}"] = lambda r, row=ours_hit, fn=ours_hit_fn: common.guarded(
                row, lambda: common.median_call_ms(fn, calls))
            contenders[f"ours-miss{size}"] = lambda r, row=ours_miss, fn=ours_miss_fn: common.guarded(
                row, lambda: common.median_call_ms(fn, calls))
            contenders[f"index{size}"] = index_side
            contenders[f"first{size}"] = first_cell

            for name in GROWTH_PEERS:
                d = os.path.join(base, name)
                p = peers.make(name, d)
                hrow = T["hit"].row(f"{p.label} {tag}", "peer", p.note)
                mrow = T["miss"].row(f"{p.label} {tag}", "peer")
                frow = T["first"].row(f"{p.label}: first hit, fresh process {tag}", "peer")
                fillrow = T["fill"].row(f"{p.label} {tag}", "info", "through its API")
                fn = None
                try:
                    # filled in a fresh process: a second joblib.Memory of the same function in one process does
                    # not write its func_code.py, and a fresh process would then see "changed code" and re-run
                    got = common.child({"op": "fill", "peer": name, "dir": d, "n": size, "budget_s": FILL_BUDGET_S},
                                       timeout=FILL_BUDGET_S * 3)
                    if got["over_budget"]:
                        raise TimeoutError(f"n/a: filling through its API passed {FILL_BUDGET_S} s at {got['n']:,} "
                                           f"entries ({got['s'] / got['n'] * 1e3:.1f} ms each)")
                    fillrow.add(got["s"])
                    fn = p.memo(benchfuncs.make)
                except Exception as e:  # noqa: BLE001
                    for row in (hrow, mrow, frow, fillrow):
                        row.error = str(e) if isinstance(e, TimeoutError) else f"{type(e).__name__}: {e}"[:200]
                    continue
                ctr = [0]

                def miss(fn=fn, ctr=ctr):
                    ctr[0] += 1
                    fn(f"new-{ctr[0]}")

                contenders[f"{name}-hit{size}"] = lambda r, row=hrow, fn=fn: common.guarded(
                    row, lambda: common.median_call_ms(lambda: fn(f"k{size // 2}"), calls))
                contenders[f"{name}-miss{size}"] = lambda r, row=mrow, fn=miss: common.guarded(
                    row, lambda: common.median_call_ms(fn, calls))
                contenders[f"{name}-first{size}"] = lambda r, row=frow, name=name, d=d, size=size: common.guarded(
                    row, lambda: common.child({"op": "hit", "peer": name, "dir": d, "arg": f"k{size // 3}"})["s"] * 1e3)
        common.interleave(cfg.n, contenders)
        # growth ratios: each contender's figure at the larger size over the smaller one
        for tab in T.values():
            by = {}
            for row in tab.rows:
                for i, s in enumerate(sizes):
                    suffix = f" @{s:,}"
                    if row.label.endswith(suffix) and row.samples:
                        by.setdefault(row.label[:-len(suffix)], {})[i] = statistics.median(row.samples)
            parts = [f"{k} {v[1] / v[0]:.2f}x" for k, v in by.items() if 0 in v and 1 in v and v[0] > 0]
            if parts:
                tab.note = f"growth {sizes[0]:,} -> {sizes[1]:,} (median at the larger / at the smaller): " + \
                    "; ".join(parts)
            # ratios against the floor of the same size
            for row in tab.rows:
                for s in sizes:
                    suffix = f" @{s:,}"
                    if row.label.endswith(suffix) and row.kind != "floor":
                        fl = [x for x in tab.rows if x.kind == "floor" and x.label.endswith(suffix)]
                        row.vs = fl[0].label if fl else None
    finally:
        common.rm(root)
    res.notes.append(f"peers at scale: {', '.join(GROWTH_PEERS)}; marimo and hf_xet are not filled to "
                     f"{sizes[1]:,} entries here (not measured at scale); no peer has an index, "
                     "listing or text search, so those rows are ours alone")
    return res


if __name__ == "__main__":
    common.main(run)
