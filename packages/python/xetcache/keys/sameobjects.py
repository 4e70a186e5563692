"""Which of several values share objects: a cell's inputs (or a call's arguments) that are, or hold, one same
mutable object. Equal values shared otherwise give other results (`a is b`; appending to a list that two names
hold), so how they share is an input of the key too. Each value's fingerprint numbers the mutable objects it meets
(encoder.Encoder.once, in a fixed order); here those numbers are matched across the values.
"""

from __future__ import annotations

import hashlib
from typing import Any, Dict, List, Optional, Tuple

SAME_OBJECTS = "same objects"  # an input's name with a space: never a variable's or an argument's


class SameObjects:
    def __init__(self) -> None:
        self.first: Dict[int, Tuple[str, str]] = {}  # id -> (label, ordinal) of the value that met it first
        self.shared: List[str] = []
        self._alive: List[Any] = []  # each value's memo (its objects alive): no id is reused while comparing

    def add(self, label: str, memo: Dict[int, Tuple[int, Any]], owners: Dict[int, Tuple[int, Any]]) -> None:
        """The objects one value's fingerprint numbered (``label``: the variable or argument), and the owners of
        the memory its views share (an input that is a view of another input)."""
        self._alive.append((memo, owners))
        for table, tag in ((memo, "#"), (owners, "#owner ")):
            for oid, (ordinal, _) in table.items():  # inserted in ordinal order: no sort needed
                seen = self.first.setdefault(oid, (label, f"{tag}{ordinal}"))
                if seen[0] != label:
                    self.shared.append(f"{label}{tag}{ordinal} is {seen[0]}{seen[1]}")

    def digest(self) -> Optional[str]:
        """The input to add to the key (None when no two values share an object)."""
        self._alive.clear()
        if not self.shared:
            return None
        return hashlib.sha256("\n".join(self.shared).encode("utf-8", "surrogatepass")).hexdigest()
