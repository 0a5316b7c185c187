"""The cite control's texts: made once per document and style with a placeholder
page, they must equal what scrutiny.cite makes for each locator directly."""

from __future__ import annotations

import pytest

from scrutiny.site.citations import Citer

DOCS = [
    {"id": "a", "title": "The Alpha Workforce Plan", "publisher": "Department of Examples",
     "authors": ["Example Taskforce"], "date": "2016-02", "source": "a.pdf", "pages": 40},
    {"id": "b", "title": "Work and wellbeing: a review", "authors": ["Dennis Example", "Paula Sample"],
     "publisher": "Office of Samples", "date": "2017-10-26", "source": "b.pdf", "pages": 90},
    {"id": "c", "title": "Undated note", "publisher": "Nobody", "source": "c.pdf", "pages": 3},
]


@pytest.mark.parametrize("doc", DOCS, ids=[d["id"] for d in DOCS])
@pytest.mark.parametrize("base", ["", "https://example.org/site/"])
def test_table_equals_rendering_each_locator(doc, base):
    fast = Citer(base)
    slow = Citer(base)
    slow._probe = lambda style: None   # forces one citeproc call per locator
    locs = ["1", "2-3", "12", "99-101"]
    assert fast.table(doc, locs) == slow.table(doc, locs)


def test_citation_carries_page_and_permalink_placeholders():
    table = Citer("https://example.org").table(DOCS[0], ["2-3"])
    harvard = table["2-3"]["harvard"]
    assert "pp. 2–3" in harvard and "https://example.org/p/SCRUTINYPID/" in harvard
    assert "pages = {2--3}" in table["2-3"]["bibtex"]


def test_the_cite_control_cites_a_numbered_table_by_its_number_and_page():
    from scrutiny.passages import Passage
    from scrutiny.site.citations import Citer

    doc = {"id": "lab", "title": "A Synthetic Labelled Report", "publisher": "Cabinet Office", "date": "2020",
           "source": "lab.pdf", "pages": 9, "page_labels": ["[1]", "i", "ii", "iii", "1", "2", "3", "4", "5"]}
    table = Passage("lab-tabletabletab", "lab", 0, "table", 6, 6, "Table 3: Synthetic staff / a b",
                    layout={"label": "Table 3", "caption": "Table 3: Synthetic staff"})
    plain = Passage("lab-plainplainpla", "lab", 1, "paragraph", 6, 6, "Synthetic words.")
    citer = Citer("https://campaign.example")
    keys = [citer.locator(doc, table), citer.locator(doc, plain)]
    assert keys == ["2|Table 3", "2"]
    texts = citer.table(doc, keys)
    assert "Cabinet Office, Table 3, p. 2. Available at:" in texts["2|Table 3"]["harvard"]
    assert "Cabinet Office, p. 2. Available at:" in texts["2"]["harvard"]
    assert "pages = {2}" in texts["2|Table 3"]["bibtex"]


FLOWING = [
    {"id": "w", "title": "A Synthetic Web Page", "publisher": "Office of Samples", "date": "2019-04-01",
     "source": "w.html", "url": "https://gov.example/w"},
    {"id": "m", "title": "An Undated Note", "authors": ["A. Writer"], "source": "m.md"},
]


