"""The remote tier's parts that need no object store: SigV4 against AWS's published examples, remote.json (no
secrets), where credentials come from, the write-through queue and its lock, the badge text, and that a store
without remote.json (or with its remote down) behaves exactly as before. The real S3 scenarios are in
test_remote_s3.py (SeaweedFS)."""

from __future__ import annotations

import json
import socket
import time

import pytest

from xetcache.remote import badge, config, credentials, hooks, notes, pushqueue, remotestate
from xetcache.remote.remoteerror import RemoteError
from xetcache.remote.sigv4 import EMPTY_SHA256, Credentials, sign
from xetcache.store import manifest as manifests
from xetcache.store.needed import needed_oids
from xetcache.store.storage import Storage

EXAMPLE = Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
DATE = "20130524T000000Z"


def test_sigv4_matches_the_aws_examples():
    # https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html ("GET Object", "GET Bucket")
    h = {"host": "examplebucket.s3.amazonaws.com", "range": "bytes=0-9", "x-amz-content-sha256": EMPTY_SHA256,
         "x-amz-date": DATE}
    auth = sign("GET", "/test.txt", {}, h, EMPTY_SHA256, EXAMPLE, "us-east-1", DATE)
    assert auth.endswith("Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    assert "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date" in auth
    h = {"host": "examplebucket.s3.amazonaws.com", "x-amz-content-sha256": EMPTY_SHA256, "x-amz-date": DATE}
    auth = sign("GET", "/", {"max-keys": "2", "prefix": "J"}, h, EMPTY_SHA256, EXAMPLE, "us-east-1", DATE)
    assert auth.endswith("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")


def test_credentials_are_never_printed():
    assert "EXAMPLEKEY" not in repr(EXAMPLE)


# ---- remote.json ------------------------------------------------------------------------------------------------
def test_remote_json_round_trip_and_normalisation(tmp_path):
    Storage(str(tmp_path / "s"))
    cfg = config.save(str(tmp_path / "s"), {"bucket": "team-cache", "prefix": "/a/b/", "endpoint": "http://h:9000/",
                                            "region": "eu-west-1", "future_field": [1]})
    assert (cfg.bucket, cfg.prefix, cfg.endpoint, cfg.url) == ("team-cache", "a/b", "http://h:9000", "s3://team-cache/a/b")
    assert cfg.key("entries", "ab", "x.json") == "a/b/entries/ab/x.json"
    doc = json.loads((tmp_path / "s" / "remote.json").read_text())
    assert doc["future_field"] == [1] and doc["format"] == 1 and doc["type"] == "s3"
    assert config.load(str(tmp_path / "s")) is cfg  # cached by stat
    assert config.load(str(tmp_path / "nothing")) is None


@pytest.mark.parametrize("doc, what", [
    ({"bucket": "b1x", "aws_secret_access_key": "x"}, "credentials never go in the store"),
    ({"bucket": "b1x", "access_key": "AKIA"}, "credentials never go in the store"),
    ({"bucket": "b1x", "session_token": "t"}, "credentials never go in the store"),
    ({"bucket": "B"}, "not an S3 bucket name"),
    ({"bucket": "b1x", "prefix": "a/../b"}, "'..' segment"),
    ({"bucket": "b1x", "endpoint": "http://user:pw@h"}, "without credentials"),
    ({"bucket": "b1x", "endpoint": "ftp://h"}, "http(s)"),
    ({"bucket": "b1x", "format": 2}, "newer"),
    ({"bucket": "b1x", "type": "gcs"}, "only s3"),
    ({"bucket": "b1x", "addressing": "dns"}, "addressing"),
    ([], "JSON object"),
])
def test_remote_json_refuses(doc, what):
    with pytest.raises(config.ConfigError, match=what.replace("(", r"\(").replace(")", r"\)")):
        config.check(doc)


def test_a_secret_in_the_file_turns_the_remote_off_with_a_reason(tmp_path, capsys):
    store = str(tmp_path / "s")
    Storage(store)
    (tmp_path / "s" / "remote.json").write_text(json.dumps({"bucket": "bkt", "secret_key": "oops"}))
    assert hooks.manifest_on_miss(store, "a" * 64) is None
    assert "credentials never go in the store" in capsys.readouterr().err


def test_parse_url():
    assert config.parse_url("s3://bkt") == ("bkt", "")
    assert config.parse_url("s3://bkt/a/b/") == ("bkt", "a/b")
    with pytest.raises(config.ConfigError):
        config.parse_url("http://bkt/a")


# ---- credentials ------------------------------------------------------------------------------------------------
@pytest.fixture
def clean_aws(monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                 "AWS_DEFAULT_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home" / ".aws").mkdir(parents=True)
    return tmp_path / "home" / ".aws"


def test_credentials_from_the_environment_first(clean_aws, monkeypatch):
    (clean_aws / "credentials").write_text("[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = s\n")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "envsecret")
    c = credentials.resolve(None)
    assert (c.access_key, c.source) == ("ENVKEY", "environment")
    # a profile named in remote.json wins over the environment (as the AWS tools do for an explicit profile)
    (clean_aws / "credentials").write_text("[team]\naws_access_key_id = TEAMKEY\naws_secret_access_key = s\n")
    assert credentials.resolve("team").access_key == "TEAMKEY"


