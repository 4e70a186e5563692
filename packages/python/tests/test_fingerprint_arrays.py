"""numpy and pandas fingerprints: by value (buffers, columns, index), plus what code can observe of the layout
(C, Fortran or strided layout, byte order, attrs)."""

import pickle

import numpy as np
import pandas as pd

from xetcache import fingerprint


def test_numpy_arrays_by_value_and_observable_layout():
    a = np.arange(24, dtype=np.float64).reshape(4, 6)
    assert fingerprint(a) != fingerprint(np.asfortranarray(a))  # a.flags / tobytes() / ravel('K') tell them apart
    assert fingerprint(a[:, ::2]) != fingerprint(a[:, ::2].copy())  # a view: flags.c_contiguous is False
    assert fingerprint(np.arange(8)[::2]) != fingerprint(np.arange(0, 8, 2))
    assert fingerprint(a.astype(">f8")) != fingerprint(a)  # a.dtype tells them apart
    assert fingerprint(a.astype(">f8")) == fingerprint(a.astype(">f8").copy())
    assert fingerprint(np.asfortranarray(a)) == fingerprint(pickle.loads(pickle.dumps(np.asfortranarray(a))))
    assert fingerprint(a) != fingerprint(a.astype(np.float32))
    assert fingerprint(a) != fingerprint(a.reshape(6, 4))
    b = a.copy()
    b[3, 5] += 1e-9
    assert fingerprint(a) != fingerprint(b)
    assert fingerprint(np.array(3.0)) != fingerprint(np.array([3.0]))
    assert fingerprint(np.zeros((0, 3))) != fingerprint(np.zeros((3, 0)))
    dates = np.array(["2020-01-01", "2021-01-01"], dtype="M8[D]")
    assert fingerprint(dates) != fingerprint(dates.astype("M8[s]"))
    assert fingerprint(np.array([1, "x", None], dtype=object)) == fingerprint(np.array([1, "x", None], dtype=object))
    assert fingerprint(np.float64(1.5)) != fingerprint(1.5) and fingerprint(np.float64(1.5)) != fingerprint(np.float32(1.5))


def test_pandas_frames_series_and_indexes():
    def frame():
        return pd.DataFrame({"x": [1, 2, 3], "s": ["a", "b", "c"], "c": pd.Categorical(["u", "v", "u"]),
                             "f": [0.5, None, 2.0]}, index=["r1", "r2", "r3"])

    df = frame()
    assert fingerprint(df) == fingerprint(frame())
    changed = frame()
    changed.loc["r2", "s"] = "z"
    assert fingerprint(df) != fingerprint(changed)
    assert fingerprint(df) != fingerprint(df[["s", "x", "c", "f"]])  # column order is part of a frame
    assert fingerprint(df) != fingerprint(df.set_axis(["r1", "r2", "r4"]))
    assert fingerprint(df["x"]) != fingerprint(df["x"].rename("y"))
    assert fingerprint(pd.Series([1, "1"], dtype=object)) != fingerprint(pd.Series(["1", 1], dtype=object))
    assert fingerprint(pd.Series(["a", "b"], dtype=object)) != fingerprint(pd.Series(["b", "a"], dtype=object))
    mi = pd.MultiIndex.from_tuples([("a", 1), ("b", 2)])
    assert fingerprint(pd.Series([1, 2], index=mi)) != fingerprint(pd.Series([1, 2], index=mi[::-1]))
    assert fingerprint(pd.RangeIndex(5)) != fingerprint(pd.RangeIndex(6))


def test_pandas_attrs_are_part_of_the_value():
    df = pd.DataFrame({"a": [1, 2]})
    tagged = df.copy()
    tagged.attrs["unit"] = "m"
    assert fingerprint(df) != fingerprint(tagged)
    assert fingerprint(tagged) == fingerprint(pickle.loads(pickle.dumps(tagged)))
    s1 = df["a"].copy()
    s2 = df["a"].copy()
    s2.attrs["unit"] = "m"
    assert fingerprint(s1) != fingerprint(s2)


def test_memoryview_shape_is_part_of_the_value():
    raw = bytes(range(12))
    assert fingerprint(memoryview(raw).cast("B", (3, 4))) != fingerprint(memoryview(raw).cast("B", (4, 3)))
    assert fingerprint(memoryview(raw)) != fingerprint(memoryview(raw).cast("B", (2, 6)))
