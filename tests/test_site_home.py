"""The home page of a large corpus lists its newest documents, not every one: at
10,000 documents the full list made a 1.5 MB page (for a phone) that every document
added rendered again. A small corpus still lists them all. The page is read with
lxml's HTML parser."""

from __future__ import annotations

from lxml import html as lxml_html

from conftest import run_cli
from scrutiny.init import init_project
from scrutiny.site.generators import HOME_ALL, HOME_NEWEST, home_documents


def _doc(i: int, date: str | None) -> dict:
    return {"id": f"d{i:03d}", "date": date}


def test_a_small_corpus_lists_every_document_in_its_order():
    docs = [_doc(i, f"20{10 + i % 10}-01-01") for i in range(HOME_ALL)]
    assert home_documents(docs) == docs


def test_a_large_corpus_lists_the_newest_and_the_undated_last():
    docs = [_doc(i, None if i % 7 == 0 else f"{2000 + i % 25}-{1 + i % 12:02d}-01") for i in range(HOME_ALL + 40)]
    shown = home_documents(docs)
    assert len(shown) == HOME_NEWEST
    dates = [d["date"] for d in shown]
    assert dates == sorted(dates, reverse=True) and None not in dates
    oldest_shown = dates[-1]
    assert all((d["date"] or "") <= oldest_shown for d in docs if d not in shown)


def test_the_home_page_of_a_large_corpus_links_to_the_full_list(tmp_path):
    root = tmp_path / "p"
    init_project(root)
    files = []
    n = HOME_ALL + 3
    for i in range(n):
        f = tmp_path / f"note-{i:03d}.md"
        f.write_text(f"# Hazel Note {i}\n\nThe Hazel Forum met {i} times about crisis beds.\n", encoding="utf-8")
        files.append(str(f))
    r = run_cli("ingest", "--no-tag", "--licence", "OGL-UK-3.0", *files, root=root)
    assert r.exit_code == 0, r.output
    # dates set in the manifest: the newest are the highest numbers
    manifest = root / "corpus" / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    for i in range(n):
        text = text.replace(f'[documents.note-{i:03d}]\n', f'[documents.note-{i:03d}]\ndate = "{2000 + i // 12}-{1 + i % 12:02d}-01"\n')
    manifest.write_text(text, encoding="utf-8")
    r = run_cli("build", "--offline", root=root)
    assert r.exit_code == 0, r.output
    page = lxml_html.fromstring((root / "site" / "index.html").read_bytes())
    listed = [a.get("href") for a in page.xpath('//section[@aria-labelledby="docs-h"]//ul[@class="doc-list"]/li//a[1]')]
    listed = [h for h in listed if "/doc/" in h or h.startswith("doc/")]
    assert len(listed) == HOME_NEWEST
    assert any(f"note-{n - 1:03d}" in h for h in listed) and not any("note-000" in h for h in listed)
    note = " ".join(page.xpath('//section[@aria-labelledby="docs-h"]/p[@class="meta"]//text()'))
    assert f"of {n} documents" in note
    link = page.xpath('//section[@aria-labelledby="docs-h"]/p[@class="meta"]/a/@href')
    assert link and (root / "site" / link[0].split("#")[0]).resolve().parent == (root / "site" / "documents").resolve()
    every = lxml_html.fromstring((root / "site" / "documents" / "index.html").read_bytes())
    assert sum(1 for i in range(n) if every.xpath(f'//a[contains(@href, "note-{i:03d}")]')) == n


def test_a_large_corpus_lists_its_documents_by_year_and_a_document_added_renders_its_year(tmp_path, monkeypatch):
    """Past DOCUMENTS_ALL (lowered here), the documents page lists the years, each
    linking to its own page of documents; every document is on exactly one year's page;
    a document added renders its year's page and the page of years only."""
    import scrutiny.site.generators as generators

    monkeypatch.setattr(generators, "DOCUMENTS_ALL", 5)
    root = tmp_path / "p"
    init_project(root)
    files = []
    for i in range(9):
        f = tmp_path / f"elm-{i}.md"
        f.write_text(f"# Elm Paper {i}\n\nThe Elm Network counted {i + 3} peer groups.\n", encoding="utf-8")
        files.append(str(f))
    assert run_cli("ingest", "--no-tag", "--licence", "OGL-UK-3.0", *files, root=root).exit_code == 0
    manifest = root / "corpus" / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    for i in range(8):      # elm-8 stays undated
        text = text.replace(f"[documents.elm-{i}]\n", f'[documents.elm-{i}]\ndate = "{2019 + i % 3}-05-01"\n')
    manifest.write_text(text, encoding="utf-8")
    assert run_cli("build", "--offline", root=root).exit_code == 0
    site = root / "site" / "documents"
    index = lxml_html.fromstring((site / "index.html").read_bytes())
    links = index.xpath('//nav[@aria-label="Documents by year"]//a/@href')
    assert [h.rsplit("/", 1)[1] for h in links] == ["2021.html", "2020.html", "2019.html", "undated.html"]
    listed = {}
    for h in links:
        page = (site / h.rsplit("/", 1)[1]).resolve()
        assert page.is_file() and page.parent == site.resolve()
        tree = lxml_html.fromstring(page.read_bytes())
        for a in tree.xpath('//ul[@class="doc-list"]//a/@href'):
            doc = a.rstrip("/").split("/doc/")[-1].split("/")[0]
            listed.setdefault(doc, []).append(page.name)
            assert (page.parent / a).resolve().is_file() or (page.parent / a / "index.html").resolve().is_file()
    assert sorted(listed) == [f"elm-{i}" for i in range(9)] and all(len(v) == 1 for v in listed.values())
    assert listed["elm-8"] == ["undated.html"] and listed["elm-4"] == ["2020.html"]

    before = {p.name: p.stat().st_ino for p in site.iterdir()}
    f = tmp_path / "elm-9.md"
    f.write_text("# Elm Paper 9\n\nThe Elm Network opened a second office.\n", encoding="utf-8")
    assert run_cli("ingest", "--no-tag", "--licence", "OGL-UK-3.0", "--date", "2019-09-01", str(f),
                   root=root).exit_code == 0
    assert run_cli("build", "--offline", root=root).exit_code == 0
    after = {p.name: p.stat().st_ino for p in site.iterdir()}
    assert sorted(n for n in after if after[n] != before.get(n)) == ["2019.html", "index.html"]
    assert "elm-9" in (site / "2019.html").read_text(encoding="utf-8")