def test_credentials_from_the_files(clean_aws, monkeypatch):
    (clean_aws / "credentials").write_text("[default]\naws_access_key_id = DEF\naws_secret_access_key = s\n"
                                           "[other]\naws_access_key_id = OTHER\naws_secret_access_key = s\n")
    (clean_aws / "config").write_text("[profile cfgonly]\naws_access_key_id = CFG\naws_secret_access_key = s\n"
                                      "region = eu-north-1\n")
    assert credentials.resolve(None).access_key == "DEF"
    assert credentials.resolve(None).source == "~/.aws/credentials [default]"
    monkeypatch.setenv("AWS_PROFILE", "other")
    assert credentials.resolve(None).access_key == "OTHER"
    assert credentials.resolve("cfgonly").access_key == "CFG"
    assert credentials.profile_region("cfgonly") == "eu-north-1"


def test_no_credentials_says_where_to_put_them(clean_aws, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_botocore(name, *a, **kw):  # botocore, when installed, would look further (SSO, instance metadata)
        if name.startswith("botocore"):
            raise ImportError(name)
        return real_import(name, *a, **kw)

    monkeypatch.setattr(builtins, "__import__", no_botocore)
    with pytest.raises(RemoteError) as e:
        credentials.resolve(None)
    assert e.value.reason_code == "ENOCREDENTIALS"
    assert "AWS_ACCESS_KEY_ID" in str(e.value) and "~/.aws/credentials" in str(e.value)


# ---- engine hooks -----------------------------------------------------------------------------------------------
def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_a_store_without_remote_json_never_asks_anyone(tmp_path, monkeypatch):
    store = Storage(str(tmp_path / "s"))
    called = []
    monkeypatch.setattr(remotestate, "state_of", lambda d: called.append(d) or None)
    assert store.lookup("a" * 64) is None
    assert called == [store.path]  # one check (an lstat of remote.json), nothing else
    assert notes.take_note("a" * 64) is None


def test_a_remote_that_is_down_is_a_miss_with_a_reason_and_is_not_asked_again_at_once(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "k")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    store = Storage(str(tmp_path / "s"))
    config.save(store.path, {"bucket": "bkt", "endpoint": f"http://127.0.0.1:{_closed_port()}"})
    key = "b" * 64
    t0 = time.monotonic()
    assert store.lookup(key) is None
    assert time.monotonic() - t0 < 5
    n = notes.take_note(key)
    assert n["lookup"] == "unavailable" and n["reason_code"] == "EREMOTEDOWN", n
    assert "connection refused" in n["message"]
    assert store.lookup(key) is None  # resting: not asked again
    n = notes.take_note(key)
    assert n.get("resting") is True
    ev = badge.annotate({"key": key, "state": "stored", "reason": None})
    assert "team cache not used (EREMOTEDOWN)" not in (ev["reason"] or "")  # the note was taken above
    notes.note(key, **n)
    ev = badge.annotate({"key": key, "state": "stored", "reason": None})
    assert ev["reason"].startswith("team cache not used (EREMOTEDOWN): connection refused")
    assert ev["remote"]["lookup"] == "unavailable"


def test_remote_off_in_the_environment(tmp_path, monkeypatch):
    store = Storage(str(tmp_path / "s"))
    config.save(store.path, {"bucket": "bkt", "endpoint": f"http://127.0.0.1:{_closed_port()}"})
    monkeypatch.setenv("XETCACHE_REMOTE", "off")
    assert store.lookup("c" * 64) is None
    assert notes.take_note("c" * 64) is None


def test_badge_texts():
    hit = {"url": "s3://b/p", "lookup": "found", "fetch": "done", "objects": 3, "bytes": 12_300_000, "fetch_s": 0.4}
    assert badge.text_of("hit", hit) == "from the team cache s3://b/p (3 object(s), 12 MiB in 0.4 s)"
    assert badge.text_of("hit", {"url": "s3://b/p", "lookup": "found"}).endswith("(its objects were here already)")
    assert badge.text_of("stored", {"url": "s3://b/p", "lookup": "miss", "push": "queued"}) == \
        "pushing to the team cache s3://b/p in the background"
    assert "pull-only" in badge.text_of("stored", {"url": "u", "push": "pull-only"})
    ev = badge.annotate({"key": None, "state": "hit", "reason": None})
    assert "remote" not in ev


# ---- queue ------------------------------------------------------------------------------------------------------
def test_push_queue(tmp_path):
    store = Storage(str(tmp_path / "s")).path
    k1, k2 = "1" * 64, "2" * 64
    pushqueue.enqueue(store, k2)
    time.sleep(0.01)
    pushqueue.enqueue(store, k1)
    assert [d["key"] for d in pushqueue.pending(store)] == [k2, k1]
    pushqueue.update(store, k2, state="pushing", bytes=10)
    assert pushqueue.read(store, k2)["bytes"] == 10
    pushqueue.remove(store, k2)
    assert [d["key"] for d in pushqueue.pending(store)] == [k1]
    with pytest.raises(Exception):
        pushqueue.enqueue(store, "../x")
    a, b = pushqueue.Lock(store), pushqueue.Lock(store)
    assert a.acquire(wait=False)
    assert not b.acquire(wait=False)  # flock: a second open file description is refused
    a.release()
    assert b.acquire(wait=False)
    b.release()


def test_needed_oids_is_what_a_restore_reads():
    m = {"variables": {"b": {"objects": ["2" * 64, "3" * 64]}, "a": {"objects": ["1" * 64]}},
         "outputs": {"object": "4" * 64}}
    assert needed_oids(m) == manifests.object_ids(m) == ["1" * 64, "2" * 64, "3" * 64, "4" * 64]


# ---- parallel ranged fetch: never hangs, never leaves a file, never names wrong bytes -----------------------
def test_ranged_fetch_under_random_failures(tmp_path, monkeypatch):
    """The range and part logic of a fetch from a pack (small objects coalesced into ranges, a large one in parts,
    completing in any order, some requests failing, or the pack holding a wrong byte): every fetch stores exactly
    the bytes or raises, and leaves no tmp file and no open file behind. (Transfers themselves are tested on a real
    server in test_remote_s3.py.)"""
    import hashlib
    import os
    import random

    from xetcache.remote import transfer, tuning

    monkeypatch.setattr(tuning, "PART", 1 << 14)
    monkeypatch.setattr(tuning, "GAP", 1 << 10)
    blobs = [os.urandom(n) for n in (40 * (1 << 14) + 7, 5000, 1, 16000, 3 << 12, 700)]
    oids = [hashlib.sha256(b).hexdigest() for b in blobs]
    pack = b"".join(blobs)
    name = "a" * 64 + "-0123abcd"
    where, off = {}, 0
    for oid, b in zip(oids, blobs):
        where[oid] = (name, off, len(b))
        off += len(b)
    wrong = bytearray(pack)
    wrong[len(blobs[0]) + 100] ^= 1  # inside the second object
    wrong[100] ^= 1  # inside the large one

    class Client:
        def __init__(self, fail, body):
            self.fail, self.body = fail, body

        def get_range_into(self, key, start, into):
            assert key.endswith("packs/" + name)
            time.sleep(random.random() * 0.001)
            if random.random() < self.fail:
                raise RemoteError("dropped", "EREMOTEDOWN")
            into[:] = self.body[start:start + len(into)]

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "k")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    cfg = config.RemoteConfig(config.check({"bucket": "bkt", "endpoint": "http://127.0.0.1:9"}))
    fds = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    outcomes = set()
    for i in range(60):
        store = Storage(str(tmp_path / f"s{i}")).path
        r = transfer.Remote(store, cfg, workers=random.choice([1, 3, 8]))
        fail, body = random.choice([(0.0, pack), (0.05, pack), (0.3, pack), (0.0, bytes(wrong))])
        r.client = Client(fail, body)
        paths = [os.path.join(store, "objects", "sha256", o[:2], o) for o in oids]
        try:
            r.fetch("a" * 64, oids, where=where)
            outcomes.add("ok")
            assert [open(p, "rb").read() for p in paths] == blobs
        except RemoteError as e:
            outcomes.add(e.reason_code)
            for p, b in zip(paths, blobs):  # whatever was stored is right; nothing else is there
                assert not os.path.exists(p) or open(p, "rb").read() == b
            if body is not pack:
                assert not os.path.exists(paths[0]) and not os.path.exists(paths[1])
    time.sleep(0.5)  # parts still in flight after a failure finish and close their files
    assert outcomes >= {"ok", "EREMOTEDOWN", "EREMOTECORRUPT"}, outcomes
    assert [p for p in tmp_path.glob("s*/tmp/*")] == []
    if fds is not None:
        assert len(os.listdir("/proc/self/fd")) <= fds + 1


