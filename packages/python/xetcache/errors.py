"""Errors of the engine. Every error carries a string ``code`` (like the TypeScript side) so callers and the UI
branch on the code, never on message text."""

from __future__ import annotations

from typing import Optional, Sequence


class XetCacheError(Exception):
    code = "ESTORE"

    def __init__(self, message: str = "", **details: object) -> None:
        super().__init__(message)
        self.details = details


class UnhashableError(XetCacheError):
    """A value cannot be fingerprinted (generator, open file, lock, ...). ``variable`` names it."""

    code = "EUNHASHABLE"

    def __init__(self, message: str, variable: Optional[str] = None, path: str = "") -> None:
        super().__init__(message, variable=variable, path=path)
        self.variable = variable
        self.path = path  # where inside the value, e.g. "[3]['a']"


class UnpicklableError(XetCacheError):
    """A value to store cannot be pickled. ``variable`` names it; nothing of the entry was written."""

    code = "EUNPICKLABLE"

    def __init__(self, message: str, variable: Optional[str] = None) -> None:
        super().__init__(message, variable=variable)
        self.variable = variable


class CorruptObjectError(XetCacheError):
    """An object's bytes do not match its name: it was moved to quarantine/ and nothing was unpickled.
    Callers treat it as a cache miss."""

    code = "ECORRUPT"

    def __init__(self, message: str, oid: Optional[str] = None) -> None:
        super().__init__(message, oid=oid)
        self.oid = oid


class ObjectNotLocalError(CorruptObjectError):
    """An object is missing or only a Git LFS pointer that could not be fetched. NOT quarantined.

    It subclasses CorruptObjectError on purpose: every caller that treats a corrupt object as a miss
    (the documented interface) also treats a not-yet-fetched object as a miss."""

    code = "ENOTLOCAL"

    def __init__(self, message: str, oids: Sequence[str] = ()) -> None:
        super().__init__(message, oid=oids[0] if oids else None)
        self.oids = list(oids)


class StoreVersionError(XetCacheError):
    code = "ESTOREVERSION"


class StoreNotFoundError(XetCacheError):
    """No store at the path (no STORE file). Callers that only read treat it as "nothing cached yet"."""

    code = "ENOTSTORE"


class NotAStoreError(XetCacheError):
    """The folder has a STORE file this engine does not recognise, or one that is not a regular file. Same code
    as the TypeScript side; NOT a StoreNotFoundError, so nobody mistakes it for "create a store here"."""

    code = "ENOTSTORE"


class BadRequestError(XetCacheError, ValueError):
    """A caller passed something that cannot be an object id or key (it would become a path outside the store)."""

    code = "EBADREQUEST"


class StoreFullError(XetCacheError):
    """Over the byte budget, or the disk holding the store is full. Nothing of the entry is left behind."""

    code = "ESTOREFULL"


class StoreReadOnlyError(XetCacheError):
    """The store's folder or file system cannot be written. Hits still work; nothing can be stored or evicted."""

    code = "EREADONLY"


class BadManifestError(CorruptObjectError):
    """A manifest that does not parse or does not match the schema (spec/schemas/manifest.schema.json). A miss,
    never an error in the user's cell; subclasses CorruptObjectError for the same reason as ObjectNotLocalError."""

    code = "EBADMANIFEST"

    def __init__(self, message: str, **details: object) -> None:
        XetCacheError.__init__(self, message, **details)
        self.oid = None


class UnloadableError(CorruptObjectError):
    """Verified objects that cannot be unpickled here (a class that moved, an incompatible library). A miss;
    subclasses CorruptObjectError for the same reason as ObjectNotLocalError."""

    code = "EUNLOADABLE"

    def __init__(self, message: str, variable: Optional[str] = None) -> None:
        super().__init__(message)
        self.variable = variable


class UntraceableError(XetCacheError):
    """A memoized function's code reaches state without naming it (exec, eval, globals(), frames): what a call
    reads and changes cannot be known, so it runs uncached (memo/effects.py)."""

    code = "EUNTRACEABLE"
