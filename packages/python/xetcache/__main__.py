"""`python -m xetcache run notebook.ipynb [-o out.ipynb]` runs a notebook headless with its cached cells
(headless/run.py); any other command goes to the `xetcache` CLI (ls, show, evict, trim, gc, verify, ...: cli.py)."""

import sys


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if args and args[0] == "run":
        from .headless.run import main as run_main

        return run_main(args[1:])
    try:
        from .cli import main as cli_main
    except ImportError as e:
        print(f"xetcache: no CLI in this installation ({e}); `python -m xetcache run NOTEBOOK` runs a notebook",
              file=sys.stderr)
        return 1
    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
