"""Keep a project built while its inputs change: ``scrutiny watch``.

One long-lived process runs :func:`scrutiny.pipeline.build` whenever something
the build reads has changed: the manifest, a source under ``corpus/sources/``,
the knowledge base (``kb/``) or the site's own templates (``site_templates/``).
A file dropped into the inbox folder (``inbox/`` under the project root by
default) is registered and ingested as ``scrutiny build FILE`` would, then
taken out of the inbox once the manifest holds it (its bytes' sha256 is a
document's); a file that cannot be read stays where it is, named with the
reason, and is tried again only when it changes.

What makes one added document cheaper here than in a new process each time:
the language model, the tagger's components and its claim model are loaded
once (:func:`scrutiny.tags.write.keep_tagger_warm`), the site's record of its
440,000 files is read once and then only the changes saved beside it
(:func:`scrutiny.site.writer.keep_records`), and Python's imports are
done; every stage still decides from the project's files and store what to do,
as a one-off build does, so a build here writes exactly what ``scrutiny build``
would have written. One thing a watch knows that a one-off build does not: when
its poll saw nothing change but the inbox since a build that found every document
current, the round ingests the inbox's files and takes the other documents as that
build found them, without the pass over the whole manifest that would check each of
10,000 entries again (:func:`scrutiny.pipeline.carried_over`).

Changes are found by polling (one ``stat`` per file every ``interval``
seconds): it needs nothing from the operating system and works on network
folders. A change is built once the files have stood still for one interval,
so a file still being copied is not read half written; a file moved into the
inbox whose own time is older than one interval (at most a second) has stood
still already and is built as soon as it is seen: between two polls the watch
looks at the inbox alone every tenth of a second. What a build writes among its own inputs
(a registered file's copy in ``corpus/sources/``, its manifest entry) is no
change to build again: the stamps this process gave those files are recorded
(:func:`scrutiny.atomic.record_writes`), and only a file whose stamp differs
from them, such as a manifest edited by hand during the build, is seen. Each build holds the
project's write lock (:mod:`scrutiny.lock`) only while it runs: other commands
may write the project between builds, and what they change is seen at the
next poll.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from scrutiny.errors import ScrutinyError
from scrutiny.paths import INBOX

# seconds between two looks at the inbox alone while a watch waits for its next poll
INBOX_LOOK = 0.1
# an inbox file not written for this long (or one interval, if shorter) is complete
SETTLE = 1.0

# what a build reads, under the project root (the store, index and site are its outputs)
WATCHED = ("kb", "site_templates", "corpus/sources")


def _walk(folder: Path, out: dict) -> None:
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return
    for e in entries:
        try:
            if e.is_dir(follow_symlinks=False):
                _walk(Path(e.path), out)
            else:
                st = e.stat(follow_symlinks=False)
                out[e.path] = (st.st_mtime_ns, st.st_size)
        except FileNotFoundError:   # gone while we looked: the next poll sees it
            continue


def snapshot(project) -> dict[str, tuple[int, int]]:
    """``{path: (mtime in ns, size)}`` of every input of a build (not the inbox)."""
    out: dict[str, tuple[int, int]] = {}
    root = Path(project.root)
    for rel in WATCHED:
        _walk(root / rel, out)
    try:
        st = os.stat(project.manifest_path)
        out[str(project.manifest_path)] = (st.st_mtime_ns, st.st_size)
    except FileNotFoundError:
        pass
    return out


def inbox_files(inbox: Path) -> dict[str, tuple[int, int]]:
    """The files waiting in the inbox (not in its sub-folders; hidden files and
    partial downloads left out), with their stamps."""
    out = {}
    try:
        entries = list(os.scandir(inbox))
    except FileNotFoundError:
        return out
    for e in entries:
        if e.name.startswith(".") or e.name.endswith((".part", ".crdownload", ".tmp")):
            continue
        try:
            if e.is_file(follow_symlinks=False):
                st = e.stat(follow_symlinks=False)
                out[e.path] = (st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            continue
    return out


def _sha256(path: Path) -> str | None:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()


@dataclass
class Round:
    """One build the watcher ran: why, what it took in, what it left in the inbox."""
    reason: str
    result: object                     # scrutiny.pipeline.BuildResult
    taken: list[str] = field(default_factory=list)     # inbox files now in the corpus (removed from the inbox)
    refused: list[str] = field(default_factory=list)   # inbox files left there (could not be read)
    seconds: float = 0.0


class Watcher:
    """``step()`` builds once if anything changed; ``run()`` polls until stopped.

    ``build``: the build function (default :func:`scrutiny.pipeline.build`),
    called as ``build(project, fetch=..., out=..., progress=..., files=..., **options)``;
    ``options``: more keyword arguments for it (``site``, ``kind``, ``metadata``). The
    language model is loaded ahead of the first file only for the default build.
    ``lock``: a context manager factory ``lock(project)`` held around each build
    (default: the project's write lock, waiting for another writer).
    """

    def __init__(self, project, *, inbox: Path | None = None, fetch: bool = False, out=None,
                 interval: float = 1.0, progress: Callable | None = None,
                 say: Callable[[str], None] | None = None, build=None, lock=None, options: dict | None = None):
        self.project = project
        self.inbox = Path(inbox) if inbox is not None else Path(project.root) / INBOX
        _check_inbox(project, self.inbox)
        self.inbox.mkdir(parents=True, exist_ok=True)
        self.fetch, self.out, self.interval = fetch, out, interval
        self.progress = progress
        self.say = say or (lambda line: None)
        self._build = build
        self._options = dict(options or {})
        self._lock = lock
        self.built: dict[str, tuple[int, int]] | None = None   # the inputs as the last build began
        self.refused: dict[str, tuple[int, int]] = {}          # inbox files that failed, as they were
        self._pending: tuple | None = None                     # what changed at the last poll (to settle)
        self.rounds = 0
        self.building = False                                  # a build is running
        self._whole = None      # the last build's ingest report, when it found every document current

    # --- what changed -------------------------------------------------------------------
    def _waiting(self) -> dict[str, tuple[int, int]]:
        return {p: s for p, s in inbox_files(self.inbox).items() if self.refused.get(p) != s}

    def changes(self) -> tuple[dict, dict]:
        """(the build's inputs now, the inbox files waiting) without building."""
        return snapshot(self.project), self._waiting()

    def due(self) -> tuple[str, dict, dict] | None:
        """Why a build is due now (and the state it would start from), or None. A
        change is due once it has stood still for one poll: the first poll that
        sees it remembers it, the next one that sees the same files builds."""
        now, waiting = self.changes()
        if self.built is not None and now == self.built and not waiting:
            self._pending = None
            return None
        state = (now, waiting)
        if self.built is not None and self._pending != state and not (now == self.built and _settled(waiting, self.interval)):
            self._pending = state           # seen once: build when it stands still
            return None
        self._pending = None
        if self.built is None:
            reason = "first build"
        elif waiting:
            reason = f"{len(waiting)} file{'s' if len(waiting) != 1 else ''} in {self.inbox.name}/"
        else:
            changed = sorted(set(now) ^ set(self.built) | {p for p in now if self.built.get(p) != now[p]})
            reason = _changed_line(self.project, changed)
        return reason, now, waiting

    # --- building -----------------------------------------------------------------------
    def step(self, force: bool = False) -> Round | None:
        """Build once if something changed (``force``: build now, without settling)."""
        if force:
            now, waiting = self.changes()
            due = ("asked", now, waiting)
        else:
            due = self.due()
        if due is None:
            return None
        reason, now, waiting = due
        return self._run(reason, now, waiting)

    def _run(self, reason: str, now: dict, waiting: dict) -> Round:
        from scrutiny.pipeline import build as pipeline_build

        build = self._build or pipeline_build
        files = sorted(waiting)
        options = dict(self._options)
        if files and self._whole is not None and not self.fetch and now == self.built and self._build is None:
            # only the inbox changed since the last build, which found every document current:
            # the build ingests the files and takes the others as that build found them,
            # without the pass over the whole manifest (each of 10,000 entries checked)
            options["others"] = self._whole
        self._whole = None
        t = time.perf_counter()
        self.say(f"watch: building ({reason})")
        self.building = True
        try:
            with self._locked():
                result = build(self.project, fetch=self.fetch, out=self.out, progress=self.progress,
                               files=files or None, **options)
                # what the build wrote among its own inputs (a registered file's copy, its
                # manifest entry) is no change to build again; anything else written since
                # it began is, at the next poll
                now = _with_own_writes(now, snapshot(self.project))
        except ScrutinyError as exc:
            # the project itself cannot be built (a manifest that cannot be read): say
            # why and wait for the next change, keeping every inbox file
            self.say(f"watch: Error: {exc}")
            self.rounds += 1
            self.built = now
            self.refused.update(waiting)
            return Round(reason, None, [], sorted(waiting), time.perf_counter() - t)
        finally:
            self.building = False
        self.rounds += 1
        ingested = getattr(result, "ingest", None)
        if getattr(result, "ok", False) and ingested is not None and not ingested.failed:
            self._whole = ingested
        # the inputs as they were when this build began, with what the build itself wrote:
        # anything else written since (by someone else) is looked at again by the next
        # poll, which builds only if a stage has something to do
        self.built = now
        taken, refused = self._settle_inbox(waiting)
        return Round(reason, result, taken, refused, time.perf_counter() - t)

    def warm(self) -> None:
        """Load the language model while nothing is due (once, after the first build):
        the first file dropped into the inbox is then not kept waiting for it. A first
        build that tagged has loaded it already (:func:`scrutiny.tags.write.keep_tagger_warm`
        keeps it), and a problem loading it is left for the next build that tags to report."""
        if self._build is not None:     # a build function of the caller's own: it loads what it needs
            return
        from scrutiny.tags.write import build_project_tagger, tagger_is_warm

        if tagger_is_warm(self.project):
            return
        try:
            t = time.perf_counter()
            with self._locked():
                build_project_tagger(self.project, warn=False)
            self.say(f"watch: language model loaded ({time.perf_counter() - t:.1f}s); ready for files in "
                     f"{self.inbox.name}/")
        except (ScrutinyError, OSError):
            pass

    def _settle_inbox(self, waiting: dict) -> tuple[list[str], list[str]]:
        """Take out of the inbox the files the corpus now holds; remember the others
        as they are, so they are not read again until they change."""
        if not waiting:
            return [], []
        from scrutiny.manifest import read_manifest

        try:
            held = {e.sha256 for e in read_manifest(self.project.manifest_path).documents.values() if e.sha256}
        except Exception:  # the manifest cannot be read: the build said why; keep every file
            held = set()
        taken, refused = [], []
        for path, stamp in sorted(waiting.items()):
            if _sha256(Path(path)) in held:
                try:
                    os.unlink(path)
                except FileNotFoundError:
                    pass
                self.refused.pop(path, None)
                taken.append(path)
            else:
                self.refused[path] = stamp
                refused.append(path)
        for path in refused:
            self.say(f"watch: {path} stays in {self.inbox.name}/ (not ingested: see the ingest line above); "
                     "it is tried again when the file changes")
        return taken, refused

    def _wait(self, stop=None) -> None:
        """Wait one interval before the next poll, looking at the inbox alone (a few
        ``stat`` calls, where a poll stats every source) every :data:`INBOX_LOOK`
        seconds: a file moved in that has stood still already ends the wait, so it is
        built within a fraction of a second of its arrival, not at the next poll."""
        end = time.monotonic() + self.interval
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            pause = min(left, INBOX_LOOK)
            if stop is not None:
                if stop.wait(pause):
                    return
            else:
                time.sleep(pause)
            waiting = self._waiting()
            if waiting and _settled(waiting, self.interval):
                return

    def _locked(self):
        if self._lock is not None:
            return self._lock(self.project)
        from scrutiny.lock import project_lock

        # another writer (a `scrutiny ingest` in another terminal): wait for it
        return project_lock(self.project, "watch", wait=float("inf"), say=self.say)

    def run(self, stop=None, max_rounds: int | None = None, on_round: Callable[[Round], None] | None = None) -> None:
        """Poll every ``interval`` seconds and build what changed, until ``stop`` (a
        ``threading.Event``) is set, ``max_rounds`` builds ran, or KeyboardInterrupt;
        ``on_round`` receives each build's :class:`Round`."""
        from scrutiny.atomic import record_writes
        from scrutiny.site import keep_digests
        from scrutiny.site.render import keep_compiled
        from scrutiny.site.writer import keep_records
        from scrutiny.tags.write import keep_tagger_warm

        record_writes(True)     # the builds' own writes among their inputs: no change to build again
        keep_tagger_warm(True)
        keep_records(True)      # the site's record of its files, read once, then its changes only
        keep_compiled(True)     # the site's templates compiled once
        keep_digests(True)      # each document's digest made again only when its entry moved
        warmed = False
        try:
            while stop is None or not stop.is_set():
                r = self.step()
                if r is not None and on_round is not None:
                    on_round(r)
                if r is None and not warmed and self.rounds:
                    warmed = True
                    self.warm()
                if max_rounds is not None and self.rounds >= max_rounds:
                    return
                self._wait(stop)
        finally:
            record_writes(False)
            keep_compiled(False)
            keep_digests(False)
            keep_tagger_warm(False)
            keep_records(False)


def _settled(waiting: dict[str, tuple[int, int]], interval: float) -> bool:
    """Have all these inbox files stood still for one interval (at most :data:`SETTLE`
    seconds) already, by their own times? A file moved into the inbox keeps the time it was last written, so it is
    built at the first poll that sees it; a file still being written (or just copied)
    has a fresh time and waits for the next poll, as any other change does."""
    if not waiting:
        return False
    now, still = time.time_ns(), min(interval, SETTLE) * 1e9
    return all(now - mtime >= still for mtime, _size in waiting.values())


def _with_own_writes(before: dict, after: dict) -> dict:
    """``before`` with the files the build wrote itself as they are now: a path changed
    or new since ``before`` whose stamp is the one this process gave it when writing it
    (:func:`scrutiny.atomic.written_stamp`). Other changes stay unseen, for the next poll."""
    from scrutiny.atomic import written_stamp

    out = dict(before)
    for path, stamp in after.items():
        if before.get(path) != stamp and written_stamp(path) == stamp:
            out[path] = stamp
    return out


def _check_inbox(project, inbox: Path) -> None:
    """An inbox inside the project is its ``inbox/`` folder, whose files ingest copies
    into corpus/sources/: any other folder of the project would be registered where it
    is, and the inbox is emptied."""
    from scrutiny.paths import is_inside

    root = Path(project.root).resolve()
    if is_inside(inbox, root) and inbox.resolve() != root / INBOX:
        raise ScrutinyError(f"{inbox}: an inbox inside the project must be its {INBOX}/ folder "
                            "(or choose a folder outside the project)")


def _changed_line(project, changed: list[str]) -> str:
    root = str(Path(project.root)) + os.sep
    shown = [p.removeprefix(root) for p in changed[:3]]
    more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
    return "changed: " + ", ".join(shown) + more if shown else "changed"


__all__ = ["INBOX", "Round", "Watcher", "inbox_files", "snapshot"]
