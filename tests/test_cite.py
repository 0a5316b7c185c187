"""Citations: CSL styles through citeproc-py, and BibTeX/RIS/CSL-JSON read back by
their own parsers."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from helpers_cite import ACCESSED, PLAN_DOC, check_csl_json, plan_store

from scrutiny.cite import cite_passage, csl_item, csl_name, in_text, permalink
from scrutiny.passages import Passage
from scrutiny.store import Redirect
from scrutiny.cite.styles import CitationError

BASE = "https://scrutiny.example/site/"


@pytest.fixture
def plan(project):
    store, passages = plan_store(project)
    yield store, passages
    store.close()


def _passage(passages, needle):
    return next(p for p in passages if needle in p.text)


def test_permalink_with_and_without_base_url():
    assert permalink("plan-abc", BASE) == "https://scrutiny.example/site/p/plan-abc/"
    assert permalink("plan-abc", "") == "/p/plan-abc/"


def test_author_names_persons_and_corporate():
    assert csl_name("Farmer, Paul") == {"family": "Farmer", "given": "Paul"}
    assert csl_name("Lord Dennis Stevenson") == {"family": "Stevenson", "given": "Dennis"}
    assert csl_name("Example Therapy Taskforce") == {"literal": "Example Therapy Taskforce"}
    assert csl_name("Health Education England") == {"literal": "Health Education England"}
    assert csl_name("IPPR") == {"literal": "IPPR"}
    assert csl_name("Department of Work, Pensions") == {"literal": "Department of Work, Pensions"}
    assert csl_name({"family": "Smith", "given": "Ann"}) == {"family": "Smith", "given": "Ann"}


@pytest.mark.parametrize(
    "style, must",
    [
        ("harvard", ["Example Therapy Taskforce (2016)", "A Synthetic Plan for Regional Therapy Services",
                     "p. 2", "Available at: https://scrutiny.example/site/p/", "(Accessed: 26 November 2026)"]),
        ("apa", ["Example Therapy Taskforce. (2016).", "(p. 2)", "Example Department of Health.",
                 "https://scrutiny.example/site/p/"]),
        ("chicago", ["Example Therapy Taskforce. 2016.", "Example Department of Health.",
                     "Accessed 26 November 2026.", "https://scrutiny.example/site/p/"]),
    ],
)
def test_csl_styles(plan, style, must):
    _, passages = plan
    p = _passage(passages, "21,000")
    text = cite_passage(p, PLAN_DOC, style, BASE, ACCESSED)
    for piece in must:
        assert piece in text, (piece, text)
    assert f"/p/{p.id}/" in text
    assert "\n" not in text.strip()


def test_page_range_and_in_text(plan):
    _, passages = plan
    p = replace(_passage(passages, "21,000"), page=2, page_end=3)
    assert "pp. 2\u20133" in cite_passage(p, PLAN_DOC, "harvard", BASE, ACCESSED)
    assert in_text(p, PLAN_DOC, "harvard") == "(Example Therapy Taskforce, 2016, pp. 2\u20133)"
    assert in_text(p, PLAN_DOC, "chicago") == "(Example Therapy Taskforce 2016, 2\u20133)"


def test_flowing_source_has_no_page(plan):
    _, passages = plan
    p = _passage(passages, "21,000")
    doc = PLAN_DOC | {"source": "plan.html", "pages": 1}
    assert "page" not in csl_item(doc, p)
    assert " p. " not in cite_passage(p, doc, "harvard", BASE, ACCESSED)


def test_quote_is_the_stored_text_exactly(plan):
    _, passages = plan
    p = _passage(passages, "Half of")
    text = cite_passage(p, PLAN_DOC, "harvard", BASE, ACCESSED, quote=True)
    assert text.startswith("\u201c" + p.text + "\u201d ")


def test_bibtex_parses_back(plan):
    bibtexparser = pytest.importorskip("bibtexparser")
    from bibtexparser.middlewares import LatexDecodingMiddleware

    _, passages = plan
    p = replace(_passage(passages, "21,000"), text="Odd text: 50% of {them} & 10$ ~ a_b #1 \\ end.")
    out = cite_passage(p, PLAN_DOC, "bibtex", BASE, ACCESSED, quote=True)
    lib = bibtexparser.parse_string(out, append_middleware=[LatexDecodingMiddleware()])
    assert not lib.failed_blocks
    (entry,) = lib.entries
    assert entry.entry_type == "techreport"
    assert entry.key == p.id
    assert entry["pages"] in ("2", "2--2")
    assert entry["url"] == f"https://scrutiny.example/site/p/{p.id}/"
    assert entry["year"] == "2016"
    assert entry["urldate"] == "2026-11-26"
    assert entry["institution"] == "Example Department of Health"
    assert entry["note"] == p.text


def test_ris_parses_back(plan):
    rispy = pytest.importorskip("rispy")
    _, passages = plan
    p = _passage(passages, "21,000")
    out = cite_passage(p, PLAN_DOC, "ris", BASE, ACCESSED, quote=True)
    (entry,) = rispy.loads(out)
    assert entry["type_of_reference"] == "RPRT"
    assert entry["authors"] == ["Example Therapy Taskforce"]
    assert entry["title"] == PLAN_DOC["title"]
    assert entry["publisher"] == PLAN_DOC["publisher"]
    assert entry["start_page"] == "2"
    assert entry["urls"] == [f"https://scrutiny.example/site/p/{p.id}/"]
    assert entry["access_date"] == "2026/11/26"
    assert entry["notes"] == [p.text]


def test_csl_json_is_valid_and_renders(plan):
    _, passages = plan
    p = _passage(passages, "21,000")
    items = json.loads(cite_passage(p, PLAN_DOC, "csl-json", BASE, ACCESSED, quote=True))
    from helpers_cite import check_csl_json

    check_csl_json(items)
    (item,) = items
    assert item["note"] == p.text
    assert item["page"] == "2"
    assert item["accessed"] == {"date-parts": [[2026, 11, 26]]}
    # an independent consumer: citeproc-py's own CSL-JSON reader accepts it
    from citeproc.source.json import CiteProcJSON

    assert p.id in CiteProcJSON(items)


def test_unknown_style_is_a_clear_error(plan):
    _, passages = plan
    with pytest.raises(CitationError, match="unknown citation style"):
        cite_passage(_passage(passages, "21,000"), PLAN_DOC, "no-such-style", BASE)


# --- CLI -------------------------------------------------------------------

def test_cli_cite(plan, project, cli_runner, monkeypatch):
    monkeypatch.setenv("SCRUTINY_BASE_URL", "https://campaign.example")
    _, passages = plan
    p = _passage(passages, "Half of")
    res = cli_runner("cite", p.id, "--style", "apa", "--accessed", "2026-11-26", root=project.root)
    assert res.exit_code == 0, res.output
    assert f"https://campaign.example/p/{p.id}/" in res.output
    assert "(p. 3)" in res.output
    res = cli_runner("cite", p.id, "--json", "--quote", "--accessed", "2026-11-26", root=project.root)
    data = json.loads(res.output)
    assert data["passage_id"] == p.id and data["item"]["note"] == p.text
    assert data["in_text"] == "(Example Therapy Taskforce, 2016, p. 3)"


def test_cli_cite_unknown_id_and_bad_date(plan, project, cli_runner):
    res = cli_runner("cite", "plan-nosuchid", root=project.root)
    assert res.exit_code == 1
    assert "no passage with id 'plan-nosuchid'" in res.output
    _, passages = plan
    res = cli_runner("cite", passages[1].id, "--accessed", "yesterday", root=project.root)
    assert res.exit_code == 2 and "use YYYY-MM-DD" in res.output


def test_cli_cite_follows_redirect_and_refuses_orphan(plan, project, cli_runner):
    store, passages = plan
    target = _passage(passages, "Half of")
    with store.transaction():
        store.db.execute(
            "INSERT INTO passage_redirects (old_id, doc_id, new_id, method, score, old_text, old_page, created_at)"
            " VALUES ('plan-oldone', 'plan', ?, 'fuzzy', 0.93, 'old words', 3, '2026-01-01')",
            (target.id,),
        )
        store.db.execute(
            "INSERT INTO passage_redirects (old_id, doc_id, new_id, method, score, old_text, old_page, created_at)"
            " VALUES ('plan-gone', 'plan', NULL, 'orphan', NULL, 'old words', 4, '2026-01-01')"
        )
    res = cli_runner("cite", "plan-oldone", "--accessed", "2026-11-26", root=project.root)
    assert res.exit_code == 0
    assert f"/p/{target.id}/" in res.stdout
    assert "re-anchored" in res.stderr and target.id in res.stderr
    res = cli_runner("cite", "plan-gone", root=project.root)
    assert res.exit_code == 1
    assert "orphaned" in res.output and "page 4" in res.output


def test_critique_is_a_web_page_and_ris_dates_are_well_formed(plan):
    import rispy

    _, passages = plan
    p = _passage(passages, "Half of")
    essay = PLAN_DOC | {"kind": "critique", "source": "essay.md", "date": "2018"}
    assert csl_item(essay, p)["type"] == "webpage"
    assert "Preprint" not in cite_passage(p, essay, "chicago", BASE, ACCESSED)
    (entry,) = rispy.loads(cite_passage(p, essay, "ris", BASE, ACCESSED))
    assert entry["type_of_reference"] == "ELEC" and entry["date"] == "2018///"
    (entry,) = rispy.loads(cite_passage(p, PLAN_DOC, "ris", BASE, ACCESSED))
    assert entry["date"] == "2016/02//"


# --- a file registered by `scrutiny ingest FILE`: no authors/date in the manifest ---

REGISTERED_DOC = {
    "id": "decision", "title": "A Synthetic Decision on Assessment Reform", "short_title": "",
    "kind": "policy", "publisher": "", "authors": [], "date": "", "url": "", "licence": "",
    "source": "corpus/sources/decision.pdf", "pages": 40,
    # what the PDF reader found in the file's own properties
    "metadata": {"authors": ["XDEP"], "date": "2026-01-29", "title": "A Synthetic Decision on Assessment Reform"},
}
PAGE_12 = Passage(id="decision-abcdefabcdef", doc_id="decision", ord=0, kind="paragraph", page=12, page_end=12,
                  text="Synthetic words.")


CONFIRMED_DOC = REGISTERED_DOC | {"authors": ["XDEP"], "date": "2026-01-29"}   # after `documents --edit`


@pytest.mark.parametrize("style, start", [
    ("harvard", "XDEP (2026) A Synthetic Decision on Assessment Reform, p. 12."),
    ("apa", "XDEP. (2026). A Synthetic Decision on Assessment Reform (p. 12)."),
    ("chicago", "XDEP. 2026. A Synthetic Decision on Assessment Reform."),
])
def test_registered_file_is_cited_from_its_confirmed_manifest_entry(style, start):
    text = cite_passage(PAGE_12, CONFIRMED_DOC, style, BASE, ACCESSED)
    assert text.startswith(start), text
    assert text.count("Assessment Reform") == 1, text
    assert "no date" not in text and "n.d." not in text
    item = csl_item(CONFIRMED_DOC, PAGE_12)
    assert item["author"] == [{"literal": "XDEP"}] and item["issued"] == {"date-parts": [[2026, 1, 29]]}


@pytest.mark.parametrize("style", ["harvard", "apa", "chicago", "bibtex", "ris", "csl-json"])
def test_what_a_file_says_of_itself_is_never_cited(style):
    """The file's own metadata (a PDF's author and creation date) is only a
    suggestion ingest prints: the manifest is the one source."""
    text = cite_passage(PAGE_12, REGISTERED_DOC, style, BASE, ACCESSED)
    assert "XDEP" not in text and "2026-01-29" not in text and "2026/01" not in text, text
    assert "issued" not in csl_item(REGISTERED_DOC, PAGE_12)


def test_manifest_fields_win_over_file_metadata():
    doc = REGISTERED_DOC | {"authors": ["Example Therapy Taskforce"], "date": "2016"}
    item = csl_item(doc, PAGE_12)
    assert item["author"] == [{"literal": "Example Therapy Taskforce"}]
    assert item["issued"] == {"date-parts": [[2016]]}


@pytest.mark.parametrize("style, locator", [("harvard", "p. 12"), ("apa", "(p. 12)"), ("chicago", ", 12)")])
def test_no_author_anywhere_title_and_page_once(style, locator):
    """Without author or publisher the styles put the title first; it must not come again
    (citeproc-py did not suppress what a macro substituted)."""
    doc = REGISTERED_DOC | {"metadata": {}}
    text = cite_passage(PAGE_12, doc, style, BASE, ACCESSED)
    reference = text.partition(" In text: ")[0]   # Chicago adds the in-text form for the page
    assert reference.lower().count("a synthetic decision on assessment reform") == 1, text
    assert text.count(locator) == 1, text
    assert text.lower().startswith("a synthetic decision on assessment reform")


def test_chicago_prints_the_page():
    """Chicago author-date keeps a report's page for the in-text citation: the passage's
    citation carries it."""
    text = cite_passage(PAGE_12, CONFIRMED_DOC, "chicago", BASE, ACCESSED)
    assert text.endswith("In text: (XDEP 2026, 12)"), text
    # a flowing source has no page: nothing is added
    flowing = CONFIRMED_DOC | {"source": "decision.html", "pages": 1}
    assert "In text" not in cite_passage(PAGE_12, flowing, "chicago", BASE, ACCESSED)


def test_apa_without_accessed_date_has_no_bare_retrieved():
    """The site leaves the accessed date out and passes a placeholder base address."""
    from scrutiny.cite.styles import render

    item = csl_item(REGISTERED_DOC | {"metadata": {}}, PAGE_12, base_url="SCRUTINYBASE")
    item.pop("accessed")
    for html in (False, True):
        reference = render(item, "apa", html=html)[0]
        assert "Retrieved" not in reference, reference
        assert reference.endswith("SCRUTINYBASE/p/decision-abcdefabcdef/"), reference
    item["accessed"] = {"date-parts": [[2026, 11, 26]]}
    assert "Retrieved 26 November 2026, from SCRUTINYBASE/p/" in render(item, "apa")[0]


def test_cli_cite_warns_when_permalinks_are_relative(plan, project, cli_runner, monkeypatch):
    monkeypatch.delenv("SCRUTINY_BASE_URL", raising=False)
    _, passages = plan
    p = _passage(passages, "Half of")
    res = cli_runner("cite", p.id, root=project.root)
    assert res.exit_code == 0
    assert f"Available at: /p/{p.id}/" in res.stdout
    assert "warning: the permalink is site-relative" in res.stderr
    assert "base_url" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    res = cli_runner("cite", p.id, "--base-url", "https://campaign.example", root=project.root)
    assert res.exit_code == 0 and "warning" not in res.stderr


# --- old ids whose text now stands inside or across passages ---------------------

def _redirect(store, old_id, new_id, method, old_text, page=1):
    with store.transaction():
        store.save_redirect(Redirect(old_id, "plan", new_id, method, 1.0, old_text, page, "2026-01-01"))


def _store_with(project, spec):
    from scrutiny.passages import make_passages
    from scrutiny.readers.base import PARAGRAPH, Block
    from scrutiny.store import Store

    store = Store(project.store_path)
    blocks = [Block(kind=PARAGRAPH, text=t, page=pg, page_breaks=br) for t, pg, br in spec]
    passages = make_passages("plan", blocks)
    with store.transaction():
        store.upsert_document({**PLAN_DOC, "passages": len(passages)})
        store.replace_passages("plan", passages)
    return store, passages


FIRST = "Clinics will open on two evenings a week for people who work in the day."
SECOND = "Waiting times for a first appointment fell in every district after the change."


def test_merged_old_text_is_quoted_and_paged_by_its_own_part(project):
    """An old paragraph merged into a passage that runs overleaf: the citation quotes
    the old paragraph's words only, with the page they stand on (page_breaks)."""
    from scrutiny.cite.resolve import resolve

    merged = f"{FIRST} {SECOND}"
    store, (p,) = _store_with(project, [(merged, 4, [len(FIRST) + 1])])
    _redirect(store, "plan-oldsecond", p.id, "exact", SECOND.upper(), 4)
    found = resolve(None, store, "plan-oldsecond")
    assert found.passage.text == SECOND
    assert (found.passage.page, found.passage.page_end) == (5, 5)
    assert "the same text" not in found.notice and "part of the longer passage" in found.notice
    text = cite_passage(found.passage, found.document, "harvard", BASE, ACCESSED, quote=True)
    assert text.startswith(f"\u201c{SECOND}\u201d ") and "p. 5." in text and f"/p/{p.id}/" in text
    store.close()


