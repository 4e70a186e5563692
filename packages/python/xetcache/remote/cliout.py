"""What the remote commands share (cli.py and its cmd_* modules): their output (lines and a live progress line on
stderr, or one JSON object on stdout with --json), failures as ``{"ok": false, "error": {code, message}}``, and
the store's team-cache config."""

from __future__ import annotations

import json
import time
from typing import TextIO

from ..store import layout
from . import config


class Out:
    def __init__(self, as_json: bool, err: TextIO) -> None:
        self.json, self.err = as_json, err
        self.tty = hasattr(err, "isatty") and err.isatty()
        self._live = False
        self._last = 0.0

    def line(self, text: str) -> None:
        if self.json:
            return
        if self._live:
            self.err.write("\r\033[K")
            self._live = False
        self.err.write(text + "\n")
        self.err.flush()

    def live(self, text: str) -> None:
        """A progress line: rewritten in place on a terminal, one line every 2 s otherwise."""
        if self.json:
            return
        now = time.monotonic()
        if self.tty:
            self.err.write("\r\033[K" + text)
            self._live = True
        elif now - self._last >= 2.0:
            self.err.write(text + "\n")
            self._last = now
        self.err.flush()


def fail(o: Out, out: TextIO, code: str, message: str, status: int) -> int:
    if o.json:
        out.write(json.dumps({"ok": False, "error": {"code": code, "message": message}}) + "\n")
    else:
        o.line(f"xetcache: {message} ({code})")
    return status


def config_of(store: str) -> config.RemoteConfig:
    layout.open_store(store, create=False)
    cfg = config.load(store)
    if cfg is None:
        raise config.ConfigError(f"the store {store} names no team cache; `xetcache remote set s3://bucket/prefix "
                                 "--endpoint URL` writes one (remote.json, committed with the store)")
    return cfg
