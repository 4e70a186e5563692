"""Helpers for tests that use real git and Debian's git-lfs against a local bare remote.

Every test gets its own HOME and global git config (so `git lfs install` and user.name never touch the real user's
config), and talks to a bare repository over a file:// URL: git-lfs then uses its built-in standalone file
transfer, so no LFS server is needed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path
from typing import Dict, Iterable, List, Optional

GITATTRIBUTES = "objects/** filter=lfs diff=lfs merge=lfs -text\n"
GITIGNORE = "index.sqlite*\ntmp/\nhits.jsonl\nquarantine/\n"


def have_git_lfs() -> bool:
    return shutil.which("git") is not None and subprocess.run(
        ["git", "lfs", "version"], capture_output=True).returncode == 0


def isolated_git_env(home: Path, *, lfs_install: bool = True) -> Dict[str, str]:
    """Environment variables that give git a private HOME and global config; runs `git lfs install` there."""
    home.mkdir(parents=True, exist_ok=True)
    env = {
        "HOME": str(home),
        "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_TERMINAL_PROMPT": "0",
        "XDG_CONFIG_HOME": str(home / ".config"),
    }
    full = {**os.environ, **env}
    full.pop("GIT_LFS_SKIP_SMUDGE", None)
    for k, v in (("user.name", "XetCache Test"), ("user.email", "test@xetcache.invalid"),
                 ("init.defaultBranch", "main"), ("pull.rebase", "false")):
        subprocess.run(["git", "config", "--global", k, v], env=full, check=True)
    if lfs_install:
        subprocess.run(["git", "lfs", "install"], env=full, check=True, capture_output=True)
    return env


def git(cwd: Path, *args: str, env: Optional[Dict[str, str]] = None, check: bool = True) -> str:
    full = dict(os.environ)
    full.pop("GIT_LFS_SKIP_SMUDGE", None)
    full.update(env or {})
    r = subprocess.run(["git", *args], cwd=str(cwd), env=full, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed ({r.returncode}): {r.stderr}")
    return r.stdout


def init_bare(path: Path) -> str:
    subprocess.run(["git", "init", "-q", "--bare", str(path)], check=True)
    return path.resolve().as_uri()  # file:///… → git-lfs standalone file transfer


def init_repo(path: Path, remote_url: Optional[str]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q")
    if remote_url:
        git(path, "remote", "add", "origin", remote_url)
    return path


def clone(url: str, dest: Path, *, lazy: bool) -> Path:
    """A clone; lazy=True leaves every LFS object as a pointer (GIT_LFS_SKIP_SMUDGE=1)."""
    env = {"GIT_LFS_SKIP_SMUDGE": "1"} if lazy else {}
    git(dest.parent, "clone", "-q", url, dest.name, env=env)
    return dest


def commit_all(repo: Path, message: str, paths: Iterable[str] = (".",)) -> None:
    git(repo, "add", *paths)
    git(repo, "commit", "-q", "-m", message)


def push(repo: Path) -> None:
    git(repo, "push", "-q", "-u", "origin", "HEAD")


def pull(repo: Path, *, lazy: bool = False) -> None:
    git(repo, "pull", "-q", "--no-edit", env={"GIT_LFS_SKIP_SMUDGE": "1"} if lazy else None)


def make_store_skeleton(store: Path) -> Path:
    """The fixed files every store creator writes (CONTRACT.md section 1)."""
    for d in ("entries", "objects/sha256", "tmp"):
        (store / d).mkdir(parents=True, exist_ok=True)
    (store / "STORE").write_text("xetcache-store 1\n")
    (store / ".gitattributes").write_text(GITATTRIBUTES)
    (store / ".gitignore").write_text(GITIGNORE)
    return store


def put_object(store: Path, data: bytes) -> str:
    oid = hashlib.sha256(data).hexdigest()
    p = store / "objects" / "sha256" / oid[:2] / oid
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return oid


def object_path(store: Path, oid: str) -> Path:
    return store / "objects" / "sha256" / oid[:2] / oid


def is_pointer(path: Path) -> bool:
    with open(path, "rb") as f:
        head = f.read(1024)
    return len(head) < 1024 and head.startswith(b"version https://git-lfs.github.com/spec/v1")


def local_lfs_oids(repo: Path) -> List[str]:
    """oids in the clone's local LFS object cache (.git/lfs/objects): what has been downloaded."""
    root = repo / ".git" / "lfs" / "objects"
    if not root.exists():
        return []
    return sorted(p.name for p in root.rglob("*") if p.is_file() and len(p.name) == 64)


def pointer_states(store: Path) -> Dict[str, bool]:
    """oid → True if the object file is still a pointer."""
    out = {}
    for p in (store / "objects" / "sha256").rglob("*"):
        if p.is_file():
            out[p.name] = is_pointer(p)
    return out
