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
