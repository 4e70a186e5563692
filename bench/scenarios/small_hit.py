"""A small hit (~9 KiB result) of a memoized function, in one warm process: XetCache's engine path and @xetmemo
against every peer, and the floor (open + read + close of the value's pickle file, then pickle.loads).

Each round runs every contender CALLS times (order rotated per round); a round's figure is the median of its
calls; the table gives the median, min and max of the N round medians, in ms.
"""

import hashlib
import os
import pickle
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))

import common  # noqa: E402
import peers  # noqa: E402
from values import make_value  # noqa: E402


def run(cfg):
    import benchfuncs
    from xetcache import Storage, cell_key, fingerprint

    calls = 30 if cfg.quick else 300
    tmp = common.tmpdir(cfg, "small")
    value = make_value({"kind": "small", "bytes": 0})
    sys._xc_bench_value = value
    res = common.Result("small_hit", "Small hit (~9 KiB result) in a warm process",
                        params={"value_bytes": len(pickle.dumps(value)), "calls_per_round": calls})
    tab = res.table(f"hit latency, median of {calls} calls per round", "ms", floor="floor: read file + unpickle")
    contenders = {}
    try:
        # the floor: the least any file-backed hit does
        fpath = os.path.join(tmp, "floor.pickle")
        with open(fpath, "wb") as f:
            pickle.dump(value, f)

        def floor_hit():
            with open(fpath, "rb") as f:
                return pickle.loads(f.read())

        row = tab.row("floor: read file + unpickle", "floor", "open, read, close the value's pickle file, then "
                      "pickle.loads (no key, no lookup, no verification)")
        contenders["floor"] = lambda r, row=row: row.add(common.median_call_ms(floor_hit, calls))

        # the engine path as the cell engine uses it: fingerprint + key + lookup + verified load + hit log
        inputs = {"params": {f"p{i}": i * 0.5 for i in range(100)}, "name": "experiment-7", "seed": 42}
        code = "result = train(params, name, seed)\n"
        st = Storage(os.path.join(tmp, "engine", ".xetcache"))
        fps = {k: fingerprint(v, k) for k, v in inputs.items()}
        key = cell_key(code, fps, ["result"], None)
        st.save(key=key, kind="cell", variables={"result": value}, outputs=None, runtime_s=5.0,
                source={"code_sha256": hashlib.sha256(code.encode()).hexdigest(), "preview": code}, inputs=fps,
                outputs_names=["result"], namespace=None)

        def engine_hit():
            k = cell_key(code, {n: fingerprint(v, n) for n, v in inputs.items()}, ["result"], None)
            m = st.lookup(k)
            got = st.load_variables(m)["result"]
            st.record_hit(k, m["runtime_s"])
            return got

        row = tab.row("xetcache (ours) engine: fingerprint + key + lookup + verified load + hit log", "ours")
        contenders["engine"] = lambda r, row=row: common.guarded(row, lambda: common.median_call_ms(engine_hit, calls))

        for name in peers.ORDER:
            p = peers.make(name, os.path.join(tmp, name))
            row = tab.row(p.label, "ours" if name == "xetcache" else "peer", p.note)
            fn = None

            def prepare(p=p):
                f = p.memo(benchfuncs.make)
                f("small")  # miss + store
                before = benchfuncs.runs()
                f("small")
                if benchfuncs.runs() != before:
                    raise RuntimeError("the second call ran: no hit")
                return f

            try:
                fn = prepare()
                for _ in range(min(20, calls)):  # warm-up: first-call costs are not the steady state
                    fn("small")
            except Exception as e:  # noqa: BLE001
                row.error = f"{type(e).__name__}: {e}"[:200]
            contenders[name] = (lambda r, row=row, fn=fn:
                                common.guarded(row, lambda: common.median_call_ms(lambda: fn("small"), calls)))
        common.interleave(cfg.n, contenders)
    finally:
        common.rm(tmp)
    return res


if __name__ == "__main__":
    common.main(run, defaults_n=5)
