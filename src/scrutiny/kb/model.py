"""The knowledge base as Python objects: what ``load_kb`` returns.

Everything here is plain data. Reading and checking live in ``loader`` and
``validate``; conflicts are derived in ``conflicts``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from scrutiny.errors import ScrutinyError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the knowledge base, fit to show a campaigner."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        from scrutiny.errors import printable

        where = f"{printable(self.file)}:{self.line}" if self.line else printable(self.file)
        return f"{where}: {self.message}"


class KBError(ScrutinyError):
    """The knowledge base is invalid. ``str()`` lists every problem, one per line."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        head = f"the knowledge base has {count} problem{'s' if count != 1 else ''}:"
        super().__init__("\n".join([head, *(str(p) for p in self.problems)]))


@dataclass
class SourceRef:
    """A bibliography entry (id in kb/sources.json) plus where in it: page, section, paragraph."""

    source: str
    locator: str | None = None
    line: int | None = None

    def to_dict(self) -> dict:
        return {"source": self.source, "locator": self.locator}


@dataclass
class Fact:
    """A single fact about a stakeholder, with its own sources.

    Used where sources disagree (for example on a publication date): each
    version is recorded as its own fact with its own source.
    """

    what: str
    value: str
    sources: list[SourceRef] = field(default_factory=list)
    note: str | None = None
    line: int | None = None

    def to_dict(self) -> dict:
        return {"what": self.what, "value": self.value, "note": self.note,
                "sources": [s.to_dict() for s in self.sources]}


@dataclass
class Stakeholder:
    id: str
    name: str
    kind: str
    sector: str | None = None
    aliases: list[str] = field(default_factory=list)
    description: str | None = None
    url: str | None = None
    sources: list[SourceRef] = field(default_factory=list)
    doc_id: str | None = None
    facts: list[Fact] = field(default_factory=list)
    file: str | None = None
    line: int | None = None
    lines: dict[str, int] = field(default_factory=dict, repr=False)  # field -> line

    @property
    def names(self) -> list[str]:
        """The name followed by the aliases (what a tagger should look for)."""
        return [self.name, *self.aliases]

    def to_dict(self) -> dict:
        return {
            "id": self.id, "name": self.name, "kind": self.kind, "sector": self.sector,
            "aliases": list(self.aliases), "description": self.description, "url": self.url,
            "doc_id": self.doc_id, "sources": [s.to_dict() for s in self.sources],
            "facts": [f.to_dict() for f in self.facts],
        }


@dataclass
class Tie:
    id: str
    subject: str
    relation: str
    object: str
    role: str | None = None
    start: str | None = None
    end: str | None = None
    sources: list[SourceRef] = field(default_factory=list)
    passages: list[str] = field(default_factory=list)
    note: str | None = None
    file: str | None = None
    line: int | None = None
    lines: dict[str, int] = field(default_factory=dict, repr=False)  # field -> line

    def to_dict(self) -> dict:
        return {
            "id": self.id, "subject": self.subject, "relation": self.relation,
            "object": self.object, "role": self.role, "start": self.start, "end": self.end,
            "sources": [s.to_dict() for s in self.sources], "passages": list(self.passages),
            "note": self.note,
        }


@dataclass
class ClaimDocument:
    """A document that makes a claim, and how to find the claim in its ingested text."""

    doc: str
    search: str | None = None
    passages: list[str] = field(default_factory=list)
    line: int | None = None

    def to_dict(self) -> dict:
        return {"doc": self.doc, "locate": {"search": self.search, "passages": list(self.passages)}}


@dataclass
class Evidence:
    """A point of evidence bearing on a claim, in our words, with its sources."""

    statement: str
    sources: list[SourceRef] = field(default_factory=list)
    line: int | None = None

    def to_dict(self) -> dict:
        return {"statement": self.statement, "sources": [s.to_dict() for s in self.sources]}


@dataclass
class Claim:
    id: str
    statement: str
    kinds: list[str]
    status: str
    documents: list[ClaimDocument] = field(default_factory=list)
    critique: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    sources: list[SourceRef] = field(default_factory=list)
    file: str | None = None
    line: int | None = None
    lines: dict[str, int] = field(default_factory=dict, repr=False)  # field -> line

    def to_dict(self) -> dict:
        return {
            "id": self.id, "statement": self.statement, "kinds": list(self.kinds),
            "status": self.status, "documents": [d.to_dict() for d in self.documents],
            "critique": self.critique, "evidence": [e.to_dict() for e in self.evidence],
            "sources": [s.to_dict() for s in self.sources],
        }


@dataclass
class Ref:
    """A cross-reference in an essay: ``[[type:id]]`` or ``[[type:id|label]]``."""

    type: str
    id: str
    label: str | None
    line: int
    start: int = 0
    end: int = 0

    @property
    def text(self) -> str:
        return self.label or self.id


@dataclass
class Essay:
    """A critique essay (kb/critique/*.md), also a manifest document of kind critique.

    ``id`` is the essay's own document id in the manifest; ``doc_id`` is the
    document it discusses (None when it discusses several).
    """

    id: str
    path: str
    title: str
    doc_id: str | None
    refs: list[Ref] = field(default_factory=list)
    author: str | None = None
    date: str | None = None
    body: str = ""
    body_line: int = 1
    lines: dict[str, int] = field(default_factory=dict, repr=False)  # front-matter field -> line

    def to_dict(self) -> dict:
        return {"id": self.id, "path": self.path, "title": self.title, "doc_id": self.doc_id,
                "author": self.author, "date": self.date,
                "refs": [asdict(r) for r in self.refs]}


_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


def alias_key(name: str) -> str:
    """Normalise a name for lookup: case-folded, spaces collapsed, possessive stripped."""
    key = " ".join(str(name).split()).casefold()
    return _POSSESSIVE.sub("", key).strip()


@dataclass
class KnowledgeBase:
    stakeholders: dict[str, Stakeholder] = field(default_factory=dict)
    ties: list[Tie] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    sources: dict[str, dict] = field(default_factory=dict)
    essays: list[Essay] = field(default_factory=list)
    _aliases: dict[str, Stakeholder] | None = field(default=None, repr=False, compare=False)

    def stakeholder_by_alias(self, name: str) -> Stakeholder | None:
        """The stakeholder known by ``name`` (its id, name or an alias), or None.

        Case-insensitive; a possessive ("Mind's") is stripped.
        """
        if self._aliases is None:
            table: dict[str, Stakeholder] = {}
            for st in self.stakeholders.values():
                for n in (st.id, *st.names):
                    table.setdefault(alias_key(n), st)
            self._aliases = table
        return self._aliases.get(alias_key(name))

    def tie(self, tie_id: str) -> Tie | None:
        return next((t for t in self.ties if t.id == tie_id), None)

    def claim(self, claim_id: str) -> Claim | None:
        return next((c for c in self.claims if c.id == claim_id), None)
