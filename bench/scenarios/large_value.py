"""A large value stored by a memoized function, then hit in a fresh process: page cache warm (right after the
store) and cold (the store's files dropped from the page cache first, where the kernel lets us).

    python bench/scenarios/large_value.py --out F.json [--quick] [--n N] [--kind array|frame] [--mib M]
Each round: every contender in a rotated order; each stores into a new folder in one fresh process, is hit in a
second (warm), its files' pages are dropped, and it is hit in a third (cold). Timed: the call itself (the process start and
the imports of the library and of numpy/pandas are not), plus one read per 4 KiB page of the result so a lazily mapped result pays its I/O.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))

import common  # noqa: E402
import peers  # noqa: E402


def run(cfg):
    kind = cfg.kind
    mib = cfg.mib or (16 if cfg.quick else (1024 if kind == "array" else 256))
    spec = {"kind": kind, "bytes": mib * common.MIB}
    what = f"{mib} MiB float64 array (random)" if kind == "array" else \
        f"DataFrame of {mib * common.MIB // 48:,} rows (4 float, 1 int, 1 short-string column)"
    res = common.Result(f"large_{kind}", f"Large {'array' if kind == 'array' else 'DataFrame'}: store, and hit "
                        "in a fresh process (warm and cold page cache)", params={"value": what, "mib": mib})
    store = res.table(f"store ({what}): first call, miss + store", "s", floor="floor: write + fsync")
    warm = res.table("hit in a fresh process, page cache warm", "s", floor="floor: readinto (warm)")
    cold = res.table("hit in a fresh process, page cache dropped (cold)", "s", floor="floor: readinto (cold)")
    disk = res.table("disk used by the entry", "bytes", floor="floor: the value's bytes")
    fl = {k: store.row("floor: write + fsync", "floor", common.FLOOR_DOC["write"]) for k in ["w"]}
    fl["wn"] = store.row("write without fsync", "info", common.FLOOR_DOC["write_nosync"])
    fl["rw"] = warm.row("floor: readinto (warm)", "floor", common.FLOOR_DOC["readinto"])
    fl["rc"] = cold.row("floor: readinto (cold)", "floor", common.FLOOR_DOC["readinto"] + ", after the file's "
                        "pages were dropped")
    fl["sha"] = warm.row("sha256 of the bytes (what verifying a hit adds at best)", "info", common.FLOOR_DOC["sha256"])
    if kind == "frame":
        fl["unp"] = warm.row("pickle.loads of the frame's pickle in memory", "info",
                             "rebuilding the object from bytes already in memory: any pickle-based hit pays this too")
    fl["disk"] = disk.row("floor: the value's bytes", "floor",
                          "array: its buffer; DataFrame: its pickle (protocol 5)")
    resident = []

    contenders = {}
    for name in peers.ORDER:
        p = peers.PEERS[name]
        rows = {t: tab.row(p.label if name != "original" else "original", "ours" if name == "xetcache" else "peer")
                for t, tab in (("s", store), ("w", warm), ("c", cold), ("d", disk))}

        def one(r, name=name, rows=rows):
            d = common.tmpdir(cfg, f"{kind}-{name}")
            try:
                ok = {}
                common.guarded(rows["s"], lambda: ok.setdefault("st", common.child(
                    {"op": "store", "peer": name, "dir": d, "value": spec}))["s"])
                if "st" not in ok:
                    return
                rows["d"].samples = [ok["st"]["disk"]]
                common.guarded(rows["w"], lambda: common.child({"op": "hit", "peer": name, "dir": d, "kind": kind})["s"])
                common.drop_page_cache(d)
                frac = common.resident_fraction(d)
                if frac is not None:
                    resident.append(frac)
                common.guarded(rows["c"], lambda: common.child({"op": "hit", "peer": name, "dir": d, "kind": kind})["s"])
            finally:
                common.rm(d)

        contenders[name] = one

    def floors(r):
        d = common.tmpdir(cfg, f"{kind}-floor")
        try:
            f = common.child({"op": "floors", "dir": d, "value": spec})
            fl["w"].add(f["write"])
            fl["wn"].add(f["write_nosync"])
            fl["rw"].add(f["readinto_warm"])
            fl["rc"].add(f["readinto_cold"])
            fl["sha"].add(f["sha256"])
            fl["disk"].samples = [f["bytes"]]
            if "unp" in fl and "unpickle" in f:
                fl["unp"].add(f["unpickle"])
            if f.get("resident_after_drop") is not None:
                resident.append(f["resident_after_drop"])
        finally:
            common.rm(d)

    contenders["floor"] = floors
    common.interleave(cfg.n, contenders)
    # the peers' names in the tables: the original's label depends on whether its source was found
    orig = peers.Original.__new__(peers.Original)
    orig_label = "original xetcache (its source)" if peers.original_source() else "original approach (re-done)"
    for tab in (store, warm, cold, disk):
        for row in tab.rows:
            if row.label == "original":
                row.label = orig_label
    del orig
    for name in peers.ORDER:
        p = peers.PEERS[name]
        if p.note:
            res.notes.append(f"{p.label if name != 'original' else orig_label}: {p.note}")
    if resident:
        res.notes.append(f"cold: after dropping, at most {max(resident):.0%} of the files' bytes were still in the "
                         "page cache (fincore)")
    else:
        res.notes.append("cold: fincore is missing, so whether the pages were really dropped is not checked; compare "
                         "the cold floor with the warm one")
    return res


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(add_help=False)
    ap.add_argument("--kind", default="array", choices=["array", "frame"])
    ap.add_argument("--mib", type=int, default=None)
    extra, rest = ap.parse_known_args()
    sys.argv = [sys.argv[0]] + rest

    def runner(cfg):
        cfg.kind, cfg.mib = extra.kind, extra.mib
        return run(cfg)

    common.main(runner)
