"""Lazy Git LFS fetch: make exactly the objects one entry needs local (DESIGN.md invariant 6).

A store is committed with its objects in Git LFS. A clone made with ``GIT_LFS_SKIP_SMUDGE=1`` (or a partial
``git lfs pull``) leaves small pointer files in ``objects/``. When an entry is about to be loaded, the storage hands
us the oids that are still pointers; we run one ``git lfs pull --include=<those paths>`` and check the result.

Failure is never fatal for the user's cell: we raise :class:`ObjectNotLocalError` with a reason a person can act on
(``.reason_code`` for programs), the storage treats it as a miss, and the cell simply runs.

Stdlib only: this module is injected into arbitrary user kernels.
"""

from __future__ import annotations

import os
import subprocess
import time
from typing import Callable, Dict, List, Optional, Sequence, TextIO, Tuple

from ..errors import ObjectNotLocalError
from ..store import safeio
from ..store.units import format_bytes
from . import notice

POINTER_PREFIX = b"version https://git-lfs.github.com/spec/v1"
POINTER_MAX_BYTES = 1024  # git-lfs never treats a file of 1024 bytes or more as a pointer (CONTRACT.md)
# Beyond this many bytes we also print a line when the fetch is done (small fetches stay quiet after the start).
LARGE_FETCH_BYTES = 16 * 1024 * 1024
# One --include argument must stay below Linux's per-argument limit (MAX_ARG_STRLEN = 128 KiB).
MAX_INCLUDE_ARG = 100_000

FIX_INSTALL_LFS = "install Git LFS (e.g. `sudo apt-get install git-lfs`, see https://git-lfs.com), then run `git lfs install`"
FIX_CONFIGURE_LFS = "git lfs install"


def _git(args: Sequence[str], cwd: str, timeout: Optional[float] = 30) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    # A kernel has no terminal: a credential prompt would hang the cell forever. Fail instead.
    env.setdefault("GIT_TERMINAL_PROMPT", "0")
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout,
    )


def read_pointer(path: str) -> Optional[Tuple[str, int]]:
    """(oid, size) if the file at ``path`` is a Git LFS pointer, else None (content, missing, or not a regular
    file: a FIFO would block the kernel and a symlink could point out of the store, so neither is opened)."""
    try:
        head = safeio.read_regular(path, POINTER_MAX_BYTES)
    except OSError:
        return None
    if len(head) >= POINTER_MAX_BYTES or not head.startswith(POINTER_PREFIX):
        return None
    oid, size = None, None
    for line in head.decode("utf-8", "replace").splitlines():
        if line.startswith("oid sha256:"):
            oid = line[len("oid sha256:"):].strip()
        elif line.startswith("size "):
            try:
                size = int(line[5:].strip())
            except ValueError:
                return None
    if oid is None or size is None:
        return None
    return oid, size


def git_dirs(path: str) -> Optional[Tuple[str, str]]:
    """(worktree top level, absolute git dir) of the repository holding ``path``, or None when not in one."""
    try:
        r = _git(["rev-parse", "--show-toplevel", "--absolute-git-dir"], cwd=path)
    except (OSError, subprocess.SubprocessError):
        return None  # no git at all, or path vanished
    lines = r.stdout.splitlines()
    if r.returncode != 0 or len(lines) < 2 or not lines[0]:
        return None
    return lines[0], lines[1]


def lfs_available(cwd: str) -> bool:
    try:
        return _git(["lfs", "version"], cwd=cwd).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def lfs_configured(cwd: str) -> bool:
    """`git lfs install` has been run (user or repo config): the smudge/process filter exists."""
    for name in ("filter.lfs.process", "filter.lfs.smudge"):
        try:
            if _git(["config", "--get", name], cwd=cwd).stdout.strip():
                return True
        except (OSError, subprocess.SubprocessError):
            return False
    return False


