"""Exceptions that carry a message fit to show a user (never a traceback)."""

from __future__ import annotations


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(name) -> str:
    """``name`` (a file name, a path) fit for one line of output: control
    characters, line and paragraph separators and invisible format characters
    (bidirectional overrides) are shown as escapes, so that a file called
    ``"a\\nb.pdf: fine"`` cannot forge a line of its own on stderr."""
    text = str(name)
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable():
            out.append(ch)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "".join(out)


class ScrutinyError(Exception):
    """Base class: ``str(err)`` is a complete, user-facing sentence."""


class ReaderError(ScrutinyError):
    """A source file could not be read. ``str()`` is ``<path>: <reason>``."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{printable(self.path)}: {reason}")

    def __reduce__(self):  # picklable across the reader process pool
        return (type(self), (self.path, self.reason))


class ProjectError(ScrutinyError):
    """No project root, or a broken manifest / configuration."""


class FetchError(ScrutinyError):
    """A download failed; the message names the document and the fix."""
