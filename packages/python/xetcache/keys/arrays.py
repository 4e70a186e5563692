"""Fingerprints of numpy arrays and pandas objects by their buffers (fast, no pickling).

Only used when numpy/pandas are already imported by the user (we never import them ourselves: the engine must
stay cheap to load in any kernel). An array is encoded as its dtype, shape and C-contiguous native-byte-order
bytes, hashed straight from the buffer; a DataFrame as its index, its columns and each column's values.
"""

from __future__ import annotations

import sys
from typing import Any

from .encoder import Encoder, _n, _qualname

_BUFFER_KINDS = set("biufcmMSUV")  # dtypes whose bytes are their value (no Python object pointers)


def encode(enc: Encoder, v: Any) -> bool:
    """Encode ``v`` if it is a numpy/pandas value; False if it is not one of those."""
    np = sys.modules.get("numpy")
    if np is not None:
        if type(v) is np.ndarray:  # subclasses (masked arrays: the mask) carry more: their own reduce says what
            if enc.once(v):  # the same array twice in a value is one array (encoder.py, Encoder.once)
                if isinstance(v.base, np.ndarray):  # a view: which array's memory, where (a write there shows here)
                    enc.owner(v.base, v.__array_interface__["data"][0] - v.base.__array_interface__["data"][0])
                _ndarray(enc, v, np, v.flags.writeable)
            return True
        if isinstance(v, np.generic):
            _scalar(enc, v, np)
            return True
    pd = sys.modules.get("pandas")
    if pd is not None:
        if isinstance(v, (pd.DataFrame, pd.Series, pd.Index)) and not enc.once(v):
            return True
        if isinstance(v, pd.DataFrame):
            _frame(enc, v, pd)
            return True
        if isinstance(v, pd.Series):
            enc.text(b"P", "Series")
            _meta(enc, v)
            enc.encode(v.name)
            _values(enc, v.index, pd)
            _values(enc, v, pd)
            return True
        if isinstance(v, pd.Index):
            enc.text(b"P", "Index")
            _values(enc, v, pd)
            return True
    return False


def _dtype_tag(dt: Any) -> bytes:
    return (str(dt.descr) if dt.fields is not None else dt.str).encode()


def _ndarray(enc: Encoder, a: Any, np: Any, writeable: bool = True) -> None:
    tname = b"" if type(a) is np.ndarray else _qualname(type(a)).encode()
    shape = repr(tuple(a.shape)).encode()
    if a.dtype.hasobject or a.dtype.kind not in _BUFFER_KINDS:
        enc.raw(b"A", b"O" + tname + b"\0" + shape)
        items = a.ravel(order="C").tolist()  # the array itself is already numbered (Encoder.once): not the key
        enc.sequence(b"l", items, items)
        return
    declared = _dtype_tag(a.dtype)  # byte order is observable (`a.dtype`), so it is part of the value
    if not a.dtype.isnative:
        a = a.astype(a.dtype.newbyteorder("="))
    # Memory layout is observable (`a.flags`, `tobytes(order="A")`, `ravel(order="K")`): C, Fortran or strided
    # (a view). The cell engine stores views as views of their base (cell/graph.py), so this survives a hit.
    order = b"C" if a.flags.c_contiguous else b"F" if a.flags.f_contiguous else b"S"
    # read-only (`a.flags.writeable = False`, np.frombuffer(bytes)) is observable too: `a[0] = 1` raises; pickling
    # keeps it. Said in the order letter's case (pandas' columns, read-only views under copy-on-write, pass True)
    order = order if writeable else order.lower()
    c = np.ascontiguousarray(a)  # no copy when already C-contiguous (the strides-normalised layout)
    dt = declared
    enc.h.update(b"A" + _n(len(dt)) + dt + tname + b"\0" + shape + order + _n(c.nbytes))
    if c.nbytes:
        enc.h.update(c.reshape(-1).view(np.uint8))  # hashlib reads the buffer directly, GIL released


def _scalar(enc: Encoder, v: Any, np: Any) -> None:
    if v.dtype.hasobject:
        enc.encode(v.item())
        return
    dt = _dtype_tag(v.dtype)
    enc.raw(b"a", dt + b"\0" + np.asarray(v).astype(v.dtype.newbyteorder("=")).tobytes())


def _meta(enc: Encoder, obj: Any) -> None:
    """What code can see besides the data: `attrs` and `flags` (both survive pickling)."""
    enc.encode(dict(getattr(obj, "attrs", {}) or {}))
    flags = getattr(obj, "flags", None)
    enc.encode(bool(getattr(flags, "allows_duplicate_labels", True)))


def _frame(enc: Encoder, df: Any, pd: Any) -> None:
    enc.text(b"P", "DataFrame")
    _meta(enc, df)
    _values(enc, df.index, pd)
    _values(enc, df.columns, pd)
    enc.h.update(_n(df.shape[1]))
    for i in range(df.shape[1]):
        _values(enc, df.iloc[:, i], pd)


def _values(enc: Encoder, obj: Any, pd: Any) -> None:
    """Values of a Series or an Index (MultiIndex included): dtype, names, then the data."""
    if isinstance(obj, pd.MultiIndex):
        enc.text(b"p", "MultiIndex")
        enc.encode(list(obj.names))
        enc.h.update(_n(obj.nlevels))
        for level in range(obj.nlevels):
            _values(enc, obj.get_level_values(level), pd)
        return
    enc.text(b"p", str(obj.dtype))
    if isinstance(obj, pd.Index):
        enc.encode(obj.name)
        freq = getattr(obj, "freq", None)  # DatetimeIndex/TimedeltaIndex: `idx.freq` is observable and pickled
        if freq is not None and not isinstance(obj, pd.PeriodIndex):  # a PeriodIndex's freq is in its dtype
            enc.text(b"q", str(freq))
    if isinstance(obj, pd.RangeIndex):  # no buffer to hash; start/stop/step is its value
        enc.encode((obj.start, obj.stop, obj.step))
        return
    np = sys.modules["numpy"]  # pandas imports numpy
    dtype = obj.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in _BUFFER_KINDS:
        _ndarray(enc, obj.to_numpy(), np)  # zero-copy view of the column for numpy-backed dtypes
        return
    if _hashable_by_pandas(obj, dtype, np, pd):
        # pandas' own per-row hashing (fixed key, deterministic) for strings, categoricals and extension arrays
        hashed = pd.util.hash_pandas_object(obj, index=False, categorize=False)
        enc.h.update(b"H")
        _ndarray(enc, hashed.to_numpy(), np)
        if isinstance(dtype, pd.CategoricalDtype):  # the category set and order are part of the value
            enc.encode(bool(dtype.ordered))
            _values(enc, dtype.categories, pd)
        return
    # mixed Python objects: one by one, so 1 and "1" stay different (pandas would stringify them)
    items = list(obj.to_numpy(dtype=object))  # obj is already numbered (Encoder.once): a fresh list is the key
    enc.sequence(b"l", items, items)


def _hashable_by_pandas(obj: Any, dtype: Any, np: Any, pd: Any) -> bool:
    if isinstance(dtype, np.dtype):  # object dtype: only when it holds strings alone
        return pd.api.types.infer_dtype(obj, skipna=False) in ("string", "empty")
    if isinstance(dtype, pd.CategoricalDtype):
        return _hashable_by_pandas(dtype.categories, dtype.categories.dtype, np, pd)
    return True  # extension dtypes (str, Int64, arrow, ...) hash their own values
