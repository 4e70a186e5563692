"""Moving entries between a store and its remote: fetch (read-through, ``xetcache pull``) and push (write-through,
``xetcache push``).

The remote mirrors the store's layout under its prefix (spec/FORMAT.md, "Remote"):
``<prefix>/entries/<k0k1>/<key>.json`` and ``<prefix>/objects/sha256/<o0o1>/<oid>``.

- Fetch: only the objects an entry needs (store/needed.py) that are not already local, in parallel (large objects in
  ranged parts); every byte is hashed before the object gets its name (a mismatch is never stored), and the
  manifest is written locally only after all its objects are.
- Push: the remote's objects are checked first (HEAD) and only those it lacks are uploaded (large ones as
  multipart uploads whose id is kept in ``tmp/remote/uploads/``, so an interrupted upload resumes with the parts
  that are missing); each object is hashed while it is uploaded and not completed unless it matches its name; the
  manifest goes last, so no reader ever sees an entry whose objects are not all there.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import queue
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
FLUSH_EVERY = 64 << 20  # a large download starts writing back to disk every this many bytes (see _Flusher)
LOOKUP_TIMEOUT = float(os.environ.get("XETCACHE_REMOTE_LOOKUP_TIMEOUT", "5"))
STATE_DIR = os.path.join("tmp", "remote")  # machine-local state of the remote tier (gitignored with tmp/)


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

    def object_key(self, oid: str) -> str:
        return self.cfg.key("objects", "sha256", oid[:2], oid)

    # ---- reading -------------------------------------------------------------------------------------------
    def get_manifest(self, key: str, timeout: Optional[float] = None, retries: Optional[int] = None
                     ) -> Optional[Dict[str, Any]]:
        """The remote's manifest of ``key`` (validated like a local one: BadManifestError), None when absent."""
        layout.check_id(key, "key")
        data = self.client.get(self.manifest_key(key), timeout=timeout, retries=retries)
        return None if data is None else manifests.parse(data, key)

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

    def fetch(self, oids: List[str], progress: Optional[Progress] = None) -> Progress:
        """Make the objects ``oids`` local (those that are not yet). Raises RemoteError (nothing partial is left
        under an object's name)."""
        progress = progress or Progress()
        todo = [o for o in dict.fromkeys(oids) if layout.check_id(o) and not is_local(self.store_dir, o)]
        progress.plan(len(todo), 0)
        if not todo:
            return progress
        cancel = threading.Event()
        done: List[Future] = []
        lock = threading.Lock()

        def first(oid: str) -> None:
            if cancel.is_set():
                return
            got = self.client.get_first(self.object_key(oid), PART)
            if got is None:
                raise RemoteError(f"object {oid[:12]} of the entry is not on the remote (an incomplete upload?)",
                                  OTHER, 404, "NoSuchKey")
            total, head = got
            progress.plan(0, total)
            if total <= len(head):
                if hashlib.sha256(head).hexdigest() != oid:
                    raise RemoteError(f"object {oid[:12]} from the remote does not match its name; not stored",
                                      "EREMOTECORRUPT")
                objects.write_object(self.store_dir, [memoryview(head)])
                progress.add(len(head), 1)
                return
            big = _BigDownload(self, oid, total, head, progress, cancel)
            with lock:
                done.append(big.future)
            big.start()

        try:
            _wait_all([self.pool.submit(lambda o=o: first(o)) for o in todo])
            _wait_all(done)
        except BaseException:
            cancel.set()
            for f in done:
                try:
                    f.result()
                except BaseException:
                    pass
            raise
        for d in {os.path.dirname(layout.object_path(self.store_dir, o)) for o in todo}:
            atomic.fsync_dir(d)
        return progress

    def pull(self, key: str, progress: Optional[Progress] = None, manifest: Optional[Dict[str, Any]] = None
             ) -> Optional[Dict[str, Any]]:
        """Bring one entry: objects, then the manifest. None when the remote has no such entry."""
        m = manifest if manifest is not None else self.get_manifest(key)
        if m is None:
            return None
        self.fetch(needed_oids(m), progress)
        write_local_manifest(self.store_dir, m)
        return m

    # ---- writing -------------------------------------------------------------------------------------------
    def has_manifest(self, key: str) -> bool:
        return self.client.head(self.manifest_key(key)) is not None

    def push(self, key: str, progress: Optional[Progress] = None) -> Dict[str, Any]:
        """Upload one local entry: the objects the remote lacks, then the manifest. Returns what was done."""
        progress = progress or Progress()
        path = layout.manifest_path(self.store_dir, key)
        data = safeio.read_regular(path)
        m = manifests.parse(data, key)
        mkey = self.manifest_key(key)
        if self.client.head(mkey) is not None:
            return {"key": key, "already": True, **progress.as_dict()}
        oids = needed_oids(m)
        sizes: Dict[str, int] = {}
        for oid in oids:
            fd, st = safeio.open_regular(layout.object_path(self.store_dir, oid))
            os.close(fd)
            sizes[oid] = st.st_size
        there = [self.push_pool.submit(lambda o=o: self.client.head(self.object_key(o))) for o in oids]
        _wait_all(there)
        missing = []
        for oid, fut in zip(oids, there):
            if fut.result() == sizes[oid]:
                progress.skip(sizes[oid])
            else:
                missing.append(oid)
        progress.plan(len(missing), sum(sizes[o] for o in missing))
        jobs: List[Future] = []
        for oid in missing:
            if sizes[oid] <= PART:
                jobs.append(self.push_pool.submit(lambda o=oid: self._put_small(o, progress)))
            else:
                jobs.extend(_BigUpload(self, oid, sizes[oid], progress).start())
        _wait_all(jobs)
        self.client.put(mkey, data, "application/json")  # last: the entry exists on the remote from now on
        return {"key": key, "already": False, **progress.as_dict()}

    def _put_small(self, oid: str, progress: Progress) -> None:
        try:
            data = objects.read_object(self.store_dir, oid)  # verified (quarantined when corrupt)
        except objects.NotLocal:
            raise RemoteError(f"object {oid[:12]} is not local (an LFS pointer?); cannot push it", OTHER) from None
        self.client.put(self.object_key(oid), data)
        progress.add(len(data), 1)

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
    """One large object in ranged parts written into a tmp file, hashed in order as parts arrive (from memory
    when the part is next, else read back), named only when the whole hash matches."""

    def __init__(self, remote: Remote, oid: str, total: int, head: bytes, progress: Progress,
                 cancel: threading.Event) -> None:
        self.r, self.oid, self.total, self.progress, self.cancel = remote, oid, total, progress, cancel
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
        self._head = head
        self.flusher = _Flusher(self.fd)

    def start(self) -> None:
        try:
            _pwrite(self.fd, self._head, 0)
            self.flusher.wrote(len(self._head))
        except OSError as e:
            self._fail(e)
            return
        head, self._head = self._head, b""
        self.progress.add(len(head))
        try:
            self._part_done(0, head)
        except BaseException as e:
            self._fail(e)
            return
        with self.lock:
            self.outstanding = self.n - 1
        for i in range(1, self.n):
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
            self.r.client.get_range_into(self.r.object_key(self.oid), start, memoryview(buf))
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


