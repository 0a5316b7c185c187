"""``scrutiny verify``: every curated reference checked against the ingested text.

What is checked, each failure named ``file:line``:

* the knowledge base itself (the same problems as ``scrutiny kb check``);
* every passage id in ``kb/`` -- tie evidence, claim locators, ``[[passage:ID]]``
  in critique essays: it must exist now. An id re-anchored after a revision
  still resolves, but is reported (a warning; an error with ``strict``) so
  that the curator can update it; an orphaned id (its text is gone) is an error;
* every claim locator's search terms: they must find at least one passage in
  the named document, and a claim's passage ids must belong to that document;
* derived cross-references in the store (``xref`` tables), when present: they
  must point at existing passages (else the build is stale).

A document that is not ingested (its source is missing on this machine) cannot
be checked: its references are listed as skipped warnings, never as passing.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from scrutiny.find import PassageFinder

ERROR, WARNING = "error", "warning"
_PASSAGE_ID = re.compile(r"^(?P<doc>[a-z0-9][a-z0-9-]*?)-[a-z2-7]{12}(?:-\d+)?$")


@dataclass
class Finding:
    file: str
    line: int | None
    level: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.level}: {self.message}"


@dataclass
class VerifyReport:
    findings: list[Finding] = field(default_factory=list)
    checked: dict = field(default_factory=lambda: {"passage_ids": 0, "locators": 0, "essay_refs": 0, "xrefs": 0})

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == WARNING]

    def to_dict(self) -> dict:
        return {"ok": not self.errors, "checked": self.checked,
                "errors": len(self.errors), "warnings": len(self.warnings),
                "findings": [asdict(f) for f in self.findings]}


def doc_of_passage_id(passage_id: str) -> str | None:
    """The document id a passage id was made from (ids are ``<doc>-<hash>[-n]``)."""
    m = _PASSAGE_ID.match(passage_id)
    return m.group("doc") if m else None


class _Lines:
    """Finds the line of a value inside a kb file (YAML loaders give the key's line)."""

    def __init__(self, root: Path):
        self.root = root
        self.cache: dict[str, list[str]] = {}

    def find(self, file: str, needle: str, start: int | None) -> int | None:
        if file not in self.cache:
            try:
                self.cache[file] = (self.root / file).read_text(encoding="utf-8").split("\n")
            except OSError:
                self.cache[file] = []
        lines = self.cache[file]
        begin = max((start or 1) - 1, 0)
        for i in range(begin, len(lines)):
            if needle in lines[i]:
                return i + 1
        return start


class Verifier:
    def __init__(self, project, store, *, strict: bool = False):
        self.project = project
        self.store = store
        self.strict = strict
        self.report = VerifyReport()
        self.lines = _Lines(project.root)
        self.ingested = {d["id"] for d in store.documents()} if store else set()
        self.finder = PassageFinder(project, store)

    def add(self, file, line, level, message):
        self.report.findings.append(Finding(file, line, level, message))

    # --- passage ids -----------------------------------------------------------
    def passage(self, pid: str, file: str, line: int | None, *, doc: str | None = None, what: str):
        self.report.checked["passage_ids"] += 1
        owner = doc_of_passage_id(pid)
        p, redirect = self.store.resolve_passage(pid) if self.store else (None, None)
        if p is None and redirect is None:
            if owner and owner not in self.ingested:
                self.add(file, line, WARNING,
                         f"{what}: passage {pid} not checked: document {owner!r} is not ingested "
                         f"(run `scrutiny fetch {owner}` and `scrutiny ingest`)")
                return
            self.add(file, line, ERROR,
                     f"{what}: no passage with id {pid!r} in the ingested text "
                     "(find the right one with `scrutiny search`, then copy its id)")
            return
        if p is None:
            from scrutiny.versions import old_page_label

            old = old_page_label(self.store, redirect)
            page = f", page {old}" if old else ""
            self.add(file, line, ERROR,
                     f"{what}: passage {pid} is orphaned: its text is gone from the revised "
                     f"{redirect.doc_id}{page} and nothing there says the same; "
                     "find what replaced it with `scrutiny search` or remove the reference")
            return
        if redirect is not None:
            from scrutiny.anchor import redirect_span

            span = redirect_span(self.store, redirect)
            if span is None:
                self.add(file, line, ERROR,
                         f"{what}: passage {pid} needs review: it was re-anchored to {p.id}, but its "
                         "old text is no longer there word for word (the document changed again); "
                         "find the passage with `scrutiny search` and use its id")
                return
            self.add(file, line, ERROR if self.strict else WARNING,
                     f"{what}: passage {pid} was re-anchored to {', '.join(span.ids)} after a revision "
                     f"({span.describe()}): replace the old id")
        if doc and p.doc_id != doc:
            self.add(file, line, ERROR,
                     f"{what}: passage {pid} is in document {p.doc_id!r}, not {doc!r}")

    # --- claim locators ----------------------------------------------------------
    def locator(self, claim, cd, file: str):
        self.report.checked["locators"] += 1
        line = self.lines.find(file, "search", cd.line) if cd.search else cd.line
        what = f"claim {claim.id!r}, document {cd.doc!r}"
        if cd.doc not in self.ingested:
            self.add(file, line, WARNING,
                     f"{what}: locator not checked: the document is not ingested "
                     f"(run `scrutiny fetch {cd.doc}` and `scrutiny ingest`)")
            return
        hits = self.find(cd.search, cd.doc)
        if not hits:
            self.add(file, line, ERROR,
                     f"{what}: the search {cd.search!r} finds no passage in {cd.doc} "
                     f"(try `scrutiny search {cd.search!r} --doc {cd.doc}` and adjust the words, "
                     "or give `passages: [ID]`)")

    def find(self, query: str, doc_id: str) -> list[str]:
        """Passage ids of ``doc_id`` that the search finds (as `scrutiny search` does)."""
        return self.finder.find(query, doc_id)

    # --- the whole knowledge base --------------------------------------------------
    def run(self, kb) -> VerifyReport:
        for tie in kb.ties:
            file = tie.file or "kb/ties.yaml"
            start = getattr(tie, "lines", {}).get("passages", tie.line)
            for pid in tie.passages:
                self.passage(pid, file, self.lines.find(file, pid, start), what=f"tie {tie.id!r}")
        for claim in kb.claims:
            file = claim.file or "kb/claims.yaml"
            for cd in claim.documents:
                for pid in cd.passages:
                    self.passage(pid, file, self.lines.find(file, pid, cd.line), doc=cd.doc,
                                 what=f"claim {claim.id!r}")
                if cd.search:
                    self.locator(claim, cd, file)
        for essay in kb.essays:
            for ref in essay.refs:
                self.report.checked["essay_refs"] += 1
                if ref.type == "passage":
                    self.passage(ref.id, essay.path, ref.line, what=f"[[passage:{ref.id}]]")
        self.xrefs()
        return self.report

    def xrefs(self):
        from scrutiny.xref import queries

        if not self.store or not queries.built(self.store):
            return
        current = self.store.passage_ids()
        all_links = queries.links(self.store)
        self.report.checked["xrefs"] += len(all_links)
        for link in all_links:
            if link.target_kind == "passage" and link.target_id not in current:
                self.add(str(self.project.store_path.relative_to(self.project.root)), None, ERROR,
                         f"cross-reference from {link.source_id} points at missing passage {link.target_id}: "
                         "run `scrutiny xref` (or `scrutiny build`) to rebuild the cross-references")


def verify(project, *, strict: bool = False) -> VerifyReport:
    """Check the project's curated references against its ingested text."""
    from scrutiny.kb import load_with_problems
    from scrutiny.store import Store, store_exists

    report_problems = []
    kb = None
    if project.kb_dir.is_dir():
        kb, problems = load_with_problems(project.kb_dir, project.manifest_path)
        report_problems = [Finding(p.file, p.line, ERROR, p.message) for p in problems]
    store = Store(project.store_location, readonly=True) if store_exists(project) else None
    try:
        v = Verifier(project, store, strict=strict)
        v.report.findings.extend(report_problems)
        if store is None:
            v.add(str(project.store_path.relative_to(project.root)), None, ERROR,
                  "no store: run `scrutiny ingest` before `scrutiny verify`")
            return v.report
        if kb is not None:
            v.run(kb)
        return v.report
    finally:
        if store is not None:
            store.close()
