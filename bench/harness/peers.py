"""XetCache and its peers behind one interface: `Peer(dir).memo(fn)` returns fn memoized into a store in `dir`.

Every peer is used through its own public API with its defaults, except where a default would make the figure
meaningless (said in `note`). The same `dir` in a fresh process finds the same entries.

  xetcache   @xetcache.xetmemo_always (key: code + fingerprints of the arguments; objects fsync'ed; hits verified)
  joblib     joblib.Memory(dir).cache
  diskcache  diskcache.Cache(dir).memoize()            (size_limit raised: the 1 GiB default would evict)
  cachier    cachier(cache_dir=dir, backend="pickle", separate_files=True)
  marimo     marimo.persistent_cache(save_path=dir)    (used outside a marimo notebook, as a decorator)
  original   the original xetcache's @xetmemo_always, run from its source when XETCACHE_ORIGINAL_SRC names a
             checkout of github.com/xetdata/xetcache (its imports of pyxet/fsspec stubbed: only local paths are
             used); otherwise "the original approach" re-done here: key = sha256(pickle.dumps([fn, args, kwargs])),
             value = one pickle file <key>.pickle, a line printed on every load and store, as it does
  hf_xet     Hugging Face's Xet storage client against its local CAS (endpoint local://dir): upload_bytes of the
             value's pickle-5 stream and buffers (content-defined chunks, deduplicated, compressed), a small index
             file per key; a hit downloads the parts to temp files and reads them back. It has no key of its own
             for Python values; here it is sha256 of the pickled arguments
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import importlib.util
import io
import json
import logging
import os
import pickle
import sys
import types
import warnings
from typing import Any, Callable, Dict, List, Optional

warnings.filterwarnings("ignore", category=DeprecationWarning, message=r"hf_xet\.")

ORDER = ["xetcache", "joblib", "diskcache", "cachier", "marimo", "original", "hf_xet"]


class Peer:
    name = ""
    label = ""
    note = ""
    kind = "peer"

    def __init__(self, path: str) -> None:
        self.path = path
        os.makedirs(path, exist_ok=True)

    def memo(self, fn: Callable) -> Callable:
        raise NotImplementedError


class XetCache(Peer):
    name, label, kind = "xetcache", "xetcache (ours) @xetmemo", "ours"
    note = "objects fsync'ed, every hit hash-verified"

    def memo(self, fn):
        import xetcache

        xetcache.set_memo_path(os.path.join(self.path, ".xetcache"))
        return xetcache.xetmemo_always(fn)


class Joblib(Peer):
    name, label = "joblib", "joblib.Memory"
    note = "no fsync, no verification"

    def memo(self, fn):
        import joblib

        return joblib.Memory(self.path, verbose=0).cache(fn)


class DiskCache(Peer):
    name, label = "diskcache", "diskcache memoize"
    note = "values > 32 KiB as pickle files, keys in SQLite; no fsync of value files"

    def memo(self, fn):
        import diskcache

        self.cache = diskcache.Cache(self.path, size_limit=1 << 50)
        return self.cache.memoize()(fn)


class Cachier(Peer):
    name, label = "cachier", "cachier (pickle, separate files)"
    note = "one pickle file per entry; no fsync"

    def memo(self, fn):
        from cachier import cachier

        return cachier(cache_dir=self.path, backend="pickle", separate_files=True)(fn)


class Marimo(Peer):
    name, label = "marimo", "marimo persistent_cache"
    note = "outside a marimo notebook; pickle files"

    def memo(self, fn):
        logging.getLogger("marimo").setLevel(logging.ERROR)
        for h in list(logging.root.handlers):
            h.setLevel(logging.ERROR)
        import marimo as mo

        with contextlib.redirect_stderr(io.StringIO()):
            return _marimo_decorate(mo, fn, self.path)


def _marimo_decorate(mo: Any, fn: Callable, path: str) -> Callable:
    # marimo reads the decorating frame's scope; a plain function frame of an imported module is what it expects
    return mo.persistent_cache(save_path=path)(fn)


_original: Optional[types.ModuleType] = None


def original_source() -> Optional[str]:
    src = os.environ.get("XETCACHE_ORIGINAL_SRC")
    return src if src and os.path.isfile(os.path.join(src, "xetcache", "__init__.py")) else None


def load_original() -> Optional[types.ModuleType]:
    """The original xetcache package from its source (imported as `xetcache_original`), or None."""
    global _original
    src = original_source()
    if src is None:
        return None
    if _original is None:
        for dep in ("pyxet", "fsspec"):  # cloud-only dependencies: pyxet is not installable any more
            try:
                importlib.import_module(dep)
            except ImportError:
                sys.modules[dep] = types.ModuleType(dep)
        pkg = os.path.join(src, "xetcache")
        spec = importlib.util.spec_from_file_location("xetcache_original", os.path.join(pkg, "__init__.py"),
                                                      submodule_search_locations=[pkg])
        assert spec and spec.loader
        mod = importlib.util.module_from_spec(spec)
        sys.modules["xetcache_original"] = mod
        spec.loader.exec_module(mod)
        _original = mod
    return _original


_DEVNULL = open(os.devnull, "w")


class Original(Peer):
    name = "original"

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.mod = load_original()
        if self.mod is not None:
            self.label = "original xetcache (its source)"
            self.note = "no fsync, no verification, key ignores the function's code"
        else:
            self.label = "original approach (re-done)"
            self.note = ("its source was not available (XETCACHE_ORIGINAL_SRC unset): sha256(pickle) key + one "
                         "pickle file; no fsync, no verification, key ignores the function's code")

    def memo(self, fn):
        if self.mod is not None:
            self.mod.set_memo_path(self.path)
            if hasattr(self.mod, "xetmemo_always"):  # its first releases
                inner = self.mod.xetmemo_always(fn)
            else:  # later: @xetmemo(always=True)
                inner = self.mod.xetmemo(always=True)(fn)
        else:
            inner = _original_approach(fn, self.path)

        @functools.wraps(fn)
        def call(*args, **kwargs):
            with contextlib.redirect_stdout(_DEVNULL):  # it prints a line on every load and store
                return inner(*args, **kwargs)

        return call


def _original_approach(fn: Callable, path: str) -> Callable:
    def wrapper(*args, **kwargs):
        # the function by reference (module + name: its code is not in the key), then the arguments
        name = hashlib.sha256(pickle.dumps([pickle.dumps(fn), args, kwargs])).hexdigest() + ".pickle"
        full = os.path.join(path, name)
        if os.path.exists(full):
            with open(full, "rb") as f:
                print(f"Loading from {name}")
                got = pickle.load(f)
            if "RETVAL" in got:
                return got["RETVAL"]
        ret = fn(*args, **kwargs)
        os.makedirs(path, exist_ok=True)
        with open(full, "wb") as f:
            print(f"Writing to {name}")
            pickle.dump({"RETVAL": ret}, f)
        return ret

    return wrapper


class HfXet(Peer):
    name, label = "hf_xet", "hf_xet local CAS"
    note = "chunk-deduplicated, compressed xorbs; hit = download to temp files + read"

    def memo(self, fn):
        import hf_xet

        endpoint = "local://" + os.path.join(self.path, "cas")
        index = os.path.join(self.path, "index")
        tmp = os.path.join(self.path, "tmp")
        os.makedirs(index, exist_ok=True)
        os.makedirs(tmp, exist_ok=True)
        qual = f"{fn.__module__}.{fn.__qualname__}"

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            key = hashlib.sha256(pickle.dumps([qual, args, kwargs], protocol=5)).hexdigest()
            ipath = os.path.join(index, key + ".json")
            if os.path.exists(ipath):
                with open(ipath) as f:
                    parts = json.load(f)
                infos = [hf_xet.PyXetDownloadInfo(os.path.join(tmp, f"{key}.{i}"), h, n)
                         for i, (h, n) in enumerate(parts)]
                hf_xet.download_files(infos, endpoint, None, None, None)
                blobs: List[bytearray] = []
                for info, (_, n) in zip(infos, parts):
                    buf = bytearray(n)
                    with open(info.destination_path, "rb", buffering=0) as f:
                        view, pos = memoryview(buf), 0
                        while pos < n:
                            pos += f.readinto(view[pos:])
                    os.unlink(info.destination_path)
                    blobs.append(buf)
                return pickle.loads(blobs[0], buffers=blobs[1:])
            ret = fn(*args, **kwargs)
            bufs: List[pickle.PickleBuffer] = []
            stream = pickle.dumps(ret, protocol=5, buffer_callback=bufs.append)
            contents = [stream] + [bytes(b.raw()) if not isinstance(b.raw().obj, bytes) else b.raw().obj
                                   for b in bufs]
            up = hf_xet.upload_bytes(contents, endpoint, None, None, None, "model")
            with open(ipath, "w") as f:
                json.dump([[u.hash, u.file_size] for u in up], f)
            return ret

        return wrapper


PEERS: Dict[str, type] = {c.name: c for c in (XetCache, Joblib, DiskCache, Cachier, Marimo, Original, HfXet)}


def fastcdc_unique(bufs: Any, avg: int = 16384) -> int:
    """Bytes a FastCDC store would keep for ``bufs`` (content-defined chunks of ``avg`` bytes, each distinct one
    once, uncompressed): the dedup estimate the similar-versions figures are set against."""
    from pyfastcdc.cy import FastCDC

    cdc, seen, total = FastCDC(avg_size=avg), set(), 0
    for b in bufs:
        for ch in cdc.cut_buf(memoryview(b).cast("B")):
            h = hashlib.sha256(ch.data).digest()
            if h not in seen:
                seen.add(h)
                total += ch.length
    return total


def make(name: str, path: str) -> Peer:
    return PEERS[name](path)


def original_cell_magic(ip: Any, memopath: str) -> str:
    """Register the original's `%%xetmemo input=.. output=..` in `ip` under the name `xetmemo_original` (from its
    source when available, else the approach re-done: sha256 of the line, the cell and each input's pickle; one
    pickle file of the outputs; a line printed on a hit). Returns which one was registered."""
    cell_magics = ip.magics_manager.magics["cell"]
    ours = cell_magics.get("xetmemo")
    with contextlib.redirect_stdout(io.StringIO()):
        mod = load_original()  # importing it registers its %%xetmemo in the running IPython, over ours
    if ours is not None:
        cell_magics["xetmemo"] = ours
    if mod is not None:
        mod.set_memo_path(memopath)
        ext = importlib.import_module("xetcache_original.xetmemo_kernel_extension")
        with contextlib.redirect_stdout(io.StringIO()):  # its constructor prints its docstring
            magics = ext.XMemoMagics(shell=ip)
        ip.register_magic_function(magics.xetmemo, "cell", "xetmemo_original")
        return "original xetcache %%xetmemo (its source)"

    def h(x: Any) -> str:
        return hashlib.sha256(pickle.dumps(x)).hexdigest()

    def xetmemo_original(line: str, cell: str) -> None:
        args = dict(a.split("=", 1) for a in line.split())
        ins = [x for x in args.get("input", "").split(",") if x]
        outs = [x for x in args.get("output", "").split(",") if x]
        name = h([h(line), h(cell)] + [h(ip.ev(i)) for i in ins])
        full = os.path.join(memopath, name + ".pickle")
        if os.path.exists(full):
            with open(full, "rb") as f:
                got = pickle.load(f)
            print(f"Retrieving variables {list(got)}")
            ip.user_ns.update(got)
            return
        start = __import__("time").time()
        ret = ip.run_cell(cell)
        if ret.success and (args.get("always") == "True" or __import__("time").time() - start > 3):
            os.makedirs(memopath, exist_ok=True)
            with open(full, "wb") as f:
                pickle.dump({v: ip.user_ns[v] for v in outs}, f)

    ip.register_magic_function(xetmemo_original, "cell", "xetmemo_original")
    return "original %%xetmemo approach (re-done)"
