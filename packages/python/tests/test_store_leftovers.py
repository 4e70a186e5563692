"""Nothing left behind (issue 10 item 6): the tmp files of a writer killed mid-store (kill -9 of a real process) go
at the next open of the store, not an hour later; a live writer's stay; a store that fails on a full disk (a real,
small tmpfs) removes its tmp files and the objects it created."""

import errno
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from xetcache import Storage, config
from xetcache.errors import StoreFullError
from xetcache.store import atomic, layout

SHA = "c" * 64
PKG = str(Path(__file__).resolve().parents[1])


def tmp_files(store_dir):
    return [n for n in os.listdir(os.path.join(store_dir, "tmp")) if n.endswith(".tmp")]


def object_files(store_dir):
    root = os.path.join(store_dir, "objects", "sha256")
    return [f for d in os.listdir(root) for f in os.listdir(os.path.join(root, d))]


def save(store, variables, key="1" * 64):
    return store.save(key=key, kind="cell", variables=variables, outputs=None, runtime_s=1.0,
                      source={"code_sha256": SHA, "preview": "x"}, inputs={}, outputs_names=list(variables),
                      namespace=None)


WRITER = r"""
import os, sys
sys.path.insert(0, sys.argv[2])
from xetcache import Storage
value = [os.urandom(1 << 20) for _ in range(400)]  # 400 MiB in 1 MiB parts: long enough to be caught mid-write
st = Storage(sys.argv[1])
print("ready", flush=True)
st.save(key="2" * 64, kind="cell", variables={"v": value}, outputs=None, runtime_s=1.0,
        source={"code_sha256": "c" * 64, "preview": "x"}, inputs={}, outputs_names=["v"], namespace=None)
"""


def test_the_tmp_files_of_a_writer_killed_mid_store_go_at_the_next_open(tmp_path):
    store_dir = str(tmp_path / ".xetcache")
    Storage(store_dir)
    p = subprocess.Popen([sys.executable, "-c", WRITER, store_dir, PKG], stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "ready"
        deadline = time.time() + 60
        while not tmp_files(store_dir) and time.time() < deadline and p.poll() is None:
            time.sleep(0.001)
        os.kill(p.pid, signal.SIGKILL)
    finally:
        p.wait()
    left = tmp_files(store_dir)
    assert left, "the writer finished before it could be killed mid-write"
    assert all(atomic.tmp_writer(n) == (atomic.host_id(), p.pid) for n in left)  # the name says whose it is
    layout.open_store(store_dir, create=False)  # what every opener does (a kernel's Storage, the CLI's open)
    assert tmp_files(store_dir) == []


def test_a_live_writers_tmp_files_and_unknown_ones_stay_until_they_are_an_hour_old(tmp_path):
    store_dir = str(tmp_path / ".xetcache")
    Storage(store_dir)
    fd, mine = atomic.open_tmp(store_dir)  # this process: alive
    os.close(fd)
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        other = os.path.join(store_dir, "tmp", f"{atomic.host_id()}-{live.pid}-{uuid.uuid4().hex[:24]}.tmp")
        foreign = os.path.join(store_dir, "tmp", f"00000000-{live.pid + 1}-{uuid.uuid4().hex[:24]}.tmp")
        old_style = os.path.join(store_dir, "tmp", uuid.uuid4().hex[:24] + ".tmp")
        for path in (other, foreign, old_style):
            Path(path).write_bytes(b"x")
        layout.open_store(store_dir, create=False)
        assert sorted(tmp_files(store_dir)) == sorted(os.path.basename(p) for p in (mine, other, foreign, old_style))
        hour_ago = time.time() - layout.STALE_TMP_S - 10
        for path in (foreign, old_style):
            os.utime(path, (hour_ago, hour_ago))
        layout.open_store(store_dir, create=False)
        assert sorted(tmp_files(store_dir)) == sorted(os.path.basename(p) for p in (mine, other))
    finally:
        live.kill()
        live.wait()


@pytest.fixture
def small_disk(tmp_path):
    """A real 4 MiB file system (tmpfs), so that ENOSPC is the kernel's and not a simulation. Needs root."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode().strip()}")
    config.reset()
    try:
        yield mnt
    finally:
        config.reset()
        subprocess.run(["umount", "-l", str(mnt)], check=False)


@pytest.mark.parametrize("shape", ["one large value", "many small values"])
def test_a_store_that_fails_on_a_full_disk_removes_what_it_wrote(small_disk, shape):
    store_dir = str(small_disk / ".xetcache")
    st = Storage(store_dir)
    kept = save(st, {"a": os.urandom(1 << 20)}, key="1" * 64)  # an entry that was there before
    objects_before = sorted(object_files(store_dir))
    if shape == "one large value":
        variables = {"big": [os.urandom(1 << 20) for _ in range(6)]}
    else:
        variables = {f"v{i}": os.urandom(2000) for i in range(2500)}
    with pytest.raises(StoreFullError) as err:
        save(st, variables, key="2" * 64)
    assert err.value.code == "ESTOREFULL" and err.value.details["errno"] == errno.ENOSPC
    assert tmp_files(store_dir) == []
    assert sorted(object_files(store_dir)) == objects_before  # no orphan objects on a disk that is full
    assert st.load_variables(st.read_manifest("1" * 64))["a"] == st.load_variables(kept)["a"]
    assert st.read_manifest("2" * 64) is None
