"""`xetcache remote [show] | set | unset`: name the store's team cache in remote.json, or test it (reachable,
can read, can write, each with the error that decided it)."""

from __future__ import annotations

import json
import os
from typing import Any, Dict, TextIO

from ..store import layout
from . import config
from .cliout import Out, config_of
from .remoteerror import RemoteError
from .transfer import Remote


def set_remote(store: str, args: Any, o: Out, out: TextIO) -> int:
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
    return show(store, o, out)


def unset(store: str, o: Out, out: TextIO) -> int:
    try:
        os.unlink(config.path_of(store))
        o.line("xetcache: the store names no team cache now")
    except FileNotFoundError:
        o.line("xetcache: the store named no team cache")
    if o.json:
        out.write(json.dumps({"ok": True}) + "\n")
    return 0


def show(store: str, o: Out, out: TextIO) -> int:
    cfg = config_of(store)
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
