"""The vocabulary as data: stakeholder kinds, sectors, relations, claim kinds.

    >>> from scrutiny.schema import vocabulary
    >>> sorted(vocabulary().relations)[:2]
    ['authored', 'commissioned']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Vocabulary:
    stakeholder_kinds: dict
    sectors: dict
    relations: dict
    claim_kinds: dict
    claim_statuses: dict
    tag_sources: dict
    tie_statuses: dict

    def tie_pieces(self, subject: str, relation: str, obj: str, role: str | None = None) -> list[tuple[str, str]]:
        """A tie as an English sentence, subject first, in pieces a page can link:
        ``[("subject", "Robert Devereux"), ("text", " holds a position at "),
        ("object", "the Department for Work and Pensions"), ("text", " (permanent secretary)")]``."""
        template = (self.relations.get(relation) or {}).get("sentence") or "{subject} " + relation.replace("_", " ") + " {object}"
        before, _, rest = template.partition("{subject}")
        middle, _, after = rest.partition("{object}")
        pieces = [("text", before), ("subject", subject), ("text", middle), ("object", _the(obj)), ("text", after)]
        if role and relation == "position":
            pieces.append(("text", f" ({role})"))
        elif role and relation == "authored" and role in ("chair", "lead"):
            pieces[2] = ("text", " chaired " if role == "chair" else " led ")
        return [(k, v) for k, v in pieces if v]

    def tie_sentence(self, subject: str, relation: str, obj: str, role: str | None = None) -> str:
        """The same as plain text: "Robert Devereux holds a position at the Department for Work and Pensions"."""
        return "".join(v for _, v in self.tie_pieces(subject, relation, obj, role))

    def relation_allows(self, relation: str, subject_kind: str, object_kind: str) -> bool:
        rel = self.relations[relation]
        return subject_kind in rel["subject"] and object_kind in rel["object"]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load((HERE / "vocabulary.yaml").read_text(encoding="utf-8"))
    return Vocabulary(**data)


_THE_FIRST = frozenset("department ministry office cabinet committee commission council board institute centre "
                       "national royal house treasury home foreign environment health care office agency "
                       "government university college school trust foundation".split())


def _the(name: str) -> str:
    """"the Department for Work and Pensions", "the Cabinet Office": a body named by a
    common noun takes the article in running text; "Mind" and "NHS England" do not."""
    words = name.split()
    if not words or words[0].casefold() in ("the", "a", "an"):
        return name
    first = words[0].casefold()
    if first in _THE_FIRST and (len(words) > 1 or first in ("treasury", "cabinet")):
        return "the " + name
    if len(words) >= 2 and words[-1].casefold() in ("office", "committee", "commission", "council", "board", "agency",
                                                      "taskforce", "panel", "group", "unit", "centre", "network",
                                                      "alliance", "coalition", "institute", "foundation", "forum",
                                                      "partnership", "service", "executive", "ombudsman", "review",
                                                      "inquiry", "programme", "scheme", "fund"):
        return "the " + name
    return name
