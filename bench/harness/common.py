"""What every benchmark scenario shares: timing, interleaved rounds, statistics, the physical floors, dropping a
folder's pages from the page cache, fresh-process runs, and the result document the report is made from.

A scenario module (bench/scenarios/*.py) has `run(cfg) -> Result` and is run by bench/run.py in its own process:
    python bench/scenarios/<name>.py --out FILE.json [--quick] [--n N]
Figures only; nothing here asserts anything about time.
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
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
ROOT = os.path.dirname(BENCH)
# the engine measured: the working tree's, or a snapshot of it at a commit (bench/run.py --engine REV)
PKG = os.environ.get("XETCACHE_BENCH_PKG") or os.path.join(ROOT, "packages", "python")
for p in (HERE, PKG):
    if p not in sys.path:
        sys.path.insert(0, p)

MIB = 1 << 20
GIB = 1 << 30
BLOCK = 64 * MIB  # the floors' block size: large enough that the syscall count does not matter


def load() -> List[float]:
    return [round(x, 2) for x in os.getloadavg()]


# ---------------------------------------------------------------------------------------------------------------
# results


@dataclass
class Row:
    label: str
    kind: str  # "ours" | "peer" | "floor" | "info"
    samples: List[float] = field(default_factory=list)
    note: str = ""
    error: Optional[str] = None  # set when the contender could not run this (n/a + why)
    vs: Optional[str] = None  # label of this row's own floor (when the table has several, e.g. one per size)

    def add(self, x: float) -> None:
        self.samples.append(float(x))

    def doc(self) -> Dict[str, Any]:
        d: Dict[str, Any] = {"label": self.label, "kind": self.kind, "note": self.note, "n": len(self.samples)}
        if self.error:
            d["error"] = self.error
        if self.vs:
            d["vs"] = self.vs
        if self.samples:
            d.update(median=statistics.median(self.samples), min=min(self.samples), max=max(self.samples),
                     samples=self.samples)
        return d


@dataclass
class Table:
    title: str
    unit: str  # "s" | "ms" | "bytes"
    floor: Optional[str] = None  # label of the row the ratios are taken against
    rows: List[Row] = field(default_factory=list)
    note: str = ""

    def row(self, label: str, kind: str = "peer", note: str = "") -> Row:
        for r in self.rows:
            if r.label == label:
                return r
        r = Row(label, kind, note=note)
        self.rows.append(r)
        return r

    def doc(self) -> Dict[str, Any]:
        return {"title": self.title, "unit": self.unit, "floor": self.floor, "note": self.note,
                "rows": [r.doc() for r in self.rows]}


@dataclass
class Result:
    scenario: str
    title: str
    params: Dict[str, Any] = field(default_factory=dict)
    tables: List[Table] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)

    def table(self, title: str, unit: str, floor: Optional[str] = None, note: str = "") -> Table:
        t = Table(title, unit, floor, note=note)
        self.tables.append(t)
        return t


def main(run: Callable[[argparse.Namespace], Result], defaults_n: int = 3) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true", help="small sizes, one repetition")
    ap.add_argument("--n", type=int, default=None, help="repetitions (rounds) per contender")
    ap.add_argument("--tmp", default=None, help="folder for the stores (default: the system temp dir)")
    cfg = ap.parse_args()
    if cfg.n is None:
        cfg.n = 1 if cfg.quick else defaults_n
    before = load()
    t0 = time.perf_counter()
    doc: Dict[str, Any]
    try:
        res = run(cfg)
        doc = {"scenario": res.scenario, "title": res.title, "params": res.params, "notes": res.notes,
               "tables": [t.doc() for t in res.tables]}
    except Exception:
        doc = {"scenario": os.path.basename(sys.argv[0])[:-3], "error": traceback.format_exc()}
    xc = sys.modules.get("xetcache")
    doc.update(engine=os.path.dirname(getattr(xc, "__file__", "") or "") or None, quick=cfg.quick, n=cfg.n, load_before=before, load_after=load(), cores=os.cpu_count(),
               wall_s=round(time.perf_counter() - t0, 1))
    with open(cfg.out, "w") as f:
        json.dump(doc, f, indent=1)
    if "error" in doc:
        print(doc["error"], file=sys.stderr)
        sys.exit(1)


def interleave(n: int, contenders: Dict[str, Callable[[int], None]]) -> None:
    """Run every contender once per round, n rounds, the order rotated each round so drift and load hit all
    alike. Each callable gets the round number and records its own samples."""
    names = list(contenders)
    for r in range(n):
        k = r % len(names) if names else 0
        for name in names[k:] + names[:k]:
            contenders[name](r)


def guarded(row: Row, fn: Callable[[], Optional[float]]) -> None:
    """Run one measurement; a contender that cannot do it gets an error (n/a with the reason), not a crash."""
    if row.error:
        return
    try:
        x = fn()
        if x is not None:
            row.add(x)
    except Exception as e:  # noqa: BLE001 - any failure of a peer is reported as what it is
        row.error = f"{type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}"


def timed(fn: Callable[[], Any]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def tmpdir(cfg: argparse.Namespace, prefix: str) -> str:
    return tempfile.mkdtemp(prefix=f"xc-bench-{prefix}-", dir=cfg.tmp)


def rm(path: str) -> None:
    shutil.rmtree(path, ignore_errors=True)


# ---------------------------------------------------------------------------------------------------------------
# disk and page cache


def files_under(path: str) -> List[str]:
    out = []
    for root, _, names in os.walk(path):
        out.extend(os.path.join(root, n) for n in names)
    return out


def disk_bytes(path: str) -> int:
    """Bytes the folder takes on disk (allocated blocks, as du counts them; hard links once)."""
    seen, total = set(), 0
    for p in files_under(path):
        try:
            st = os.lstat(p)
        except FileNotFoundError:
            continue
        if (st.st_dev, st.st_ino) in seen:
            continue
        seen.add((st.st_dev, st.st_ino))
        total += st.st_blocks * 512
    return total


def drop_page_cache(path: str) -> None:
    """Evict a folder's (or one file's) pages from the page cache: fdatasync each file (dirty pages cannot be
    dropped), then posix_fadvise(DONTNEED). Per file, so nobody else's cache on this shared machine is touched;
    needs no root (unlike /proc/sys/vm/drop_caches)."""
    for p in [path] if os.path.isfile(path) else files_under(path):
        try:
            fd = os.open(p, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fdatasync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        except OSError:
            pass
        finally:
            os.close(fd)


def resident_fraction(path: str) -> Optional[float]:
    """Fraction of a folder's bytes in the page cache (util-linux fincore), None when fincore is missing."""
    files = [p for p in ([path] if os.path.isfile(path) else files_under(path)) if os.path.getsize(p) > 0]
    if not files or not shutil.which("fincore"):
        return None
    try:
        out = subprocess.run(["fincore", "-b", "-n", "-o", "RES,SIZE", *files], capture_output=True, text=True,
                             timeout=60).stdout
        res = size = 0
        for line in out.splitlines():
            a, b = line.split()
            res, size = res + int(a), size + int(b)
        return res / size if size else None
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