def test_split_old_text_cites_the_whole_span(project):
    from scrutiny.cite.resolve import resolve

    store, (a, b) = _store_with(project, [(FIRST, 2, []), (SECOND, 3, [])])
    _redirect(store, "plan-oldboth", a.id, "split", f"{FIRST} {SECOND}", 2)
    found = resolve(None, store, "plan-oldboth")
    assert found.span.ids == [a.id, b.id] and found.passage.id == a.id
    assert found.passage.text == f"{FIRST} {SECOND}"
    assert (found.passage.page, found.passage.page_end) == (2, 3)
    assert "split" in found.notice and b.id in found.notice
    assert "pp. 2\u20133" in cite_passage(found.passage, found.document, "harvard", BASE, ACCESSED)
    store.close()


def test_redirect_whose_text_is_no_longer_there_needs_review(project, cli_runner):
    """The second half of a split was edited later, without the redirect being
    re-anchored: citing the first half as the old text would be wrong."""
    store, (a, b) = _store_with(project, [(FIRST, 2, []), (SECOND.replace("fell", "rose"), 3, [])])
    _redirect(store, "plan-oldboth", a.id, "split", f"{FIRST} {SECOND}", 2)
    store.close()
    res = cli_runner("cite", "plan-oldboth", root=project.root)
    assert res.exit_code == 1
    assert "needs review" in res.output and "plan-oldboth" in res.output


