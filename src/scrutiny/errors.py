"""Exceptions that carry a message fit to show a user (never a traceback)."""

from __future__ import annotations


def printable(name) -> str:
    """``name`` fit for one line of output (see :func:`scrutiny.names.shown`)."""
    from scrutiny.names import shown

    return shown(name)


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
