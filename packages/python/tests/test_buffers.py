"""The memory loaded objects are read into (store/buffers.py): private to this process, and faulted in ahead of the
read as huge pages or, once that shows itself expensive, left to the read as small pages; either way the loaded
value is the stored one."""

import mmap
import sys
import threading
import time

import numpy as np
import pytest

from xetcache import Storage
from xetcache.store import buffers

from conftest import save_value as save  # the `store` fixture is conftest's too


def test_small_buffers_are_bytearrays_and_large_ones_private_anonymous_pages():
    assert isinstance(buffers.alloc(1000), bytearray)
    big = buffers.alloc(buffers.ANON_MIN * 3)
    assert len(big) == buffers.ANON_MIN * 3
    if isinstance(big, mmap.mmap):
        big[:4] = b"abcd"  # writable, and all zeros elsewhere
        assert big[:4] == b"abcd" and big[-4:] == bytes(4)


def test_prepare_faults_in_without_changing_bytes():
    buf = buffers.alloc(8 << 20)
    buf[5 << 20:(5 << 20) + 3] = b"xyz"
    f = buffers.Faulting()
    f.prepare(buf, 4 << 20, 6 << 20)
    f.prepare(buf, 123, 4567)  # not page aligned: rounded, still fine
    f.prepare(bytearray(10), 0, 10)  # small buffers are left alone
    assert buf[5 << 20:(5 << 20) + 3] == b"xyz" and buf[:4] == bytes(4)


def test_expensive_faulting_switches_the_rest_to_small_pages(monkeypatch):
    clock = iter(range(0, 10 ** 6, 1))  # every populate seems to take a second of CPU
    monkeypatch.setattr(buffers.time, "thread_time", lambda: float(next(clock)))
    buf = buffers.alloc(8 << 20)
    f = buffers.Faulting()
    f.prepare(buf, 0, 4 << 20)
    if f.usable:  # Linux with MADV_POPULATE_WRITE
        assert f.cold and id(buf) in f.small
    before = _resident_bytes(buf) if f.usable else 0
    f.prepare(buf, 4 << 20, 8 << 20)  # once cold: small pages, still populated ahead of the read
    if f.usable:
        assert _resident_bytes(buf) - before >= 4 << 20
    assert buf[:8] == bytes(8)


def _resident_bytes(buf) -> int:
    """Rss of buf's mapping, from /proc/self/smaps."""
    import ctypes

    view = ctypes.c_char.from_buffer(buf)
    addr = ctypes.addressof(view)
    del view
    with open("/proc/self/smaps") as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines):
        if "-" in line.split(" ", 1)[0] and int(line.split("-", 1)[0], 16) == addr:
            for rest in lines[i + 1:]:
                if rest.startswith("Rss:"):
                    return int(rest.split()[1]) * 1024
    raise AssertionError("mapping not found in /proc/self/smaps")


@pytest.mark.skipif(not sys.platform.startswith("linux") or buffers._MADVISE is None, reason="Linux, libc")
def test_populate_faults_in_exactly_the_range_asked():
    buf = buffers.alloc(64 << 20)
    before = _resident_bytes(buf)
    try:
        buffers.populate(buf, 16 << 20, 8 << 20)
    except OSError:
        pytest.skip("kernel without MADV_POPULATE_WRITE")
    got = _resident_bytes(buf) - before
    assert 8 << 20 <= got < 32 << 20  # huge pages may round it up to 2 MiB edges, never to the whole buffer
    assert buf[16 << 20:(16 << 20) + 4] == bytes(4)
    buf.close()  # no export of the buffer is left behind by populate


@pytest.mark.skipif(not sys.platform.startswith("linux") or buffers._MADVISE is None, reason="Linux, libc")
def test_populating_lets_other_threads_run():
    """Why it goes through ctypes: a worker populating must not stop the others from running Python between their
    reads. With a switch interval too long to ever force a switch, the only way another thread runs while this one
    is inside populate is that populate released the GIL; a counter that gives the GIL back after every step
    (sleep(0)) then advances during it, and does not at all if the GIL was held."""
    old = sys.getswitchinterval()
    progress = []
    sys.setswitchinterval(1000.0)
    try:
        for _ in range(3):  # a busy machine may not run the counter within one try
            buf = buffers.alloc(64 << 20)
            state = {"n": 0, "stop": False}

            def count():
                while not state["stop"]:
                    state["n"] += 1
                    time.sleep(0)  # releases the GIL

            th = threading.Thread(target=count)
            th.start()
            while state["n"] == 0:
                time.sleep(0.001)
            try:
                n0 = state["n"]
                buffers.populate(buf, 0, len(buf))
                progress.append(state["n"] - n0)
            except OSError:
                pytest.skip("kernel without MADV_POPULATE_WRITE")
            finally:
                state["stop"] = True
                th.join()
                buf.close()
            if progress[-1] > 0:
                break
    finally:
        sys.setswitchinterval(old)
    assert max(progress) > 0, progress


def test_an_unsupported_populate_is_given_up_quietly(monkeypatch):
    class OldKernel(mmap.mmap):
        def madvise(self, *a):
            raise OSError(22, "Invalid argument")

    def einval(addr, length, advice):
        raise OSError(22, "Invalid argument")

    monkeypatch.setattr(buffers, "_MADVISE", einval)

    buf = OldKernel(-1, 4 << 20, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    f = buffers.Faulting()
    f.prepare(buf, 0, 4 << 20)
    assert not f.usable
    f.prepare(buf, 0, 4 << 20)  # not tried again


@pytest.mark.parametrize("cold", [True, False])
def test_a_hit_is_the_stored_value_with_either_kind_of_pages(store, monkeypatch, cold):
    monkeypatch.setattr(buffers, "COLD_S_PER_GIB", 0.0 if cold else 1e9)
    a = np.random.default_rng(1).random((12 << 20) // 8)
    m = save(store, a)
    got = Storage(store.path).load_variables(m)["return"]
    np.testing.assert_array_equal(got, a)
    assert got.flags.writeable
