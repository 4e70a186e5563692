"""The store folder: fixed files byte-identical to the TypeScript side, format refusal, stale tmp cleanup."""

import os
from pathlib import Path

import pytest

from xetcache import StoreNotFoundError, StoreVersionError, Storage, config
from xetcache.store.layout import GITATTRIBUTES, GITIGNORE, STORE_TEXT


@pytest.fixture
def store(tmp_path):
    config.reset()
    yield Storage(str(tmp_path / ".xetcache"))
    config.reset()


def test_new_store_has_the_contract_files_byte_for_byte(tmp_path):
    Storage(str(tmp_path / "s"))
    assert (tmp_path / "s" / "STORE").read_bytes() == b"xetcache-store 1\n" == STORE_TEXT.encode()
    assert (tmp_path / "s" / ".gitattributes").read_bytes() == b"objects/** filter=lfs diff=lfs merge=lfs -text\n"
    assert (tmp_path / "s" / ".gitignore").read_bytes() == b"index.sqlite*\ntmp/\nhits.jsonl\nquarantine/\n"
    assert GITATTRIBUTES and GITIGNORE
    for d in ("entries", "objects/sha256", "tmp"):
        assert (tmp_path / "s" / d).is_dir()
    Storage(str(tmp_path / "s"))  # reopening changes nothing
    assert (tmp_path / "s" / "STORE").read_bytes() == b"xetcache-store 1\n"


def test_newer_format_is_refused_and_missing_store_without_create(tmp_path):
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "STORE").write_text("xetcache-store 2\n")
    with pytest.raises(StoreVersionError) as ei:
        Storage(str(tmp_path / "s"))
    assert ei.value.code == "ESTOREVERSION"
    with pytest.raises(StoreNotFoundError) as ei:
        Storage(str(tmp_path / "none"), create=False)
    assert ei.value.code == "ENOTSTORE" and not (tmp_path / "none").exists()


def test_stale_tmp_files_are_cleaned_on_open(store):
    tmp = Path(store.path, "tmp")
    old, new = tmp / "old.tmp", tmp / "new.tmp"
    old.write_bytes(b"x")
    new.write_bytes(b"y")
    os.utime(old, (1, 1))
    Storage(store.path)
    assert not old.exists() and new.exists()

