"""Import Whoosh without the two standard-library packages it loads and search never uses.

``whoosh.compat`` imports ``urllib.request`` (for ``urlretrieve``, which only
Whoosh's spelling-dictionary download uses) and ``whoosh.reading`` imports the
``cached_property`` package, which imports ``asyncio`` (to tell coroutine
functions apart). Between them they pull in ``http.client``, ``email``,
``ssl``, ``socket`` and the event loop: about half the CPU time of importing
Whoosh, on the path of every ``scrutiny search`` process (0.21 s -> 0.10 s
measured on the development machine).

:func:`prepare` imports those two Whoosh modules with light stand-ins for
``urllib.request`` and ``asyncio`` in ``sys.modules``, and takes the
stand-ins out again at once: anything imported afterwards (by scrutiny or by
anyone else in the process) gets the real packages. The stand-ins behave as
the real functions do for whatever calls them later: ``urlretrieve`` and
``ensure_future`` import the real package and call it; ``iscoroutinefunction``
answers as ``asyncio``'s does (``inspect``'s answer, or asyncio's own when it
has been imported since).

It also opens a segment's files without copying them. Whoosh reads an index's
compound segment files through an ``mmap``, but its ``BufferFile`` wraps each
part in ``io.BytesIO(memoryview)``, which copies the whole part into memory
when the file is opened: every segment's terms and postings, read in full
before the first lookup (0.25 s of CPU and 352 MB of memory for a process
opening the 248,759-passage index of 10,000 documents). :func:`prepare` gives
``BufferFile`` a file object reading the memoryview in place
(:class:`_ViewFile`), made only when a method that reads sequentially asks for
it; ``get`` and ``get_array`` already read the buffer directly.
"""

from __future__ import annotations

import sys
import types

_STUBBED = ("urllib.request", "asyncio")


def _urlretrieve(*args, **kwargs):
    import urllib.request

    return urllib.request.urlretrieve(*args, **kwargs)


def _iscoroutinefunction(func) -> bool:
    real = sys.modules.get("asyncio")
    if real is not None and real is not _ASYNCIO:
        return real.iscoroutinefunction(func)
    import inspect

    return inspect.iscoroutinefunction(func)


def _ensure_future(*args, **kwargs):
    import asyncio

    return asyncio.ensure_future(*args, **kwargs)


_URLLIB_REQUEST = types.ModuleType("urllib.request", "scrutiny's stand-in while Whoosh is imported")
_URLLIB_REQUEST.urlretrieve = _urlretrieve
_ASYNCIO = types.ModuleType("asyncio", "scrutiny's stand-in while Whoosh is imported")
_ASYNCIO.iscoroutinefunction = _iscoroutinefunction
_ASYNCIO.ensure_future = _ensure_future


class _ViewFile:
    """A read-only file over a memoryview (what ``io.BytesIO`` gives, without copying it)."""

    __slots__ = ("_buf", "_pos", "_len", "closed")

    def __init__(self, buf):
        self._buf = buf
        self._pos = 0
        self._len = len(buf)
        self.closed = False

    def read(self, n: int | None = -1) -> bytes:
        start = self._pos
        end = self._len if n is None or n < 0 else min(start + n, self._len)
        self._pos = max(start, end)
        return bytes(self._buf[start:end])

    def readline(self, limit: int | None = -1) -> bytes:
        start = self._pos
        end = self._len if limit is None or limit < 0 else min(start + limit, self._len)
        stop, step = end, 64
        at = start
        while at < end:   # a line is looked for a chunk at a time (never a copy of the rest)
            found = bytes(self._buf[at:min(at + step, end)]).find(b"\n")
            if found >= 0:
                stop = at + found + 1
                break
            at += step
            step *= 2
        self._pos = max(start, stop)
        return bytes(self._buf[start:stop])

    def readinto(self, b) -> int:
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)

    def seek(self, pos: int, whence: int = 0) -> int:
        if whence == 1:
            pos += self._pos
        elif whence == 2:
            pos += self._len
        if pos < 0:
            raise ValueError(f"negative seek position {pos}")
        self._pos = pos
        return pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self.closed = True


def _buffer_file_init(self, buf, name=None, onclose=None):
    # whoosh.filedb.structfile.BufferFile.__init__, without io.BytesIO(buf) (a copy of buf)
    self._buf = buf
    self._name = name
    self._view = None
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def _buffer_file_file(self):
    view = self.__dict__.get("_view")
    if view is None:
        view = self._view = _ViewFile(self._buf)
    return view


def _buffer_file_set_file(self, value):
    self._view = value


def _buffer_file_read_pickle(self):
    """The pickle at the file's position, read from a slice of the buffer (the
    unpickler would otherwise call :meth:`_ViewFile.read` once per opcode)."""
    import pickle
    from io import BytesIO

    f = self.file
    if type(f) is not _ViewFile:
        return pickle.load(f)
    start, size = f._pos, 256
    while True:
        chunk = BytesIO(bytes(f._buf[start:start + size]))
        try:
            value = pickle.load(chunk)
        except (EOFError, pickle.UnpicklingError):
            if start + size >= f._len:
                raise
            size *= 8     # a longer pickle than the slice: a longer slice
            continue
        f._pos = start + chunk.tell()
        return value


def _open_in_place() -> None:
    import whoosh
    from whoosh.filedb.structfile import BufferFile

    if tuple(whoosh.__version__[:2]) != (2, 7):
        return    # a Whoosh whose BufferFile we have not read: its own (copying) reader

    if BufferFile.__init__ is not _buffer_file_init:
        BufferFile.__init__ = _buffer_file_init
        BufferFile.file = property(_buffer_file_file, _buffer_file_set_file)
        BufferFile.read_pickle = _buffer_file_read_pickle


def prepare() -> None:
    """Import ``whoosh.compat`` and ``whoosh.reading`` lightly, and have Whoosh open
    segment files in place (no-op once done)."""
    if "whoosh.reading" in sys.modules:
        _open_in_place()
        return
    stubs = {name: stub for name, stub in zip(_STUBBED, (_URLLIB_REQUEST, _ASYNCIO)) if name not in sys.modules}
    sys.modules.update(stubs)
    try:
        import whoosh.compat  # noqa: F401
        import whoosh.reading  # noqa: F401
    finally:
        for name, stub in stubs.items():
            if sys.modules.get(name) is stub:
                del sys.modules[name]
    _open_in_place()
