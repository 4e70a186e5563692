"""Loading an entry's objects (store/loader.py): how the reads are split between workers, and that a hit returns the
stored value or is a miss, never anything else, when chunk files are cut short or rewritten while it reads, with the
verified-chunks trust (spec/FORMAT.md "Loading and verified objects") on and off."""

import os
import threading

import numpy as np
import pytest

from xetcache import CorruptObjectError, Storage
from xetcache.store import engineindex, loader, objects

from conftest import save_value as save  # the `store` fixture is conftest's too


@pytest.fixture(params=["trusted", "always"])
def trust(request, monkeypatch):
    """Both ways a chunk is accepted: trusted by its stat data after a first load, or hashed on every load."""
    monkeypatch.setattr(engineindex, "RACY_NS", -1)  # tests cannot wait for stamps to age
    if request.param == "always":
        monkeypatch.setenv("XETCACHE_VERIFY", "always")
    return request.param


def chunk_oids(m):
    (parts,) = m["chunks"].values()
    return [oid for oid, _ in parts]


def value(n=10 << 20, seed=0):
    return np.random.default_rng(seed).random(n // 8)


def load(store, m):
    """A hit as a fresh process does it: a new Storage (no per-process caches), the on-disk index shared."""
    return Storage(store.path).load_variables(m)["return"]


def hit_or_miss(store, m, want):
    """The load's outcome, failing the test on anything but the right value or a miss."""
    try:
        got = load(store, m)
    except CorruptObjectError:
        return "miss"
    np.testing.assert_array_equal(got, want)
    return "hit"


# ---- how the work is split -------------------------------------------------------------------------------------
def test_the_work_is_cut_into_contiguous_runs_in_order(store, monkeypatch):
    m = save(store, value(16 << 20))
    monkeypatch.setattr(loader, "RUN_BYTES", 2 << 20)
    plan = loader.Plan(m, list(m["variables"]["return"]["objects"]))
    todo = plan.oids
    runs = plan._runs(todo)
    assert [o for r in runs for o in r] == todo  # in order, each once
    assert len(runs) > 4
    sizes = {oid: n for parts in m["chunks"].values() for oid, n in parts}
    for r in runs[:-1]:
        assert 2 << 20 <= sum(sizes.get(o, objects.POINTER_MAX) for o in r) < (2 << 20) + 2 * max(sizes.values())


def test_one_object_is_one_run(store):
    plan = loader.Plan({"format": 1}, ["0" * 64])
    assert plan._runs(["0" * 64]) == [["0" * 64]]


def test_a_worker_that_is_held_up_holds_up_one_run_only(store, monkeypatch):
    """The workers take runs one at a time: while one waits (for a core, on a loaded machine), the others read
    every other run. Here the helper thread is stopped on its first object until this thread has read all the
    objects outside that run; the hit completes with the right value."""
    a = value(16 << 20)
    m = save(store, a)
    monkeypatch.setattr(loader, "WORKERS", 2)
    monkeypatch.setattr(loader, "RUN_BYTES", 2 << 20)
    main = threading.get_ident()
    plan = loader.Plan(m, list(m["variables"]["return"]["objects"]))
    runs = plan._runs(plan.oids)
    real = loader.Plan._read_one
    everything = {o for r in runs for o in r}
    held, by_main, free, lock = [], set(), threading.Event(), threading.Lock()

    def read_one(self, store_dir, oid, known):
        if threading.get_ident() != main and not held:
            with lock:
                held.extend(next(r for r in runs if oid in r))
                done = by_main >= everything - set(held)
            assert done or free.wait(60)  # released once this thread has read everything else
        got = real(self, store_dir, oid, known)
        if threading.get_ident() == main:
            with lock:
                by_main.add(oid)
                if held and by_main >= everything - set(held):
                    free.set()
        return got

    monkeypatch.setattr(loader.Plan, "_read_one", read_one)
    np.testing.assert_array_equal(load(store, m), a)
    if held:  # the helper took a run (it may start too late to take any: then this thread read them all)
        assert by_main == everything - set(held)


# ---- cut short ----------------------------------------------------------------------------------------------------
def test_a_truncated_chunk_is_a_miss(store, trust):
    a = value()
    m = save(store, a)
    np.testing.assert_array_equal(load(store, m), a)  # verified once: trusted from now on (when trust is on)
    victim = store.object_path(chunk_oids(m)[2])
    os.truncate(victim, os.path.getsize(victim) // 2)
    with pytest.raises(CorruptObjectError):
        load(store, m)


def test_a_chunk_cut_short_while_it_is_read_is_a_miss(store, trust, monkeypatch):
    a = value()
    m = save(store, a)
    load(store, m)
    victim = chunk_oids(m)[1]
    real = objects.read_into

    def cut_then_read(fd, view):
        if os.fstat(fd).st_ino == os.stat(store.object_path(victim)).st_ino:
            os.truncate(store.object_path(victim), 1000)  # another process, between our open and our read
        return real(fd, view)

    monkeypatch.setattr(loader.objects, "read_into", cut_then_read)
    with pytest.raises(CorruptObjectError):
        load(store, m)


# ---- rewritten -------------------------------------------------------------------------------------------------
def test_a_chunk_rewritten_before_it_is_read_is_a_miss(store, trust, monkeypatch):
    a = value()
    m = save(store, a)
    load(store, m)
    victim = store.object_path(chunk_oids(m)[1])
    real = objects.read_into

    def rewrite_then_read(fd, view):
        if os.fstat(fd).st_ino == os.stat(victim).st_ino:
            with open(victim, "r+b") as f:  # same size, other bytes: stat data change, the hash does not match
                f.write(b"\xff" * 4096)
        return real(fd, view)

    monkeypatch.setattr(loader.objects, "read_into", rewrite_then_read)
    with pytest.raises(CorruptObjectError):
        load(store, m)


def test_a_chunk_rewritten_after_it_was_read_is_hashed_and_the_hit_keeps_what_was_read(store, trust, monkeypatch):
    """The write lands between our read and our second fstat: the stamp no longer matches, so the bytes already
    in our memory are hashed (they are the stored ones) and nothing of the new file is used."""
    a = value()
    m = save(store, a)
    load(store, m)
    victim = store.object_path(chunk_oids(m)[1])
    real = objects.read_into

    def read_then_rewrite(fd, view):
        n = real(fd, view)
        if os.fstat(fd).st_ino == os.stat(victim).st_ino:
            with open(victim, "r+b") as f:
                f.write(b"\xff" * 4096)
        return n

    monkeypatch.setattr(loader.objects, "read_into", read_then_rewrite)
    got = load(store, m)
    np.testing.assert_array_equal(got, a)
    monkeypatch.undo()
    monkeypatch.setattr(engineindex, "RACY_NS", -1)
    with pytest.raises(CorruptObjectError):  # the file itself is wrong now: the next hit hashes it and misses
        load(store, m)


def test_a_concurrent_rewriter_never_makes_a_hit_return_other_bytes(store, trust):
    """Another process keeps rewriting chunk files in place (other bytes, then the right ones again, same size)
    while hits run: each hit returns the stored value or is a miss. A file found wrong is quarantined; the
    rewriter puts the right bytes back, as a `git checkout` would."""
    a = value(8 << 20)
    m = save(store, a)
    load(store, m)
    oids = chunk_oids(m)
    right = {o: open(store.object_path(o), "rb").read() for o in oids}
    stop = threading.Event()
    errors = []

    def rewriter():
        i = 0
        try:
            while not stop.is_set():
                oid = oids[i % len(oids)]
                path = store.object_path(oid)
                try:
                    with open(path, "r+b") as f:
                        f.seek((i * 7919) % (len(right[oid]) - 64))
                        f.write(os.urandom(64))
                        f.flush()
                        f.seek(0)
                        f.write(right[oid])
                except FileNotFoundError:  # quarantined by a hit: put it back
                    tmp = path + ".tmp"
                    with open(tmp, "wb") as f:
                        f.write(right[oid])
                    os.replace(tmp, path)
                i += 1
        except BaseException as e:  # noqa: BLE001 - reported by the test
            errors.append(e)

    t = threading.Thread(target=rewriter, daemon=True)
    t.start()
    try:
        outcomes = [hit_or_miss(store, m, a) for _ in range(25)]
    finally:
        stop.set()
        t.join()
    assert not errors, errors
    assert set(outcomes) <= {"hit", "miss"}
    for oid in oids:  # quiet again: the right bytes are back everywhere, so the next hit hits
        path = store.object_path(oid)
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(right[oid])
    np.testing.assert_array_equal(load(store, m), a)


# ---- the writer's own files -----------------------------------------------------------------------------------
def _hashed_by_loads(monkeypatch):
    """The sizes of the buffers the loader hashes from now on (its only sha256 of object bytes)."""
    seen = []
    real = loader.hashlib.sha256

    class Spy:
        @staticmethod
        def sha256(data=b""):
            seen.append(memoryview(data).nbytes)
            return real(data)

    monkeypatch.setattr(loader, "hashlib", Spy)
    return seen


def test_the_first_load_after_a_store_trusts_the_files_that_store_wrote(store, monkeypatch):
    """A large hit right after its store (a fresh process, as the benchmark's first hit) need not hash what the
    writer hashed and wrote itself a moment before: its chunk files are recorded at store time, with no racy-clock
    wait (spec/FORMAT.md). Nothing else is: the first load hashes a chunk file another writer made."""
    a = value()
    m = save(store, a)
    seen = _hashed_by_loads(monkeypatch)
    np.testing.assert_array_equal(load(store, m), a)
    assert seen == []


def test_an_edit_after_the_store_is_still_seen_by_the_first_load(store):
    a = value()
    m = save(store, a)
    victim = store.object_path(chunk_oids(m)[3])
    with open(victim, "r+b") as f:  # same size, other bytes, in place: mtime and ctime move
        f.seek(100)
        f.write(b"\x00" * 8)
    with pytest.raises(CorruptObjectError):
        load(store, m)


def test_a_chunk_the_store_found_already_there_is_not_recorded_as_its_own(store, monkeypatch):
    """Chunk files present before the store (put there by someone else, e.g. a git checkout) are not the writer's
    own: their stat data proves nothing, so the first load hashes them."""
    a = value()
    m = save(store, a)
    oids = chunk_oids(m)
    engineindex.EngineIndex(store.path).forget_verified(oids)
    m2 = save(store, a, key="b" * 64)  # the same chunks: found in the store, nothing written
    assert chunk_oids(m2) == oids
    seen = _hashed_by_loads(monkeypatch)
    np.testing.assert_array_equal(load(store, m2), a)
    assert len(seen) == len([o for o in oids if os.path.getsize(store.object_path(o)) >= objects.POINTER_MAX])


def test_no_trust_from_the_writer_when_verify_is_always(store, monkeypatch):
    monkeypatch.setenv("XETCACHE_VERIFY", "always")
    a = value()
    m = save(store, a)
    seen = _hashed_by_loads(monkeypatch)
    np.testing.assert_array_equal(load(store, m), a)
    assert len(seen) == len(chunk_oids(m))


# ---- cold reads -----------------------------------------------------------------------------------------------
def _drop_cache(paths):
    for p in paths:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fdatasync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


@pytest.mark.skipif(not hasattr(os, "RWF_NOWAIT"), reason="the page-cache probe needs preadv(RWF_NOWAIT)")
def test_a_cold_load_reads_ahead_and_a_warm_one_does_not(store, monkeypatch):
    """Chunk files not in the page cache are read ahead a run at a time (POSIX_FADV_WILLNEED) so the disk is not
    idle between small synchronous reads; files already cached are not (the hint would cost a lookup per page)."""
    a = value(24 << 20)
    m = save(store, a)
    paths = [store.object_path(o) for o in chunk_oids(m)]
    hinted = []
    real = loader._read_ahead
    monkeypatch.setattr(loader, "_read_ahead", lambda dirs, run: (hinted.extend(run), real(dirs, run)))
    np.testing.assert_array_equal(load(store, m), a)
    assert hinted == []
    probed = []
    real_cold = loader._cold
    monkeypatch.setattr(loader, "_cold", lambda dirs, todo: probed.append(real_cold(dirs, todo)) or probed[-1])
    _drop_cache(paths)
    np.testing.assert_array_equal(load(store, m), a)
    assert probed, "the loader did not ask whether the files are cached"
    if not probed[-1]:  # the file system ignored DONTNEED: nothing to show here
        pytest.skip("the page cache kept the files")
    assert set(chunk_oids(m)) <= set(hinted) and len(hinted) == len(set(hinted))  # every chunk file, once


def test_a_cold_load_asks_for_runs_ahead_of_the_one_it_reads(store, monkeypatch):
    """The disk gets work queued beyond the run being read (AHEAD_RUNS): when the first chunk is read, the files of
    the next runs have been asked for already; every file is asked for once, and before it is read."""
    a = value(24 << 20)
    m = save(store, a)
    monkeypatch.setattr(loader, "RUN_BYTES", 1)  # one file a run
    monkeypatch.setattr(loader, "WORKERS", 1)
    monkeypatch.setattr(loader, "_cold", lambda dirs, todo: True)
    events = []
    lock = threading.Lock()
    real_ahead, real_read = loader._read_ahead, loader.Plan._read_one

    def ahead(dirs, run):
        with lock:
            events.extend(("ask", o) for o in run)
        real_ahead(dirs, run)

    def read_one(self, store_dir, oid, known):
        with lock:
            events.append(("read", oid))
        return real_read(self, store_dir, oid, known)

    monkeypatch.setattr(loader, "_read_ahead", ahead)
    monkeypatch.setattr(loader.Plan, "_read_one", read_one)
    np.testing.assert_array_equal(load(store, m), a)
    asked = [o for k, o in events if k == "ask"]
    assert len(asked) == len(set(asked)), "asked twice"
    assert set(chunk_oids(m)) <= set(asked)  # every chunk file (and the small objects read with them)
    for i, (k, o) in enumerate(events):
        if k == "read" and o in asked:
            assert ("ask", o) in events[:i], "read before it was asked for"
    first_read = next(i for i, (k, _) in enumerate(events) if k == "read")
    assert len([1 for k, _ in events[:first_read] if k == "ask"]) == loader.AHEAD_RUNS + 1
