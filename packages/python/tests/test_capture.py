"""Outputs are recorded as they show and replayed, identical, by a hit in a fresh kernel."""

import base64
import struct
import zlib

from conftest import manifests, one_event


def tiny_png() -> bytes:
    """A valid 1x1 red PNG, built here so the test needs no image library."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"\x00\xff\x00\x00"
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


CELL = f"""%%xetmemo input=n output=total always=True
from IPython.display import HTML, Image, display
print("computing", n)
display(HTML("<b>bold</b> result"))
display(Image(data={tiny_png()!r}), metadata={{"note": "px"}})
import sys; print("careful", file=sys.stderr)
total = n * 2
total + 1
"""


def shown(r):
    """(type, content without volatile fields) of what the frontend got, our stderr status line excluded."""
    out = []
    for m in r.outputs():
        c = dict(m["content"])
        c.pop("transient", None)
        if m["msg_type"] == "stream" and c["text"].startswith("xetcache:"):
            continue
        out.append((m["msg_type"], c))
    return out


def test_outputs_replayed_identically_in_a_fresh_kernel(tmp_path, kernel_factory):
    k1 = kernel_factory(tmp_path)
    k1.load(comm=False)
    k1.ok("n = 20")
    first = k1.ok(CELL)
    original = shown(first)
    kinds = [t for t, _ in original]
    assert kinds == ["stream", "display_data", "display_data", "stream", "execute_result"]
    assert original[2][1]["data"]["image/png"] == base64.b64encode(tiny_png()).decode()
    assert original[2][1]["metadata"] == {"note": "px"}
    # our own status line went to stderr after recording stopped, so it is not part of the entry
    assert "xetcache: stored" in first.stream("stderr")
    (m,) = manifests(tmp_path)
    assert m["outputs"]["count"] == 5

    k2 = kernel_factory(tmp_path)
    k2.load(comm=False)
    k2.ok("n = 20")
    k2.ok("pass")  # move the execution count so the replayed result must take the current one
    hit = k2.ok(CELL)
    assert "xetcache: hit" in hit.stream("stderr")
    replayed = shown(hit)
    assert [t for t, _ in replayed] == kinds
    for (kind, before), (_, after) in zip(original, replayed):
        if kind == "execute_result":
            assert after["execution_count"] == hit.reply["content"]["execution_count"]
            assert after["execution_count"] != before["execution_count"]
            before, after = dict(before, execution_count=0), dict(after, execution_count=0)
        assert after == before
    assert k2.value("total") == 40


def test_stream_text_is_merged_and_clear_output_and_updates_are_applied(tmp_path, kernel_factory):
    cell = """%%xetmemo input= output=done always=True
from IPython.display import display, clear_output
print("a", end="")
print("b")
clear_output(wait=True)
print("after clear")
h = display("v1", display_id="prog")
h.update("v2")
done = True
"""
    k1 = kernel_factory(tmp_path)
    k1.load(comm=False)
    k1.ok(cell)
    k2 = kernel_factory(tmp_path)
    k2.load(comm=False)
    r = k2.ok(cell)
    replay = shown(r)
    assert replay == [
        ("stream", {"name": "stdout", "text": "after clear\n"}),
        ("display_data", {"data": {"text/plain": "'v2'"}, "metadata": {}}),
    ]


def test_semicolon_suppresses_the_result_like_a_normal_cell(tmp_path, kernel):
    kernel.load()
    r = kernel.ok("%%xetmemo input= output=x always=True\nx = 3\nx * 2;")
    assert r.of_type("execute_result") == []
    assert one_event(r)["state"] == "stored"


def test_result_sets_out_and_underscore(kernel):
    kernel.load()
    r = kernel.ok("%%xetmemo input= output=x always=True\nx = 3\nx * 2")
    count = r.reply["content"]["execution_count"]
    assert kernel.value(f"[_, Out[{count}]]") == [6, 6]
