"""The language model loaded on the other core while a new process does its first work.

    with model_loading_aside(project):      # (scrutiny.tags.write) scrutiny build FILE, ingest FILE
        ...                                  # tag_store() tags through the helper

A new process asked to add a file (``scrutiny build report.pdf``) spends about a
second and a half importing spaCy and loading the model, and as long again
reading the manifest, checking the knowledge base, reading the file and storing
its passages before one passage is ready to tag. Done one after the other, they
add up; here a helper process, forked as the run starts (before any thread, any
open store or any other fork), loads the tagger on the other core meanwhile.
When the passages are stored, :func:`scrutiny.tags.write.tag_store` sends them to
it and writes the rows it sends back, as it does with the workers of
:mod:`.parallel` (with as many processes as the run asks for: from
:data:`~scrutiny.tags.write.PARALLEL_THRESHOLD` passages on, the helper shares them
with workers forked from itself, which hold its model).

The helper loads the model and the tagger's components; the curated names of the
run (a new document's title is one more) are sent with the work and given to it
with :func:`scrutiny.nlp.pipeline.with_names`, which loads nothing again, and the
versions must agree or the run tags in its own process as before.
A helper that could not load, or a run with nothing to tag, costs the run
nothing but the other core's time: it is stopped when the run ends. One that dies
while tagging fails the run's ingest stage with one line (:class:`HelperLost`;
never a hang, nothing half written: the tagging transaction is rolled back, and
the next run tags the passages).
"""

from __future__ import annotations

import os
import queue
import signal
import threading
import time

from scrutiny.errors import ScrutinyError

WINDOW = 256        # passages sent ahead of the rows received, at least (memory stays bounded)
SEND = 32           # passages per message


def window(total: int, n_process: int) -> int:
    """Passages the run may send ahead of the rows it has received: more than the helper
    takes in before it sends its first rows (tags.parallel keeps ``n_process *
    IN_FLIGHT`` tasks in flight, and a task waits for its chunk to fill; one process
    waits for a batch of nlp.pipe; rows go back ``SEND`` at a time). Less, and the
    run would wait for rows the helper cannot make before more passages come."""
    from scrutiny.tags.parallel import CHUNK, IN_FLIGHT, chunk_size

    taken = (n_process * IN_FLIGHT + 1) * chunk_size(total, n_process) if n_process > 1 else CHUNK
    return max(WINDOW, taken + 2 * SEND)


class HelperFailed(RuntimeError):
    """The helper cannot tag this run (the model did not load, another version): the
    caller tags in its own process."""


class HelperLost(ScrutinyError):
    """The helper stopped while it tagged (killed, out of memory) or failed on a passage:
    the run's tagging transaction is rolled back, and the stage fails with one line."""


def _serve(items_in, rows_out, parents_ends, model, cache_dir) -> None:
    """In the helper: build the tagger (its curated names come with the run), then tag
    the run it is sent."""
    for conn in parents_ends:   # (so that the run's end, or its death, is an end of input here)
        conn.close()
    try:
        os.setpgid(0, 0)    # a process group of its own: stopped with the workers it forks
    except OSError:
        pass
    from scrutiny.nlp.pipeline import build_tagger, with_names

    try:
        tagger = build_tagger(model, names=(), warn=False, cache_dir=cache_dir)
        failure = None
    except BaseException as exc:      # (reported to the run, which tags in its own process)
        tagger, failure = None, f"{type(exc).__name__}: {exc}"
    try:
        rows_out.send(("loaded", failure is None))    # (the run may be doing other work until then)
    except (OSError, BrokenPipeError):
        return
    while True:
        try:
            msg = items_in.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        rows_of, version, names, max_length, total, n_process = msg
        if failure is None:
            with_names(tagger, names)
            if tagger.version != version:
                failure = f"the helper's tagger is version {tagger.version}, the run's {version}"
        if failure is not None:
            rows_out.send(("failed", failure))
            return
        if max_length >= tagger.nlp.max_length:
            tagger.nlp.max_length = max_length + 1
        rows_out.send(("ready", None))
        cpu0 = time.process_time()
        worker_cpu = [0.0]

        def items():
            while True:
                chunk = items_in.recv()
                if chunk is None:
                    return
                yield from lead_kinds(chunk)

        try:
            if n_process > 1:
                from scrutiny.tags.parallel import tag_in_processes

                stream = tag_in_processes(tagger, rows_of, items(), n_process, cpu=worker_cpu, total=total)
            else:
                texts = ((p.text, (p, lead)) for p, lead in items())
                stream = (rows_of(p, doc, lead) for doc, (p, lead)
                          in tagger.nlp.pipe(texts, as_tuples=True, batch_size=64))
            batch = []
            for rows in stream:
                batch.append(rows)
                if len(batch) >= SEND:
                    rows_out.send(("rows", batch))
                    batch = []
            if batch:
                rows_out.send(("rows", batch))
            rows_out.send(("done", time.process_time() - cpu0 + worker_cpu[0]))
        except BaseException as exc:
            try:
                rows_out.send(("error", f"{type(exc).__name__}: {exc}"))
            except OSError:     # (the run is gone: nobody to tell)
                pass
            return


