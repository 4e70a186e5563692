"""A hit's outputs are exactly what the run showed, in order, and a failing cached cell's traceback is the one an
uncached cell would show (issue 12 item 4). Real kernels."""

import re
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from test_traced_cells import cached  # noqa: E402

ANSI = re.compile(r"\x1b\[[0-9;]*m")
BODY = "import sys\nprint('a')\nprint('b', file=sys.stderr)\nprint('c')\nsys.stdout.write('d')\nsys.stderr.write('e\\n')"


def streams(r):
    return [(o["content"]["name"], o["content"]["text"]) for o in r.of_type("stream")]


def test_interleaved_stdout_and_stderr_show_in_write_order_live_and_on_a_hit(tmp_path, kernel):
    kernel.load(threshold=0)
    live = streams(kernel.ok(cached(BODY)))
    assert live == [("stdout", "a\n"), ("stderr", "b\n"), ("stdout", "c\nd"), ("stderr", "e\n")]
    assert streams(kernel.ok(cached(BODY))) == live  # the hit


def test_a_failing_cached_cell_shows_the_users_frames_only(tmp_path, kernel):
    kernel.load(threshold=0)
    r = kernel.run(cached("x = 1\n1/0"))
    text = ANSI.sub("", "\n".join(r.of_type("error")[0]["content"]["traceback"]))
    assert "1/0" in text and "ZeroDivisionError" in text
    assert "run_cell_magic" not in text and "skipping hidden" not in text
    plain = kernel.run("x = 1\n1/0")
    plain_text = ANSI.sub("", "\n".join(plain.of_type("error")[0]["content"]["traceback"]))
    assert re.sub(r"In\[\d+\]", "", text) == re.sub(r"In\[\d+\]", "", plain_text)
