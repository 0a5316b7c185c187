"""The curated knowledge base: stakeholders, ties, claims, sources and critique essays.

    >>> from scrutiny.kb import load_kb
    >>> kb = load_kb(project.kb_dir)          # raises KBError listing every problem
    >>> kb.stakeholder_by_alias("Mind's").id

Files and formats: docs/kb.md. Reading: :mod:`scrutiny.kb.loader`; checks:
:mod:`scrutiny.kb.validate`; essay markup: :mod:`scrutiny.kb.markup`;
derived conflicts of interest: :mod:`scrutiny.kb.conflicts`.
"""

from __future__ import annotations

from scrutiny.kb.loader import load_kb, load_with_problems
from scrutiny.kb.model import (
    Claim, ClaimDocument, Essay, Evidence, Fact, KBError, KnowledgeBase, Problem, Ref,
    SourceRef, Stakeholder, Tie,
)


def check_project(project) -> list[Problem]:
    """Every problem of the project's knowledge base (empty when valid).

    ``ingest`` and ``build`` call this and refuse to go on when it is not empty
    (``raise KBError(problems)`` gives the same messages as ``scrutiny kb check``).
    A project without a ``kb/`` folder has an empty, valid knowledge base.
    """
    if not project.kb_dir.is_dir():
        return []
    return load_with_problems(project.kb_dir, project.manifest_path)[1]


__all__ = [
    "load_kb", "load_with_problems", "check_project", "KnowledgeBase", "KBError", "Problem", "Stakeholder", "Tie",
    "Claim", "ClaimDocument", "Evidence", "Essay", "Ref", "SourceRef", "Fact",
]
