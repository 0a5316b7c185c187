"""Tagging on several processes of this machine.

    >>> for rows in tag_in_processes(tagger, passage_rows, items, n_process=2):
    ...     write(rows)        # items: (passage, lead-in kind); rows in the order of items

Each worker is forked from the tagging process, so it holds the tagger already
built there (model, curated names, trained claim classifier: nothing is loaded
or pickled again). It tags a chunk of passages with ``nlp.pipe`` and sends back
only the rows the tables record (:class:`scrutiny.tags.write.PassageRows`,
plain tuples), not the spaCy ``Doc`` objects: serialising each Doc (its tensor
and every component's ``doc._`` values) in the worker and reading it back in the
parent cost more CPU than the rows, and left the parent, which writes the
store, as the bottleneck of the two workers.

Chunks are sent a few at a time (memory stays bounded whatever the corpus) and
their rows come back in the order they were sent, so the store is written in
the same order as by one process. A worker that fails raises its error here; a
worker that dies (killed, out of memory) is a ``BrokenProcessPool``, never a
hang. Workers never touch the store: the parent alone writes it.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor

CHUNK = 64            # passages per task: the batch size nlp.pipe is given
MIN_CHUNK = 16        # ... and the fewest, for a short run
IN_FLIGHT = 3         # tasks waiting or running per worker

# set in the parent just before the workers are forked: (tagger, rows function)
_WORK = None


def _tag_chunk(items):
    """In a worker: ([rows of each passage], CPU seconds spent)."""
    tagger, rows_of = _WORK
    t = time.process_time()
    docs = tagger.nlp.pipe([p.text for p, _lead in items], batch_size=CHUNK)
    rows = [rows_of(p, doc, lead) for (p, lead), doc in zip(items, docs, strict=True)]
    return rows, time.process_time() - t


def chunks(items, size: int = CHUNK):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def chunk_size(total: int | None, n_process: int) -> int:
    """Passages per task: :data:`CHUNK`, or fewer when the run is short (one long
    document added), so that every worker has about two tasks and none waits for
    another's last one."""
    if total is None:
        return CHUNK
    return max(MIN_CHUNK, min(CHUNK, -(-total // (2 * n_process))))


def tag_in_processes(tagger, rows_of, items, n_process: int, cpu: list | None = None,
                     total: int | None = None):
    """``rows_of(passage, doc, lead)`` for each ``(passage, lead)`` of ``items``, in
    order, the passage tagged by ``n_process`` forked workers (``rows_of`` runs in
    the worker and its result must be picklable). ``cpu``, when given, is a
    one-item list to which the workers' CPU seconds are added; ``total``, the
    number of items when known, makes the tasks of a short run smaller."""
    global _WORK

    _WORK = (tagger, rows_of)
    try:
        ctx = multiprocessing.get_context("fork")
        pool = ProcessPoolExecutor(max_workers=n_process, mp_context=ctx)
        try:
            pending = deque()
            work = chunks(items, chunk_size(total, n_process))
            for chunk in work:
                pending.append(pool.submit(_tag_chunk, chunk))
                if len(pending) >= n_process * IN_FLIGHT:
                    break
            while pending:
                rows, seconds = pending.popleft().result()
                nxt = next(work, None)
                if nxt is not None:
                    pending.append(pool.submit(_tag_chunk, nxt))
                if cpu is not None:
                    cpu[0] += seconds
                yield from rows
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)   # a failure, or the caller stopped early
            raise
        pool.shutdown(wait=True)
    finally:
        _WORK = None
