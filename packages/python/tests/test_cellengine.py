"""The shared engine behind both magics: misses, hits, failures, inference, concurrency — in real kernels."""

import hashlib
import json
import os
import pickle
import re

from conftest import manifests, one_event

from xetcache.cell import declared
from xetcache.store.storage import Storage


def spec_cell(body, **spec):
    full = {"cell_id": "c1", "notebook": None, "code_sha256": hashlib.sha256(body.encode()).hexdigest(),
            "inputs": None, "outputs": None, "always": True, "key": None}
    full.update(spec)
    return f"%%xetcache_cell {json.dumps(full)}\n{body}"


INFERRED = """import math
def scale(v):
    return v * factor
y = scale(x)
z = math.sqrt(y)
data.append(z)
import sys; sys.audit("xetcache.test.witness")  # counted by a hook outside the namespace (witness())
"""


def witness(k, path):
    """Count runs of INFERRED's body in ``path``: an audit hook that writes a byte there, outside anything a cached
    cell stores or restores. (A builtins attribute served before; a run that sets one now declines.)"""
    k.ok("import os as _os, sys as _sys\n"
         f"_fd = _os.open({str(path)!r}, _os.O_WRONLY | _os.O_CREAT | _os.O_APPEND)\n"
         "_sys.addaudithook(lambda e, a, _fd=_fd: _os.write(_fd, b'r') if e == 'xetcache.test.witness' else None)")


class Pwn:
    """Unpickling this creates a folder: proof that a corrupt object was (not) loaded."""

    def __reduce__(self):
        import os

        return (os.makedirs, ("PWNED",))


def test_inferred_inputs_and_outputs_hit_in_a_new_kernel(tmp_path, kernel_factory):
    k1 = kernel_factory(tmp_path)
    k1.load()
    witness(k1, tmp_path / "ran-1")
    k1.ok("x, factor, data = 8, 2, []")
    ev = one_event(k1.ok(spec_cell(INFERRED)))
    assert ev["state"] == "stored"
    assert ev["inputs"] == ["factor", "x", "data"]  # modules and builtins (math, open) are not inputs
    assert ev["outputs"] == ["y", "z", "data"]  # data changed in place; scale and math are replayed, not stored
    assert (tmp_path / "ran-1").read_bytes() == b"r"  # the witness sees a run

    k2 = kernel_factory(tmp_path)
    k2.load()
    witness(k2, tmp_path / "ran-2")
    k2.ok("x, factor, data = 8, 2, []")
    ev = one_event(k2.ok(spec_cell(INFERRED)))
    assert ev["state"] == "hit"
    assert (tmp_path / "ran-2").read_bytes() == b""  # the body did not run
    assert k2.value("[y, z, data, math.pi > 3, scale(1)]") == [16, 4.0, [4.0], True, 2]

    k2.ok("x = 18")
    ev = one_event(k2.ok(spec_cell(INFERRED)))
    assert ev["state"] == "stored"
    assert ev["changed"]["inputs"] == ["data", "x"]  # data held the previous run's result when it ran again
    assert ev["changed"]["code"] is False


def test_changed_code_is_reported(tmp_path, kernel):
    kernel.load()
    kernel.ok("x = 1")
    first = one_event(kernel.ok(spec_cell("y = x + 1\n")))
    ev = one_event(kernel.ok(spec_cell("y = x + 2\n")))
    assert ev["changed"] == {"code": True, "inputs": [], "previous_key": first["key"]}


def test_corrupt_object_recomputes_and_is_never_unpickled(tmp_path, kernel_factory):
    cell = "%%xetmemo input= output=val always=True\nopen('runs.txt', 'a').write('ran\\n')\nval = list(range(5))\n"
    k1 = kernel_factory(tmp_path)
    k1.load()
    k1.ok(cell)
    (m,) = manifests(tmp_path)
    oid = m["variables"]["val"]["objects"][0]
    obj = Storage(str(tmp_path / ".xetcache")).object_path(oid)
    with open(obj, "wb") as f:  # same name, other bytes: a valid pickle that would act if loaded
        f.write(pickle.dumps(Pwn()))

    k2 = kernel_factory(tmp_path)
    k2.load()
    ev = one_event(k2.ok(cell))
    assert ev["state"] == "stored"
    assert "ECORRUPT" in ev["reason"]
    assert not (tmp_path / "PWNED").exists()
    assert (tmp_path / "runs.txt").read_text() == "ran\nran\n"
    assert k2.value("val") == [0, 1, 2, 3, 4]
    assert (tmp_path / ".xetcache" / "quarantine").is_dir()


