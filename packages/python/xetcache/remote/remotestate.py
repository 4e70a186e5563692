"""One store's remote in this process: the Remote (made on first use), and whether it is resting. A remote that is
down, slow or refuses the credentials is not asked again for a while (``RETRY_DOWN_S``/``RETRY_AUTH_S``), so a
notebook full of misses does not wait on it cell after cell."""

from __future__ import annotations

import os
import threading
import time
from typing import Any, Dict, Optional

from . import config
from .notices import say_once

RETRY_DOWN_S = float(os.environ.get("XETCACHE_REMOTE_RETRY_S", "30"))
RETRY_AUTH_S = 300.0
_DOWN_CODES = ("EREMOTEDOWN", "EREMOTESLOW")
_AUTH_CODES = ("EREMOTEAUTH", "ENOCREDENTIALS")


class State:
    """One store's remote in this process."""

    def __init__(self, store_dir: str, cfg: "config.RemoteConfig") -> None:
        self.store_dir, self.cfg = store_dir, cfg
        self.remote: Any = None
        self.down_until = 0.0
        self.last_error: Optional[Dict[str, Any]] = None
        self.read_only = cfg.pull_only
        self.read_only_said = False
        self.pusher: Any = None  # its pusher.Pusher, started on the first push
        self.pending: Dict[str, Dict[str, Any]] = {}  # key -> manifest found remotely, objects not all local yet

    def get_remote(self) -> Any:
        """The Remote (S3 client), made on first use. RemoteError ENOCREDENTIALS when there are no credentials."""
        if self.remote is None:
            from .transfer import Remote

            self.remote = Remote(self.store_dir, self.cfg)
        return self.remote

    def available(self) -> Optional[Dict[str, Any]]:
        """None when the remote may be asked now, else the last error (the remote is resting)."""
        if time.monotonic() < self.down_until and self.last_error is not None:
            return dict(self.last_error, resting=True)
        return None

    def failed(self, e: Exception) -> Dict[str, Any]:
        code = getattr(e, "reason_code", "EREMOTE")
        info = {"reason_code": code, "message": str(e)}
        if code in _DOWN_CODES:
            self.down_until = time.monotonic() + RETRY_DOWN_S
        elif code in _AUTH_CODES:
            self.down_until = time.monotonic() + RETRY_AUTH_S
            self.remote = None  # credentials are looked up again next time
        self.last_error = info
        return info

    def worked(self) -> None:
        self.down_until, self.last_error = 0.0, None


_states: Dict[str, State] = {}
lock = threading.RLock()  # the states and what they hold (pending manifests, pushers)


def state_of(store_dir: str) -> Optional[State]:
    """The store's remote state, or None (no remote.json, XETCACHE_REMOTE=off, or an invalid file: said once)."""
    if config.disabled():
        return None
    try:
        cfg = config.load(store_dir)
    except config.ConfigError as e:
        say_once(store_dir, f"xetcache: the team cache is not used: {e}")
        return None
    if cfg is None:
        return None
    with lock:
        st = _states.get(store_dir)
        if st is None or st.cfg is not cfg:
            st = State(store_dir, cfg)
            _states[store_dir] = st
        return st
