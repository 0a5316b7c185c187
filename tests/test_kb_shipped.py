"""The knowledge base shipped in this repository: valid, sourced, our own words."""

from __future__ import annotations

import json
import re

import pytest

from conftest import REPO, run_cli
from scrutiny.kb import load_kb
from scrutiny.kb.conflicts import find_conflicts
from scrutiny.manifest import load_manifest

KB_DIR = REPO / "kb"
MANIFEST = REPO / "corpus" / "manifest.toml"


@pytest.fixture(scope="module")
def kb():
    return load_kb(KB_DIR, MANIFEST)


@pytest.fixture(scope="module")
def manifest():
    return load_manifest(MANIFEST)


def test_kb_check_passes_on_the_shipped_kb():
    result = run_cli("kb", "check", root=REPO)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("kb/ is valid:")


def test_every_policy_document_is_a_stakeholder_and_has_an_essay(kb, manifest):
    policy = {d.id for d in manifest.documents.values() if d.kind == "policy"}
    as_stakeholders = {s.doc_id for s in kb.stakeholders.values() if s.kind == "document"}
    assert policy <= as_stakeholders
    discussed = {e.doc_id for e in kb.essays}
    # every policy document is discussed by an essay or cross-referenced from one
    referenced = {r.id for e in kb.essays for r in e.refs if r.type == "doc"}
    assert policy <= discussed | referenced
    assert any(e.doc_id in {d.id for d in manifest.documents.values() if d.kind == "critique"}
               for e in kb.essays), "an overview essay discusses the critique article"


def test_manifest_documents_have_url_licence_and_date(manifest):
    for doc in manifest.documents.values():
        assert doc.licence, doc.id
        assert re.match(r"^\d{4}(-\d{2}){0,2}$", doc.date or ""), doc.id
        if doc.kind == "policy" or not (doc.source or "").startswith("kb/"):
            assert (doc.url or "").startswith("https://"), doc.id


def test_claims_register_lists_documents_and_ways_to_find_them():
    result = run_cli("kb", "claims", "--json", root=REPO)
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert len(records) >= 10
    for rec in records:
        assert rec["statement"] and rec["kinds"] and rec["status"] and rec["sources"], rec["id"]
        for d in rec["documents"]:
            assert d["locate"]["search"] or d["locate"]["passages"], rec["id"]


def test_conflicts_are_derived_with_their_chains(kb):
    found = find_conflicts(kb)
    assert found, "the shipped ties show at least one conflict of interest"
    tie_ids = {t.id for t in kb.ties}
    for c in found:
        assert set(c.via) <= tie_ids
        assert all(f"[{t}]" in c.explanation for t in c.via)
        rels = [kb.tie(t).relation for t in c.via]
        assert rels[-1] == "recommends" and rels[0] in ("authored", "commissioned", "position", "member_of")


def test_every_stakeholder_that_is_not_a_document_has_a_description(kb):
    missing = [s.id for s in kb.stakeholders.values() if not s.description]
    assert missing == []


# A run of this many words inside quotation marks would be a typed-in quotation.
QUOTED = re.compile(r"[\"“]([^\"”\n]+)[\"”]")


def _prose_files():
    yield from sorted((KB_DIR / "critique").glob("*.md"))
    yield KB_DIR / "claims.yaml"
    yield KB_DIR / "stakeholders.yaml"


def test_no_typed_in_quotations_in_kb_prose():
    """Quotations come only from ingested text: the KB's prose quotes no long runs.

    Allowed: section titles used as locators (`section "..."`), search terms,
    and YAML/Markdown syntax.
    """
    offenders = []
    for path in _prose_files():
        for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
            if "locator:" in line or "search:" in line or line.lstrip().startswith("#"):
                continue
            for m in QUOTED.finditer(line):
                before = line[: m.start()].rstrip()
                if before.endswith("section") or before.endswith("title:"):
                    continue
                if len(m.group(1).split()) >= 5:
                    offenders.append(f"{path.name}:{n}: {m.group(0)}")
    assert offenders == []


# Titles of documents the hook allows to be repeated (the same list as its section 2).
TITLES = [
    "stepping forward to 2020 21 the mental health workforce plan for england",
    "improving lives the future of work health and disability",
    "the five year forward view for mental health",
    "thriving at work the stevenson farmer review of mental health and employers",
    "the lord darzi review of health and care",
]


def test_no_run_of_nine_words_from_the_reference_article(reference_article):
    """The before-stop hook's check, on the kb files and the manifest."""
    def words(text):
        return re.findall(r"[a-z0-9£%']+", text.lower())

    ref = words(reference_article.read_text(encoding="utf-8"))
    grams = {tuple(ref[i:i + 9]) for i in range(len(ref) - 8)}
    for title in TITLES:  # document titles are names, not prose (as in the hook)
        t = title.split()
        grams -= {tuple(t[i:i + 9]) for i in range(len(t) - 8)}
    hits = {}
    for path in [*sorted(KB_DIR.rglob("*")), MANIFEST]:
        if path.is_file():
            w = words(path.read_text(encoding="utf-8"))
            n = sum(tuple(w[i:i + 9]) in grams for i in range(len(w) - 8))
            if n:
                hits[str(path.relative_to(REPO))] = n
    assert hits == {}
