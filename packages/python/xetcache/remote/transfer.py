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

Remote (here) is one store and its remote; the work is in fetching.py (+ bigdownload.py for large objects),
packupload.py, packs.py (names, where-files, indexes), localfiles.py, pool.py, progress.py and tuning.py.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Optional

from ..store import layout, manifest as manifests, objects, safeio
from ..store.needed import needed_oids
from . import credentials as creds_mod, fetching, packs, tuning
from .config import RemoteConfig
from .localfiles import is_local, write_local_manifest
from .packs import Location, parse_where
from .packupload import PackUpload
from .pool import Pool, shared
from .progress import Progress
from .remoteerror import OTHER, RemoteError
from .s3 import Client


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
        self.workers = workers or tuning.WORKERS
        self.indexes: Dict[str, Dict[str, Location]] = {}  # pack -> its index (packs never change)

    @property
    def pool(self) -> Pool:
        """Workers of fetches (a hit waits on them: never queued behind a background push's parts)."""
        return shared("fetch", self.workers)

    @property
    def push_pool(self) -> Pool:
        return shared("push", self.workers)

    @property
    def store_pool(self) -> Pool:
        """Workers that hash and write what the fetch workers read (so those never wait on the disk)."""
        return shared("store", self.workers)

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
        fetching.fetch_missing(self, todo, where, progress)
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
        """Where every object the remote holds is (packs.known)."""
        return packs.known(self)

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
            up = PackUpload(self, key, [(o, sizes[o]) for o in missing], progress)
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