def test_pointer_objects_are_fetched_once_per_hit_and_the_event_says_why_it_failed(tmp_path, kernel_factory):
    cell = "%%xetmemo input= output=val always=True\nprint('shown ' * 300)\nval = bytes(200_000)\n"
    k1 = kernel_factory(tmp_path)
    k1.load()
    k1.ok(cell)
    (m,) = manifests(tmp_path)
    st = Storage(str(tmp_path / ".xetcache"))
    oids = sorted({o for v in m["variables"].values() for o in v["objects"]} | {m["outputs"]["object"]})
    for oid in oids:  # what a clone without `git lfs pull` has: pointers for the variables AND the outputs
        size = os.path.getsize(st.object_path(oid))
        with open(st.object_path(oid), "w") as f:
            f.write(f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {size}\n")

    k2 = kernel_factory(tmp_path)
    k2.load()
    k2.ok("from xetcache.lfs import hooks as lfs_hooks\nfetches = []\n_real = lfs_hooks.fetch_objects\n"
          "lfs_hooks.fetch_objects = lambda d, o: fetches.append(sorted(o)) or _real(d, o)\n")
    ev = one_event(k2.ok(cell))
    assert k2.value("fetches") == [oids]  # one fetch for variables and outputs together
    assert ev["state"] == "stored"  # tmp_path is no git repository: the real fetch fails, the cell runs
    assert ev["reason"].startswith("cached entry unusable (ENOTLOCAL/ENOTREPO): ")
    assert "not in a git repository" in ev["reason"]


def test_unpicklable_output_is_an_error_event_and_the_cell_succeeds(tmp_path, kernel):
    kernel.load()
    r = kernel.ok("%%xetmemo input= output=f,n always=True\nf = open('data.txt', 'w')\nn = 3\n")
    ev = one_event(r)
    assert ev["state"] == "error"
    assert ev["error_code"] == "EUNPICKLABLE"
    assert ev["variable"] == "f"
    assert manifests(tmp_path) == []
    assert kernel.value("[f.closed, n]") == [False, 3]


def test_unhashable_input_runs_uncached_with_an_error_event(tmp_path, kernel):
    kernel.load()
    kernel.ok("import threading; lock = threading.Lock()")
    r = kernel.ok("%%xetmemo input=lock output=k always=True\nk = 1\n")
    ev = one_event(r)
    assert (ev["state"], ev["error_code"], ev["variable"]) == ("error", "EUNHASHABLE", "lock")
    assert kernel.value("k") == 1
    assert manifests(tmp_path) == []


def test_a_failing_cell_stores_nothing_and_fails_once(tmp_path, kernel):
    kernel.load()
    r = kernel.run("%%xetmemo input= output=b always=True\nb = 1\nraise ValueError('boom')\n")
    assert not r.ok
    assert r.reply["content"]["ename"] == "ValueError"
    assert len(r.of_type("error")) == 1
    assert r.comm_events() == []
    assert manifests(tmp_path) == []


def test_a_failing_cell_traceback_shows_the_users_frames_not_the_engines(tmp_path, kernel):
    kernel.load()
    r = kernel.run("%%xetmemo input= output=y always=True\ndef f(x):\n    return 1 / x\ny = f(0)\n")
    (err,) = r.of_type("error")
    text = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(err["content"]["traceback"]))  # colours differ by frame
    assert "return 1 / x" in text and "y = f(0)" in text
    assert "run_cell_magic" not in text  # no leading frame with the magic call
    for engine_file in ("cell/engine.py", "execution.py", "magics.py"):
        assert engine_file not in text


def test_declared_output_never_assigned_is_an_error_event(tmp_path, kernel):
    kernel.load()
    ev = one_event(kernel.ok("%%xetmemo input= output=nope always=True\nx = 1\n"))
    assert (ev["state"], ev["variable"]) == ("error", "nope")
    assert manifests(tmp_path) == []