def lead_kinds(items):
    """``(passage, lead-in text or None)`` as the run sends them -> ``(passage, the kind
    the lead-in gives, or None)``: the run's process finds the lead-ins without
    importing spaCy (which the rules that read them do), the helper their kinds."""
    from scrutiny.nlp.claim_rules import lead_kind

    for p, lead in items:
        yield p, (lead_kind(lead) if lead is not None else None)


class EarlyTagger:
    """A helper process loading (then holding) the project's tagger. ``tag`` may be
    called once per run; ``close`` stops it."""

    def __init__(self, project, while_waiting=()):
        """``while_waiting``: work (callables) worth doing if the run has to wait for the
        model: done one after the other until it is loaded (what fails there is left to
        the run, which does the same work later and says why)."""
        import multiprocessing

        self._idle = list(while_waiting)
        ctx = multiprocessing.get_context("fork")
        items_in, items_out = ctx.Pipe(duplex=False)     # (the receiving end, the sending end)
        rows_in, rows_out = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=_serve, name="scrutiny-early-tagger", daemon=False,
                                   args=(items_in, rows_out, (items_out, rows_in), project.spacy_model,
                                         project.data_dir / "nlp"))
        self.process.start()
        items_in.close()
        rows_out.close()
        self._send, self._recv = items_out, rows_in
        self.used = False

    def tag(self, rows_of, items, *, version: str, names, max_length: int, total: int, n_process: int = 1,
            cpu: list | None = None):
        """The rows of each ``(passage, lead-in text)`` of ``items``, in order (``rows_of``
        runs in the helper, given the kind of the lead-in: :func:`lead_kinds`). Raises
        :class:`HelperFailed` before the first row when the helper cannot tag this run
        (the caller then tags in its own process); a helper lost afterwards raises
        :class:`HelperLost`, an error in its tagging RuntimeError."""
        if self.used:
            raise HelperFailed("the helper tags one run")
        self.used = True
        try:
            while not self._recv.poll(0.02):     # the model is loading: other work meanwhile
                if self._idle:
                    job = self._idle.pop(0)
                    try:
                        job()
                    except Exception:   # (left to the run, which does it again and says why)
                        pass
                elif not self.process.is_alive():
                    break
            kind, loaded = self._recv.recv()
            if kind != "loaded":
                raise HelperFailed(f"the helper said {kind!r} before its model was loaded")
            self._send.send((rows_of, version, list(names), max_length, total, n_process))
            kind, value = self._recv.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            raise HelperFailed(f"the helper process is gone ({exc})") from None
        if kind != "ready":
            raise HelperFailed(str(value))
        return self._stream(items, cpu, window(total, n_process))

    def _stream(self, items, cpu, ahead: int):
        received: queue.Queue = queue.Queue()

        def receive():      # (a thread of its own: the helper never waits on a full pipe)
            while True:
                try:
                    msg = self._recv.recv()
                except (EOFError, OSError):
                    received.put(("lost", "the helper process that held the language model ended "
                                          "(killed, or out of memory)"))
                    return
                received.put(msg)
                if msg[0] != "rows":
                    return

        reader = threading.Thread(target=receive, name="scrutiny-early-rows", daemon=True)
        reader.start()
        sent = done = 0

        def handle(msg):
            nonlocal done
            kind, value = msg
            if kind == "rows":
                done += len(value)
                return value
            if kind == "done":
                if cpu is not None:
                    cpu[0] += value
                return None
            if kind == "lost":
                raise HelperLost(f"tagging stopped: {value}; no tag of this run was stored (run the command "
                                 "again; SCRUTINY_EARLY_TAGGER=0 tags in this process)")
            raise RuntimeError(f"tagging in the helper process failed: {value}")   # (a bug: said as one)

        chunk = []
        finished = False
        try:
            for item in items:
                chunk.append(item)
                if len(chunk) >= SEND:
                    self._send.send(chunk)
                    sent += len(chunk)
                    chunk = []
                while sent - done > ahead or not received.empty():
                    rows = handle(received.get())
                    if rows is None:
                        raise HelperLost("tagging stopped: the helper process ended before the last passage")
                    yield from rows
            if chunk:
                self._send.send(chunk)
                sent += len(chunk)
            self._send.send(None)
            while True:
                rows = handle(received.get())
                if rows is None:
                    finished = True
                    break
                yield from rows
            if done != sent:
                raise HelperLost(f"tagging stopped: the helper process tagged {done} passages of {sent}")
        finally:
            if not finished:
                self.close()

    def close(self) -> None:
        """Stop the helper and the workers it forked (at once: a run that is over needs
        nothing more of them; a worker left behind would wait for work for ever)."""
        for conn in (self._send, self._recv):
            try:
                conn.close()
            except OSError:
                pass
        try:     # (its group: not reaped yet, so the number is still its own)
            os.killpg(self.process.pid, signal.SIGKILL)
        except OSError:
            pass
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)


__all__ = ["EarlyTagger", "HelperFailed", "HelperLost"]
