"""The upload half of a push: the objects the remote lacks, in one new pack, verified while read and resumable."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
from concurrent.futures import Future
from typing import Any, Dict, List, Optional, Tuple

from ..errors import CorruptObjectError
from ..store import atomic, layout, objects, safeio
from . import tuning
from .localfiles import STATE_DIR, pread_into
from .packs import Location, pack_name_ok
from .pool import wait_all
from .progress import Progress
from .remoteerror import RemoteError


class PackUpload:
    """The objects the remote lacks, concatenated into one new pack: read in order (each object hashed as it is
    read, so nothing that does not match its name is published), uploaded in parallel parts. A multipart upload's
    id and the pack's contents are journaled in tmp/remote/uploads/<key>.json before the first part, so a push that
    is interrupted (a crash, the network, the server) resumes: the same objects go to the same pack, and only the
    parts the server does not list are sent again. ``remote`` is the transfer.Remote pushing (typed Any:
    transfer.py imports this module)."""

    def __init__(self, remote: Any, key: str, objs: List[Tuple[str, int]], progress: Progress) -> None:
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
        if (doc is not None and doc.get("objects") == want and doc.get("part") == tuning.PART
                and pack_name_ok(doc.get("pack"))):
            upload_id = doc.get("upload_id")
            if not upload_id:
                return doc["pack"], None, {}
            parts = self.r.client.list_parts(self.r.pack_key(doc["pack"]), upload_id)
            if parts is not None:
                n = (self.total + tuning.PART - 1) // tuning.PART
                have = {i: etag for i, (etag, size) in parts.items()
                        if 1 <= i <= n and size == min(tuning.PART, self.total - (i - 1) * tuning.PART)}
                return doc["pack"], upload_id, have
        elif doc is not None and doc.get("upload_id") and pack_name_ok(doc.get("pack")):
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
        nparts = max(1, (self.total + tuning.PART - 1) // tuning.PART)
        multipart = self.total > tuning.PART
        if multipart and upload_id is None:
            upload_id = self.r.client.create_multipart(pkey)
        self._write_journal({"pack": name, "upload_id": upload_id, "objects": want, "part": tuning.PART})
        resumed = sum(min(tuning.PART, self.total - (i - 1) * tuning.PART) for i in have)
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
        number, buf, fill = 1, bytearray(min(tuning.PART, self.total)), 0
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
                    got = pread_into(fd, memoryview(buf)[fill:fill + take], pos)
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
                        rest = self.total - (number - 1) * tuning.PART
                        buf, fill = bytearray(min(tuning.PART, max(rest, 0))), 0
            finally:
                os.close(fd)
            hashes.append((oid, h.hexdigest()))
        wait_all(futures)
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