def lfs_status(store_dir: str) -> Dict[str, object]:
    """Same shape as the server's ``GET /api/git``: {in_repo, lfs_available, lfs_configured, message, fix}."""
    cwd = store_dir if os.path.isdir(store_dir) else os.path.dirname(os.path.abspath(store_dir))
    dirs = git_dirs(cwd)
    out: Dict[str, object] = {
        "in_repo": dirs is not None, "repo": dirs[0] if dirs else None,
        "lfs_available": lfs_available(cwd), "lfs_configured": False, "message": None, "fix": None,
    }
    if dirs is None:
        return out  # not in a repository: nothing to commit or fetch, nothing to say
    if not out["lfs_available"]:
        out["message"] = "Git LFS is not installed: objects of this store cannot be committed or fetched as LFS."
        out["fix"] = FIX_INSTALL_LFS
        return out
    out["lfs_configured"] = lfs_configured(dirs[0])
    if not out["lfs_configured"]:
        out["message"] = ("Git LFS is installed but not set up for your user (`filter.lfs.*` missing): "
                          "objects would be committed as plain git blobs and pointers are not checked out.")
        out["fix"] = FIX_CONFIGURE_LFS
    return out


def include_pattern(relpath: str) -> str:
    """One git-lfs --include pattern that matches exactly ``relpath`` (repo-relative, '/'-separated).

    Patterns are comma-separated and glob-like; a path with ',', '*', '?', '[', ']', '\\' or a leading '!'/'#'
    cannot be written literally, so such characters become '?' (any one character but '/'). The file name is a
    64-hex oid, so the pattern still matches only this object."""
    special = set(",*?[]\\")
    chars = ["?" if c in special else c for c in relpath]
    if chars and chars[0] in "!#":
        chars[0] = "?"
    return "".join(chars)


def _include_args(patterns: List[str]) -> List[str]:
    args, cur = [], ""
    for p in patterns:
        if cur and len(cur) + 1 + len(p) > MAX_INCLUDE_ARG:
            args.append(cur)
            cur = ""
        cur = f"{cur},{p}" if cur else p
    if cur:
        args.append(cur)
    return args


def _fail(message: str, oids: Sequence[str], reason_code: str, fix: Optional[str] = None) -> ObjectNotLocalError:
    err = ObjectNotLocalError(f"{message} Fix: {fix}" if fix else message, oids)
    err.reason_code = reason_code  # type: ignore[attr-defined]
    err.fix = fix  # type: ignore[attr-defined]
    err.details.update(reason_code=reason_code, fix=fix)
    return err


def _lock(git_dir: str):
    """Serialise fetches of one repository: concurrent `git lfs pull` runs fight over .git/index.lock."""
    path = os.path.join(git_dir, "xetcache-lfs.lock")
    f = open(path, "a+")
    try:
        import fcntl
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
    except ImportError:  # Windows: no flock; git's own index.lock then reports a clash as a failed fetch
        pass
    return f


def fetch_objects(store_dir: str, oids: Sequence[str], *, stream: Optional[TextIO] = None,
                  timeout: Optional[float] = None) -> bool:
    """Fetch the objects ``oids`` of the store at ``store_dir`` from Git LFS. True when all are local now.

    Raises ObjectNotLocalError (code ENOTLOCAL, ``.reason_code`` one of ENOTREPO, ENOLFS, ELFSNOTCONFIGURED,
    ENOREMOTE, EFETCH, ENOTPOINTER) with a reason the engine reports; the caller treats the entry as a miss.
    The reason is also printed as one line on ``stream`` (stderr), so a user sees why the cached result was
    not used even without the lab extension. The bytes are hash-checked by the storage when loaded
    (invariant 5), as for any object."""
    transfer = notice.new_transfer("lfs")

    def say(text: str, state: str = "progress", console: bool = True) -> None:
        if stream is None:
            notice.say(text, transfer=transfer, state=state, console=console)
        elif console:
            print(text, file=stream, flush=True)

    try:
        return _fetch(store_dir, oids, say, timeout)
    except ObjectNotLocalError as e:
        say(f"xetcache: not fetched from Git LFS: {e} The code runs instead.", "error")
        raise


