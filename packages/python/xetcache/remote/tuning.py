"""The remote tier's tunables, in one place. Code reads them at call time (``tuning.PART``), never through
``from .tuning import PART``, so a test or a benchmark that sets one on this module changes what every transfer
does."""

from __future__ import annotations

import os

PART = int(os.environ.get("XETCACHE_REMOTE_PART_MB", "8")) << 20  # ranged GET / multipart part size
WORKERS = int(os.environ.get("XETCACHE_REMOTE_WORKERS", "10"))
GAP = 1 << 20  # ranges of one pack closer than this are read in one request (the gap is read and dropped)
FLUSH_EVERY = 64 << 20  # a large download starts writing back to disk every this many bytes (see bigdownload.Flusher)
LOOKUP_TIMEOUT = float(os.environ.get("XETCACHE_REMOTE_LOOKUP_TIMEOUT", "5"))
