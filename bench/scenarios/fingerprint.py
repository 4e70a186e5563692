"""The key of a large input: a hit of a memoized function whose argument is a large array and whose result is
tiny, so the hit is almost all the work of keying the argument (plus a lookup). Floor: sha256 of the array's
buffer in memory. XetCache's fingerprint() alone is shown too. One process; N rounds, order rotated.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))

import common  # noqa: E402
import peers  # noqa: E402
from values import make_value  # noqa: E402


def run(cfg):
    import benchfuncs
    from xetcache import fingerprint

    mib = 16 if cfg.quick else 1024
    arr = make_value({"kind": "array", "bytes": mib * common.MIB})
    res = common.Result("fingerprint", "Fingerprint (key) of a large input",
                        params={"value": f"{mib} MiB float64 array (random)"})
    tab = res.table(f"hit of f(a {mib} MiB array) -> small result", "s", floor="floor: sha256 of the buffer")
    tmp = common.tmpdir(cfg, "fp")
    contenders = {}
    try:
        row = tab.row("floor: sha256 of the buffer", "floor", common.FLOOR_DOC["sha256"])
        contenders["floor"] = lambda r, row=row: row.add(common.floor_sha256(arr))
        row = tab.row("xetcache (ours) fingerprint() alone", "info", "the key's share of our hit")
        contenders["fp"] = lambda r, row=row: row.add(common.timed(lambda: fingerprint(arr, "a")))
        for name in peers.ORDER:
            p = peers.make(name, os.path.join(tmp, name))
            row = tab.row(p.label, "ours" if name == "xetcache" else "peer", p.note)
            if name == "hf_xet":
                row.error = "n/a: it stores files by content; it has no key for a Python value"
                continue
            fn = None
            try:
                fn = p.memo(benchfuncs.use)
                fn(arr)
                before = benchfuncs.runs()
                fn(arr)
                if benchfuncs.runs() != before:
                    raise RuntimeError("the second call ran: no hit")
            except Exception as e:  # noqa: BLE001
                row.error = f"{type(e).__name__}: {e}"[:200]
            contenders[name] = lambda r, row=row, fn=fn: common.guarded(row, lambda: common.timed(lambda: fn(arr)))
        common.interleave(cfg.n, contenders)
    finally:
        common.rm(tmp)
    return res


if __name__ == "__main__":
    common.main(run)
