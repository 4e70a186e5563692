"""`xetcache push [KEY...] [--all]` and `xetcache pull [KEY...]`: entries to and from the team cache, with a live
progress line and one line per entry."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, TextIO

from ..store import layout
from ..store.units import format_bytes
from . import config, pushqueue, sync
from .cliout import Out, config_of
from .progress import Progress
from .transfer import Remote


def _progress_text(verb: str, key: str, i: int, n: int, p: Progress) -> str:
    rate = p.bytes_done / p.seconds if p.seconds > 0 else 0
    done = p.bytes_done + p.resumed_bytes
    return (f"{verb} {key[:12]} ({i} of {n}): {format_bytes(done)} of {format_bytes(p.bytes)}, "
            f"{p.objects_done}/{p.objects} objects, {format_bytes(rate)}/s")


def push(store: str, args: Any, o: Out, out: TextIO) -> int:
    cfg = config_of(store)
    if cfg.pull_only:
        raise config.ConfigError("pull_only is set in remote.json: this store never pushes")
    if args.all and args.keys:
        raise ValueError("give either --all or KEYs, not both")
    keys: Optional[List[str]] = None
    if args.all:
        keys = sync.local_keys(store)
    elif args.keys:
        keys = sync.resolve_keys(store, args.keys)
    lock = pushqueue.Lock(store)
    if not lock.acquire(wait=False):
        o.line(f"xetcache: process {lock.holder()} is pushing this store; waiting for it…")
        lock.acquire(wait=True)
    try:
        todo = keys if keys is not None else [d["key"] for d in pushqueue.pending(store)]
        if not todo:
            o.line("xetcache: nothing to push (the queue is empty; --all pushes every local entry the remote lacks)")
            if o.json:
                out.write(json.dumps({"ok": True, "pushed": [], "already": [], "failed": []}) + "\n")
            return 0
        remote = Remote(store, cfg)
        index = {k: i for i, k in enumerate(todo, 1)}

        def on_progress(key: str, p: Progress) -> None:
            o.live(_progress_text("pushing", key, index[key], len(todo), p))

        def on_entry(key: str, r: Dict[str, Any]) -> None:
            if "error" in r:
                o.line(f"xetcache: {key[:12]} not pushed: {r['error']['message']} ({r['error']['reason_code']})")
            elif r.get("already"):
                o.line(f"xetcache: {key[:12]} is on the team cache already")
            else:
                secs = r["seconds"]
                extra = []
                if r["skipped_objects"]:
                    extra.append(f"{r['skipped_objects']} object(s) already there")
                if r["resumed_bytes"]:
                    extra.append(f"resumed: {format_bytes(r['resumed_bytes'])} were sent before")
                o.line(f"xetcache: pushed {key[:12]}: {r['objects_done']} object(s), {format_bytes(r['bytes_done'])} in "
                       f"{secs:.1f} s ({format_bytes(r['bytes_done'] / secs if secs else 0)}/s)"
                       + (f"; {', '.join(extra)}" if extra else ""))

        result = sync.push_entries(store, lambda: remote, todo, on_progress, on_entry)
    finally:
        lock.release()
    if result["read_only"]:
        o.line(f"xetcache: the credentials may not write to {cfg.url}: read-only credentials pull, never push")
    ok = not result["failed"]
    o.line(f"xetcache: pushed {len(result['pushed'])} entr{'y' if len(result['pushed']) == 1 else 'ies'} "
           f"({format_bytes(result['bytes'])}), {len(result['already'])} already there, {len(result['failed'])} failed"
           + ("" if ok else "; `xetcache push` again resumes"))
    if o.json:
        out.write(json.dumps({"ok": ok, **result}) + "\n")
    return 0 if ok else 1


def pull(store: str, args: Any, o: Out, out: TextIO) -> int:
    cfg = config_of(store)
    remote = Remote(store, cfg)
    keys = None
    if args.keys:
        keys = sync.resolve_keys(store, args.keys, remote.remote_keys() if any(
            not layout.is_hex64(k) for k in args.keys) else None)
    state = {"i": 0}

    def on_progress(key: str, p: Progress) -> None:
        o.live(_progress_text("pulling", key, state["i"] + 1, 0, p).replace(" of 0)", ")"))

    def on_entry(key: str, r: Dict[str, Any]) -> None:
        state["i"] += 1
        if "error" in r:
            o.line(f"xetcache: {key[:12]} not pulled: {r['error']['message']} ({r['error']['reason_code']})")
        else:
            o.line(f"xetcache: pulled {key[:12]}: {r['objects']} object(s), {format_bytes(r['bytes'])} in "
                   f"{r['seconds']:.1f} s")

    result = sync.pull_entries(store, remote, keys, on_progress, on_entry)
    ok = not result["failed"] and not result["missing"]
    o.line(f"xetcache: pulled {len(result['pulled'])} entr{'y' if len(result['pulled']) == 1 else 'ies'} "
           f"({format_bytes(result['bytes'])}), {len(result['present'])} already here"
           + (f", {len(result['missing'])} not on the team cache" if result["missing"] else "")
           + (f", {len(result['failed'])} failed" if result["failed"] else ""))
    if o.json:
        out.write(json.dumps({"ok": ok, **result}) + "\n")
    return 0 if ok else 1
