"""Lazy vs full clone of a repository whose cache holds 20 entries of 50 MB (random, incompressible).

For each kind of clone: time of `git clone`, time of the first hit (a fresh Python process calling a @xetmemo
function whose result is in the store; the lazy clone fetches that one entry from Git LFS on demand), their
sum, and the bytes that came over (the clone's .git: git objects + LFS objects). Printed side by side with
ratios. Uses a file:// bare remote (git-lfs's standalone file transfer), a private HOME/git config, and a temp
dir it removes. No assertions: figures only. Run via bench/git-lazy-clone.sh.

    python bench/git-lazy-clone.py [--entries 20] [--mb 50]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "packages" / "python"

WORK_PY = '''import atexit, os, sys
import xetcache

# a run (a miss) leaves a line in ran.log, a hit does not; written at exit from an audit event, since a file the
# body wrote would be an effect a hit could not redo (the call would not be stored)
runs = []
sys.addaudithook(lambda e, a: runs.append(a[0]) if e == "xetcache.bench.ran" else None)
atexit.register(lambda: runs and open("ran.log", "a").write("".join(f"{i}\\n" for i in runs)))

@xetcache.xetmemo(always=True)
def make(i):
    sys.audit("xetcache.bench.ran", i)
    return os.urandom(int(os.environ["BENCH_MB"]) * 1000 * 1000)
'''


def run(cmd, cwd, env, **kw):
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed:\n{r.stderr}")
    return r


def du(path: Path) -> int:
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            p = os.path.join(root, f)
            if not os.path.islink(p):
                total += os.stat(p).st_size
    return total


def lfs_count(repo: Path) -> int:
    root = repo / ".git" / "lfs" / "objects"
    return sum(1 for p in root.rglob("*") if p.is_file() and len(p.name) == 64) if root.exists() else 0


def first_hit(project: Path, env) -> float:
    code = ("import time; t=time.perf_counter(); import work; v = work.make(0); "
            "print(time.perf_counter()-t, len(v))")
    t0 = time.perf_counter()
    run([sys.executable, "-c", code], project, env)
    wall = time.perf_counter() - t0
    if (project / "ran.log").exists():
        raise SystemExit("expected a hit, but the function ran")
    return wall


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=20)
    ap.add_argument("--mb", type=int, default=50)
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="xetcache-bench-git-"))
    try:
        home = tmp / "home"
        home.mkdir()
        env = {k: v for k, v in os.environ.items() if k != "GIT_LFS_SKIP_SMUDGE"}
        env.update(HOME=str(home), GIT_CONFIG_GLOBAL=str(home / ".gitconfig"), GIT_CONFIG_NOSYSTEM="1",
                   GIT_TERMINAL_PROMPT="0", BENCH_MB=str(args.mb),
                   PYTHONPATH=str(PKG) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        for k, v in (("user.name", "bench"), ("user.email", "bench@xetcache.invalid"), ("init.defaultBranch", "main")):
            run(["git", "config", "--global", k, v], tmp, env)
        run(["git", "lfs", "install"], tmp, env)
        run(["git", "init", "-q", "--bare", "remote.git"], tmp, env)
        url = (tmp / "remote.git").as_uri()

        a = tmp / "a"
        (a / "project").mkdir(parents=True)
        run(["git", "init", "-q"], a, env)
        run(["git", "remote", "add", "origin", url], a, env)
        (a / ".gitignore").write_text("ran.log\n__pycache__/\n")
        (a / "project" / "work.py").write_text(WORK_PY)
        t = time.perf_counter()
        run([sys.executable, "-c", f"import work\nfor i in range({args.entries}): work.make(i)"], a / "project", env)
        (a / "project" / "ran.log").unlink()
        store_s = time.perf_counter() - t
        t = time.perf_counter()
        run(["git", "add", "."], a, env)
        run(["git", "commit", "-q", "-m", "cache"], a, env)
        run(["git", "push", "-q", "origin", "main"], a, env)
        push_s = time.perf_counter() - t
        total_mb = args.entries * args.mb
        print(f"store: {args.entries} entries x {args.mb} MB = {total_mb} MB (stored in {store_s:.1f} s, "
              f"commit+push {push_s:.1f} s)")
        shutil.rmtree(a)  # keep peak disk use down

        results = {}
        for name, lazy in (("full clone", False), ("lazy clone", True)):
            dest = tmp / name.split()[0]
            cenv = dict(env, GIT_LFS_SKIP_SMUDGE="1") if lazy else env
            t = time.perf_counter()
            run(["git", "clone", "-q", url, dest.name], tmp, cenv)
            clone_s = time.perf_counter() - t
            bytes_clone = du(dest / ".git")
            hit_s = first_hit(dest / "project", env)
            results[name] = dict(clone_s=clone_s, hit_s=hit_s, total_s=clone_s + hit_s, bytes_clone=bytes_clone,
                                 bytes=du(dest / ".git"), lfs=lfs_count(dest))
            shutil.rmtree(dest)

        f, z = results["full clone"], results["lazy clone"]
        rows = [("git clone (s)", "clone_s", "{:.2f}"), ("first hit (s)", "hit_s", "{:.2f}"),
                ("clone + first hit (s)", "total_s", "{:.2f}"), ("bytes after clone (MB)", "bytes_clone", "mb"),
                ("bytes after first hit (MB)", "bytes", "mb"), ("LFS objects downloaded", "lfs", "{}")]
        print(f"{'':28}{'full clone':>12}{'lazy clone':>12}{'lazy/full':>11}")
        for label, key, fmt in rows:
            fv, zv = f[key], z[key]
            show = (lambda v: f"{v / 1e6:.1f}") if fmt == "mb" else (lambda v: fmt.format(v))
            ratio = f"{zv / fv:.3f}" if fv else "-"
            print(f"{label:28}{show(fv):>12}{show(zv):>12}{ratio:>11}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
