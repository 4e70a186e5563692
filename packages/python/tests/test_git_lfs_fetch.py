"""xetcache.lfs against real git + git-lfs and a local bare remote: exactly the requested objects are fetched,
lfs.fetchexclude does not block it, odd paths work, and every failure says why (no silent success)."""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import gitutil as gu  # noqa: E402
from xetcache.lfs import fetch as lfs  # noqa: E402
from xetcache.errors import CorruptObjectError, ObjectNotLocalError  # noqa: E402

pytestmark = pytest.mark.skipif(not gu.have_git_lfs(), reason="git-lfs not installed")


@pytest.fixture
def gitenv(tmp_path, monkeypatch):
    env = gu.isolated_git_env(tmp_path / "home")
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("GIT_LFS_SKIP_SMUDGE", raising=False)
    return env


def _published(tmp_path: Path, subdir: str = "nb", n: int = 3, size: int = 5000):
    """Repo A with a store holding n random objects, pushed; returns (url, store relative path, oids)."""
    url = gu.init_bare(tmp_path / "remote.git")
    a = gu.init_repo(tmp_path / "a", url)
    store = gu.make_store_skeleton(a / subdir / ".xetcache")
    oids = [gu.put_object(store, os.urandom(size)) for _ in range(n)]
    gu.commit_all(a, "store")
    gu.push(a)
    return url, f"{subdir}/.xetcache", oids


def test_store_is_committed_as_lfs_pointers(gitenv, tmp_path):
    url, rel, oids = _published(tmp_path)
    a = tmp_path / "a"
    tracked = gu.git(a, "lfs", "ls-files", "--name-only").split()
    assert sorted(tracked) == sorted(f"{rel}/objects/sha256/{o[:2]}/{o}" for o in oids)
    # The committed blob of an object is a pointer; the STORE file is plain text.
    blob = gu.git(a, "show", f"HEAD:{rel}/objects/sha256/{oids[0][:2]}/{oids[0]}")
    assert blob.startswith("version https://git-lfs.github.com/spec/v1") and oids[0] in blob
    assert gu.git(a, "show", f"HEAD:{rel}/STORE") == "xetcache-store 1\n"
    assert "index.sqlite" not in gu.git(a, "ls-files")


def test_fetches_exactly_the_requested_objects(gitenv, tmp_path):
    url, rel, oids = _published(tmp_path)
    b = gu.clone(url, tmp_path / "b", lazy=True)
    store = b / rel
    assert all(gu.pointer_states(store).values())
    assert gu.local_lfs_oids(b) == []
    out = io.StringIO()
    assert lfs.fetch_objects(str(store), oids[:2], stream=out) is True
    assert sorted(gu.local_lfs_oids(b)) == sorted(oids[:2])
    states = gu.pointer_states(store)
    assert not states[oids[0]] and not states[oids[1]] and states[oids[2]]
    assert "fetching 2 objects" in out.getvalue()
    assert re.search(r"fetching 2 objects \(\d+(\.\d)? (B|KiB|MiB)\)", out.getvalue())  # README "Sizes"
    # Checked-out content is the real bytes and the work tree stays clean.
    assert gu.git(b, "status", "--porcelain") == ""
    # Already local → nothing to do, nothing printed.
    out2 = io.StringIO()
    assert lfs.fetch_objects(str(store), oids[:2], stream=out2) is True
    assert out2.getvalue() == ""


def test_fetchexclude_does_not_block_the_fetch(gitenv, tmp_path):
    url, rel, oids = _published(tmp_path)
    b = gu.clone(url, tmp_path / "b", lazy=True)
    gu.git(b, "config", "lfs.fetchexclude", "**")
    assert lfs.fetch_objects(str(b / rel), [oids[0]], stream=io.StringIO()) is True
    assert gu.local_lfs_oids(b) == [oids[0]]


def test_paths_with_commas_spaces_and_brackets(gitenv, tmp_path):
    url, rel, oids = _published(tmp_path, subdir="my data, v[2]")
    b = gu.clone(url, tmp_path / "b", lazy=True)
    assert lfs.fetch_objects(str(b / rel), [oids[1]], stream=io.StringIO()) is True
    assert gu.local_lfs_oids(b) == [oids[1]]


def test_include_pattern_escapes_glob_and_separator_characters():
    assert lfs.include_pattern("a,b/c*d/e?f/[x]/g\\h") == "a?b/c?d/e?f/?x?/g?h"
    assert lfs.include_pattern("!neg/x") == "?neg/x"
    assert lfs.include_pattern("#c/x") == "?c/x"
    assert lfs.include_pattern("plain dir/x") == "plain dir/x"


def test_many_objects_are_split_over_several_include_arguments(monkeypatch):
    monkeypatch.setattr(lfs, "MAX_INCLUDE_ARG", 50)
    args = lfs._include_args(["a" * 20, "b" * 20, "c" * 20])
    assert args == ["a" * 20 + "," + "b" * 20, "c" * 20]


def _reason(excinfo) -> str:
    return excinfo.value.reason_code