def test_fuzzy_redirect_over_a_split_names_both_passages(project):
    from scrutiny.cite.resolve import resolve

    store, (a, b) = _store_with(project, [(FIRST.replace("who work", "that work"), 2, []), (SECOND, 3, [])])
    _redirect(store, "plan-oldboth", a.id, "fuzzy", f"{FIRST} {SECOND}", 2)
    found = resolve(None, store, "plan-oldboth")
    assert found.span.ids == [a.id, b.id]
    assert found.passage.text == f"{a.text} {b.text}"   # the current words, not the old ones
    assert "fuzzy" in found.notice and a.id in found.notice and b.id in found.notice
    store.close()


# --- printed pages, tables and sections --------------------------------------------

LABELLED = {"id": "lab", "title": "A Synthetic Labelled Report", "publisher": "Cabinet Office", "date": "2020",
            "source": "lab.pdf", "pages": 9, "page_labels": ["[1]", "i", "ii", "iii", "1", "2", "3", "4", "5"]}


@pytest.mark.parametrize("style, form", [("harvard", "pp. i–ii"), ("apa", "(pp. i–ii)"), ("chicago", "2020, i–ii)")])
def test_a_range_of_roman_pages_is_plural(style, form):
    p = Passage("lab-abcdefabcdef", "lab", 0, "paragraph", 2, 3, "Synthetic words.")
    text = cite_passage(p, LABELLED, style, BASE, ACCESSED)
    assert form in text and "p. i–ii" not in text.replace("pp. i–ii", ""), text
    assert in_text(p, LABELLED, "harvard") == "(Cabinet Office, 2020, pp. i–ii)"


