"""xetcache.lfs.notice: lines of one transfer share an id and end in done/error, for one frontend notification."""

import pytest

from xetcache.lfs import notice


@pytest.fixture()
def sink():
    got = []
    notice.set_sink(lambda m: got.append(m) or True)
    yield got
    notice.set_sink(None)


def test_a_frontend_gets_the_transfer_and_state(sink, capsys):
    t = notice.new_transfer("lfs")
    notice.say("fetching", transfer=t, state="progress")
    notice.say("fetched", transfer=t, state="done", console=False)
    notice.say("plain")
    assert sink == [{"text": "fetching", "state": "progress", "transfer": t},
                    {"text": "fetched", "state": "done", "transfer": t},
                    {"text": "plain", "state": "info"}]
    assert capsys.readouterr().err == ""
    assert notice.new_transfer("lfs") != t


def test_without_a_frontend_lines_go_to_stderr_unless_only_for_a_frontend(capsys):
    notice.set_sink(None)
    notice.say("fetching", transfer="x", state="progress")
    notice.say("fetched", transfer="x", state="done", console=False)
    assert capsys.readouterr().err == "fetching\n"


def test_a_failing_sink_falls_back_to_stderr(capsys):
    notice.set_sink(lambda m: 1 / 0)
    try:
        notice.say("fetching", state="progress")
    finally:
        notice.set_sink(None)
    assert capsys.readouterr().err == "fetching\n"


def test_unknown_state_is_a_bug():
    with pytest.raises(ValueError):
        notice.say("x", state="finished")
