"""The memory loaded objects are read into (store/buffers.py): private to this process, and faulted in ahead of the
read as huge pages or, once that shows itself expensive, left to the read as small pages; either way the loaded
value is the stored one."""

import mmap

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
    f.prepare(buf, 4 << 20, 8 << 20)  # no populate once cold
    assert buf[:8] == bytes(8)


def test_an_unsupported_populate_is_given_up_quietly():
    class OldKernel(mmap.mmap):
        def madvise(self, *a):
            raise OSError(22, "Invalid argument")

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
