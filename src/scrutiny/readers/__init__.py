"""Readers: one module per input format, chosen by file extension.

Each reader module exposes ``EXTENSIONS`` (lower-case, with the dot) and
``read(path) -> ReadDocument``. Modules are imported only when a file of their
format is read, so commands that never read files stay fast.
"""

from __future__ import annotations

import importlib
import os
import stat
from pathlib import Path

from scrutiny.errors import ReaderError
from scrutiny.readers.base import Block, ReadDocument  # noqa: F401  (re-export)

# extension -> reader module (relative to this package)
READERS = {
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
}

DEFAULT_MAX_BYTES = 200 * 1024 * 1024  # 200 MiB


def supported_extensions() -> list[str]:
    return sorted(READERS)


def reader_for(path) -> str:
    ext = Path(path).suffix.lower()
    try:
        return READERS[ext]
    except KeyError:
        raise ReaderError(
            path,
            f"unsupported file type {ext or '(no extension)'!r}; "
            f"scrutiny reads {', '.join(supported_extensions())}",
        ) from None


def symlink_reason(path) -> str | None:
    """Why ``path`` is refused when it is a symbolic link (None when it is not).

    A source is read only as a regular file: a link planted in a shared
    corpus could otherwise publish any file the reader can see."""
    try:
        if not os.path.islink(path):
            return None
        target = os.readlink(path)
    except OSError:
        return None
    from scrutiny.errors import printable

    return (f"refused: this is a symbolic link (to {printable(target)}), not a file; scrutiny reads "
            "sources only as regular files (replace the link with a copy of the file itself)")


def read(path, max_bytes: int = DEFAULT_MAX_BYTES, ocr: bool = False) -> ReadDocument:
    """Read any supported file. Raises ReaderError naming the file and the reason.
    ``ocr``: read PDF pages that are only pictures with Tesseract."""
    path = Path(path)
    link = symlink_reason(path)
    if link:
        raise ReaderError(path, link)
    name = reader_for(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ReaderError(path, "file not found") from None
    except OSError as exc:
        raise ReaderError(path, f"cannot open: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise ReaderError(path, "this is a folder, not a file")
    size = st.st_size
    if size == 0:
        raise ReaderError(path, "the file is empty (0 bytes)")
    if size > max_bytes:
        raise ReaderError(
            path,
            f"the file is {size / 1048576:.1f} MiB, over the {max_bytes / 1048576:.0f} MiB cap "
            "(raise it with --max-size if the file is genuine)",
        )
    module = importlib.import_module(f"scrutiny.readers.{name}")
    try:
        doc = module.read(path, ocr=True) if ocr and name == "pdf" else module.read(path)
    except ReaderError:
        raise
    except MemoryError:
        from scrutiny.readers.sandbox import active_cap_mb, memory_message

        raise ReaderError(path, memory_message(active_cap_mb())) from None
    except OSError as exc:  # permissions, a file vanishing mid-read, a disk error
        raise ReaderError(path, f"cannot read the file: {exc.strerror or exc}") from None
    except Exception as exc:  # a reader bug or a library choking on bad input
        raise ReaderError(path, f"could not read {name.upper()} file: {type(exc).__name__}: {exc}") from exc
    doc.blocks = [b for b in doc.blocks if b.text.strip()]
    if not doc.blocks:
        raise ReaderError(path, "no text found in the file")
    return doc
