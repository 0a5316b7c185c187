"""Helpers for the citation, anchoring, verify, xref and export tests: a store
holding synthetic documents written for these tests (our own words)."""

from __future__ import annotations

import datetime

from scrutiny.passages import make_passages
from scrutiny.readers.base import HEADING, PARAGRAPH, Block

ACCESSED = datetime.date(2026, 11, 26)

# Our own synthetic policy text: (kind, page, text).
PLAN_BLOCKS = [
    (HEADING, 1, "Foreword"),
    (PARAGRAPH, 1, "This plan sets out how the region will widen access to talking therapies over five years."),
    (PARAGRAPH, 2, "We will recruit 21,000 new staff by 2021, of whom 11,000 will work in clinical roles."),
    (HEADING, 3, "Outcomes"),
    (PARAGRAPH, 3, "Half of the people who finish a course of therapy are expected to reach recovery."),
    (PARAGRAPH, 4, "Providers will be paid partly according to the outcomes they report to commissioners."),
]

PLAN_DOC = {
    "id": "plan",
    "title": "A Synthetic Plan for Regional Therapy Services",
    "short_title": "Synthetic Plan",
    "kind": "policy",
    "publisher": "Example Department of Health",
    "authors": ["Example Therapy Taskforce"],
    "date": "2016-02",
    "url": "https://gov.example/plan.pdf",
    "licence": "OGL-UK-3.0",
    "source": "plan.pdf",
    "pages": 4,
}


def blocks(spec):
    return [Block(kind=k, text=t, page=p, level=1 if k == HEADING else 0) for k, p, t in spec]


def add_document(store, doc: dict, spec) -> list:
    passages = make_passages(doc["id"], blocks(spec))
    with store.transaction():
        store.upsert_document({**doc, "passages": len(passages)})
        store.replace_passages(doc["id"], passages)
    return passages


def plan_store(project):
    """A store with the synthetic plan ingested; returns (store, passages)."""
    from scrutiny.store import Store

    store = Store(project.store_location)
    return store, add_document(store, PLAN_DOC, PLAN_BLOCKS)


# --- CSL-JSON schema ---------------------------------------------------------
# A JSON Schema for CSL-JSON items written for these tests from the CSL 1.0.2
# specification's lists of item types and variables (the "csl-data" schema's
# shape): unknown variables and malformed names or dates fail.
CSL_TYPES = """article article-journal article-magazine article-newspaper bill book broadcast
chapter classic collection dataset document entry entry-dictionary entry-encyclopedia event
figure graphic hearing interview legal_case legislation manuscript map motion_picture
musical_score pamphlet paper-conference patent performance periodical personal_communication
post post-weblog regulation report review review-book software song speech standard thesis
treaty webpage""".split()
CSL_NAME_VARS = """author chair collection-editor compiler composer container-author contributor
curator director editor editorial-director executive-producer guest host illustrator interviewer
narrator organizer original-author performer producer recipient reviewed-author script-writer
series-creator translator""".split()
CSL_DATE_VARS = "accessed available-date event-date issued original-date submitted".split()
CSL_TEXT_VARS = """abstract annote archive archive_collection archive_location archive-place authority
call-number chapter-number citation-key citation-label citation-number collection-number
collection-title container-title container-title-short dimensions division DOI edition event
event-title event-place first-reference-note-number genre ISBN ISSN issue jurisdiction keyword
language license locator medium note number number-of-pages number-of-volumes original-publisher
original-publisher-place original-title page page-first part-number part-title PMCID PMID
printing publisher publisher-place references reviewed-genre reviewed-title scale section source
status supplement-number title title-short URL version volume volume-title volume-title-short
year-suffix custom""".split()

_NAME = {
    "type": "object",
    "properties": {k: {"type": "string"} for k in (
        "family", "given", "dropping-particle", "non-dropping-particle", "suffix", "literal")},
    "additionalProperties": False,
    "anyOf": [{"required": ["family"]}, {"required": ["literal"]}],
}
_DATE = {
    "type": "object",
    "properties": {
        "date-parts": {"type": "array", "minItems": 1, "maxItems": 2, "items": {
            "type": "array", "minItems": 1, "maxItems": 3,
            "items": {"type": ["integer", "string"]}}},
        "season": {"type": ["integer", "string"]},
        "circa": {"type": ["boolean", "integer", "string"]},
        "literal": {"type": "string"},
        "raw": {"type": "string"},
    },
    "additionalProperties": False,
}
CSL_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["id", "type"],
        "properties": {
            "id": {"type": ["string", "number"]},
            "type": {"enum": CSL_TYPES},
            **{k: {"type": "array", "items": _NAME} for k in CSL_NAME_VARS},
            **{k: _DATE for k in CSL_DATE_VARS},
            **{k: {"type": ["string", "number"]} for k in CSL_TEXT_VARS},
        },
        "additionalProperties": False,
    },
}


