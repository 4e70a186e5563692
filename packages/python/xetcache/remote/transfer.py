"""Moving entries between a store and its remote: fetch (read-through, ``xetcache pull``) and push (write-through,
``xetcache push``). The layout under the remote's prefix (spec/FORMAT.md section 5):

    STORE                            "xetcache-store 1\n"
    entries/<k0k1>/<key>.json        the manifest, byte for byte as in the store that pushed it (written last)
    where/<k0k1>/<key>.json          where each object the entry needs lives: {oid: [pack, offset, size]}
    packs/<pack>                     objects, concatenated (<pack> = "<key of the entry that uploaded it>-<8 hex>")
    index/<pack>.json                what a pack holds: [[oid, offset, size], ...] (written after the pack)

Why packs: an entry's large values are content-defined chunks (~640 KiB each, ~1,650 per GiB). One object per
chunk on the remote would cost one request per chunk both ways, and a request is what object stores charge for in
time; a pack is read with a few large ranged GETs (8 MiB), like any large download. Dedup is kept: a push uploads
only the objects no pack on the remote holds yet (the remote's index/, cached in tmp/remote/index/), in one new
pack, and the entry's where-file points at old packs for the rest.

- Fetch: only the objects an entry needs (store/needed.py) that are not already local; the ranges of one pack are
  coalesced into requests of up to PART bytes, run in parallel; large objects arrive in ranged parts written
  back to disk while they arrive. Every object is hashed before it gets its name (a mismatch is never stored),
  and the manifest is written locally only after all its objects.
- Push: the pack is uploaded first (a multipart upload whose id is journaled in tmp/remote/uploads/, so an
  interrupted push resumes with the missing parts), each object hashed while it is read for the upload (the
  upload is not completed unless every object matches its name); then the pack's index, the where-file, and the
  manifest last, so no reader ever sees an entry whose objects are not all there.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import secrets
import threading
import time
from concurrent.futures import Future
from typing import Any, Callable, Dict, List, Optional, Tuple

from ..errors import BadManifestError, CorruptObjectError
from ..store import atomic, layout, manifest as manifests, objects, safeio
from ..store.needed import needed_oids
from . import credentials as creds_mod
from .config import RemoteConfig
from .s3 import OTHER, Client, RemoteError

PART = int(os.environ.get("XETCACHE_REMOTE_PART_MB", "8")) << 20  # ranged GET / multipart part size
WORKERS = int(os.environ.get("XETCACHE_REMOTE_WORKERS", "10"))
GAP = 1 << 20  # ranges of one pack closer than this are read in one request (the gap is read and dropped)
FLUSH_EVERY = 64 << 20  # a large download starts writing back to disk every this many bytes (see _Flusher)
LOOKUP_TIMEOUT = float(os.environ.get("XETCACHE_REMOTE_LOOKUP_TIMEOUT", "5"))
STATE_DIR = os.path.join("tmp", "remote")  # machine-local state of the remote tier (gitignored with tmp/)
Location = Tuple[str, int, int]  # (pack, offset, size)


class Progress:
    """Thread-safe counters of one transfer, reported to ``report`` at most every ``every`` seconds."""

    def __init__(self, report: Optional[Callable[["Progress"], None]] = None, every: float = 0.5) -> None:
        self.objects = self.objects_done = self.bytes = self.bytes_done = 0
        self.skipped_objects = self.skipped_bytes = self.resumed_bytes = 0
        self.started = time.monotonic()
        self._report, self._every, self._last = report, every, 0.0
        self._lock = threading.Lock()

    def plan(self, objects_: int, nbytes: int) -> None:
        with self._lock:
            self.objects += objects_
            self.bytes += nbytes
        self.tick(force=objects_ > 0)

    def skip(self, nbytes: int) -> None:
        with self._lock:
            self.skipped_objects += 1
            self.skipped_bytes += nbytes

    def resume(self, nbytes: int) -> None:
        """Bytes of an interrupted upload that are on the remote already (not sent again)."""
        with self._lock:
            self.resumed_bytes += nbytes

    def add(self, nbytes: int = 0, objects_: int = 0) -> None:
        with self._lock:
            self.bytes_done += nbytes
            self.objects_done += objects_
        self.tick()

    def tick(self, force: bool = False) -> None:
        if self._report is None:
            return
        now = time.monotonic()
        if force or now - self._last >= self._every:
            self._last = now
            try:
                self._report(self)
            except Exception:
                pass

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    def as_dict(self) -> Dict[str, Any]:
        return {"objects": self.objects, "objects_done": self.objects_done, "bytes": self.bytes,
                "bytes_done": self.bytes_done, "skipped_objects": self.skipped_objects,
                "skipped_bytes": self.skipped_bytes, "resumed_bytes": self.resumed_bytes, "seconds": round(self.seconds, 3)}


class _Pool:
    """Daemon worker threads (a ThreadPoolExecutor's threads would hold up interpreter exit until every queued
    part of a background push is sent; an unfinished push resumes later instead)."""

    def __init__(self, workers: int) -> None:
        self._q: "queue.Queue[Tuple[Callable[[], Any], Future]]" = queue.Queue()
        self._threads = [threading.Thread(target=self._run, name=f"xetcache-remote-{i}", daemon=True)
                         for i in range(max(1, workers))]
        for t in self._threads:
            t.start()

    def _run(self) -> None:
        while True:
            fn, fut = self._q.get()
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                fut.set_result(fn())
            except BaseException as e:  # handed to whoever waits on the future
                fut.set_exception(e)

    def submit(self, fn: Callable[[], Any]) -> Future:
        fut: Future = Future()
        self._q.put((fn, fut))
        return fut


_pools: Dict[Tuple[str, int], _Pool] = {}
_pools_lock = threading.Lock()


def _wait_all(futures: List[Future]) -> None:
    """Wait for every future; raise the first error (after all finished, so no task writes into a removed file)."""
    first: Optional[BaseException] = None
    for f in futures:
        try:
            f.result()
        except BaseException as e:
            first = first or e
    if first is not None:
        raise first


def is_local(store_dir: str, oid: str) -> bool:
    """The object's file is a regular file that is not a Git LFS pointer (its bytes are checked when read)."""
    path = layout.object_path(store_dir, oid)
    try:
        st = os.lstat(path)
    except OSError:
        return False
    import stat as stat_mod
    if not stat_mod.S_ISREG(st.st_mode):
        return False
    return not (st.st_size < objects.POINTER_MAX and objects.is_pointer(path))