def test_magics_inside_the_body_still_work(tmp_path, kernel):
    kernel.load()
    r = kernel.ok("%%xetmemo input= output=v always=True\n%config InteractiveShell.ast_node_interactivity='last_expr'\nv = 5\n")
    assert one_event(r)["state"] == "stored"


def test_two_kernels_storing_the_same_key_at_once_leave_one_valid_entry(tmp_path, kernel_factory):
    cell = "%%xetmemo input= output=big always=True\nimport time; time.sleep(0.3)\nbig = list(range(20000))\n"
    k1, k2 = kernel_factory(tmp_path), kernel_factory(tmp_path)
    for k in (k1, k2):
        k.load()
    ids = (k1.send(cell), k2.send(cell))
    events = [one_event(k.collect(i)) for k, i in zip((k1, k2), ids)]
    assert [e["state"] for e in events] == ["stored", "stored"]
    assert events[0]["key"] == events[1]["key"]
    (m,) = manifests(tmp_path)
    values, _ = declared.load(Storage(str(tmp_path / ".xetcache")), m)
    assert values["big"] == list(range(20000))
    assert not list((tmp_path / ".xetcache" / "tmp").iterdir())


def test_store_deleted_while_the_kernel_runs_is_created_again(tmp_path, kernel):
    import shutil

    kernel.load()
    kernel.ok("%%xetmemo input= output=a always=True\na = 1\n")
    shutil.rmtree(tmp_path / ".xetcache")
    ev = one_event(kernel.ok("%%xetmemo input= output=a always=True\na = 1\n"))
    assert ev["state"] == "stored"
    assert len(manifests(tmp_path)) == 1


def test_an_unrecognised_store_is_a_miss_with_its_reason_not_an_error_in_the_cell(tmp_path, kernel):
    store = tmp_path / ".xetcache"
    store.mkdir()
    (store / "STORE").write_text("not a xetcache marker\n")  # a folder some other tool owns, or a damaged marker
    kernel.load()
    for cell in ("%%xetmemo input= output=a always=True\na = 1\n", spec_cell("b = 2\n")):
        r = kernel.run(cell)
        assert r.ok, r.reply["content"]  # the cell itself succeeds
        ev = one_event(r)
        assert ev["error_code"] == "ENOTSTORE"  # nothing could be stored, and the badge says why
        assert "STORE" in ev["reason"]
    assert kernel.value("(a, b)") == [1, 2]
    assert (store / "STORE").read_text() == "not a xetcache marker\n"  # never taken over


def test_an_invalid_manifest_is_a_miss_and_the_badge_says_why(tmp_path, kernel):
    kernel.load()
    for cell in ("%%xetmemo input= output=a always=True\na = 1\n", spec_cell("b = 2\n")):
        kernel.ok(cell)
    for path in (tmp_path / ".xetcache" / "entries").glob("*/*.json"):
        m = json.loads(path.read_text())
        m["variables"] = []  # against the schema: a hit would restore nothing
        path.write_text(json.dumps(m))
    for cell in ("%%xetmemo input= output=a always=True\na = 1\n", spec_cell("b = 2\n")):
        ev = one_event(kernel.ok(cell))
        assert ev["state"] == "stored"
        assert "EBADMANIFEST" in ev["reason"]


def test_many_declared_outputs_are_one_graph_and_shared_objects_stay_shared(tmp_path, kernel_factory):
    names = [f"v{i}" for i in range(300)]
    body = "shared = [1, 2]\n" + "".join(f"{n} = {{'i': {i}, 'shared': shared}}\n" for i, n in enumerate(names))
    cell = f"%%xetmemo input= output=shared,{','.join(names)} always=True\n{body}"
    k1 = kernel_factory(tmp_path)
    k1.load()
    assert one_event(k1.ok(cell))["state"] == "stored"
    (m,) = manifests(tmp_path)
    assert len(m["state"]["objects"]) == 1  # one object for 301 values, not 301 files each fsynced
    assert set(m["variables"]) == {"shared", *names}
    k2 = kernel_factory(tmp_path)
    k2.load()
    ev = one_event(k2.ok(cell))
    assert ev["state"] == "hit"
    assert k2.value("[v7['i'], v299['shared'], v0['shared'] is shared is v299['shared']]") == [7, [1, 2], True]