def _fetch(store_dir: str, oids: Sequence[str], say: Callable[..., None], timeout: Optional[float]) -> bool:
    store_dir = os.path.realpath(store_dir)
    todo: List[Tuple[str, str, int]] = []  # (oid, path, size)
    for oid in dict.fromkeys(oids):
        path = os.path.join(store_dir, "objects", "sha256", oid[:2], oid)
        ptr = read_pointer(path)
        if ptr is None:
            if os.path.exists(path):
                continue  # already content
            raise _fail(f"object {oid[:12]} is missing from the store (not even an LFS pointer).", oids, "ENOTPOINTER")
        if ptr[0] != oid:
            raise _fail(f"LFS pointer {oid[:12]} names another object ({ptr[0][:12]}); not fetching it.",
                        oids, "ENOTPOINTER")
        todo.append((oid, path, ptr[1]))
    if not todo:
        return True

    status = lfs_status(store_dir)
    if not status["in_repo"]:
        raise _fail("objects are LFS pointers but the store is not in a git repository.", oids, "ENOTREPO")
    if not status["lfs_available"]:
        raise _fail("objects are LFS pointers but Git LFS is not installed.", oids, "ENOLFS", FIX_INSTALL_LFS)
    if not status["lfs_configured"]:
        raise _fail("objects are LFS pointers but Git LFS is not set up for this user.", oids,
                    "ELFSNOTCONFIGURED", FIX_CONFIGURE_LFS)
    dirs = git_dirs(store_dir)
    assert dirs is not None
    top, git_dir = os.path.realpath(dirs[0]), dirs[1]

    total = sum(size for _, _, size in todo)
    n = len(todo)
    say(f"xetcache: fetching {n} object{'s' if n != 1 else ''} ({format_bytes(total)}) from LFS…")
    patterns = [include_pattern(os.path.relpath(path, top).replace(os.sep, "/")) for _, path, _ in todo]
    started = time.monotonic()
    with _lock(git_dir):
        for inc in _include_args(patterns):
            # --exclude= (empty) overrides a configured lfs.fetchexclude, which would otherwise skip our
            # objects silently (exit 0, nothing fetched).
            try:
                r = _git(["lfs", "pull", f"--include={inc}", "--exclude="], cwd=top, timeout=timeout)
            except subprocess.TimeoutExpired:
                raise _fail(f"git lfs pull did not finish within {timeout} s.", oids, "EFETCH") from None
            if r.returncode != 0:
                detail = " ".join(r.stderr.split())[:400] or f"exit status {r.returncode}"
                remotes = _git(["remote"], cwd=top).stdout.split()
                if not remotes:
                    raise _fail("objects are LFS pointers and the repository has no remote to fetch them from.",
                                oids, "ENOREMOTE", "git remote add origin <url>")
                raise _fail(f"git lfs pull failed: {detail}", oids, "EFETCH")
    still = [oid for oid, path, size in todo if read_pointer(path) is not None or os.path.getsize(path) != size]
    if still:
        raise _fail(f"git lfs pull ran but {len(still)} object(s) are still pointers (not in the checked-out "
                    f"commit, or not on the remote).", still, "EFETCH")
    # A small fetch says nothing more on a console, but a frontend's "fetching" notification must close.
    say(f"xetcache: fetched {format_bytes(total)} in {time.monotonic() - started:.1f} s", "done",
        total >= LARGE_FETCH_BYTES)
    return True


def refresh_index(store_dir: str, oids: Sequence[str]) -> bool:
    """Refresh git's index for the objects ``oids`` whose (tracked) pointer files were replaced by their content.

    The index still holds the pointer file's size, and git treats a size change as a modification without
    looking at the content, so `git status` would list every such object although the clean filter turns it
    back into the same pointer. `git update-index <paths>` re-reads just those files through the clean filter:
    same pointer blob, fresh stat data, nothing else staged (`git lfs pull` does the same after writing objects).
    Best effort: False when not in a repository or git is busy (the files then merely look modified)."""
    store_dir = os.path.realpath(store_dir)
    dirs = git_dirs(store_dir)
    if dirs is None or not oids:
        return False
    top, git_dir = os.path.realpath(dirs[0]), dirs[1]
    paths = "".join(os.path.relpath(os.path.join(store_dir, "objects", "sha256", o[:2], o), top) + "\n"
                    for o in dict.fromkeys(oids))
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0")
    try:
        with _lock(git_dir):
            r = subprocess.run(["git", "update-index", "-q", "--stdin"], cwd=top, env=env,
                               input=paths, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    return r.returncode == 0
