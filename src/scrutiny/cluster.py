"""Reading and tagging on a Dask cluster: document-sized tasks, results written here.

``scrutiny build --scheduler tcp://HOST:8786`` (or ``scheduler`` in the
manifest's ``[project]`` table, or SCRUTINY_SCHEDULER) sends two kinds of task
to the cluster's workers (``pip install 'scrutiny[dask]'``: the ``distributed``
package, on the workers too):

- **read**: one file's bytes in, its text blocks out (:func:`read_task`). The
  workers need no shared folder: the file travels with the task, is written to
  a temporary file on the worker and read there by the same readers.
- **tag**: one document's passages in, the rows the tagging tables record of
  each passage out (:func:`tag_task`), not the spaCy ``Doc`` objects: a Doc
  serialised on the worker and read back here cost this process more CPU than
  the rows, and this process, which writes the store, was the bottleneck.
  Each worker builds the tagger once (the model, the curated names, the
  trained claim classifier) and keeps it.

Nothing is written on a worker: the results come back to the process that
runs the build, which stores them through the owning stages (ingest stores the
passages, the tagging stage its rows), in the one transaction each stage uses
on a single machine. At most ``window`` tasks are in flight, so neither side
holds the corpus in memory.

    with connect("tcp://127.0.0.1:8786") as client:
        ingest(project, cluster=client)
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager


def scheduler_address(project) -> str | None:
    """The Dask scheduler this project sends work to (None: this machine's processes)."""
    return os.environ.get("SCRUTINY_SCHEDULER") or project.settings.get("scheduler") or None


@contextmanager
def connect(address: str):
    """A ``distributed.Client`` on ``address``; a clear error when it cannot be reached."""
    from scrutiny.errors import ProjectError

    try:
        from distributed import Client
    except ImportError:
        raise ProjectError("--scheduler needs Dask: pip install 'scrutiny[dask]'") from None
    try:
        client = Client(address, timeout=10)
    except (OSError, TimeoutError) as exc:
        raise ProjectError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        yield client
    finally:
        client.close()


def bounded(client, fn, jobs: Iterable[tuple], window: int | None = None, **kwargs) -> Iterator[tuple[int, object]]:
    """Run ``fn(*job)`` for each job on the cluster, at most ``window`` at a time;
    yields ``(index, result or the exception it raised)`` as each finishes."""
    from distributed import as_completed

    if window is None:
        workers = len(client.scheduler_info().get("workers", {})) or 1
        window = 4 * workers
    jobs = iter(enumerate(jobs))
    index_of = {}
    pending = as_completed()
    for _ in range(window):
        nxt = next(jobs, None)
        if nxt is None:
            break
        i, job = nxt
        fut = client.submit(fn, *job, pure=False, **kwargs)
        index_of[fut.key] = i
        pending.add(fut)
    for fut in pending:
        i = index_of.pop(fut.key)
        try:
            result = fut.result()
        except Exception as exc:  # noqa: BLE001 - the task's own error, reported for its document
            result = exc
        fut.release()
        yield i, result
        nxt = next(jobs, None)
        if nxt is not None:
            j, job = nxt
            new = client.submit(fn, *job, pure=False, **kwargs)
            index_of[new.key] = j
            pending.add(new)


# --- the tasks (run on the workers) ------------------------------------------------------

def read_task(name: str, data: bytes, max_bytes: int, ocr: bool):
    """Read one file sent as bytes: (document, seconds), or raises ReaderError."""
    import tempfile
    from pathlib import Path

    from scrutiny.readers import read

    t = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="scrutiny-read-") as tmp:
        path = Path(tmp) / Path(name).name
        path.write_bytes(data)
        doc = read(str(path), max_bytes=max_bytes, ocr=ocr)
    return doc, time.perf_counter() - t


_TAGGERS: dict[str, object] = {}


def tag_task(rows_of, model: str | None, names, version: str, items: list, max_length: int):
    """Tag one document's ``(passage, lead-in kind)`` items with this worker's
    tagger: (``rows_of(passage, doc, lead)`` for each item, CPU seconds spent).
    ``rows_of`` (the tagging stage's own function, sent by reference) makes what
    the tables record of a passage; its result must be picklable."""
    t = time.process_time()
    tagger = _TAGGERS.get(version)
    if tagger is None:
        from scrutiny.nlp.pipeline import build_tagger

        tagger = build_tagger(model, names=names, warn=False)
        if tagger.version != version:
            raise RuntimeError(f"this worker's tagger is version {tagger.version}, the build's {version}: "
                               "install the same scrutiny, spaCy and model on every worker")
        _TAGGERS.clear()
        _TAGGERS[version] = tagger
    if max_length >= tagger.nlp.max_length:
        tagger.nlp.max_length = max_length + 1
    docs = tagger.nlp.pipe([p.text for p, _lead in items], batch_size=64)
    rows = [rows_of(p, doc, lead) for (p, lead), doc in zip(items, docs, strict=True)]
    return rows, time.process_time() - t
