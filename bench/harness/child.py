"""One benchmark operation in a fresh Python process (bench/harness/common.child runs it).

    python bench/harness/child.py '<op JSON>' OUT.json
ops:
  store  {peer, dir, value}  make the value (untimed), then time the memoized function's first call (miss + store)
  hit    {peer, dir, func}   time the first call in this process (must be a hit) + one read per page of the result
  fill   {peer, dir, n, budget_s}  n small entries k0..k<n-1> through the peer's API (stops past the budget)
  floors {dir, value}        the physical floors for the value's bytes: write+fsync, write without fsync, readinto
                             warm, readinto after the file's pages were dropped (cold), sha256
"""

import json
import os
import sys
import time
import traceback


def main():
    op, out = json.loads(sys.argv[1]), sys.argv[2]
    try:
        ans = run(op)
    except Exception:
        ans = {"error": traceback.format_exc(limit=4).strip().splitlines()[-1]}
    with open(out, "w") as f:
        json.dump(ans, f)


def run(op):
    import common
    from values import make_value

    if op["op"] == "floors":
        import numpy as np

        value = make_value(op["value"])
        if isinstance(value, np.ndarray):
            buf = value
        else:  # a table: the bytes any store must write for it, its pickle (protocol 5, in-band)
            import pickle

            buf = pickle.dumps(value, protocol=5)
        path = os.path.join(op["dir"], "floor.bin")
        res = {"write": common.floor_write(path, buf)}
        target = bytearray(os.path.getsize(path))
        target[::4096] = b"\1" * len(target[::4096])  # touched: page faults of the target are not the floor's
        res["readinto_warm"] = common.floor_readinto(path, target)
        common.drop_page_cache(path)
        res["resident_after_drop"] = common.resident_fraction(path)
        res["readinto_cold"] = common.floor_readinto(path, target)
        res["sha256"] = common.floor_sha256(buf)
        os.unlink(path)
        res["write_nosync"] = common.floor_write(path, buf, sync=False)
        os.unlink(path)
        res["bytes"] = int(memoryview(buf).nbytes)
        if not isinstance(value, np.ndarray):  # rebuilding the object: what any pickle-based hit pays on top
            import pickle

            del value
            t = time.perf_counter()
            pickle.loads(buf)
            res["unpickle"] = time.perf_counter() - t
        return res

    import benchfuncs
    import peers

    # the libraries the value needs are imported before the clock starts, as in a session that made it
    import numpy  # noqa: F401

    if op.get("kind") == "frame" or op.get("value", {}).get("kind") == "frame":
        import pandas  # noqa: F401

    t0 = time.perf_counter()
    peer = peers.make(op["peer"], op["dir"])
    fn = peer.memo(getattr(benchfuncs, op.get("func", "make")))
    setup_s = time.perf_counter() - t0
    if op["op"] == "store":
        sys._xc_bench_value = make_value(op["value"])
        t = time.perf_counter()
        fn(op.get("arg", "v"))
        s = time.perf_counter() - t
        if benchfuncs.runs() != 1:
            raise RuntimeError("the first call did not run the function")
        return {"s": s, "setup_s": setup_s, "disk": common.disk_bytes(op["dir"])}
    if op["op"] == "fill":  # n small entries through the peer's API, within a time budget
        sys._xc_bench_value = make_value({"kind": "small", "bytes": 0})
        t = time.perf_counter()
        for i in range(op["n"]):
            fn(f"k{i}")
            if time.perf_counter() - t > op["budget_s"]:
                return {"s": time.perf_counter() - t, "n": i + 1, "over_budget": True}
        return {"s": time.perf_counter() - t, "n": op["n"], "over_budget": False}
    if op["op"] == "hit":
        sys.__dict__.pop("_xc_bench_value", None)  # a hit must not need it (a run would fail without it)
        t = time.perf_counter()
        got = fn(op.get("arg", "v"))
        common.touch_pages(got)
        s = time.perf_counter() - t
        if benchfuncs.runs() != 0:
            raise RuntimeError("not a hit: the function ran")
        if got is None:
            raise RuntimeError("the hit returned None")
        return {"s": s, "setup_s": setup_s}
    raise ValueError(op["op"])


if __name__ == "__main__":
    main()