# ---------------------------------------------------------------------------------------------------------------
# the physical floors: the best this hardware does for the same bytes


def floor_write(path: str, buf: Any, sync: bool = True) -> float:
    """Large-block writes (64 MiB) of the bytes to a new file + fsync; seconds. sync=False: the same writes without
    fsync (the bytes only reach the page cache): what a store that does not make its data durable can at best do."""
    mv = memoryview(buf).cast("B")
    t = time.perf_counter()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        pos = 0
        while pos < len(mv):
            pos += os.write(fd, mv[pos:pos + BLOCK])
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)
    return time.perf_counter() - t


def median_call_ms(fn: Any, calls: int) -> float:
    """Median wall time of ``calls`` calls of ``fn``, in ms (each call timed alone)."""
    xs = []
    for _ in range(calls):
        t = time.perf_counter_ns()
        fn()
        xs.append(time.perf_counter_ns() - t)
    return statistics.median(xs) / 1e6


def floor_readinto(path: str, buf: Optional[bytearray] = None) -> float:
    """readinto of the whole file into a preallocated buffer (allocated and touched before the clock starts), in
    64 MiB blocks; seconds."""
    size = os.path.getsize(path)
    if buf is None or len(buf) < size:
        buf = bytearray(size)
    view = memoryview(buf)
    t = time.perf_counter()
    with open(path, "rb", buffering=0) as f:
        pos = 0
        while pos < size:
            n = f.readinto(view[pos:min(size, pos + BLOCK)])
            if not n:
                break
            pos += n
    return time.perf_counter() - t


def floor_sha256(buf: Any) -> float:
    """sha256 of the bytes already in memory; seconds."""
    t = time.perf_counter()
    hashlib.sha256(memoryview(buf).cast("B")).digest()
    return time.perf_counter() - t


FLOOR_DOC = {
    "write": "large-block writes (64 MiB os.write calls) of the same bytes to a new file, then one fsync",
    "write_nosync": "the same writes without fsync (bytes only in the page cache; shown because most peers never "
                    "fsync)",
    "readinto": "readinto of the whole file into a preallocated, already touched buffer in 64 MiB blocks",
    "sha256": "hashlib.sha256 over the buffer in memory (one pass, no copy)",
}


def touch_pages(value: Any) -> None:
    """Read one byte per 4 KiB page of a restored value's buffers, so a lazily mapped result pays its I/O inside
    the timed hit, as the user's first use of it would."""
    import numpy as np

    arrays = []
    if isinstance(value, np.ndarray):
        arrays = [value]
    else:
        try:
            import pandas as pd

            if isinstance(value, pd.DataFrame):
                arrays = [np.asarray(value[c]) for c in value.columns if value[c].dtype.kind in "biufcmM"]
        except ImportError:
            pass
    for a in arrays:
        if a.flags.c_contiguous and a.nbytes:
            b = a.reshape(-1).view(np.uint8)
            int(b[::4096].sum())


# ---------------------------------------------------------------------------------------------------------------
# fresh processes


def child(op: Dict[str, Any], timeout: float = 1800) -> Dict[str, Any]:
    """Run bench/harness/child.py with one operation in a fresh Python process; returns its JSON answer."""
    fd, out = tempfile.mkstemp(prefix="xc-bench-child-", suffix=".json")
    os.close(fd)
    try:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([HERE, PKG, os.environ.get("PYTHONPATH", "")]))
        r = subprocess.run([sys.executable, os.path.join(HERE, "child.py"), json.dumps(op), out], env=env,
                           capture_output=True, text=True, timeout=timeout)
        with open(out) as f:
            text = f.read()
        if not text:
            raise RuntimeError(f"child exited {r.returncode}: {(r.stderr or r.stdout).strip()[-600:]}")
        ans = json.loads(text)
        if "error" in ans:
            raise RuntimeError(ans["error"])
        return ans
    finally:
        os.unlink(out)