def test_ranges_of_a_pack_are_coalesced():
    from xetcache.remote import packs, tuning

    P, G = tuning.PART, tuning.GAP
    items = [(0, 10, "a"), (10, 10, "b"), (20 + G + 1, 5, "c"), (P - 3, 3, "d")]
    got = [(s, e, [x[2] for x in g]) for s, e, g in packs.coalesce(items)]
    assert got == [(0, 20, ["a", "b"]), (20 + G + 1, 20 + G + 6, ["c"]), (P - 3, P, ["d"])]
    assert [len(g) for _, _, g in packs.coalesce([(i * 100, 100, str(i)) for i in range(P // 100 + 5)])] == \
        [P // 100, 5]


def test_a_where_file_is_checked():
    from xetcache.remote import packs

    key, pack = "c" * 64, "c" * 64 + "-00ff00ff"
    ok = json.dumps({"key": key, "objects": {"d" * 64: [pack, 0, 5]}}).encode()
    assert packs.parse_where(ok, key) == {"d" * 64: (pack, 0, 5)}
    for doc in ({"key": "e" * 64, "objects": {}}, {"key": key, "objects": {"../x": [pack, 0, 5]}},
                {"key": key, "objects": {"d" * 64: ["../../etc", 0, 5]}}, {"key": key, "objects": {"d" * 64: [pack, -1, 5]}}):
        with pytest.raises(RemoteError) as e:
            packs.parse_where(json.dumps(doc).encode(), key)
        assert e.value.reason_code == "EREMOTECORRUPT"


def _packed(blobs, name):
    """(oids, where, pack bytes) of ``blobs`` laid end to end in one pack called ``name``."""
    import hashlib

    oids = [hashlib.sha256(b).hexdigest() for b in blobs]
    where, off = {}, 0
    for oid, b in zip(oids, blobs):
        where[oid] = (name, off, len(b))
        off += len(b)
    return oids, where, b"".join(blobs)


def _serving(monkeypatch, store, pack, workers):
    """A Remote of ``store`` whose client reads ranges of one in-memory ``pack`` (no server: the range and store
    logic only)."""
    from xetcache.remote import transfer

    class Client:
        def get_range_into(self, key, start, into):
            into[:] = pack[start:start + len(into)]

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "k")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    cfg = config.RemoteConfig(config.check({"bucket": "bkt", "endpoint": "http://127.0.0.1:9"}))
    r = transfer.Remote(store, cfg, workers=workers)
    r.client = Client()
    return r


def test_receive_buffers_are_reused_only_after_every_piece_is_stored(tmp_path, monkeypatch):
    """fetching.py reuses its receive buffers across ranges. A buffer handed to the next range while a piece of it
    was hashed but not yet written would put the next range's bytes under this piece's name: slow writes here
    (a sleep between hashing and writing) with many ranges and few buffers must still store every object exactly."""
    import os
    import random

    from xetcache.remote import fetching, tuning

    monkeypatch.setattr(tuning, "PART", 1 << 13)
    monkeypatch.setattr(tuning, "GAP", 1 << 10)
    blobs = [os.urandom(random.randint(1, 3000)) for _ in range(300)]
    oids, where, pack = _packed(blobs, "b" * 64 + "-0123abcd")
    real_write = fetching.write_tmp

    def slow_write(store_dir, data, **kw):
        time.sleep(random.random() * 0.003)
        return real_write(store_dir, data, **kw)

    monkeypatch.setattr(fetching, "write_tmp", slow_write)
    for i, workers in enumerate((1, 2, 5)):
        store = Storage(str(tmp_path / f"s{i}")).path
        _serving(monkeypatch, store, pack, workers).fetch("b" * 64, oids, where=where)
        for oid, b in zip(oids, blobs):
            with open(os.path.join(store, "objects", "sha256", oid[:2], oid), "rb") as f:
                assert f.read() == b


def test_fetched_objects_are_recorded_as_verified_and_only_those_it_created(tmp_path, monkeypatch):
    """A fetch hashes every object in memory before writing it to a new file of its own, so it records those files
    as the store's writer does (the first hit after a pull need not hash them again); an object file that was
    already in the store (not written by this fetch) gets no record."""
    import os

    from xetcache.store import engineindex

    blobs = [os.urandom(5000 + i) for i in range(6)]
    oids, where, pack = _packed(blobs, "c" * 64 + "-0123abcd")
    store = Storage(str(tmp_path / "s")).path
    there = os.path.join(store, "objects", "sha256", oids[0][:2], oids[0])
    os.makedirs(os.path.dirname(there), exist_ok=True)
    with open(there, "wb") as f:  # already in the store, put there by someone else
        f.write(blobs[0])
    _serving(monkeypatch, store, pack, 2).fetch("c" * 64, oids, where=where)
    stamps = engineindex.EngineIndex(store).verified_stamps(oids)
    assert set(stamps) == set(oids[1:])
    for oid in oids[1:]:
        assert stamps[oid] == engineindex.stamp_of(os.lstat(os.path.join(store, "objects", "sha256", oid[:2], oid)))
