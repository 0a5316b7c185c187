"""Conflicts of interest, derived from ties (never typed in by hand).

A conflict is a chain of curated ties:

1. someone took part in writing a document: ``X authored D`` or
   ``X commissioned D``; or X holds a ``position`` in, or is a ``member_of``,
   an organisation G that ``authored`` D (a chair or panel member);
2. X is, or holds a ``position`` in, an organisation O;
3. O ``provides`` or ``funded`` T, or O is T; or O provides a programme that is
   ``part_of`` T;
4. the document ``recommends`` T.

A position or membership known (from its ``start``/``end``) not to have
been held when the document was written (the ``start`` of its ``authored``
or ``commissioned`` tie) breaks the chain.

Every tie id of the chain is kept in ``via`` (each once, in the order of the
chain: a chair's position in a board that both wrote the document and provides
what it recommends is one link, not two) and the explanation is generated from
the chain, so that a reader can check each link against its sources.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from scrutiny.kb.dates import date_key
from scrutiny.kb.model import KnowledgeBase, Tie

WROTE = ("authored", "commissioned")
PANEL = ("position", "member_of")
GAINS = ("provides", "funded")
LASTING = ("position", "member_of", "provides", "part_of")


@dataclass
class Conflict:
    document: str           # manifest document id (or the stakeholder id when it has none)
    stakeholder: str        # who took part in the document
    via: list[str]          # tie ids, in the order of the chain
    explanation: str

    def to_dict(self) -> dict:
        return {"document": self.document, "stakeholder": self.stakeholder,
                "via": list(self.via), "explanation": self.explanation}


def _index(ties: list[Tie]):
    out = defaultdict(list)      # (subject, relation) -> ties
    into = defaultdict(list)     # (object, relation) -> ties
    for tie in ties:
        out[(tie.subject, tie.relation)].append(tie)
        into[(tie.object, tie.relation)].append(tie)
    return out, into


def _contributors(kb: KnowledgeBase, doc: str, into) -> list[tuple[str, list[Tie]]]:
    """(stakeholder, chain to the document) for everyone who took part in writing ``doc``."""
    found = []
    for relation in WROTE:
        for tie in into[(doc, relation)]:
            found.append((tie.subject, [tie]))
            if kb.stakeholders[tie.subject].kind == "organisation":
                for rel in PANEL:
                    for inner in into[(tie.subject, rel)]:
                        found.append((inner.subject, [inner, tie]))
    return found


def _beneficiaries(doc: str, out, into) -> dict[str, list[list[Tie]]]:
    """Organisation -> chains from it to what ``doc`` recommends."""
    gains: dict[str, list[list[Tie]]] = defaultdict(list)
    for rec in out[(doc, "recommends")]:
        target = rec.object
        gains[target].append([rec])
        for relation in GAINS:
            for tie in into[(target, relation)]:
                gains[tie.subject].append([tie, rec])
        for part in into[(target, "part_of")]:
            for relation in GAINS:
                for tie in into[(part.subject, relation)]:
                    gains[tie.subject].append([tie, part, rec])
    return gains


def _overlaps(ties: list[Tie], when: str | None) -> bool:
    """False when a tie is known to have ended before, or begun after, ``when``."""
    if not when:
        return True
    day = date_key(when)
    return not any((t.end and date_key(t.end) < day) or (t.start and date_key(t.start) > day)
                   for t in ties)


def _sentence(kb: KnowledgeBase, tie: Tie) -> str:
    from scrutiny.schema import vocabulary

    label = vocabulary().relations[tie.relation]["label"]
    subject = kb.stakeholders[tie.subject].name
    obj = kb.stakeholders[tie.object].name
    role = f" ({tie.role})" if tie.role else ""
    if tie.start and tie.end:
        when = f", {tie.start} to {tie.end}"
    elif tie.end:
        when = f", until {tie.end}"
    elif tie.start:  # a standing tie holds since its start; an act (authored...) happened then
        when = f", since {tie.start}" if tie.relation in LASTING else f", in {tie.start}"
    else:
        when = ""
    return f"{subject} {label} {obj}{role}{when} [{tie.id}]"


def _once(chain: list[Tie]) -> list[Tie]:
    """The chain with each tie once, at its first place. A chair's position can
    be both how they took part (their board wrote the document) and what they
    hold (the board provides what it recommends): the tie is one link, stated
    once; the chain still reads in order (position, authored, provides, recommends)."""
    seen: set[str] = set()
    out = []
    for tie in chain:
        if tie.id not in seen:
            seen.add(tie.id)
            out.append(tie)
    return out


def find_conflicts(kb: KnowledgeBase) -> list[Conflict]:
    """Every conflict of interest the ties of ``kb`` show, in a stable order."""
    out, into = _index(kb.ties)
    conflicts: list[Conflict] = []
    seen: set = set()
    documents = [s for s in kb.stakeholders.values() if s.kind == "document"]
    for doc in sorted(documents, key=lambda s: s.id):
        gains = _beneficiaries(doc.id, out, into)
        if not gains:
            continue
        for person, wrote in _contributors(kb, doc.id, into):
            written = wrote[-1].start  # the date of the authored/commissioned tie, if known
            if not _overlaps(wrote[:-1], written):
                continue
            holds = [(person, [])] if kb.stakeholders[person].kind == "organisation" else []
            holds += [(t.object, [t]) for t in out[(person, "position")] if _overlaps([t], written)]
            for org, held in holds:
                for gain in gains.get(org, []):
                    chain = _once(wrote + held + gain)
                    key = (doc.id, person, tuple(t.id for t in chain))
                    if key in seen:
                        continue
                    seen.add(key)
                    conflicts.append(Conflict(
                        document=doc.doc_id or doc.id,
                        stakeholder=person,
                        via=[t.id for t in chain],
                        explanation=(f"Possible conflict of interest in {doc.name}: "
                                     + "; ".join(_sentence(kb, t) for t in chain) + "."),
                    ))
    return conflicts