def test_no_remote_is_a_clear_failure(gitenv, tmp_path):
    url, rel, oids = _published(tmp_path)
    b = gu.clone(url, tmp_path / "b", lazy=True)
    gu.git(b, "remote", "remove", "origin")
    out = io.StringIO()
    with pytest.raises(ObjectNotLocalError) as ei:
        lfs.fetch_objects(str(b / rel), oids[:1], stream=out)
    assert ei.value.code == "ENOTLOCAL" and _reason(ei) == "ENOREMOTE"
    assert "not fetched from Git LFS" in out.getvalue()  # the user sees why, even without the lab extension
    assert isinstance(ei.value, CorruptObjectError)  # callers that treat corrupt as a miss also treat this so
    assert gu.pointer_states(b / rel)[oids[0]] is True


@pytest.mark.parametrize("bad_url", ["http://127.0.0.1:9/nothing.git", "file:///nonexistent/remote.git"])
def test_unreachable_remote_is_a_clear_failure(gitenv, tmp_path, bad_url):
    url, rel, oids = _published(tmp_path)
    b = gu.clone(url, tmp_path / "b", lazy=True)
    gu.git(b, "remote", "set-url", "origin", bad_url)
    with pytest.raises(ObjectNotLocalError) as ei:
        lfs.fetch_objects(str(b / rel), oids[:1], stream=io.StringIO())
    assert _reason(ei) == "EFETCH"
    assert gu.local_lfs_oids(b) == []


def test_lfs_not_configured_names_the_fix(tmp_path, monkeypatch):
    env = gu.isolated_git_env(tmp_path / "home")
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    url, rel, oids = _published(tmp_path)
    b = gu.clone(url, tmp_path / "b", lazy=True)
    gu.git(tmp_path, "config", "--global", "--remove-section", "filter.lfs")
    st = lfs.lfs_status(str(b / rel))
    assert st["in_repo"] and st["lfs_available"] and not st["lfs_configured"]
    assert st["fix"] == "git lfs install"
    with pytest.raises(ObjectNotLocalError) as ei:
        lfs.fetch_objects(str(b / rel), oids[:1], stream=io.StringIO())
    assert _reason(ei) == "ELFSNOTCONFIGURED" and ei.value.fix == "git lfs install"
    # Nothing was changed behind the user's back.
    assert "filter.lfs" not in (tmp_path / "home" / ".gitconfig").read_text()


def test_git_lfs_not_installed(gitenv, tmp_path, monkeypatch):
    url, rel, oids = _published(tmp_path)
    b = gu.clone(url, tmp_path / "b", lazy=True)
    nolfs = tmp_path / "bin"
    nolfs.mkdir()
    (nolfs / "git").symlink_to(os.path.realpath(gu.shutil.which("git")))
    monkeypatch.setenv("PATH", str(nolfs))
    monkeypatch.setenv("GIT_EXEC_PATH", gu.git(tmp_path, "--exec-path").strip())
    st = lfs.lfs_status(str(b / rel))
    assert st["in_repo"] and not st["lfs_available"] and "git lfs install" in st["fix"]
    with pytest.raises(ObjectNotLocalError) as ei:
        lfs.fetch_objects(str(b / rel), oids[:1], stream=io.StringIO())
    assert _reason(ei) == "ENOLFS"


def test_not_in_a_repository(gitenv, tmp_path):
    store = gu.make_store_skeleton(tmp_path / "plain" / ".xetcache")
    oid = "ab" * 32
    p = gu.object_path(store, oid)
    p.parent.mkdir(parents=True)
    p.write_text(f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize 10\n")
    assert lfs.lfs_status(str(store))["in_repo"] is False
    with pytest.raises(ObjectNotLocalError) as ei:
        lfs.fetch_objects(str(store), [oid], stream=io.StringIO())
    assert _reason(ei) == "ENOTREPO"


def test_pointer_naming_another_object_is_refused(gitenv, tmp_path):
    url, rel, oids = _published(tmp_path)
    b = gu.clone(url, tmp_path / "b", lazy=True)
    store = b / rel
    # Swap two pointer files: the name no longer matches the oid inside.
    p0, p1 = gu.object_path(store, oids[0]), gu.object_path(store, oids[1])
    t0 = p0.read_bytes()
    p0.write_bytes(p1.read_bytes())
    p1.write_bytes(t0)
    with pytest.raises(ObjectNotLocalError) as ei:
        lfs.fetch_objects(str(store), [oids[0]], stream=io.StringIO())
    assert _reason(ei) == "ENOTPOINTER"
    assert gu.local_lfs_oids(b) == []


def _read_pointer_soon(path: Path):
    """read_pointer in a thread: a FIFO opened without O_NONBLOCK would block it forever (and the kernel with it)."""
    import threading

    box = []
    t = threading.Thread(target=lambda: box.append(lfs.read_pointer(str(path))), daemon=True)
    t.start()
    t.join(10)
    assert not t.is_alive(), f"read_pointer blocked on {path}"
    return box[0]


def test_read_pointer_never_opens_a_fifo_or_follows_a_symlink(tmp_path):
    pointer = (b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"a" * 64 + b"\nsize 5\n")
    outside = tmp_path / "outside"
    outside.write_bytes(pointer)
    assert _read_pointer_soon(outside) == ("a" * 64, 5)  # a real pointer file is one
    os.mkfifo(tmp_path / "fifo")
    assert _read_pointer_soon(tmp_path / "fifo") is None
    os.symlink(outside, tmp_path / "link")
    assert _read_pointer_soon(tmp_path / "link") is None  # a clone's symlink points anywhere: never followed
