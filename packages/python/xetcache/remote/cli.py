"""`xetcache remote | push | pull` and the team-cache part of `xetcache status` (xetcache/cli.py sends them here;
every other command goes to the bundled TypeScript CLI).

    xetcache remote                      show the store's remote and test it: reachable, can read, can write
    xetcache remote set s3://BUCKET[/PREFIX] [--endpoint URL] [--region R] [--addressing path|virtual]
                        [--profile NAME] [--pull-only]
    xetcache remote unset
    xetcache push [KEY...] [--all]       push the write-through queue (or these entries, or every local entry)
    xetcache pull [KEY...]               bring every remote entry this store lacks (or these)
    xetcache status                      the LFS status of entries, then the team cache: queue, what differs

Global options as for the other commands: --store DIR (default .xetcache), --json.
Exit status: 0 done, 1 the remote failed or refused, 2 bad arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import Any, Dict, List, Optional, TextIO

from ..errors import XetCacheError
from ..store import layout
from ..store.units import format_bytes
from . import config, pushqueue, sync
from .remoteerror import RemoteError
from .progress import Progress
from .transfer import Remote

COMMANDS = ("remote", "push", "pull")


class _Out:
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


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--store", default=argparse.SUPPRESS)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    p = argparse.ArgumentParser(prog="xetcache", parents=[common])
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("remote", parents=[common], help="show and test the team cache, or set it")
    rsub = r.add_subparsers(dest="action")
    rsub.add_parser("show", parents=[common])
    s = rsub.add_parser("set", parents=[common])
    s.add_argument("url", help="s3://bucket[/prefix]")
    s.add_argument("--endpoint", help="http(s)://host[:port] of an S3-compatible server (omit for AWS)")
    s.add_argument("--region")
    s.add_argument("--addressing", choices=("path", "virtual"))
    s.add_argument("--profile", help="an AWS profile name every teammate has (credentials stay in ~/.aws)")
    s.add_argument("--pull-only", action="store_true", help="never push from this store")
    s.add_argument("--no-test", action="store_true", help="do not test the remote after writing remote.json")
    rsub.add_parser("unset", parents=[common])
    ps = sub.add_parser("push", parents=[common], help="push queued entries (or KEYs, or --all) to the team cache")
    ps.add_argument("keys", nargs="*")
    ps.add_argument("--all", action="store_true", help="every local entry the remote lacks")
    pl = sub.add_parser("pull", parents=[common], help="bring entries from the team cache")
    pl.add_argument("keys", nargs="*")
    return p


def main(argv: List[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    if wants(argv) == "status":  # the TypeScript CLI parses its own options; we only need --store and --json
        store = os.path.abspath(_store_of(argv))
        o = _Out("--json" in argv, err)
        try:
            return status(argv, store, o, out)
        except (config.ConfigError, XetCacheError) as e:
            return _fail(o, out, getattr(e, "code", "EREMOTECONFIG"), str(e), 1)
    try:
        args = _parser().parse_args(argv)
    except SystemExit as e:
        return 0 if e.code == 0 else 2
    store = os.path.abspath(getattr(args, "store", ".xetcache"))
    o = _Out(getattr(args, "json", False), err)
    try:
        if args.command == "remote":
            if args.action == "set":
                return _set(store, args, o, out)
            if args.action == "unset":
                return _unset(store, o, out)
            return _show(store, o, out)
        if args.command == "push":
            return _push(store, args, o, out)
        if args.command == "pull":
            return _pull(store, args, o, out)
    except (config.ConfigError, ValueError) as e:
        return _fail(o, out, "EREMOTECONFIG" if isinstance(e, config.ConfigError) else "EBADREQUEST", str(e), 2)
    except RemoteError as e:
        return _fail(o, out, e.reason_code, str(e), 1)
    except XetCacheError as e:
        return _fail(o, out, e.code, str(e), 1)
    return 2


def _fail(o: _Out, out: TextIO, code: str, message: str, status: int) -> int:
    if o.json:
        out.write(json.dumps({"ok": False, "error": {"code": code, "message": message}}) + "\n")
    else:
        o.line(f"xetcache: {message} ({code})")
    return status


def _config(store: str) -> config.RemoteConfig:
    layout.open_store(store, create=False)
    cfg = config.load(store)
    if cfg is None:
        raise config.ConfigError(f"the store {store} names no team cache; `xetcache remote set s3://bucket/prefix "
                                 "--endpoint URL` writes one (remote.json, committed with the store)")
    return cfg


# ---- remote ----------------------------------------------------------------------------------------------------
def _set(store: str, args: Any, o: _Out, out: TextIO) -> int:
    bucket, prefix = config.parse_url(args.url)
    doc: Dict[str, Any] = {"format": 1, "type": "s3", "bucket": bucket, "prefix": prefix}
    for name in ("endpoint", "region", "addressing", "profile"):
        if getattr(args, name):
            doc[name] = getattr(args, name)
    if args.pull_only:
        doc["pull_only"] = True
    config.check(doc)
    layout.open_store(store, create=True)
    cfg = config.save(store, doc)
    o.line(f"xetcache: {os.path.relpath(cfg.path)} names the team cache {cfg.describe()}; commit it with the store "
           "(it holds no credentials)")
    if args.no_test:
        if o.json:
            out.write(json.dumps({"ok": True, "config": cfg.doc}) + "\n")
        return 0
    return _show(store, o, out)


def _unset(store: str, o: _Out, out: TextIO) -> int:
    try:
        os.unlink(config.path_of(store))
        o.line("xetcache: the store names no team cache now")
    except FileNotFoundError:
        o.line("xetcache: the store named no team cache")
    if o.json:
        out.write(json.dumps({"ok": True}) + "\n")
    return 0


def _show(store: str, o: _Out, out: TextIO) -> int:
    cfg = _config(store)
    report: Dict[str, Any] = {"config": cfg.doc, "url": cfg.url, "endpoint": cfg.endpoint, "credentials": None}
    try:
        remote = Remote(store, cfg)
        creds = remote.client.credentials()
        report["credentials"] = {"source": creds.source, "access_key": f"{creds.access_key[:4]}…{creds.access_key[-3:]}"}
        report["region"] = remote.client.region
        probe = remote.probe(write=True)
    except RemoteError as e:
        probe = {"reachable": None, "can_read": False, "can_write": None,
                 "errors": {"credentials": {"reason_code": e.reason_code, "message": str(e)}}}
    report.update(probe)
    report["pull_only"] = bool(cfg.pull_only or probe.get("can_write") is False)
    report["ok"] = bool(probe.get("can_read"))
    if o.json:
        out.write(json.dumps(report) + "\n")
        return 0 if report["ok"] else 1

    def yn(v: Any) -> str:
        return "yes" if v else ("not tested" if v is None else "no")

    errs = probe.get("errors", {})
    lines = [f"team cache:  {cfg.describe()}", f"config:      {os.path.relpath(cfg.path)}"]
    c = report["credentials"]
    lines.append(f"credentials: {c['source']} ({c['access_key']})" if c else
                 f"credentials: none — {errs['credentials']['message']}")
    if c:
        lines.append(f"reachable:   {yn(probe['reachable'])}" + (
            f" — {errs['read']['message']}" if not probe["reachable"] and "read" in errs else ""))
        if probe["reachable"]:
            lines.append(f"can read:    {yn(probe['can_read'])}" + (
                f" — {errs['read']['message']} ({errs['read']['reason_code']})" if "read" in errs else ""))
            if cfg.pull_only:
                lines.append("can write:   not tested — pull_only is set: this store pulls, never pushes")
            elif probe["can_write"] is False:
                lines.append(f"can write:   no — {errs['write']['message']}")
                if probe["can_read"]:
                    lines.append("             read-only credentials are a working set-up: entries are pulled, "
                                 "never pushed")
            else:
                lines.append(f"can write:   {yn(probe['can_write'])}")
    out.write("\n".join(lines) + "\n")
    return 0 if report["ok"] else 1


# ---- push / pull -----------------------------------------------------------------------------------------------
def _progress_text(verb: str, key: str, i: int, n: int, p: Progress) -> str:
    rate = p.bytes_done / p.seconds if p.seconds > 0 else 0
    done = p.bytes_done + p.resumed_bytes
    return (f"{verb} {key[:12]} ({i} of {n}): {format_bytes(done)} of {format_bytes(p.bytes)}, "
            f"{p.objects_done}/{p.objects} objects, {format_bytes(rate)}/s")


def _push(store: str, args: Any, o: _Out, out: TextIO) -> int:
    cfg = _config(store)
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


def _pull(store: str, args: Any, o: _Out, out: TextIO) -> int:
    cfg = _config(store)
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


# ---- status ----------------------------------------------------------------------------------------------------
def remote_status(store: str, list_remote: bool = True) -> Dict[str, Any]:
    """The team-cache half of `xetcache status`: the queue (with progress), and what differs from the remote."""
    cfg = _config(store)
    queue = pushqueue.pending(store)
    now = time.time()
    for q in queue:
        q["age_s"] = round(now - float(q.get("queued") or now), 1)
    info: Dict[str, Any] = {"url": cfg.url, "endpoint": cfg.endpoint, "pull_only": cfg.pull_only, "queue": queue,
                            "reachable": None, "error": None}
    if list_remote:
        try:
            remote = Remote(store, cfg, timeout=10.0)
            remote_keys = set(remote.remote_keys())
            local = set(sync.local_keys(store))
            info.update(reachable=True, remote_entries=len(remote_keys), local_not_remote=sorted(local - remote_keys),
                        remote_not_local=sorted(remote_keys - local))
        except RemoteError as e:
            info.update(reachable=False, error={"reason_code": e.reason_code, "message": str(e)})
    return info


def status(argv: List[str], store: str, o: _Out, out: TextIO) -> int:
    """The TypeScript `status` (LFS state of each entry), then the team cache's. With --json: one object, the
    TypeScript one plus a "remote" field."""
    from ..proxy import server_command

    ts_args = [a for a in argv]
    code = 0
    if o.json:
        r = subprocess.run(server_command(ts_args), stdout=subprocess.PIPE, text=True)
        try:
            doc = json.loads(r.stdout) if r.stdout.strip() else {}
        except ValueError:
            doc = {"status_output": r.stdout}
        doc["remote"] = remote_status(store)
        out.write(json.dumps(doc) + "\n")
        return r.returncode
    out.flush()
    code = subprocess.call(server_command(ts_args))
    info = remote_status(store)
    lines = [f"team cache {info['url']}" + (f" at {info['endpoint']}" if info["endpoint"] else "")
             + (" (pull-only)" if info["pull_only"] else "")]
    if info["reachable"] is False:
        lines.append(f"  not reachable: {info['error']['message']} ({info['error']['reason_code']})")
    elif info["reachable"]:
        lines.append(f"  {info['remote_entries']} entries there; {len(info['remote_not_local'])} not here "
                     f"(`xetcache pull`), {len(info['local_not_remote'])} here not there"
                     + (" (`xetcache push --all`)" if info["local_not_remote"] else ""))
    if info["queue"]:
        lines.append(f"  waiting to be pushed: {len(info['queue'])} entr{'y' if len(info['queue']) == 1 else 'ies'}")
        for q in info["queue"]:
            state = q.get("state", "waiting")
            what = f"    {q['key'][:12]}  {state}"
            if q.get("bytes"):
                what += f"  {format_bytes(int(q.get('bytes_done') or 0) + int(q.get('resumed_bytes') or 0))} of " \
                        f"{format_bytes(int(q['bytes']))}"
            if q.get("error"):
                what += f"  {q['error'].get('reason_code')}: {q['error'].get('message')}"
            if q.get("pid") and state == "pushing":
                what += f"  (pid {q['pid']})"
            lines.append(what)
    else:
        lines.append("  nothing waiting to be pushed")
    out.write("\n".join(lines) + "\n")
    return code


def _store_of(argv: List[str]) -> str:
    store = ".xetcache"
    for i, a in enumerate(argv):
        if a == "--store" and i + 1 < len(argv):
            store = argv[i + 1]
        elif a.startswith("--store="):
            store = a.split("=", 1)[1]
    return store


def _command_of(argv: List[str]) -> Optional[str]:
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--store":
            i += 2
            continue
        if not a.startswith("-"):
            return a
        i += 1
    return None


def wants(argv: List[str]) -> Optional[str]:
    """The command of ``argv`` when this module handles it: remote, push, pull, or status of a store that names
    a remote. None otherwise (the TypeScript CLI's)."""
    cmd = _command_of(argv)
    if cmd in COMMANDS:
        return cmd
    if cmd == "status" and "-h" not in argv and "--help" not in argv:
        return "status" if os.path.isfile(config.path_of(os.path.abspath(_store_of(argv)))) else None
    return None