class _BigUpload:
    """One large object as a multipart upload, resumable: the upload id is journaled in tmp/remote/uploads/, and a
    later push lists the parts already there and sends only the others. The object is hashed while its parts go
    out; the upload is completed only if the hash matches the object's name."""

    def __init__(self, remote: Remote, oid: str, size: int, progress: Progress) -> None:
        self.r, self.oid, self.size, self.progress = remote, oid, size, progress
        self.key = remote.object_key(oid)
        self.n = (size + PART - 1) // PART
        self.journal = os.path.join(remote.store_dir, STATE_DIR, "uploads", oid + ".json")

    def _resume(self) -> Tuple[str, Dict[int, str]]:
        try:
            doc = json.loads(safeio.read_regular(self.journal, 64 * 1024))
            if doc.get("size") == self.size and doc.get("part") == PART and doc.get("key") == self.key:
                parts = self.r.client.list_parts(self.key, doc["upload_id"])
                if parts is not None:
                    have = {i: etag for i, (etag, n) in parts.items()
                            if 1 <= i <= self.n and n == min(PART, self.size - (i - 1) * PART)}
                    return doc["upload_id"], have
        except (OSError, ValueError, KeyError, TypeError):
            pass
        upload_id = self.r.client.create_multipart(self.key)
        os.makedirs(os.path.dirname(self.journal), exist_ok=True)
        text = json.dumps({"upload_id": upload_id, "key": self.key, "size": self.size, "part": PART})
        atomic.write_file(self.r.store_dir, self.journal, text.encode(), overwrite=True)
        return upload_id, {}

    def start(self) -> List[Future]:
        fd, _ = safeio.open_regular(layout.object_path(self.r.store_dir, self.oid))
        try:
            self.mm = mmap.mmap(fd, self.size, access=mmap.ACCESS_READ)
        finally:
            os.close(fd)
        upload_id, have = self._resume()
        self.upload_id = upload_id
        self.etags: Dict[int, str] = dict(have)
        already = sum(min(PART, self.size - (i - 1) * PART) for i in have)
        if already:
            self.progress.resume(already)
        self.lock = threading.Lock()
        self.pending = 0
        self.future: Future = Future()
        self.future.set_running_or_notify_cancel()
        self.error: Optional[BaseException] = None
        self.digest: Optional[str] = None
        todo = [i for i in range(1, self.n + 1) if i not in have]
        self.pending = len(todo) + 1
        pool = self.r.push_pool
        pool.submit(self._hash)
        for i in todo:
            pool.submit(lambda i=i: self._part(i))
        return [self.future]

    def _hash(self) -> None:
        try:
            h = hashlib.sha256()
            view = memoryview(self.mm)
            for pos in range(0, self.size, 64 << 20):
                if self.error is not None:
                    break
                h.update(view[pos:pos + (64 << 20)])
            view.release()
            self.digest = h.hexdigest()
        except BaseException as e:
            self._one_done(e)
            return
        self._one_done(None)

    def _part(self, i: int) -> None:
        if self.error is not None:
            self._one_done(None)
            return
        try:
            start = (i - 1) * PART
            view = memoryview(self.mm)[start:start + PART]
            try:
                etag = self.r.client.upload_part(self.key, self.upload_id, i, view)
            finally:
                view.release()
            with self.lock:
                self.etags[i] = etag
            self.progress.add(min(PART, self.size - start))
        except BaseException as e:
            self._one_done(e)
            return
        self._one_done(None)

    def _one_done(self, error: Optional[BaseException]) -> None:
        with self.lock:
            if error is not None and self.error is None:
                self.error = error
            self.pending -= 1
            last = self.pending == 0
        if not last:
            return
        try:
            if self.error is not None:
                raise self.error
            if self.digest != self.oid:  # a local object that changed under its name: never published remotely
                self.r.client.abort_multipart(self.key, self.upload_id)
                self._forget()
                raise CorruptObjectError(f"local object {self.oid[:12]} does not match its name; not pushed "
                                         "(`xetcache verify` quarantines it)", oid=self.oid)
            self.r.client.complete_multipart(self.key, self.upload_id, [self.etags[i] for i in range(1, self.n + 1)])
            self._forget()
            self.progress.add(0, 1)
        except BaseException as e:
            self._close()
            self.future.set_exception(e)
            return
        self._close()
        self.future.set_result(None)

    def _forget(self) -> None:
        try:
            os.unlink(self.journal)
        except OSError:
            pass

    def _close(self) -> None:
        try:
            self.mm.close()
        except (BufferError, ValueError):
            pass


__all__ = ["BadManifestError", "PART", "Progress", "Remote", "RemoteError", "is_local", "write_local_manifest"]
