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

    def relation_allows(self, relation: str, subject_kind: str, object_kind: str) -> bool:
        rel = self.relations[relation]
        return subject_kind in rel["subject"] and object_kind in rel["object"]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load((HERE / "vocabulary.yaml").read_text(encoding="utf-8"))
    return Vocabulary(**data)
