"""config: the original API names, defaults, and resolution of the memo path at use."""

import os

import pytest

import xetcache
from xetcache import config


@pytest.fixture(autouse=True)
def _reset():
    config.reset()
    yield
    config.reset()


def test_defaults():
    assert config.get_runtime_threshold() == 3.0
    assert config.get_always_default() is False
    assert config.get_byte_budget() is None


def test_importable_from_package_and_module():
    assert xetcache.set_runtime_threshold is config.set_runtime_threshold
    assert xetcache.get_memo_path is config.get_memo_path
    from xetcache.config import set_memo_path  # noqa: F401 - the original import path


def test_threshold_roundtrip_and_validation():
    config.set_runtime_threshold(0.5)
    assert config.get_runtime_threshold() == 0.5
    for bad in (-1, float("nan")):
        with pytest.raises(ValueError):
            config.set_runtime_threshold(bad)
    assert config.get_runtime_threshold() == 0.5


def test_memo_path_default_resolves_against_current_cwd(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    monkeypatch.chdir(tmp_path / "a")
    assert config.get_memo_path() == str(tmp_path / "a" / ".xetcache")
    monkeypatch.chdir(tmp_path / "b")
    assert config.get_memo_path() == str(tmp_path / "b" / ".xetcache")
    config.set_memo_path("cache")
    assert config.get_memo_path() == str(tmp_path / "b" / "cache")
    config.set_memo_path(tmp_path / "abs")
    assert config.get_memo_path() == str(tmp_path / "abs")
    config.set_memo_path(None)
    assert config.get_memo_path() == os.path.join(str(tmp_path / "b"), ".xetcache")


@pytest.mark.parametrize("empty", ["", "  ", b""])
def test_an_empty_store_path_is_refused_not_taken_as_the_current_folder(empty, tmp_path, monkeypatch):
    from xetcache.errors import BadRequestError

    monkeypatch.chdir(tmp_path)
    config.set_memo_path("cache")
    with pytest.raises(BadRequestError) as info:
        config.set_memo_path(empty)  # abspath("") is the cwd: the store would be the notebook folder itself
    assert info.value.code == "EBADREQUEST"
    assert config.get_memo_path() == str(tmp_path / "cache")  # unchanged
    config.set_memo_path(None)


def test_always_and_budget():
    config.set_always_default(True)
    assert config.get_always_default() is True
    config.set_byte_budget(1000)
    assert config.get_byte_budget() == 1000
    with pytest.raises(ValueError):
        config.set_byte_budget(-1)
    config.set_byte_budget(None)
    assert config.get_byte_budget() is None