def _pack_name_ok(name: Any) -> bool:
    return (isinstance(name, str) and len(name) == 73 and name[64] == "-" and layout.is_hex64(name[:64])
            and all(c in "0123456789abcdef" for c in name[65:]))


def _size_ok(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= manifests.MAX_SIZE


def parse_where(data: bytes, key: str) -> Dict[str, Location]:
    """A where-file, checked: every oid 64 hex, every pack a pack name, offsets and sizes integers."""
    try:
        doc = json.loads(data.decode("utf-8"))
        objs = doc["objects"]
        out = {}
        for oid, loc in objs.items():
            pack, off, size = loc
            if not (layout.is_hex64(oid) and _pack_name_ok(pack) and _size_ok(off) and _size_ok(size)):
                raise ValueError(f"bad location of {oid!r}")
            out[oid] = (pack, off, size)
        if doc.get("key") != key:
            raise ValueError("names another entry")
        return out
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise RemoteError(f"the team cache's where-file of {key[:12]} is invalid ({e})", "EREMOTECORRUPT") from None


def parse_index(data: bytes, pack: str) -> Dict[str, Location]:
    try:
        doc = json.loads(data.decode("utf-8"))
        out = {}
        for oid, off, size in doc["objects"]:
            if not (layout.is_hex64(oid) and _size_ok(off) and _size_ok(size)):
                raise ValueError(f"bad entry {oid!r}")
            out[oid] = (pack, off, size)
        return out
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as e:
        raise RemoteError(f"the team cache's index of pack {pack} is invalid ({e})", "EREMOTECORRUPT") from None


class Remote:
    """One store and its remote."""

    def __init__(self, store_dir: str, cfg: RemoteConfig, credentials: Any = None, timeout: float = 30.0,
                 workers: Optional[int] = None) -> None:
        self.store_dir, self.cfg = os.path.abspath(store_dir), cfg
        region = (cfg.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
                  or creds_mod.profile_region(cfg.profile) or "us-east-1")
        self.client = Client(cfg.bucket, region, cfg.endpoint,
                             credentials if credentials is not None else creds_mod.resolve(cfg.profile),
                             cfg.addressing, timeout)
        self.workers = workers or WORKERS
        self._indexes: Dict[str, Dict[str, Location]] = {}  # pack -> its index (packs never change)

    def _pool(self, kind: str) -> _Pool:
        """The process's pool of this kind and size (shared by every Remote: a Remote made again after an error
        does not start more threads)."""
        with _pools_lock:
            pool = _pools.get((kind, self.workers))
            if pool is None:
                pool = _pools[(kind, self.workers)] = _Pool(self.workers)
            return pool

    @property
    def pool(self) -> _Pool:
        """Workers of fetches (a hit waits on them: never queued behind a background push's parts)."""
        return self._pool("fetch")

    @property
    def push_pool(self) -> _Pool:
        return self._pool("push")

    def manifest_key(self, key: str) -> str:
        return self.cfg.key("entries", key[:2], key + ".json")

    def where_key(self, key: str) -> str:
        return self.cfg.key("where", key[:2], key + ".json")

    def pack_key(self, pack: str) -> str:
        return self.cfg.key("packs", pack)

    def index_key(self, pack: str) -> str:
        return self.cfg.key("index", pack + ".json")

    # ---- reading -------------------------------------------------------------------------------------------
    def get_manifest(self, key: str, timeout: Optional[float] = None, retries: Optional[int] = None
                     ) -> Optional[Dict[str, Any]]:
        """The remote's manifest of ``key`` (validated like a local one: BadManifestError), None when absent."""
        layout.check_id(key, "key")
        data = self.client.get(self.manifest_key(key), timeout=timeout, retries=retries)
        return None if data is None else manifests.parse(data, key)

    def get_where(self, key: str) -> Dict[str, Location]:
        data = self.client.get(self.where_key(key))
        if data is None:
            raise RemoteError(f"the team cache has the manifest of {key[:12]} but not where its objects are "
                              "(an entry pushed by hand?)", "EREMOTECORRUPT")
        return parse_where(data, key)

    def remote_keys(self) -> List[str]:
        """Keys of every entry on the remote."""
        base = self.cfg.key("entries") + "/"
        keys = []
        for name, _ in self.client.list(base):
            rest = name[len(base):]
            if rest.endswith(".json") and "/" in rest:
                key = rest.split("/", 1)[1][:-5]
                if layout.is_hex64(key) and rest.startswith(key[:2] + "/"):
                    keys.append(key)
        return keys

    def fetch(self, key: str, oids: List[str], progress: Optional[Progress] = None,
              where: Optional[Dict[str, Location]] = None) -> Progress:
        """Make the objects ``oids`` of entry ``key`` local (those that are not yet). Raises RemoteError (nothing
        partial is left under an object's name)."""
        progress = progress or Progress()
        todo = [o for o in dict.fromkeys(oids) if layout.check_id(o) and not is_local(self.store_dir, o)]
        if not todo:
            progress.plan(0, 0)
            return progress
        where = where if where is not None else self.get_where(key)
        lost = [o for o in todo if o not in where]
        if lost:
            raise RemoteError(f"the team cache's entry {key[:12]} does not say where {len(lost)} of its objects are",
                              "EREMOTECORRUPT")
        progress.plan(len(todo), sum(where[o][2] for o in todo))
        cancel = threading.Event()
        replaced: List[str] = []
        lock = threading.Lock()
        futures: List[Future] = []
        big: List[_BigDownload] = []
        by_pack: Dict[str, List[Tuple[int, int, str]]] = {}
        for o in todo:
            pack, off, size = where[o]
            if size > PART:
                big.append(_BigDownload(self, o, pack, off, size, progress, cancel))
            else:
                by_pack.setdefault(pack, []).append((off, size, o))

        stored: List[Future] = []
        written: List[Tuple[str, str]] = []  # (object, its tmp file): named only once all are durable
        buffers = threading.BoundedSemaphore(2 * self.workers)  # ranges read and not yet stored, at most

        def store(oid: str, piece: memoryview, done: Callable[[], None]) -> None:
            try:
                if cancel.is_set():
                    return
                if hashlib.sha256(piece).hexdigest() != oid:
                    raise RemoteError(f"object {oid[:12]} from the team cache does not match its name; not stored",
                                      "EREMOTECORRUPT")
                tmp = _write_tmp(self.store_dir, piece)
                with lock:
                    written.append((oid, tmp))
                progress.add(len(piece), 1)
            finally:
                done()

        def run_range(pack: str, start: int, end: int, items: List[Tuple[int, int, str]]) -> None:
            # The network workers only read; hashing, writing and fsync run in the store pool meanwhile, so a
            # worker never waits on the disk while the next range could be arriving.
            if cancel.is_set():
                return
            buffers.acquire()
            left = [len(items)]

            def done() -> None:
                with lock:
                    left[0] -= 1
                    last = left[0] == 0
                if last:
                    buffers.release()

            try:
                buf = bytearray(end - start)
                view = memoryview(buf)
                self.client.get_range_into(self.pack_key(pack), start, view)
            except BaseException:
                buffers.release()
                raise
            for off, size, oid in items:
                fut = self._pool("store").submit(
                    lambda o=oid, p=view[off - start:off - start + size]: store(o, p, done))
                with lock:
                    stored.append(fut)

        try:
            for pack, items in by_pack.items():
                for start, end, group in _coalesce(sorted(set(items))):
                    futures.append(self.pool.submit(lambda p=pack, s=start, e=end, g=group: run_range(p, s, e, g)))
            for b in big:
                futures.append(b.future)
                b.start()
            _wait_all(futures)
            _wait_all(stored)
            # One flush for all the pieces, then their names (the store's rule: no name before its bytes are
            # durable), then one more for the names.
            atomic.sync_files([t for _, t in written], self.store_dir)
            for oid, tmp in written:
                if _name_verified(self.store_dir, oid, tmp):
                    replaced.append(oid)
        except BaseException:
            cancel.set()
            for f in list(stored):  # let pieces being written finish, so their tmp files are removed below
                f.exception()
            raise
        finally:
            for _, tmp in written:
                _unlink_quietly(tmp)
        dirs = sorted({os.path.dirname(layout.object_path(self.store_dir, o)) for o in todo})
        if not atomic.syncfs(self.store_dir):  # the names, like the bytes above: one flush where possible
            _wait_all([self._pool("store").submit(lambda d=d: atomic.fsync_dir(d)) for d in dirs])
        if replaced:
            from ..lfs import hooks as lfs_hooks

            lfs_hooks.objects_replaced(self.store_dir, replaced)  # git's index still has the pointers' sizes
        return progress

    def pull(self, key: str, progress: Optional[Progress] = None, manifest: Optional[Dict[str, Any]] = None
             ) -> Optional[Dict[str, Any]]:
        """Bring one entry: objects, then the manifest. None when the remote has no such entry."""
        m = manifest if manifest is not None else self.get_manifest(key)
        if m is None:
            return None
        self.fetch(key, needed_oids(m), progress)
        write_local_manifest(self.store_dir, m)
        return m

    # ---- writing -------------------------------------------------------------------------------------------
    def has_manifest(self, key: str) -> bool:
        return self.client.head(self.manifest_key(key)) is not None

    def known(self) -> Dict[str, Location]:
        """Where every object the remote holds is: its packs' indexes, each downloaded once per machine and kept
        in tmp/remote/index/ (packs never change: a pack name is never reused)."""
        cache = os.path.join(self.store_dir, STATE_DIR, "index", _slug(self.cfg))
        os.makedirs(cache, exist_ok=True)
        base = self.cfg.key("index") + "/"
        out: Dict[str, Location] = {}
        names = [n[len(base):-5] for n, _ in self.client.list(base) if n.endswith(".json")]
        todo = []
        for pack in names:
            if not _pack_name_ok(pack):
                continue
            got = self._indexes.get(pack)  # read once per process
            if got is None:
                try:
                    got = self._indexes[pack] = parse_index(
                        safeio.read_regular(os.path.join(cache, pack + ".json"), 1 << 28), pack)
                except (OSError, RemoteError):
                    todo.append(pack)
                    continue
            out.update(got)

        def get(pack: str) -> Dict[str, Location]:
            data = self.client.get(self.index_key(pack))
            if data is None:
                return {}
            got = self._indexes[pack] = parse_index(data, pack)
            atomic.write_file(self.store_dir, os.path.join(cache, pack + ".json"), data, overwrite=True)
            return got

        futures = [self.push_pool.submit(lambda p=p: get(p)) for p in todo]
        _wait_all(futures)
        for f in futures:
            out.update(f.result())
        return out

    def push(self, key: str, progress: Optional[Progress] = None) -> Dict[str, Any]:
        """Upload one local entry: a pack of the objects the remote lacks, its index, the where-file, then the
        manifest. Returns what was done."""
        progress = progress or Progress()
        data = safeio.read_regular(layout.manifest_path(self.store_dir, key))
        m = manifests.parse(data, key)
        mkey = self.manifest_key(key)
        if self.client.head(mkey) is not None:
            return {"key": key, "already": True, "pack": None, **progress.as_dict()}
        oids = needed_oids(m)
        sizes: Dict[str, int] = {}
        for oid in oids:
            path = layout.object_path(self.store_dir, oid)
            fd, st = safeio.open_regular(path)
            os.close(fd)
            if st.st_size < objects.POINTER_MAX and objects.is_pointer(path):
                raise RemoteError(f"object {oid[:12]} is only a Git LFS pointer here (`git lfs pull` first); the "
                                  "entry is not pushed", OTHER)
            sizes[oid] = st.st_size
        known = self.known()
        where: Dict[str, Location] = {}
        missing = []
        for oid in oids:
            if oid in known and known[oid][2] == sizes[oid]:
                where[oid] = known[oid]
                progress.skip(sizes[oid])
            else:
                missing.append(oid)
        pack = None
        if missing:
            up = _PackUpload(self, key, [(o, sizes[o]) for o in missing], progress)
            pack = up.run()
            where.update(up.locations)
        doc = {"format": 1, "key": key, "objects": {o: list(where[o]) for o in oids}}
        self.client.put(self.where_key(key), json.dumps(doc, sort_keys=True).encode(), "application/json")
        self.client.put(mkey, data, "application/json")  # last: the entry exists on the remote from now on
        return {"key": key, "already": False, "pack": pack, **progress.as_dict()}

    def ensure_marker(self) -> None:
        """Write <prefix>/STORE (the same line as a store's marker): also the write probe of `xetcache remote`."""
        self.client.put(self.cfg.key("STORE"), layout.STORE_TEXT.encode(), "text/plain")

    def probe(self, write: bool = True) -> Dict[str, Any]:
        """Reachable? Can read? Can write? Each answer with the error that decided it."""
        out: Dict[str, Any] = {"reachable": False, "can_read": False, "can_write": None, "errors": {}}
        try:
            list(zip(range(1), self.client.list(self.cfg.key("entries") + "/")))
            out["reachable"] = out["can_read"] = True
        except RemoteError as e:
            out["errors"]["read"] = {"reason_code": e.reason_code, "message": str(e)}
            out["reachable"] = e.status is not None
            if not out["reachable"]:
                return out
        if write and not self.cfg.pull_only:
            try:
                self.ensure_marker()
                out["can_write"] = True
            except RemoteError as e:
                out["can_write"] = False
                out["errors"]["write"] = {"reason_code": e.reason_code, "message": str(e)}
        return out


def _slug(cfg: RemoteConfig) -> str:
    """One cache folder per remote (endpoint, bucket, prefix): a store whose remote.json changes starts afresh."""
    return hashlib.sha256(f"{cfg.endpoint}\n{cfg.bucket}\n{cfg.prefix}".encode()).hexdigest()[:16]


def _coalesce(items: List[Tuple[int, int, str]]) -> List[Tuple[int, int, List[Tuple[int, int, str]]]]:
    """Ranges of one pack (sorted by offset) grouped into requests of at most PART bytes, gaps under GAP read."""
    out: List[Tuple[int, int, List[Tuple[int, int, str]]]] = []
    for off, size, oid in items:
        if out:
            start, end, group = out[-1]
            if off - end < GAP and off >= end and off + size - start <= PART:
                out[-1] = (start, off + size, group + [(off, size, oid)])
                continue
        out.append((off, off + size, [(off, size, oid)]))
    return out


def _write_tmp(store_dir: str, data: Any) -> str:
    """Bytes already hashed to their object's name, in a new tmp file of the store (not yet durable)."""
    fd, tmp = atomic.open_tmp(store_dir)
    try:
        atomic.write_all(fd, [memoryview(data)])
    except BaseException:
        os.close(fd)
        _unlink_quietly(tmp)
        raise
    os.close(fd)
    return tmp


def _name_verified(store_dir: str, oid: str, tmp: str) -> bool:
    """Give a durable tmp file holding ``oid``'s bytes its name (never over content; over a Git LFS pointer by
    rename). True when a pointer was replaced."""
    final = layout.object_path(store_dir, oid)
    layout.check_dir(store_dir, "objects", "sha256", oid[:2])
    if atomic.link_new(tmp, final) or not objects.is_pointer(final):
        return False
    atomic.publish_replace(tmp, final)
    return True


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def write_local_manifest(store_dir: str, m: Dict[str, Any]) -> bool:
    """Write a fetched manifest into the store (never over a local one). Its objects must be local already."""
    key = m["key"]
    path = layout.manifest_path(store_dir, key)
    layout.check_dir(store_dir, "entries", key[:2])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return atomic.write_file(store_dir, path, manifests.dumps(m), overwrite=False)


_seek_lock = threading.Lock()


def _pwrite(fd: int, data: Any, offset: int) -> None:
    view = memoryview(data).cast("B")
    if hasattr(os, "pwrite"):
        pos = 0
        while pos < len(view):
            pos += os.pwrite(fd, view[pos:], offset + pos)
        return
    with _seek_lock:  # Windows: no pwrite
        os.lseek(fd, offset, os.SEEK_SET)
        atomic.write_all(fd, [view])


def _pread(fd: int, n: int, offset: int) -> bytes:
    if hasattr(os, "pread"):
        return os.pread(fd, n, offset)
    with _seek_lock:
        os.lseek(fd, offset, os.SEEK_SET)
        return os.read(fd, n)


def _pread_into(fd: int, view: memoryview, offset: int) -> int:
    """Read from ``offset`` into ``view`` until it is full or the file ends. Returns the bytes read."""
    pos = 0
    while pos < len(view):
        if hasattr(os, "preadv"):
            n = os.preadv(fd, [view[pos:]], offset + pos)
        else:
            with _seek_lock:  # Windows: no pread
                os.lseek(fd, offset + pos, os.SEEK_SET)
                data = os.read(fd, len(view) - pos)
                view[pos:pos + len(data)] = data
                n = len(data)
        if not n:
            break
        pos += n
    return pos


class _Flusher:
    """Writes a large download back to disk while it is still arriving: a thread that calls fdatasync each time
    FLUSH_EVERY more bytes were written. The object must be durable before it gets its name (the store's rule);
    one fsync at the end would wait for the whole object to reach the disk after the network is done, while this
    way the disk works while the network does, and the final fsync has little left to do."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.pending = 0
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.stopped = False
        self.thread: Optional[threading.Thread] = None

    def wrote(self, n: int) -> None:
        with self.lock:
            self.pending += n
            if self.pending < FLUSH_EVERY or self.stopped:
                return
            self.pending = 0
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="xetcache-flush", daemon=True)
                self.thread.start()
        self.wake.set()

    def _run(self) -> None:
        while True:
            self.wake.wait()
            self.wake.clear()
            with self.lock:
                if self.stopped:
                    return
            try:
                os.fdatasync(self.fd) if hasattr(os, "fdatasync") else os.fsync(self.fd)
            except OSError:  # the final fsync reports what matters
                pass

    def stop(self) -> None:
        """No sync after this returns (the fd may be closed then)."""
        with self.lock:
            self.stopped = True
            thread = self.thread
        self.wake.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join()


class _BigDownload:
    """One large object (bytes [base, base + total) of a pack) in ranged parts written into a tmp file, hashed in
    order as parts arrive (from memory when the part is next, else read back), named only when the whole hash
    matches."""

    def __init__(self, remote: Remote, oid: str, pack: str, base: int, total: int, progress: Progress,
                 cancel: threading.Event) -> None:
        self.r, self.oid, self.total, self.progress, self.cancel = remote, oid, total, progress, cancel
        self.pack, self.base = pack, base
        self.n = (total + PART - 1) // PART
        self.fd, self.tmp = atomic.open_tmp(remote.store_dir)  # write-only
        self.rfd = os.open(self.tmp, os.O_RDONLY | getattr(os, "O_BINARY", 0))  # reads back parts to hash
        self.h = hashlib.sha256()
        self.done = [False] * self.n
        self.mem: Dict[int, Any] = {}
        self.next = 0
        self.lock = threading.Lock()
        self.hash_lock = threading.Lock()
        self.future: Future = Future()
        self.future.set_running_or_notify_cancel()
        self.failed = False
        self.finishing = False
        self.closed = False
        self.outstanding = 0  # part tasks submitted and not returned: the files stay open until none is left
        self.flusher = _Flusher(self.fd)

    def start(self) -> None:
        with self.lock:
            self.outstanding = self.n
        for i in range(self.n):
            self.r.pool.submit(lambda i=i: self._part(i))

    def _part(self, i: int) -> None:
        try:
            self._part_inner(i)
        finally:
            with self.lock:
                self.outstanding -= 1
            self._maybe_close()

    def _part_inner(self, i: int) -> None:
        if self.failed or self.cancel.is_set():
            self._fail(RemoteError("cancelled", OTHER))
            return
        try:
            start = i * PART
            buf = bytearray(min(PART, self.total - start))
            self.r.client.get_range_into(self.r.pack_key(self.pack), self.base + start, memoryview(buf))
            _pwrite(self.fd, buf, start)
            self.flusher.wrote(len(buf))
        except BaseException as e:
            self._fail(e)
            return
        self.progress.add(len(buf))
        try:
            self._part_done(i, buf)
        except BaseException as e:  # reading back or hashing failed: the download fails, never hangs
            self._fail(e)

    def _part_done(self, i: int, buf: Any) -> None:
        with self.lock:
            self.done[i] = True
            if i - self.next < 2 * self.r.workers:
                self.mem[i] = buf
        self._advance()

    def _advance(self) -> None:
        while True:
            if not self.hash_lock.acquire(blocking=False):
                return
            try:
                while self.next < self.n and not self.failed:
                    with self.lock:
                        if not self.done[self.next]:
                            break
                        buf = self.mem.pop(self.next, None)
                    if buf is None:
                        buf = _pread(self.rfd, min(PART, self.total - self.next * PART), self.next * PART)
                    self.h.update(buf)
                    self.next += 1
                finished = self.next == self.n and not self.finishing and not self.failed
                if finished:
                    self.finishing = True
            finally:
                self.hash_lock.release()
            if finished:
                self._finish()
                return
            with self.lock:
                more = self.next < self.n and self.done[self.next] and not self.failed
            if not more:
                return

    def _finish(self) -> None:
        try:
            if self.h.hexdigest() != self.oid:
                raise RemoteError(f"object {self.oid[:12]} from the remote does not match its name; not stored",
                                  "EREMOTECORRUPT")
            self.flusher.stop()
            os.fsync(self.fd)  # durable before it is named (most of it was written back while downloading)
            final = layout.object_path(self.r.store_dir, self.oid)
            layout.check_dir(self.r.store_dir, "objects", "sha256", self.oid[:2])
            if not atomic.link_new(self.tmp, final) and objects.is_pointer(final):
                atomic.publish_replace(self.tmp, final)
            self.progress.add(0, 1)
        except BaseException as e:
            self._fail(e)
            return
        self._close()
        if not self.future.done():
            self.future.set_result(None)

    def _maybe_close(self) -> None:
        with self.lock:
            if not self.failed or self.outstanding > 0 or self.closed:
                return
        self._close()

    def _close(self) -> None:
        with self.lock:
            if self.closed:
                return
            self.closed = True
        self.flusher.stop()
        for fd in (self.fd, self.rfd):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.unlink(self.tmp)
        except OSError:
            pass

    def _fail(self, e: BaseException) -> None:
        with self.lock:
            if self.failed:
                return
            self.failed = True
        self.cancel.set()
        self._maybe_close()  # not while a part task may still write (its fd number could be reused)
        if not self.future.done():
            self.future.set_exception(e)


class _PackUpload:
    """The objects the remote lacks, concatenated into one new pack: read in order (each object hashed as it is
    read, so nothing that does not match its name is published), uploaded in parallel parts. A multipart upload's
    id and the pack's contents are journaled in tmp/remote/uploads/<key>.json before the first part, so a push that
    is interrupted (a crash, the network, the server) resumes: the same objects go to the same pack, and only the
    parts the server does not list are sent again."""

    def __init__(self, remote: Remote, key: str, objs: List[Tuple[str, int]], progress: Progress) -> None:
        self.r, self.key, self.objs, self.progress = remote, key, objs, progress
        self.journal = os.path.join(remote.store_dir, STATE_DIR, "uploads", key + ".json")
        self.total = sum(n for _, n in objs)
        self.locations: Dict[str, Location] = {}
        self.error: Optional[BaseException] = None
        self.lock = threading.Lock()

    def _read_journal(self) -> Optional[Dict[str, Any]]:
        try:
            doc = json.loads(safeio.read_regular(self.journal, 1 << 24))
            return doc if isinstance(doc, dict) else None
        except (OSError, ValueError):
            return None

    def _write_journal(self, doc: Dict[str, Any]) -> None:
        os.makedirs(os.path.dirname(self.journal), exist_ok=True)
        atomic.write_file(self.r.store_dir, self.journal, json.dumps(doc).encode(), overwrite=True)

    def forget(self) -> None:
        try:
            os.unlink(self.journal)
        except OSError:
            pass

    def _plan(self) -> Tuple[str, Optional[str], Dict[int, str]]:
        """(pack name, multipart upload id or None, parts already uploaded {number: etag})."""
        want = [[o, n] for o, n in self.objs]
        doc = self._read_journal()
        if doc is not None and doc.get("objects") == want and doc.get("part") == PART and _pack_name_ok(doc.get("pack")):
            upload_id = doc.get("upload_id")
            if not upload_id:
                return doc["pack"], None, {}
            parts = self.r.client.list_parts(self.r.pack_key(doc["pack"]), upload_id)
            if parts is not None:
                n = (self.total + PART - 1) // PART
                have = {i: etag for i, (etag, size) in parts.items()
                        if 1 <= i <= n and size == min(PART, self.total - (i - 1) * PART)}
                return doc["pack"], upload_id, have
        elif doc is not None and doc.get("upload_id") and _pack_name_ok(doc.get("pack")):
            try:  # an upload of other objects (some are on the remote by now): drop it
                self.r.client.abort_multipart(self.r.pack_key(doc["pack"]), doc["upload_id"])
            except RemoteError:
                pass
        return f"{self.key}-{secrets.token_hex(4)}", None, {}

    def run(self) -> str:
        name, upload_id, have = self._plan()
        pkey = self.r.pack_key(name)
        want = [[o, n] for o, n in self.objs]
        off = 0
        for oid, n in self.objs:
            self.locations[oid] = (name, off, n)
            off += n
        nparts = max(1, (self.total + PART - 1) // PART)
        multipart = self.total > PART
        if multipart and upload_id is None:
            upload_id = self.r.client.create_multipart(pkey)
        self._write_journal({"pack": name, "upload_id": upload_id, "objects": want, "part": PART})
        resumed = sum(min(PART, self.total - (i - 1) * PART) for i in have)
        if resumed:
            self.progress.resume(resumed)
        etags: Dict[int, str] = dict(have)
        slots = threading.BoundedSemaphore(2 * self.r.workers)  # parts in memory at once
        futures: List[Future] = []
        single: List[bytearray] = []

        def send(number: int, buf: bytearray) -> None:
            try:
                if self.error is None:
                    etag = self.r.client.upload_part(pkey, upload_id, number, buf)
                    with self.lock:
                        etags[number] = etag
                    self.progress.add(len(buf))
            except BaseException as e:
                with self.lock:
                    self.error = self.error or e
            finally:
                slots.release()

        hashes: List[Tuple[str, str]] = []
        number, buf, fill = 1, bytearray(min(PART, self.total)), 0
        for oid, n in self.objs:
            if self.error is not None:
                break
            fd, st = safeio.open_regular(layout.object_path(self.r.store_dir, oid))
            try:
                if st.st_size != n:
                    raise CorruptObjectError(f"object {oid[:12]} changed size while it was pushed", oid=oid)
                h, pos = hashlib.sha256(), 0
                while pos < n:
                    take = min(n - pos, len(buf) - fill)
                    got = _pread_into(fd, memoryview(buf)[fill:fill + take], pos)
                    if got != take:
                        raise CorruptObjectError(f"object {oid[:12]} was truncated while it was pushed", oid=oid)
                    h.update(memoryview(buf)[fill:fill + take])
                    pos, fill = pos + take, fill + take
                    if fill == len(buf):
                        if not multipart:
                            single.append(buf)
                        elif number in have:
                            pass  # on the server already (a resumed upload): read only to check the hashes
                        else:
                            slots.acquire()
                            futures.append(self.r.push_pool.submit(lambda i=number, b=buf: send(i, b)))
                        number += 1
                        rest = self.total - (number - 1) * PART
                        buf, fill = bytearray(min(PART, max(rest, 0))), 0
            finally:
                os.close(fd)
            hashes.append((oid, h.hexdigest()))
        _wait_all(futures)
        if self.error is not None:
            raise self.error
        bad = [oid for oid, got in hashes if got != oid]
        if bad:  # a local object that does not match its name is never published
            if upload_id:
                self.r.client.abort_multipart(pkey, upload_id)
            self.forget()
            for oid in bad:
                objects.quarantine(self.r.store_dir, oid)
            raise CorruptObjectError(f"local object {bad[0][:12]} does not match its name (moved to quarantine/); "
                                     "the entry is not pushed", oid=bad[0])
        if multipart:
            self.r.client.complete_multipart(pkey, upload_id, [etags[i] for i in range(1, nparts + 1)])
        else:
            self.r.client.put(pkey, single[0] if single else b"")
            self.progress.add(self.total)
        index = {"format": 1, "pack": name, "objects": [[o, self.locations[o][1], n] for o, n in self.objs]}
        self.r.client.put(self.r.index_key(name), json.dumps(index).encode(), "application/json")
        self.forget()
        self.progress.add(0, len(self.objs))
        return name


__all__ = ["BadManifestError", "PART", "Progress", "Remote", "RemoteError", "is_local", "write_local_manifest"]