@pytest.mark.parametrize("doc", FLOWING, ids=[d["id"] for d in FLOWING])
@pytest.mark.parametrize("base", ["", "https://example.org/site"])
def test_a_passage_without_pages_is_cited_by_its_section_with_the_readers_date_as_scrutiny_cite_does(doc, base):
    """What the browser makes of the cite control's text (the passage id, the base and
    the reader's accessed date put in) equals `scrutiny cite --accessed` for that passage."""
    import datetime as dt

    from scrutiny.cite import cite_passage
    from scrutiny.passages import Passage
    from scrutiny.site.citations import ACCESSED, BASE, PID, format_date

    passages = [Passage(f"{doc['id']}-aaaaaaaaaaaa", doc["id"], 0, "paragraph", 1, 1, "Words of ours.",
                        heading_path=["Costs, and who pays (2019\u201320)"]),
                Passage(f"{doc['id']}-bbbbbbbbbbbb", doc["id"], 1, "paragraph", 1, 1, "More words.",
                        heading_path=["Outcomes"]),
                Passage(f"{doc['id']}-cccccccccccc", doc["id"], 2, "paragraph", 1, 1, "No heading above.")]
    citer = Citer(base)
    slow = Citer(base)
    slow._sections_ok = lambda style: False   # one citeproc call per section
    keys = {p.id: citer.locator(doc, p) for p in passages}
    assert keys[passages[1].id] == "\u00a7Outcomes" and keys[passages[2].id] == ""
    table = citer.table(doc, keys.values())
    assert table == slow.table(doc, keys.values())
    day = dt.date(2024, 5, 6)
    site = base or "http://127.0.0.1:8000"
    for p in passages:
        for style in ("harvard", "apa", "bibtex"):
            text = table[keys[p.id]][style].replace(BASE, site).replace(PID, p.id)
            form = citer.date_form(style)
            assert form is not None
            text = text.replace(ACCESSED, format_date(form, day))
            assert text == cite_passage(p, doc, style, site, accessed=day), (style, p.heading_path)
    harvard = table["\u00a7Outcomes"]["harvard"]
    assert "sect. Outcomes)" in harvard and f"(Accessed: {ACCESSED})" in harvard


@pytest.mark.parametrize("doc", [DOCS[0], FLOWING[0]], ids=["paged", "sections"])
def test_what_a_build_rendered_is_cached_so_the_next_build_runs_no_citeproc(doc):
    """warm() sends a document to the citeproc workers unless is_cached: a key that
    differed from the one rendered() stores made every build render every document again."""
    citer = Citer("https://example.org")
    paged = bool(doc.get("pages"))
    citer.table(doc, ["2-3"] if paged else ["\u00a7Outcomes", ""])
    assert citer.is_cached(doc, paged)
    assert not Citer("https://example.org").is_cached(doc, paged)


def test_the_cache_is_written_only_when_a_text_was_added(tmp_path):
    """A build whose citations are all cached writes nothing and reads only the texts it
    asks for; one that made a new text writes that text only (rows of the site's record
    file, ``scrutiny.site.records``), and a later build reads it back."""
    import sqlite3

    from scrutiny.site.records import FILE

    cache = tmp_path / "site-citations.json"
    cache.write_text("{}", encoding="utf-8")      # the whole-file record of earlier versions: removed
    first = Citer("https://example.org", cache)
    texts = first.table(DOCS[0], ["2-3"])
    made = len(first.cache.new)
    first.save()
    assert made > 0 and not cache.exists()

    def rows():
        db = sqlite3.connect(tmp_path / FILE)
        try:
            return dict(db.execute("SELECT key, value FROM citations").fetchall())
        finally:
            db.close()

    kept = rows()
    assert len(kept) == made
    again = Citer("https://example.org", cache)
    assert again.table(DOCS[0], ["2-3"]) == texts and again.calls == 0
    assert again.cache.new == {} and 0 < len(again.cache._read) <= made
    again.save()
    assert rows() == kept

    more = Citer("https://example.org", cache)
    more.table(DOCS[1], ["4"])
    assert more.calls > 0
    added = set(more.cache.new)
    more.save()
    now = rows()
    assert set(now) == set(kept) | added and {k: now[k] for k in kept} == kept
    last = Citer("https://example.org", cache)
    assert last.table(DOCS[0], ["2-3"]) == texts and last.table(DOCS[1], ["4"]) and last.calls == 0
    # a damaged row is made again, not an error
    db = sqlite3.connect(tmp_path / FILE)
    db.execute("UPDATE citations SET value = '[\"torn'")
    db.commit()
    db.close()
    torn = Citer("https://example.org", cache)
    assert torn.table(DOCS[0], ["2-3"]) == texts and torn.calls > 0
    torn.save()
