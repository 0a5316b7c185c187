"""Cross-checks of a loaded knowledge base: every id must point somewhere.

The loader has already checked each file on its own (fields, types, dates,
duplicates). Here: kinds, sectors, relations and statuses against the
vocabulary (``scrutiny/schema/vocabulary.yaml``), relation subject/object
kinds, stakeholder, claim, source and document ids, and essay references.
Each problem names ``file:line``, what is wrong and how to fix it.
"""

from __future__ import annotations

from pathlib import Path

from scrutiny.kb.dates import date_key
from scrutiny.kb.markup import REF_TYPES
from scrutiny.kb.model import KnowledgeBase, Problem, SourceRef, alias_key


def _known(names) -> str:
    return ", ".join(sorted(names)) or "none"


def _nearest(name: str, names) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(names), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}? " if close else ""


class Checker:
    def __init__(self, kb: KnowledgeBase, kb_dir: Path, manifest, skip=frozenset()):
        from scrutiny.schema import vocabulary

        self.kb = kb
        self.kb_dir = Path(kb_dir)
        self.manifest = manifest
        self.vocab = vocabulary()
        self.problems: list[Problem] = []
        self.skip = set(skip)  # unreadable files ("sources", "stakeholders", "claims"...)
        if manifest is not None:
            self.doc_ids = set(manifest.documents)
            self.doc_where = "corpus/manifest.toml"
        else:
            self.doc_ids = {s.doc_id or s.id for s in kb.stakeholders.values() if s.kind == "document"}
            self.doc_where = "the document stakeholders"

    def problem(self, file, line, message) -> None:
        self.problems.append(Problem(file, line, message))

    # --- shared checks -------------------------------------------------------------
    def sources(self, refs: list[SourceRef], file: str, what: str) -> None:
        if "sources" in self.skip:  # the bibliography itself is broken: reported once
            return
        for ref in refs:
            if ref.source not in self.kb.sources:
                self.problem(file, ref.line, f"{what}: source {ref.source!r} is not in the bibliography "
                             f"({_nearest(ref.source, self.kb.sources)}add an entry with "
                             f"\"id\": \"{ref.source}\" to kb/sources.json, or fix the id)")

    def stakeholder_ref(self, ident: str, file: str, line, what: str, field: str) -> bool:
        if "stakeholders" in self.skip:
            return False
        if ident and ident not in self.kb.stakeholders:
            self.problem(file, line, f"{what}: {field} {ident!r} is not a stakeholder "
                         f"({_nearest(ident, self.kb.stakeholders)}add it to kb/stakeholders.yaml "
                         "or fix the id)")
            return False
        return bool(ident)

    def doc_ref(self, doc: str, file: str, line, what: str) -> None:
        if doc and doc not in self.doc_ids:
            self.problem(file, line, f"{what}: document {doc!r} is not in {self.doc_where} "
                         f"({_nearest(doc, self.doc_ids)}known: {_known(self.doc_ids)})")

    # --- per section -----------------------------------------------------------------
    def stakeholders(self) -> None:
        v = self.vocab
        owners: dict[str, str] = {}
        for st in self.kb.stakeholders.values():
            f, ln = st.file, st.lines
            what = f"stakeholder {st.id!r}"
            if st.kind and st.kind not in v.stakeholder_kinds:
                self.problem(f, ln.get("kind", st.line), f"{what}: unknown kind {st.kind!r} "
                             f"(use one of: {_known(v.stakeholder_kinds)})")
            if st.sector:
                if st.sector not in v.sectors:
                    self.problem(f, ln.get("sector", st.line), f"{what}: unknown sector {st.sector!r} "
                                 f"({_nearest(st.sector, v.sectors)}use one of: {_known(v.sectors)})")
                elif st.kind != "organisation":
                    self.problem(f, ln.get("sector", st.line), f"{what}: only an organisation has a "
                                 f"sector, this is a {st.kind} (remove `sector:`)")
            if st.doc_id:
                if st.kind != "document":
                    self.problem(f, ln.get("doc", st.line), f"{what}: `doc:` links a stakeholder of kind "
                                 f"document to the manifest; this one is a {st.kind} (remove `doc:`)")
                else:
                    self.doc_ref(st.doc_id, f, ln.get("doc", st.line), what)
            self.sources(st.sources, f, what)
            for fact in st.facts:
                self.sources(fact.sources, f, f"{what}, fact {fact.what!r}")
            for name in {alias_key(n) for n in (st.id, *st.names) if n}:
                other = owners.setdefault(name, st.id)
                if other != st.id:
                    self.problem(f, ln.get("aliases", st.line),
                                 f"{what}: the name or alias {name!r} also belongs to {other!r}, "
                                 "so a mention could not be resolved (keep it on one of them)")

    def ties(self) -> None:
        v = self.vocab
        for tie in self.kb.ties:
            f, ln = tie.file, tie.lines
            what = f"tie {tie.id!r}"
            subj_ok = self.stakeholder_ref(tie.subject, f, ln.get("subject", tie.line), what, "subject")
            obj_ok = self.stakeholder_ref(tie.object, f, ln.get("object", tie.line), what, "object")
            if tie.relation and tie.relation not in v.relations:
                self.problem(f, ln.get("relation", tie.line), f"{what}: unknown relation {tie.relation!r} "
                             f"({_nearest(tie.relation, v.relations)}use one of: {_known(v.relations)})")
            elif tie.relation and subj_ok and obj_ok:
                sk = self.kb.stakeholders[tie.subject].kind
                ok_ = self.kb.stakeholders[tie.object].kind
                rel = v.relations[tie.relation]
                if sk in v.stakeholder_kinds and ok_ in v.stakeholder_kinds and not v.relation_allows(tie.relation, sk, ok_):
                    self.problem(f, ln.get("relation", tie.line),
                                 f"{what}: `{tie.relation}` goes from {'/'.join(rel['subject'])} to "
                                 f"{'/'.join(rel['object'])}, but {tie.subject!r} is a {sk} and "
                                 f"{tie.object!r} is a {ok_} (pick another relation or swap subject and object)")
            if tie.start and tie.end and date_key(tie.start) > date_key(tie.end):
                self.problem(f, ln.get("end", tie.line), f"{what}: ends ({tie.end}) before it starts "
                             f"({tie.start}) (swap `start` and `end`)")
            self.sources(tie.sources, f, what)

    def claims(self) -> None:
        v = self.vocab
        for claim in self.kb.claims:
            f, ln = claim.file, claim.lines
            what = f"claim {claim.id!r}"
            for kind in claim.kinds:
                if kind not in v.claim_kinds:
                    self.problem(f, ln.get("kinds", claim.line), f"{what}: unknown kind {kind!r} "
                                 f"(use any of: {_known(v.claim_kinds)})")
            if claim.status and claim.status not in v.claim_statuses:
                self.problem(f, ln.get("status", claim.line), f"{what}: unknown status {claim.status!r} "
                             f"(use one of: {_known(v.claim_statuses)})")
            for d in claim.documents:
                self.doc_ref(d.doc, f, d.line, what)
            self.sources(claim.sources, f, what)
            for ev in claim.evidence:
                self.sources(ev.sources, f, f"{what}, evidence")

    def essays(self) -> None:
        claims = {c.id for c in self.kb.claims}
        for essay in self.kb.essays:
            f = essay.path
            what = f"essay {essay.id!r}"
            if essay.doc_id:
                self.doc_ref(essay.doc_id, f, essay.lines.get("document", 1), what)
            self.essay_in_manifest(essay)
            for ref in essay.refs:
                if ref.type not in REF_TYPES:
                    self.problem(f, ref.line, f"unknown reference type [[{ref.type}:...]] "
                                 f"(use {', '.join(f'[[{t}:ID]]' for t in REF_TYPES)})")
                elif not ref.id:
                    self.problem(f, ref.line, f"[[{ref.type}:]] has no id (write [[{ref.type}:ID]])")
                elif ref.type == "claim" and ref.id not in claims and "claims" not in self.skip:
                    self.problem(f, ref.line, f"[[claim:{ref.id}]] points to no claim "
                                 f"({_nearest(ref.id, claims)}see kb/claims.yaml)")
                elif (ref.type == "stakeholder" and ref.id not in self.kb.stakeholders
                      and "stakeholders" not in self.skip):
                    self.problem(f, ref.line, f"[[stakeholder:{ref.id}]] points to no stakeholder "
                                 f"({_nearest(ref.id, self.kb.stakeholders)}see kb/stakeholders.yaml)")
                elif ref.type == "doc" and ref.id not in self.doc_ids:
                    self.problem(f, ref.line, f"[[doc:{ref.id}]] points to no document in {self.doc_where} "
                                 f"({_nearest(ref.id, self.doc_ids)}known: {_known(self.doc_ids)})")
                # [[passage:...]] ids exist only after ingest: `scrutiny verify` checks them.

    def manifest_essays_exist(self) -> None:
        """A critique document whose source is under kb/critique/ must have its file."""
        if self.manifest is None:
            return
        prefix = f"{self.kb_dir.name}/critique/"
        try:
            table_lines = self.manifest.path.read_text(encoding="utf-8").split("\n")
        except OSError:
            table_lines = []
        for doc in self.manifest.documents.values():
            source = doc.source or ""
            if doc.kind == "critique" and source.startswith(prefix) and not (self.kb_dir.parent / source).is_file():
                line = next((i for i, text in enumerate(table_lines, 1)
                             if text.strip() == f"[documents.{doc.id}]"), None)
                self.problem("corpus/manifest.toml", line,
                             f"[documents.{doc.id}] names the essay {source}, which does not exist "
                             "(create it, or fix `source`)")

    def manifest_urls(self) -> None:
        """A document's ``url`` and the project's ``base_url`` become links on the
        site: only http, https (and mailto for a document) are allowed."""
        if self.manifest is None:
            return
        from scrutiny import urls

        try:
            lines = self.manifest.path.read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError):
            lines = []

        def line_of(table: str, key: str):
            start = next((i for i, t in enumerate(lines) if t.strip() == f"[{table}]"), None)
            if start is None:
                return None
            for i in range(start + 1, len(lines)):
                text = lines[i].strip()
                if text.startswith("["):
                    break
                if text.split("=", 1)[0].strip() == key:
                    return i + 1
            return start + 1

        base = (getattr(self.manifest, "project", None) or {}).get("base_url")
        if isinstance(base, str) and base.strip() and urls.scheme(base) not in ("http", "https"):
            self.problem("corpus/manifest.toml", line_of("project", "base_url"),
                         f"[project] base_url {base.strip()[:60]!r} must be an https:// or http:// address "
                         "(it is the start of every permalink)")
        for doc in self.manifest.documents.values():
            if isinstance(doc.url, str) and doc.url.strip():
                why = urls.problem(doc.url)
                if why:
                    self.problem("corpus/manifest.toml", line_of(f"documents.{doc.id}", "url"),
                                 f"[documents.{doc.id}] url {why}")

    def essay_in_manifest(self, essay) -> None:
        if self.manifest is None:
            return
        wanted = essay.path  # relative to the project root, as manifest sources are
        entry = self.manifest.documents.get(essay.id)
        fix = (f'add to corpus/manifest.toml: [documents.{essay.id}] with title, kind = "critique", '
               f'source = "{wanted}"')
        if entry is None:
            self.problem(essay.path, essay.lines.get("id", 1),
                         f"essay {essay.id!r} is not a document of the corpus ({fix})")
        elif entry.kind != "critique" or (entry.source or "") != wanted:
            self.problem(essay.path, essay.lines.get("id", 1),
                         f"essay {essay.id!r}: its manifest entry has kind {entry.kind!r} and source "
                         f"{entry.source!r} ({fix})")

    def run(self) -> list[Problem]:
        self.stakeholders()
        self.ties()
        self.claims()
        self.essays()
        self.manifest_essays_exist()
        self.manifest_urls()
        return self.problems


def validate(kb: KnowledgeBase, kb_dir: Path, manifest=None, skip=frozenset()) -> list[Problem]:
    """Every cross-reference problem of ``kb`` (empty when all ids resolve).

    ``skip`` names files that could not be read ("sources", "stakeholders",
    "claims"): ids pointing into them are not checked, so that one syntax
    error is reported once rather than as a flood of dangling ids.
    """
    return Checker(kb, kb_dir, manifest, skip).run()
