"""A small synthetic knowledge base (our own invented names) for the kb tests.

``write_project(root, **replace)`` writes a valid project; each keyword names
a file (``stakeholders``, ``ties``, ``claims``, ``sources``, ``essay``,
``manifest``) and maps to a function text -> text that breaks it.
"""

from __future__ import annotations

from pathlib import Path

MANIFEST = """\
[project]
name = "synthetic"

[documents.widget-review]
title = "The Widget Review"
kind = "policy"
date = "2020-03"

[documents.widget-essay]
title = "What the Widget Review leaves out"
kind = "critique"
source = "kb/critique/widget-essay.md"
"""

SOURCES = """\
[
  {
    "id": "src-report",
    "type": "report",
    "title": "A report on widgets",
    "issued": {"date-parts": [[2020, 3]]}
  },
  {
    "id": "src-page",
    "type": "webpage",
    "title": "About Helping Hands"
  }
]
"""

STAKEHOLDERS = """\
stakeholders:
  - id: ada-example
    name: Ada Example
    kind: person
    aliases: [A. Example, Dr Example]
    sources: [{source: src-report, locator: p. 2}]
  - id: helping-hands
    name: Helping Hands
    kind: organisation
    sector: charity
    aliases: [HH]
    sources:
      - source: src-page
  - id: widget-panel
    name: The Widget Panel
    kind: organisation
    sector: taskforce
    sources: [{source: src-report, locator: p. 1}]
  - id: widget-review
    name: The Widget Review
    kind: document
    doc: widget-review
    sources: [{source: src-report}]
    facts:
      - what: published
        value: 2020-03
        sources: [{source: src-report, locator: cover}]
  - id: wellbeing-scheme
    name: Wellbeing Scheme
    kind: programme
    sources: [{source: src-report, locator: p. 9}]
"""

TIES = """\
ties:
  - id: ada-chairs-panel
    subject: ada-example
    relation: position
    object: widget-panel
    role: chair
    start: 2019
    end: 2020-03
    sources: [{source: src-report, locator: p. 1}]
  - id: ada-runs-hh
    subject: ada-example
    relation: position
    object: helping-hands
    role: chief executive
    start: 2010-05-01
    sources: [{source: src-page}]
  - id: panel-wrote-review
    subject: widget-panel
    relation: authored
    object: widget-review
    sources: [{source: src-report, locator: p. 1}]
  - id: hh-provides-scheme
    subject: helping-hands
    relation: provides
    object: wellbeing-scheme
    sources: [{source: src-page}]
  - id: review-recommends-scheme
    subject: widget-review
    relation: recommends
    object: wellbeing-scheme
    sources: [{source: src-report, locator: p. 9}]
"""

CLAIMS = """\
claims:
  - id: widget-rate
    statement: Half of all widgets are repaired within a week.
    kinds: [statistic]
    status: contested
    documents:
      - doc: widget-review
        locate: {search: "repaired within a week"}
    critique: The rate counts only widgets that were seen at all.
    evidence:
      - statement: The repair data were never audited.
        sources: [{source: src-report, locator: p. 12}]
    sources: [{source: src-report, locator: p. 4}]
"""

ESSAY = """\
---
id: widget-essay
title: What the Widget Review leaves out
document: widget-review
author: scrutiny contributors
date: 2021-01-05
---
# What it leaves out

The [[doc:widget-review|Widget Review]], chaired by [[stakeholder:ada-example]],
repeats [[claim:widget-rate|a repair rate]] that nobody audited.
See also [[passage:widget-review-p3-abc123]].
"""

FILES = {
    "manifest": ("corpus/manifest.toml", MANIFEST),
    "sources": ("kb/sources.json", SOURCES),
    "stakeholders": ("kb/stakeholders.yaml", STAKEHOLDERS),
    "ties": ("kb/ties.yaml", TIES),
    "claims": ("kb/claims.yaml", CLAIMS),
    "essay": ("kb/critique/widget-essay.md", ESSAY),
}


def write_project(root: Path, **breakers) -> Path:
    """Write the synthetic project under ``root``; ``breakers[name](text)`` edits a file."""
    unknown = set(breakers) - set(FILES)
    assert not unknown, f"unknown file keys {unknown}"
    for name, (rel, text) in FILES.items():
        if name in breakers:
            new = breakers[name](text)
            assert new != text, f"the breaker for {name} changed nothing"
            text = new
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def line_of(name: str, needle: str, text: str | None = None) -> int:
    """1-based line of the first line containing ``needle`` in file ``name`` (or ``text``)."""
    text = FILES[name][1] if text is None else text
    for i, line in enumerate(text.split("\n"), 1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in {name}")
