"""The whole pipeline, in order: fetch -> ingest (tag, index) -> xref -> site.

    from scrutiny.pipeline import build
    result = build(project)                  # a BuildResult
    result.ok, result.ingest, result.site    # typed summaries of each stage

Each stage is skipped when its inputs have not changed since it last ran; the
stage that owns the output decides, from what it recorded:

- **fetch** fetches only the documents whose source file is missing;
- **ingest** re-reads only documents whose file hash (or manifest entry)
  changed, re-tags only when the passages or the tagging inputs changed
  (a fingerprint in the store), re-indexes only when the store moved on;
- **xref** rebuilds only when the fingerprint of its inputs (the store's
  content, kb/, its code) differs from the one it recorded;
- **site** renders only pages whose inputs changed and writes only files
  whose bytes changed.

Every stage reports one line through ``progress``. A stage that fails with a
:class:`~scrutiny.errors.ScrutinyError` stops the build (later stages are
``not run``); documents that fail to read fail the ingest stage but the others
go through, and the later stages still run on what was stored. Documents that
cannot be fetched (offline, no URL) are not a failure: each gets a note saying
where to put the file, and the site shows them as not ingested.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from scrutiny.errors import ScrutinyError
from scrutiny.lock import locked
from scrutiny.project import Project

if TYPE_CHECKING:
    # imported when their stage runs (the site pulls in Jinja2, xref scikit-learn); fetch and
    # ingest too, so that a process adding a file forks its model's helper before it
    # imports them (_model_aside: they load on one core while the model loads on the other)
    from scrutiny.fetch import FetchReport
    from scrutiny.ingest import IngestReport
    from scrutiny.site import SiteSummary
    from scrutiny.xref import XrefSummary

STAGES = ("fetch", "ingest", "xref", "site")

# the states a stage can end in
RAN = "ran"                  # did work
CURRENT = "up to date"       # inputs unchanged since it last ran: nothing to do
OFF = "off"                  # not asked for (--offline, --no-site...)
FAILED = "failed"
NOT_RUN = "not run"          # an earlier stage failed

OFF_LINES = {
    "fetch": "fetch: off (offline): documents whose file is missing are listed under ingest",
    "ingest": "ingest: off",
    "xref": "xref: off",
    "site": "site: off (not asked for)",
}


@dataclass
class StageReport:
    """One stage of one build: its state, its one-line summary, notes worth reading."""
    name: str
    state: str
    line: str = ""
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    def lines(self) -> list[str]:
        """What to print: the stage's line, then its notes indented. Nothing for a
        stage that did not run, or that failed before doing anything (the build's
        final line gives the reason: one clear line, not a cascade)."""
        if not self.line or self.state == NOT_RUN:
            return []
        return [self.line, *(f"  {n}" for n in self.notes)]


@dataclass
class BuildResult:
    """What :func:`build` did. The typed summary of each stage is here when the
    stage ran (or found itself up to date): :class:`~scrutiny.fetch.FetchReport`,
    :class:`~scrutiny.ingest.IngestReport`, :class:`~scrutiny.xref.XrefSummary`,
    :class:`~scrutiny.site.SiteSummary`."""
    stages: list[StageReport] = field(default_factory=list)
    fetch: FetchReport | None = None
    ingest: IngestReport | None = None
    xref: XrefSummary | None = None
    site: SiteSummary | None = None
    seconds: float = 0.0

    def stage(self, name: str) -> StageReport:
        return next(s for s in self.stages if s.name == name)

    @property
    def failed(self) -> list[StageReport]:
        return [s for s in self.stages if s.state == FAILED]

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def final_line(self) -> str:
        if self.ok:
            return f"build: done in {self.seconds:.1f}s"
        return "Error: " + "; ".join(f"{s.name}: {s.error}" for s in self.failed)


@locked("build")
def build(project: Project, *, fetch: bool = True, ingest: bool = True, xref: bool = True,
          site: bool = True, out: Path | str | None = None, force: bool = False,
          progress: Callable[[StageReport], None] | None = None,
          detail: Callable[[str], None] | None = None, scheduler: str | None = None,
          files=None, kind: str | None = None, metadata: dict | None = None,
          others: IngestReport | None = None) -> BuildResult:
    """Run the stages in order, each only when its inputs changed. Raises
    :class:`~scrutiny.errors.ScrutinyError` (before running anything) when the
    manifest cannot be read; a stage's failure is in the result.

    ``fetch=False`` is ``scrutiny build --offline``; ``site=False`` is
    ``--no-site``; ``out`` is where the site goes (default ``<root>/site``).
    ``force`` re-runs ingest (every document re-read) and xref.
    ``progress`` receives each stage's :class:`StageReport` as the stage ends
    (print ``report.lines()``: one line per stage, then its notes);
    ``detail`` receives finer progress inside a stage (``reading x.pdf``).
    The whole build holds the project's write lock (:mod:`scrutiny.lock`;
    ``wait=`` seconds for another writer, then :class:`~scrutiny.lock.Busy`).
    ``scheduler``: the address of a Dask scheduler (default: ``scheduler`` in the
    manifest's ``[project]``, or SCRUTINY_SCHEDULER): reading and tagging run as
    document-sized tasks on its workers (:mod:`scrutiny.cluster`).
    ``files``: files to register and ingest first, as ``scrutiny ingest FILE...`` does
    (``kind``: the kind of those that are new; ``metadata``: manifest fields recorded for
    them, as ``ingest``'s), in the same process as the rest: the language model and the
    project are loaded once for a document added.
    ``others``: with ``files``, the ingest report of an earlier build that found every
    registered document current (no document failed), given by a caller that knows
    nothing the build reads has changed since but the files (a watch, from its own
    poll of the sources, the manifest and kb/): the pass over the whole manifest that
    follows the files is not run, and the other documents are reported as that build
    found them (:func:`carried_over`).
    """
    say = progress or (lambda report: None)
    t0 = time.perf_counter()
    with _model_aside(project, files if ingest else None, scheduler, out if site else False):
        return _build(project, say, t0, fetch=fetch, ingest=ingest, xref=xref, site=site, out=out, force=force,
                      detail=detail, scheduler=scheduler, files=files, kind=kind, metadata=metadata, others=others)


@contextmanager
def _model_aside(project, files, scheduler, out):
    """Files to add, in a process whose model is not loaded: the model loads on the
    other core while the build reads them (:mod:`scrutiny.tags.early`), and if the
    build has to wait for it, it reads the site's record meanwhile (``out``: where
    the site goes, False without a site), which its site stage then finds read."""
    from scrutiny.cluster import scheduler_address

    if not files or scheduler or scheduler_address(project):
        yield
        return
    from scrutiny.tags.write import model_loading_aside

    if out is False:
        with model_loading_aside(project):
            yield
        return
    site_dir = Path(out) if out else Path(project.site_dir)

    def read_record():      # (the site's writer imported once the helper is forked)
        from scrutiny.site.writer import read_ahead, record_file

        read_ahead(record_file(Path(project.data_dir), site_dir))

    with model_loading_aside(project, while_waiting=[read_record]):
        from scrutiny.site.writer import records_kept

        with records_kept():
            yield


def _build(project, say, t0, *, fetch, ingest, xref, site, out, force, detail, scheduler, files, kind, metadata,
           others) -> BuildResult:
    from scrutiny.manifest import read_manifest

    # a manifest that cannot be read is the project's problem, not a stage's: it
    # raises (one line from the CLI) before anything runs
    read_manifest(project.manifest_path)
    result = BuildResult()
    wanted = {"fetch": fetch, "ingest": ingest, "xref": xref, "site": site}
    runners = {"fetch": _fetch, "ingest": _ingest, "xref": _xref, "site": _site}
    stopped = False
    for name in STAGES:
        if stopped:
            report = StageReport(name, NOT_RUN, f"{name}: not run (an earlier stage failed)")
        elif not wanted[name]:
            report = StageReport(name, OFF, OFF_LINES[name])
        else:
            t = time.perf_counter()
            try:
                report = runners[name](project, result, force=force, out=out, detail=detail, scheduler=scheduler,
                                       files=files, kind=kind, metadata=metadata, others=others)
            except ScrutinyError as exc:
                report = StageReport(name, FAILED, "", error=str(exc))
                stopped = True
            report.seconds = time.perf_counter() - t
            if report.state == RAN:
                report.line += f" ({report.seconds:.1f}s)"
        result.stages.append(report)
        say(report)
    result.seconds = time.perf_counter() - t0
    return result


# --- the stages ----------------------------------------------------------------------

def _fetch(project, result, *, detail, **_) -> StageReport:
    from scrutiny.fetch import FetchReport, fetch_all, source_path
    from scrutiny.manifest import read_manifest

    manifest = read_manifest(project.manifest_path)
    missing = [e.id for e in manifest.documents.values() if not source_path(project.root, e).is_file()]
    # four at once; each result (with where it came from) is recorded in the manifest
    report = fetch_all(project, missing, progress=detail is not None) if missing else FetchReport()
    result.fetch = report
    present = len(manifest.documents) - len(missing)
    fetched = [r for r in report.results if r.ok and r.status != "present"]
    # what each failure tried, and where to put the file by hand
    notes = [line for r in report.failed for line in r.lines()]
    if not fetched:
        line = f"fetch: up to date ({_count(present, 'document')} present"
        line += f", {len(report.failed)} not available)" if report.failed else ")"
        return StageReport("fetch", CURRENT, line, notes)
    line = f"fetch: {len(fetched)} fetched, {present} already present"
    if report.failed:
        line += f", {len(report.failed)} not available"
    return StageReport("fetch", RAN, line, notes)


def _ingest(project, result, *, force, detail, scheduler=None, files=None, kind=None, metadata=None,
            others=None, **_) -> StageReport:
    from scrutiny.cluster import connect, scheduler_address
    from scrutiny.errors import printable
    from scrutiny.ingest import ingest

    address = scheduler or scheduler_address(project)

    def run(cluster=None):
        # the files given first (registered, read, tagged, indexed), then the whole
        # manifest, whose other documents are found unchanged from their stamps
        added = ingest(project, files, kind=kind, force=force, progress=detail, cluster=cluster,
                       metadata=metadata) if files else None
        if added is not None and others is not None and not force:
            whole = carried_over(others)     # the caller knows the others are as they were
        else:
            whole = ingest(project, force=force, progress=detail, cluster=cluster)
        return _with_files(added, whole) if added is not None else whole

    if address:
        with connect(address) as client:
            report = run(client)
    else:
        report = run()
    result.ingest = report
    read = [d for d in report.documents if d.status == "ingested"]
    unchanged = [d for d in report.documents if d.status == "unchanged"]
    # documents the fetch stage already named are not named again
    named = {r.doc_id for r in result.fetch.failed} if result.fetch else set()
    notes = [f"{d.doc_id}: not ingested: {d.message}" for d in report.missing if d.doc_id not in named]
    notes += [f"{d.path}: warning: {w}" for d in read for w in d.warnings]
    notes += [f"{d.path}: {o}: this passage's text is gone from the new version (see `scrutiny show {o}`)"
              for d in read for o in d.orphans]
    notes += [f"{d.path}: {printable(d.message)}" for d in report.failed]
    notes += list(report.notices)
    notes += [f"{doc_id}: removed (no longer in the manifest): {n} passages left the store, the index and the "
              "site; their permalinks now say so" for doc_id, n in report.removed.items()]
    ready = len(read) + len(unchanged)
    passages = sum(d.passages for d in read + unchanged)
    counts = f"{_count(ready, 'document')}, {_count(passages, 'passage')}"
    if report.missing:
        counts += f"; {len(report.missing)} missing"
    if report.failed:
        counts += f"; {len(report.failed)} failed"
    did = []
    if read:
        did.append(f"{len(read)} read")
    if report.removed:
        did.append(f"{len(report.removed)} removed")
    if report.tagging:
        did.append("tagged")
    if report.index:
        did.append("indexed")
    if report.failed:
        error = f"{_count(len(report.failed), 'document')} could not be read: " + "; ".join(
            f"{d.path}: {printable(d.message)}" for d in report.failed)
        return StageReport("ingest", FAILED, f"ingest: {counts} ({', '.join(did) or 'nothing new'})",
                           notes, error=error)
    if not did:
        return StageReport("ingest", CURRENT, f"ingest: up to date ({counts})", notes)
    return StageReport("ingest", RAN, f"ingest: {', '.join(did)}: {counts}", notes)


def carried_over(earlier: IngestReport) -> IngestReport:
    """The report a pass over the whole manifest would give when nothing changed since
    ``earlier`` (a build's ingest report): every document it read or found current is
    unchanged, with its pages and passages; the missing are missing still. Raises
    ValueError for a report in which a document failed (that one is tried again)."""
    from scrutiny.ingest import DocReport, IngestReport

    if earlier.failed:
        raise ValueError("an ingest in which a document failed is not carried over")
    return IngestReport(documents=[
        DocReport(d.doc_id, d.path, "unchanged", pages=d.pages, passages=d.passages)
        if d.status in ("ingested", "unchanged") else d for d in earlier.documents])


def _with_files(added: IngestReport, whole: IngestReport) -> IngestReport:
    """One report of an ingest of files and the whole manifest's after it: each
    document as the files' run found it (the whole run saw them unchanged), files
    that failed to register at the end, the tagging and index of the run that did them."""
    from scrutiny.ingest import IngestReport

    by_id = {d.doc_id: d for d in added.documents}
    documents = [by_id.pop(d.doc_id, d) for d in whole.documents] + list(by_id.values())
    return IngestReport(documents=documents, tagging=whole.tagging or added.tagging,
                        index=whole.index or added.index, seconds=added.seconds + whole.seconds,
                        notices=added.notices + whole.notices, removed={**added.removed, **whole.removed})


def _xref(project, result, *, force, **_) -> StageReport:
    from scrutiny.store import Store, store_exists
    from scrutiny.xref import build_xrefs, pending

    if not store_exists(project):
        return StageReport("xref", CURRENT, "xref: nothing to cross-reference (no documents ingested yet)")
    with Store(project.store_location) as store:
        if not force and pending(project, store) is None:
            return StageReport("xref", CURRENT, "xref: up to date")
        s = build_xrefs(project, store, rebuild=force)
    result.xref = s
    return StageReport("xref", RAN, (
        f"xref: {s.markup} from essay markup, {s.suggested} related-passage suggestions, "
        f"{s.claim_passages} claim passages, {s.figure_groups} figures in several documents, "
        f"{s.stakeholder_docs} stakeholder-document links"))


def _site(project, result, *, out, force=False, **_) -> StageReport:
    from scrutiny.site import build_site

    # the documents this build's ingest stage found current (or read) are not checked again
    current = frozenset(d.doc_id for d in result.ingest.documents
                        if d.status in ("unchanged", "ingested")) if result.ingest else frozenset()
    s = build_site(project, out, merge_search=force,   # --rebuild: the search index's delta layers merged
                   ingested=current)
    result.site = s
    where = _shown(project, s.out)
    line = (f"site: {s.pages} files in {where} ({s.pages_written} written, {s.pages_unchanged} unchanged, "
            f"{s.files_removed} removed)")
    notes = [f"note: {n}" for n in s.notes]
    notes += [f"behind: {p}: run `scrutiny build` (every page says so until then)" for p in s.pending]
    return StageReport("site", RAN if s.pages_written or s.files_removed else CURRENT, line, notes)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _shown(project, path) -> str:
    path = Path(path).resolve()
    return f"{path.relative_to(project.root)}/" if path.is_relative_to(project.root) else str(path)


__all__ = ["BuildResult", "StageReport", "STAGES", "build"]
