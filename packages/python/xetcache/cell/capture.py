"""Record what a cell shows while it shows it, and show it again on a hit.

Recording never delays or replaces the live output: the user still sees progress as it happens. We *observe*:
- streams: the `write` of the current sys.stdout/sys.stderr objects is wrapped on the instance (ipykernel's
  OutStream stays in place, so code holding a reference to it, e.g. a logging handler, is recorded too);
- rich displays and the cell result: ipykernel's message transform hooks (`register_hook` on the display publisher
  and the displayhook) see the exact message content that goes to the frontend, so a replay is byte-identical.
  Outside ipykernel (plain IPython) the instance methods are wrapped instead.
The comm's messages and our own stderr status line never pass through these paths, so they are never recorded.

Outputs are nbformat v4 output dicts, with the same merging a frontend does (consecutive stream text joined,
`clear_output(wait)` and `update_display_data` applied), so what is stored is what the cell ended up showing.
"""

from __future__ import annotations

import sys
from typing import Any, Callable, Dict, List, Optional

Output = Dict[str, Any]


class Recorder:
    """Context manager: `with Recorder(shell) as rec: ...; rec.outputs`."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.outputs: List[Output] = []
        self._display_ids: List[Optional[str]] = []  # parallel to outputs, for update_display_data
        self._pending_clear = False
        self._undo: List[Callable[[], None]] = []
        self._last_stream: Optional[str] = None

    # --- recording -------------------------------------------------------------------------------------------
    def _append(self, output: Output, display_id: Optional[str] = None) -> None:
        if self._pending_clear:
            self._clear()
        last = self.outputs[-1] if self.outputs else None
        if (output["output_type"] == "stream" and last is not None and last["output_type"] == "stream"
                and last["name"] == output["name"]):
            last["text"] += output["text"]
            return
        self.outputs.append(output)
        self._display_ids.append(display_id)

    def _clear(self) -> None:
        self.outputs.clear()
        self._display_ids.clear()
        self._pending_clear = False

    def on_stream(self, name: str, text: str) -> None:
        if text:
            self._append({"output_type": "stream", "name": name, "text": text})

    def on_display(self, data: dict, metadata: Optional[dict], transient: Optional[dict], update: bool) -> None:
        display_id = (transient or {}).get("display_id")
        if update:
            for i, known in enumerate(self._display_ids):
                if display_id is not None and known == display_id:
                    self.outputs[i]["data"], self.outputs[i]["metadata"] = data, metadata or {}
            return
        self._append({"output_type": "display_data", "data": data, "metadata": metadata or {}}, display_id)

    def on_clear(self, wait: bool) -> None:
        if wait:
            self._pending_clear = True
        else:
            self._clear()

    def on_result(self, data: dict, metadata: Optional[dict], execution_count: Optional[int]) -> None:
        self._append({"output_type": "execute_result", "data": data, "metadata": metadata or {},
                      "execution_count": execution_count})

    # --- hooks -----------------------------------------------------------------------------------------------
    def __enter__(self) -> "Recorder":
        try:
            for name in ("stdout", "stderr"):
                self._wrap_stream(name)
            self._hook_display_pub(self.shell.display_pub)
            self._hook_displayhook(self.shell.displayhook)
        except BaseException:
            self._restore()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # a closed or odd user stream must not break the cell
                pass
        self._restore()

    def _restore(self) -> None:
        while self._undo:
            self._undo.pop()()

    def _wrap_stream(self, name: str) -> None:
        stream = getattr(sys, name)
        original = stream.write
        on_stream = self.on_stream
        other = "stderr" if name == "stdout" else "stdout"

        def write(text, *args, **kwargs):
            # Each stream buffers on its own; flushing the other one when the cell switches streams makes the
            # live cell show writes in the order they happened: the order recorded, and replayed on a hit.
            if self._last_stream == other:
                try:
                    getattr(sys, other).flush()
                except Exception:
                    pass
            self._last_stream = name
            result = original(text, *args, **kwargs)
            if isinstance(text, str):
                on_stream(name, text)
            return result

        try:
            stream.write = write  # instance attribute shadows the class method; removed again on exit
            self._undo.append(lambda: _delattr(stream, "write"))
        except (AttributeError, TypeError):  # e.g. io.TextIOWrapper in plain Python: no instance dict
            proxy = _TeeStream(stream, write)
            setattr(sys, name, proxy)
            self._undo.append(lambda: setattr(sys, name, stream) if getattr(sys, name) is proxy else None)

    def _hook_display_pub(self, pub: Any) -> None:
        if hasattr(pub, "register_hook"):
            def hook(msg):
                kind, content = msg["header"]["msg_type"], msg["content"]
                if kind in ("display_data", "update_display_data"):
                    self.on_display(content.get("data", {}), content.get("metadata"), content.get("transient"),
                                    kind == "update_display_data")
                elif kind == "clear_output":
                    self.on_clear(bool(content.get("wait")))
                return msg

            pub.register_hook(hook)
            self._undo.append(lambda: pub.unregister_hook(hook))
            return
        publish, clear = pub.publish, pub.clear_output

        def wrapped_publish(data, metadata=None, *args, transient=None, update=False, **kwargs):
            self.on_display(_jsonable(data), metadata, transient, update)
            return publish(data, metadata, *args, transient=transient, update=update, **kwargs)

        def wrapped_clear(wait=False):
            self.on_clear(wait)
            return clear(wait)

        pub.publish, pub.clear_output = wrapped_publish, wrapped_clear
        self._undo.append(lambda: (_delattr(pub, "publish"), _delattr(pub, "clear_output")))

    def _hook_displayhook(self, hook_obj: Any) -> None:
        if hasattr(hook_obj, "register_hook"):
            def hook(msg):
                content = msg["content"]
                self.on_result(content.get("data", {}), content.get("metadata"), content.get("execution_count"))
                return msg

            hook_obj.register_hook(hook)
            self._undo.append(lambda: hook_obj.unregister_hook(hook))
            return
        write_format_data = hook_obj.write_format_data

        def wrapped(format_dict, md_dict=None):
            self.on_result(_jsonable(format_dict), md_dict, getattr(hook_obj, "prompt_count", None))
            return write_format_data(format_dict, md_dict)

        hook_obj.write_format_data = wrapped
        self._undo.append(lambda: _delattr(hook_obj, "write_format_data"))


class _TeeStream:
    """Stands in for a stream whose `write` cannot be wrapped in place; everything else goes to the original."""

    def __init__(self, stream: Any, write: Callable[..., Any]) -> None:
        self._stream, self.write = stream, write

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _delattr(obj: Any, name: str) -> None:
    try:
        delattr(obj, name)
    except AttributeError:
        pass


def _jsonable(bundle: dict) -> dict:
    """Mime bundle as the frontend receives it (bytes as base64 text), for the non-ipykernel path."""
    try:
        from ipykernel.jsonutil import encode_images, json_clean  # type: ignore

        return json_clean(encode_images(bundle))
    except ImportError:  # no ipykernel: keep text values only, binary cannot be shown by a terminal anyway
        return {k: v for k, v in bundle.items() if isinstance(v, (str, dict, list))}


# --- replay ---------------------------------------------------------------------------------------------------

def replay(outputs: List[Output], shell: Any) -> None:
    """Show recorded outputs again in the current cell: streams and the cell result as the kernel's own messages
    (with the current execution count), rich displays through the shell's display publisher."""
    kernel = getattr(shell, "kernel", None)
    session = getattr(kernel, "session", None)
    for output in outputs:
        kind = output.get("output_type")
        _flush_std()  # keep order with anything the kernel still buffers
        if kind == "stream":
            if session is not None:
                _send(kernel, "stream", {"name": output["name"], "text": output["text"]},
                      b"stream." + output["name"].encode())
            else:
                getattr(sys, output["name"], sys.stdout).write(output["text"])
        elif kind == "display_data":
            shell.display_pub.publish(data=output["data"], metadata=output.get("metadata") or {})
        elif kind == "execute_result":
            if session is not None:
                _send(kernel, "execute_result", {"execution_count": current_count(shell), "data": output["data"],
                                                 "metadata": output.get("metadata") or {}}, b"execute_result")
            else:  # no kernel protocol: a display is the closest thing
                shell.display_pub.publish(data=output["data"], metadata=output.get("metadata") or {})


def current_count(shell: Any) -> int:
    """The running cell's execution count (IPython 9 increments `execution_count` before the cell runs; the
    displayhook's prompt_count is the number the cell shows in every version)."""
    return getattr(shell.displayhook, "prompt_count", shell.execution_count)


def _send(kernel: Any, msg_type: str, content: dict, topic: bytes) -> None:
    kernel.session.send(kernel.iopub_socket, msg_type, content, parent=kernel.get_parent(), ident=topic)


def _flush_std() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
