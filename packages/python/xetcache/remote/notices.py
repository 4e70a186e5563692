"""What the remote tier tells the person: notice lines (lfs/notice.py: the console and a JupyterLab notification),
some of them once per process."""

from __future__ import annotations

from typing import Any

_said: set = set()


def say_once(tag: str, text: str) -> None:
    if (tag, text) in _said:
        return
    _said.add((tag, text))
    say(text)


def say(text: str, **how: Any) -> None:
    """A notice line (lfs/notice.py); ``how``: its transfer, state and console, as notice.say takes them."""
    from ..lfs import notice

    notice.say(text, **how)


def transfer_id() -> str:
    from ..lfs import notice

    return notice.new_transfer("remote")