@pytest.mark.parametrize("style, form", [("harvard", "Table 3, p. 2."), ("apa", "(Table 3, p. 2)"),
                                         ("chicago", "(Cabinet Office 2020, Table 3, 2)")])
def test_a_numbered_table_is_cited_by_its_number_and_page(style, form):
    t = Passage("lab-tabletabletab", "lab", 0, "table", 6, 6, "Table 3: Synthetic staff / a b",
                layout={"label": "Table 3", "caption": "Table 3: Synthetic staff"})
    text = cite_passage(t, LABELLED, style, BASE, ACCESSED)
    assert form in text, text
    assert "Table 3" not in cite_passage(t, LABELLED, "csl-json", BASE, ACCESSED).split('"note"')[0]
    check_csl_json(json.loads(cite_passage(t, LABELLED, "csl-json", BASE, ACCESSED)))


def test_a_web_page_is_cited_by_its_section_with_its_original_address():
    web = {"id": "post", "title": "A Synthetic Post", "authors": ["Jane Q. Smith"], "date": "2018",
           "source": "post.html", "kind": "critique", "url": "https://blog.example/post"}
    p = Passage("post-abcdefabcdef", "post", 0, "paragraph", 1, 1, "Synthetic words.", heading_path=["Outcomes"])
    text = cite_passage(p, web, "harvard", BASE, ACCESSED)
    assert text.startswith("Smith, J.Q. (2018) A Synthetic Post.")
    assert "(Accessed: 26 November 2026)" in text and "Original: https://blog.example/post." in text
    assert text.endswith("In text: (Smith, 2018, sect. Outcomes)"), text
    check_csl_json(json.loads(cite_passage(p, web, "csl-json", BASE, ACCESSED)))


@pytest.mark.parametrize("heading", ["Mental health 2020-21", "Steps 1 and 2", "Pay & <conditions>"])
@pytest.mark.parametrize("style, label", [("harvard", "sect."), ("apa", "Section"), ("chicago", "sect.")])
def test_a_section_heading_is_one_section_and_stays_as_written(heading, style, label):
    # Numbers in a heading are not a range of sections, and its hyphen stays a hyphen.
    web = {"id": "post", "title": "A Synthetic Post", "authors": ["Jane Q. Smith"], "date": "2018",
           "source": "post.html", "kind": "critique", "url": "https://blog.example/post"}
    p = Passage("post-abcdefabcdef", "post", 0, "paragraph", 1, 1, "Synthetic words.", heading_path=[heading])
    text = cite_passage(p, web, style, BASE, ACCESSED)
    assert f"{label} {heading})" in text, text
    assert "sects" not in text and "Sections" not in text
