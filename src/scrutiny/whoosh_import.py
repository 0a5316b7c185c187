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


def prepare() -> None:
    """Import ``whoosh.compat`` and ``whoosh.reading`` lightly (no-op once Whoosh is imported)."""
    if "whoosh.reading" in sys.modules:
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
