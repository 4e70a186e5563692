"""Disk used by similar versions of a large value: V versions of an array, each the previous one with a
contiguous 1% slice rewritten and 1% new rows appended (an edited, growing table), each stored as its own entry.

Floors: the first version's bytes plus the bytes each later version changed or added (what a perfect delta store
keeps), and, for scale, content-defined chunking (pyfastcdc, 16 KiB average chunks) over the raw buffers: the
unique chunk bytes a chunk-deduplicating store would keep before compression. Sizes are bytes on disk (allocated
blocks); deterministic, so one run.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))

import common  # noqa: E402
import peers  # noqa: E402


def versions(nbytes, count, seed=0):
    import numpy as np

    rng = np.random.default_rng(seed)
    v = rng.random(nbytes // 8)
    out, delta = [v], [v.nbytes]
    for _ in range(count - 1):
        n = len(v)
        k = max(1, n // 100)
        start = int(rng.integers(0, n - k))
        v = v.copy()
        v[start:start + k] = rng.random(k)
        v = np.concatenate([v, rng.random(k)])
        out.append(v)
        delta.append(2 * k * 8)
    return out, sum(delta)


def run(cfg):
    import benchfuncs

    mib, count = (4, 4) if cfg.quick else (64, 10)
    vs, delta = versions(mib * common.MIB, count)
    logical = sum(v.nbytes for v in vs)
    res = common.Result("similar_versions", "Disk use of similar versions",
                        params={"versions": count, "first_mib": mib, "logical_bytes": logical})
    tab = res.table(f"{count} versions of a {mib} MiB float64 array (1% rewritten + 1% appended each)", "bytes",
                    floor="floor: first version + changed bytes")
    tab.row("floor: first version + changed bytes", "floor", "what a perfect delta store keeps").samples = [delta]
    tab.row("all versions, whole (no dedup)", "info", "sum of the versions' buffers").samples = [logical]
    try:
        tab.row("CDC dedup estimate (pyfastcdc, 16 KiB avg chunks)", "info",
                "unique chunk bytes, uncompressed").samples = [peers.fastcdc_unique(vs)]
    except Exception as e:  # noqa: BLE001
        tab.row("CDC dedup estimate (pyfastcdc, 16 KiB avg chunks)", "info").error = f"{type(e).__name__}: {e}"
    tmp = common.tmpdir(cfg, "versions")
    try:
        for name in peers.ORDER:
            d = os.path.join(tmp, name)
            p = peers.make(name, d)
            row = tab.row(p.label, "ours" if name == "xetcache" else "peer", p.note)

            def store_all(p=p, d=d):
                fn = p.memo(benchfuncs.make)
                for i, v in enumerate(vs):
                    sys._xc_bench_value = v
                    fn(f"v{i}")
                return common.disk_bytes(d)

            common.guarded(row, store_all)
            common.rm(d)
    finally:
        common.rm(tmp)
    return res


if __name__ == "__main__":
    common.main(run, defaults_n=1)
