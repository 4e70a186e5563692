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

This module parses and dispatches; the commands are in cmd_remote.py, cmd_pushpull.py and cmd_status.py, what
they share (output, failures, the config) in cliout.py.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional, TextIO

from ..errors import XetCacheError
from . import cmd_pushpull, cmd_remote, cmd_status, config
from .cliout import Out, fail
from .remoteerror import RemoteError

COMMANDS = ("remote", "push", "pull")


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
        o = Out("--json" in argv, err)
        try:
            return cmd_status.status(argv, store, o, out)
        except (config.ConfigError, XetCacheError) as e:
            return fail(o, out, getattr(e, "code", "EREMOTECONFIG"), str(e), 1)
    try:
        args = _parser().parse_args(argv)
    except SystemExit as e:
        return 0 if e.code == 0 else 2
    store = os.path.abspath(getattr(args, "store", ".xetcache"))
    o = Out(getattr(args, "json", False), err)
    try:
        if args.command == "remote":
            if args.action == "set":
                return cmd_remote.set_remote(store, args, o, out)
            if args.action == "unset":
                return cmd_remote.unset(store, o, out)
            return cmd_remote.show(store, o, out)
        if args.command == "push":
            return cmd_pushpull.push(store, args, o, out)
        if args.command == "pull":
            return cmd_pushpull.pull(store, args, o, out)
    except (config.ConfigError, ValueError) as e:
        return fail(o, out, "EREMOTECONFIG" if isinstance(e, config.ConfigError) else "EBADREQUEST", str(e), 2)
    except RemoteError as e:
        return fail(o, out, e.reason_code, str(e), 1)
    except XetCacheError as e:
        return fail(o, out, e.code, str(e), 1)
    return 2


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
