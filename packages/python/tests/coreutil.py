"""Helpers shared by the python-core tests: temp user modules that can be edited and reloaded."""

import importlib
import sys
import textwrap
import uuid
from pathlib import Path


class TempModule:
    """A real module file in a temp dir; ``write`` then ``load`` to (re)import it after an edit."""

    def __init__(self, directory: Path, name: str = "") -> None:
        self.name = name or "xc_user_" + uuid.uuid4().hex[:10]
        self.dir = directory
        self.path = directory / (self.name + ".py")

    def write(self, source: str) -> "TempModule":
        self.path.write_text(textwrap.dedent(source))
        return self

    def load(self):
        if str(self.dir) not in sys.path:
            sys.path.insert(0, str(self.dir))
        importlib.invalidate_caches()
        if self.name in sys.modules:
            return importlib.reload(sys.modules[self.name])
        return importlib.import_module(self.name)

    def unload(self) -> None:
        sys.modules.pop(self.name, None)
        if str(self.dir) in sys.path:
            sys.path.remove(str(self.dir))
