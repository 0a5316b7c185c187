"""The curated knowledge base as every later stage sees it: one plain view.

    >>> curated = load_curated(project)
    >>> curated.stakeholders["mind"].name, curated.names()[:1]

:class:`Curated` holds the :class:`~scrutiny.kb.model.KnowledgeBase` (its
stakeholders, ties, claims, sources and essays, as the model's dataclasses),
the titles of the manifest's documents (names a tagger should know), and the
conflicts of interest derived from the ties. The tagger, the cross-references
and the site all read this one view.

``to_data``/``from_data`` turn it into JSON and back (the site keeps it in
``.scrutiny/`` so that an unchanged knowledge base is not parsed again).
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from dataclasses import dataclass, field

from scrutiny.kb.conflicts import Conflict
from scrutiny.kb.model import (
    Claim, ClaimDocument, Essay, Evidence, Fact, KnowledgeBase, Ref, SourceRef, Stakeholder, Tie,
)

TRUNCATED_ENDINGS = frozenset("to of for and the on in a an with by from at".split())


@dataclass(frozen=True)
class DocumentTitle:
    """A manifest document's title and short title: names a tagger should know."""

    title: str
    short_title: str | None = None


@dataclass
class Curated:
    kb: KnowledgeBase = field(default_factory=KnowledgeBase)
    documents: dict[str, DocumentTitle] = field(default_factory=dict)
    # None: derived from the ties (scrutiny.kb.conflicts) when first asked for
    given_conflicts: list[Conflict] | None = None

    def __post_init__(self):
        self._conflicts = self.given_conflicts

    @property
    def stakeholders(self) -> dict[str, Stakeholder]:
        return self.kb.stakeholders

    @property
    def ties(self) -> list[Tie]:
        return self.kb.ties

    @property
    def claims(self) -> list[Claim]:
        return self.kb.claims

    @property
    def sources(self) -> dict[str, dict]:
        return self.kb.sources

    @property
    def essays(self) -> list[Essay]:
        return self.kb.essays

    @property
    def conflicts(self) -> list[Conflict]:
        if self._conflicts is None:
            from scrutiny.kb.conflicts import find_conflicts

            self._conflicts = find_conflicts(self.kb)
        return self._conflicts

    def names(self) -> list[tuple[str, str, str]]:
        """``(stakeholder id, kind, surface)`` for the curated-names component: every
        stakeholder's name and aliases, and every whole document title."""
        out = []
        for s in self.stakeholders.values():
            for surface in s.names:
                if surface:
                    out.append((s.id, s.kind, surface))
        stakeholder_of_doc = {}
        for s in self.stakeholders.values():
            if s.doc_id:
                stakeholder_of_doc.setdefault(s.doc_id, s.id)
        for doc_id, d in self.documents.items():
            sid = stakeholder_of_doc.get(doc_id, doc_id)
            for surface in (d.title, d.short_title):
                # A title cut short by a reader ("Government Response to") would match
                # ordinary phrases: only whole titles are names.
                if surface and len(surface) > 3 and surface.split()[-1].casefold() not in TRUNCATED_ENDINGS:
                    out.append((sid, "document", surface))
        return out

    # --- JSON ---------------------------------------------------------------------
    def to_data(self) -> dict:
        """Everything in the view as JSON-able data (dataclasses as dicts)."""
        return {
            "stakeholders": [_dump(s) for s in self.stakeholders.values()],
            "ties": [_dump(t) for t in self.ties],
            "claims": [_dump(c) for c in self.claims],
            "sources": self.sources,
            "essays": [_dump(e) for e in self.essays],
            "documents": {k: _dump(d) for k, d in self.documents.items()},
            "conflicts": [_dump(c) for c in self.conflicts],
        }

    @classmethod
    def from_data(cls, data: dict) -> "Curated":
        kb = KnowledgeBase(
            stakeholders={s["id"]: _load(Stakeholder, s) for s in data["stakeholders"]},
            ties=[_load(Tie, t) for t in data["ties"]],
            claims=[_load(Claim, c) for c in data["claims"]],
            sources=data["sources"],
            essays=[_load(Essay, e) for e in data["essays"]],
        )
        return cls(kb=kb, documents={k: _load(DocumentTitle, d) for k, d in data["documents"].items()},
                   given_conflicts=[_load(Conflict, c) for c in data["conflicts"]])


def from_kb(kb: KnowledgeBase, documents: dict[str, DocumentTitle] | None = None,
            conflicts: list[Conflict] | None = None) -> Curated:
    return Curated(kb=kb, documents=dict(documents or {}), given_conflicts=conflicts)


def load_curated(project) -> Curated:
    """The project's knowledge base (empty when there is no ``kb/``) and its manifest's
    document titles. An invalid knowledge base raises ``KBError`` listing its problems;
    a broken manifest raises ``ProjectError``."""
    from scrutiny.kb import load_kb
    from scrutiny.manifest import read_manifest

    manifest = read_manifest(project.manifest_path)
    documents = {d.id: DocumentTitle(d.title, d.short_title) for d in manifest.documents.values()}
    if not project.kb_dir.is_dir():
        return Curated(documents=documents)
    return Curated(kb=load_kb(project.kb_dir, project.manifest_path), documents=documents)


# --- dataclasses <-> JSON ----------------------------------------------------------------

_CLASSES = {c.__name__: c for c in (Stakeholder, Tie, Claim, ClaimDocument, Evidence, Essay, Fact, Ref,
                                    SourceRef, Conflict, DocumentTitle)}


def _dump(obj):
    if dataclasses.is_dataclass(obj):
        return {f.name: _dump(getattr(obj, f.name)) for f in dataclasses.fields(obj) if not f.name.startswith("_")}
    if isinstance(obj, dict):
        return {k: _dump(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_dump(v) for v in obj]
    return obj


@functools.lru_cache(maxsize=None)
def _hints(cls) -> dict:
    """A dataclass's field types, worked out once per class (``typing.get_type_hints``
    compiles every annotation each time: 10,000 document titles took a second)."""
    return typing.get_type_hints(cls, vars(__import__(cls.__module__, fromlist=["x"])))


@functools.lru_cache(maxsize=None)
def _field_names(cls) -> tuple[str, ...]:
    """A dataclass's field names, once per class (``dataclasses.fields`` builds them each time)."""
    return tuple(f.name for f in dataclasses.fields(cls))


def _load(cls, data: dict):
    hints = _hints(cls)
    kwargs = {}
    for name in _field_names(cls):
        if name in data:
            kwargs[name] = _value(hints[name], data[name])
    return cls(**kwargs)


def _value(hint, value):
    if value is None:
        return None
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _value(inner[0], value) if len(inner) == 1 else value
    if origin is list:
        return [_value(args[0], v) for v in value]
    if origin is dict:
        return {k: _value(args[1], v) for k, v in value.items()}
    if isinstance(hint, type) and hint.__name__ in _CLASSES and isinstance(value, dict):
        return _load(_CLASSES[hint.__name__], value)
    return value