def check_csl_json(items) -> None:
    """Valid against the CSL project's own schema (tests/data/csl-schema), and
    against the stricter one above (no variable CSL does not define)."""
    import json
    from pathlib import Path

    import jsonschema

    official = json.loads((Path(__file__).parent / "data" / "csl-schema" / "csl-data.json").read_text())
    jsonschema.Draft7Validator(official, format_checker=jsonschema.FormatChecker()).validate(items)
    jsonschema.validate(items, CSL_SCHEMA)


# --- a synthetic knowledge base referring to the plan's passages -------------------
KB_MANIFEST = """\
[project]
name = "cite-tests"

[documents.plan]
title = "A Synthetic Plan for Regional Therapy Services"
short_title = "Synthetic Plan"
kind = "policy"
publisher = "Example Department of Health"
authors = ["Example Therapy Taskforce"]
date = "2016-02"
source = "plan.pdf"

[documents.plan-essay]
title = "What the Synthetic Plan leaves out"
kind = "critique"
source = "kb/critique/plan-essay.md"
"""

KB_SOURCES = """\
[
  {"id": "src-plan", "type": "report", "title": "A Synthetic Plan for Regional Therapy Services",
   "issued": {"date-parts": [[2016, 2]]}}
]
"""

KB_STAKEHOLDERS = """\
stakeholders:
  - id: taskforce
    name: Example Therapy Taskforce
    kind: organisation
    sources: [{source: src-plan, locator: p. 1}]
  - id: department
    name: Example Department of Health
    kind: organisation
    sources: [{source: src-plan}]
"""

KB_TIES = """\
ties:
  - id: department-published-plan
    subject: department
    relation: member_of
    object: taskforce
    sources: [{source: src-plan, locator: p. 1}]
    passages:
      - {tie_passage}
"""

KB_CLAIMS = """\
claims:
  - id: recruit-staff
    statement: The plan promises a large number of new staff.
    kinds: [commitment]
    status: contested
    documents:
      - doc: plan
        locate:
          search: "{claim_search}"
          passages: [{claim_passage}]
    sources: [{source: src-plan, locator: p. 2}]
"""

KB_ESSAY = """\
---
id: plan-essay
title: What the Synthetic Plan leaves out
document: plan
author: scrutiny contributors
date: 2021-01-05
---
# What it leaves out

The [[doc:plan|plan]] promises [[claim:recruit-staff|new staff]].
Its account of recovery is in [[passage:{essay_passage}]].
"""


def write_kb(root, passages, **overrides):
    """Write manifest + kb/ referring to the plan's passages; ``overrides`` replace
    the placeholders (tie_passage, claim_search, claim_passage, essay_passage)."""
    from pathlib import Path

    root = Path(root)
    by_start = {p.text.split()[0]: p.id for p in passages}
    values = {
        "tie_passage": by_start["This"],
        "claim_search": "recruit new staff",
        "claim_passage": by_start["We"],
        "essay_passage": by_start["Half"],
    }
    values.update(overrides)
    files = {
        "corpus/manifest.toml": KB_MANIFEST,
        "kb/sources.json": KB_SOURCES,
        "kb/stakeholders.yaml": KB_STAKEHOLDERS,
        "kb/ties.yaml": KB_TIES,
        "kb/claims.yaml": KB_CLAIMS,
        "kb/critique/plan-essay.md": KB_ESSAY,
    }
    manifest = root / "corpus" / "manifest.toml"
    if manifest.is_file():        # a project on PostgreSQL keeps its database
        import tomllib

        database = tomllib.loads(manifest.read_text(encoding="utf-8")).get("project", {}).get("database")
        if database:
            files["corpus/manifest.toml"] = KB_MANIFEST.replace(
                '[project]\n', f'[project]\ndatabase = "{database}"\n', 1)
    for rel, text in files.items():
        for key, value in values.items():
            text = text.replace("{" + key + "}", value)
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return values


def line_in(root, rel, needle) -> int:
    from pathlib import Path

    for i, line in enumerate((Path(root) / rel).read_text(encoding="utf-8").split("\n"), 1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in {rel}")
