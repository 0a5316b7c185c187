"""File names from the outside world, made safe to store and to print.

A file may arrive with a name of 253 characters, with a newline in it, or with
bytes a terminal would act on. Three helpers keep such names from crashing a
run or forging output lines:

- ``shown(name)`` is the name as messages print it: control characters (a
  newline, an escape) written as ``\\n``, ``\\x1b``..., so one message stays one
  line;
- ``safe_file_name(name)`` is a name fit to create: no control characters or
  slashes, at most ``NAME_MAX`` bytes (a long stem is shortened and keeps a
  short hash, so two long names stay distinct);
- ``part_path(dest)`` is the temporary file a download or copy writes before it
  is renamed onto ``dest``: hidden, beside ``dest``, and short enough for any
  file system, however long ``dest``'s name is.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path

NAME_MAX = 255        # bytes in one path component (ext4, APFS, NTFS in UTF-16 units)
PART_SUFFIX = ".part"

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def shown(name) -> str:
    """``name`` as printed in messages: control, bidi and other characters that
    are not printable escaped (``\\n``, ``\\x1b``, ``\\u202e``), and a byte that
    is not UTF-8 shown as ``\\xff`` (printing it raw would stop the output)."""
    text = os.fspath(name) if isinstance(name, os.PathLike) else str(name)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    if "\udc80" <= ch <= "\udcff":  # a byte the file system name held that is not UTF-8
        return f"\\x{ord(ch) & 0xff:02x}"
    return ch.encode("unicode_escape", "backslashreplace").decode("ascii")


def has_control(name: str) -> bool:
    return bool(_CONTROL.search(name))


def _utf8_prefix(text: str, limit: int) -> str:
    """The longest prefix of ``text`` whose UTF-8 encoding fits ``limit`` bytes."""
    raw = text.encode("utf-8")[:max(0, limit)]
    return raw.decode("utf-8", errors="ignore")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def safe_file_name(name: str, reserve: int = 0) -> str:
    """A name safe to create for a file called ``name``.

    Control characters, slashes and NUL become ``_``; leading dots are dropped
    (no hidden files); a name longer than ``NAME_MAX - reserve`` bytes keeps its
    suffix and a shortened stem followed by ``-`` and eight hex digits of the
    full name's hash. An ordinary name comes back unchanged.
    """
    # bytes that are not UTF-8 (surrogate escapes in a name from the file system) become U+FFFD
    clean = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    clean = unicodedata.normalize("NFC", clean)
    clean = _CONTROL.sub("_", clean).replace("/", "_").replace("\\", "_")
    clean = clean.lstrip(".").strip() or "file"
    limit = NAME_MAX - reserve
    if len(clean.encode("utf-8")) <= limit:
        return clean
    stem, dot, suffix = clean.rpartition(".")
    if not dot or len(suffix) > 10 or not stem:
        stem, suffix = clean, ""
    else:
        suffix = "." + suffix
    tail = f"-{_digest(name)}{suffix}"
    return _utf8_prefix(stem, limit - len(tail.encode("utf-8"))).rstrip() + tail


def part_path(dest: Path, tag: str = "") -> Path:
    """The temporary file written before it is renamed onto ``dest``.

    ``.<name>.part`` when that fits; for a long name, a shortened one with a
    hash of the full name (so two long names never share a temporary file).
    ``tag`` distinguishes concurrent writers of the same destination.
    """
    dest = Path(dest)
    extra = f".{tag}" if tag else ""
    name = f".{dest.name}{extra}{PART_SUFFIX}"
    if len(name.encode("utf-8")) <= NAME_MAX and not has_control(dest.name):
        return dest.with_name(name)
    tail = f"-{_digest(dest.name)}{extra}{PART_SUFFIX}"
    stem = safe_file_name(dest.name)
    return dest.with_name("." + _utf8_prefix(stem, NAME_MAX - 1 - len(tail.encode("utf-8"))) + tail)


def open_new(path: Path):
    """Open ``path`` for writing as a new file of our own: whatever is there
    already (a leftover, or a symbolic link planted to make us write elsewhere)
    is removed first (the link, never its target), and the file is created
    with O_EXCL and O_NOFOLLOW, so the bytes land exactly at ``path``."""
    path = Path(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    for attempt in range(3):
        try:
            fd = os.open(path, flags, 0o666)
            return os.fdopen(fd, "wb")
        except FileExistsError:
            if attempt == 2:
                raise
            try:
                path.unlink()
            except FileNotFoundError:
                pass
    raise FileExistsError(path)  # not reached


def copy_new(src: Path, path: Path, chunk: int = 1 << 20) -> None:
    """Copy ``src`` into a new file at ``path`` (see ``open_new``)."""
    import shutil

    with open(src, "rb") as fin, open_new(path) as fout:
        shutil.copyfileobj(fin, fout, chunk)
