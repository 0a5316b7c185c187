"""A stakeholder's documents are listed on pages of their own, by year
(``scrutiny.site.named_lists``): the stakeholder's page gives the counts, the most
recent documents and the years. One document added renders again the stakeholder
pages of those it names and one list page each (its year's), reads the
cross-references of that document only, and the site is a whole build's byte for
byte, every link of it leading somewhere. Page size and the number of recent
documents are made small here so that six documents fill several pages."""

from __future__ import annotations

import json
import os
import re

import pytest

from scrutiny.init import init_project
from scrutiny.pipeline import build
from scrutiny.project import Project

# our own synthetic text: every document names the Kestrel Housing Trust, some the Brightwater Council
TRUST, COUNCIL = "Kestrel Housing Trust", "Brightwater Council"
DOCS = [  # id, date, text
    ("kestrel-first", "2019-01", f"{TRUST} will build 120 homes for key workers by 2022."),
    ("kestrel-second", "2019-05", f"{TRUST} and {COUNCIL} agreed to share the cost of the new wardens."),
    ("kestrel-third", "2019-09", f"{TRUST} said that 40 per cent of its homes need new windows."),
    ("kestrel-fourth", "2020-03", f"{COUNCIL} asked {TRUST} to publish its repair times every month."),
    ("kestrel-undated", None, f"A leaflet of {TRUST} gives the number of its tenants' helpline."),
    ("kestrel-fifth", "2021-06", f"{TRUST} opened an office in the town hall of {COUNCIL}."),
]
NEW = ("kestrel-added", "2020-11", f"{TRUST} promised {COUNCIL} that repairs would start within 10 days.")

STAKEHOLDERS = f"""stakeholders:
  - id: kestrel
    name: {TRUST}
    kind: organisation
    sources:
      - {{source: register, locator: "para 1"}}
  - id: brightwater
    name: {COUNCIL}
    kind: organisation
    sources:
      - {{source: register, locator: "para 1"}}
"""


def _entry(doc_id, date):
    return (f'\n[documents.{doc_id}]\ntitle = "Report {doc_id}"\nkind = "policy"\n'
            + (f'date = "{date}"\n' if date else "") + f'licence = "OGL-UK-3.0"\nsource = "{doc_id}.md"\n')


def _add(project, docs):
    manifest = project.root / "corpus" / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    for doc_id, date, body in docs:
        (project.root / "corpus" / "sources" / f"{doc_id}.md").write_text(
            f"# Report {doc_id}\n\n{body}\n\nThe report was written for this test.\n", encoding="utf-8")
        text += _entry(doc_id, date)
    manifest.write_text(text, encoding="utf-8")


def _project(root, docs) -> Project:
    init_project(root)
    project = Project(root)
    (root / "kb" / "stakeholders.yaml").write_text(STAKEHOLDERS, encoding="utf-8")
    (root / "kb" / "sources.json").write_text(json.dumps([{"id": "register", "type": "report",
                                                           "title": "A register of our own"}]), encoding="utf-8")
    _add(project, docs)
    return project


def _files(out):
    return {os.path.relpath(os.path.join(d, f), out): os.path.join(d, f) for d, _, fs in os.walk(out) for f in fs}


@pytest.fixture
def small_pages(monkeypatch):
    from scrutiny.site import named_lists

    monkeypatch.setattr(named_lists, "PAGE_SIZE", 2)
    monkeypatch.setattr(named_lists, "FIRST", 2)


def test_one_document_added_renders_its_years_list_page_and_gives_the_whole_build_site(tmp_path, monkeypatch,
                                                                                      small_pages):
    from scrutiny.site.linkcheck import check_site
    from scrutiny.site.writer import Writer
    from scrutiny.xref import queries as xref

    (tmp_path / "w").mkdir()
    (tmp_path / "a").mkdir()
    whole = _project(tmp_path / "w" / "proj", DOCS + [NEW])
    assert build(whole, fetch=False).ok
    added = _project(tmp_path / "a" / "proj", DOCS)
    assert build(added, fetch=False).ok
    site = added.site_dir / "stakeholders" / "kestrel"
    # six documents name the trust: 2019 on two pages (two, then one), 2020, 2021, undated
    assert sorted(p.name for p in site.glob("named-*.html")) == [
        "named-2019-1.html", "named-2019.html", "named-2020.html", "named-2021.html", "named-undated.html"]
    before = {p.name: p.read_bytes() for p in site.glob("*.html")}

    written: list[str] = []
    real_write = Writer.write
    monkeypatch.setattr(Writer, "write", lambda self, rel, *a, **k: written.append(rel) or real_write(self, rel, *a, **k))
    read: list = []
    real_rows = xref.stakeholder_documents

    def rows(store, stakeholder_id=None, doc_ids=None):
        read.append(sorted(doc_ids) if doc_ids is not None else None)
        return real_rows(store, stakeholder_id, doc_ids)

    monkeypatch.setattr(xref, "stakeholder_documents", rows)
    _add(added, [NEW])
    assert build(added, fetch=False).ok

    # the site is the whole build's, byte for byte but for the search index (the new
    # document is in its bucket's delta layer), which reads the same; no link of it is broken
    from helpers_site import same_site

    same_site(added.site_dir, whole.site_dir)
    assert check_site(added.site_dir)[0] == []

    # the site read the new document's rows, no other's, and made again the lists of the
    # stakeholders it names only (the others' are kept by stakeholder, site-records.sqlite)
    from scrutiny.site.named_lists import ListStats

    assert read == [[NEW[0]]]
    assert ListStats.made == ["brightwater", "kestrel"]
    # of the stakeholders' pages: the two named by the new document, and its year's list page each
    listed = sorted(rel for rel in written if rel.startswith("stakeholders/") and rel != "stakeholders/index.html")
    assert listed == ["stakeholders/brightwater/index.html", "stakeholders/brightwater/named-2020.html",
                      "stakeholders/kestrel/index.html", "stakeholders/kestrel/named-2020.html"], listed
    after = {p.name: p.read_bytes() for p in site.glob("*.html")}
    assert sorted(n for n in after if after[n] != before.get(n)) == ["index.html", "named-2020.html"]

    # what the pages say: the newest first, the counts, the years, each page's place
    main = (site / "index.html").read_text(encoding="utf-8")
    named = main.split('id="men-h"')[1]
    assert "7 documents" in named
    assert named.index("Report kestrel-fifth") < named.index("Report kestrel-added")
    assert "Report kestrel-first" not in named    # on its year's page, not here
    years = re.findall(r'<a href="\.\./\.\./stakeholders/kestrel/(named-[^"]+)">([^<]+)</a>', named)
    assert years == [("named-2021.html", "2021"), ("named-2020.html", "2020"), ("named-2019.html", "2019"),
                     ("named-undated.html", "undated")]
    year = (site / "named-2020.html").read_text(encoding="utf-8")
    assert year.index("Report kestrel-added") < year.index("Report kestrel-fourth")
    # each page links the next newer and older ones, across years, and the stakeholder's page (every year)
    assert 'href="named-2021.html" rel="prev">Newer: 2021<' in year
    assert 'href="named-2019.html" rel="next">Older: 2019, page 2 of 2<' in year
    assert 'href="../../stakeholders/kestrel/index.html#men-h">Every year<' in year
    newest, oldest = (site / "named-2019.html").read_text(encoding="utf-8"), \
        (site / "named-2019-1.html").read_text(encoding="utf-8")
    assert "Page 2 of 2 of 2019" in newest and "Report kestrel-third" in newest and "kestrel-first" not in newest
    assert 'href="named-2019-1.html" rel="next">Older: 2019, page 1 of 2<' in newest
    assert 'href="named-2020.html" rel="prev">Newer: 2020<' in newest
    assert "Page 1 of 2 of 2019" in oldest and 'href="named-2019.html" rel="prev"' in oldest
    assert 'href="named-undated.html" rel="next">Older: undated<' in oldest
    assert oldest.index("Report kestrel-second") < oldest.index("Report kestrel-first")
    first, last = (site / "named-2021.html").read_text(encoding="utf-8"), \
        (site / "named-undated.html").read_text(encoding="utf-8")
    assert 'rel="prev"' not in first and 'rel="next"' not in last

    # nothing changed: nothing read, nothing rendered
    written.clear()
    read.clear()
    monkeypatch.setattr("scrutiny.site.uptodate.check", lambda *a, **k: None)   # go through the whole site stage
    assert build(added, fetch=False).ok
    assert read == [] and [rel for rel in written if rel.startswith("stakeholders/")] == []
    assert ListStats.made == []
    # a kept list's page rendered again (its key unchanged) reads its documents from the record
    page = "stakeholders/kestrel/named-2019-1.html"
    kept_bytes = (added.site_dir / page).read_bytes()
    real_fresh = Writer.fresh
    monkeypatch.setattr(Writer, "fresh", lambda self, rel, key: rel != page and real_fresh(self, rel, key))
    written.clear()
    assert build(added, fetch=False).ok
    assert ListStats.made == [] and page in written
    monkeypatch.setattr(Writer, "fresh", real_fresh)
    assert (added.site_dir / page).read_bytes() == kept_bytes and b"Report kestrel-first" in kept_bytes

    # a naming document's entry: what the lists do not show renders none of their pages,
    # its title (its label) the one page that lists it
    manifest = added.root / "corpus" / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    assert text.count('title = "Report kestrel-first"\n') == 1
    manifest.write_text(text.replace('title = "Report kestrel-first"\n',
                                     'title = "Report kestrel-first"\npublisher = "A press of our own"\n'),
                        encoding="utf-8")
    written.clear()
    assert build(added, fetch=False).ok
    assert "doc/kestrel-first/index.html" in written
    assert read == [] and [rel for rel in written if rel.startswith("stakeholders/")] == []
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        'title = "Report kestrel-first"', 'title = "Report kestrel-first, revised"'), encoding="utf-8")
    written.clear()
    assert build(added, fetch=False).ok
    # (a title is part of what the document's cross-references are made from: its rows read again, its own)
    assert read in ([], [["kestrel-first"]])
    assert [rel for rel in written if rel.startswith("stakeholders/kestrel/")] == ["stakeholders/kestrel/named-2019-1.html"]
    assert "Report kestrel-first, revised" in (site / "named-2019-1.html").read_text(encoding="utf-8")
    assert check_site(added.site_dir)[0] == []

    # a document of a year none had: its page, and the page beside it (whose "newer" link it becomes)
    written.clear()
    read.clear()
    _add(added, [("kestrel-later", "2023-04", f"{TRUST} will report on its repairs in the spring.")])
    assert build(added, fetch=False).ok
    assert read == [["kestrel-later"]]
    assert sorted(rel for rel in written if rel.startswith("stakeholders/kestrel/")) == [
        "stakeholders/kestrel/index.html", "stakeholders/kestrel/named-2021.html", "stakeholders/kestrel/named-2023.html"]
    assert 'href="named-2023.html" rel="prev">Newer: 2023<' in (site / "named-2021.html").read_text(encoding="utf-8")
    assert check_site(added.site_dir)[0] == []

    # a kept list's row of another shape (an older version) or damaged: every list made again, the same pages
    import sqlite3

    before = {p.name: p.read_bytes() for p in site.glob("*.html")}
    for damage in ("UPDATE docs SET value = '[1, 2, 3]' WHERE name = 'site-named-lists' AND doc_id = 'kestrel'",
                   "UPDATE docs SET value = '[[\"torn' WHERE name = 'site-named-docs'"):
        db = sqlite3.connect(added.data_dir / "site-records.sqlite")
        db.execute(damage)
        db.commit()
        db.close()
        _add(added, [(f"brightwater-{len(damage)}", "2018-02", f"{COUNCIL} opened a new office.")])
        assert build(added, fetch=False).ok
        assert "kestrel" in ListStats.made and "brightwater" in ListStats.made
        assert {p.name: p.read_bytes() for p in site.glob("*.html")} == before


def test_a_short_list_is_whole_on_the_stakeholders_page(tmp_path, monkeypatch):
    from scrutiny.site import named_lists

    monkeypatch.setattr(named_lists, "FIRST", 10)
    project = _project(tmp_path / "proj", DOCS)
    assert build(project, fetch=False).ok
    site = project.site_dir / "stakeholders" / "kestrel"
    assert not list(site.glob("named-*.html"))
    named = (site / "index.html").read_text(encoding="utf-8").split('id="men-h"')[1]
    assert "6 documents" in named and "The most recent" not in named and "named-" not in named
    assert all(f"Report {d}" in named for d, _, _ in DOCS)


# a stakeholder named by many documents over several years (page size two, as above)
SEASONS = ("spring", "summer", "autumn")
MANY = [(f"k{year}{'abc'[i]}", f"{year}-{3 + 4 * i:02d}",
         f"{TRUST} reported {7 * i + year % 100} repairs in the {SEASONS[i]} of {year}.")
        for year in range(2016, 2020) for i in range(3)] + [
    ("k-notice", None, f"A notice of {TRUST} lists the opening hours of its offices.")]
MIDDLE = ("k2017d", "2017-08", f"{TRUST} counted the homes still waiting for new boilers.")
UNDATED = ("k-leaflet", None, f"A leaflet of {TRUST} explains how to report a leaking roof.")


class _Counting:
    """A record connection that notes the ``site-named-docs`` rows read and written, with
    the ``[doc id, mentions]`` pairs each holds (whatever the rows are keyed by)."""

    def __init__(self, db, log):
        self._db, self._log = db, log

    def execute(self, sql, params=()):
        cur = self._db.execute(sql, params)
        if "site-named-docs" not in params:
            return cur
        if sql.lstrip().upper().startswith("SELECT"):
            rows = cur.fetchall()
            for row in rows:
                self._log["read"].append((list(params), len(json.loads(row[-1]))))
            return _Rows(rows)
        if sql.lstrip().upper().startswith("INSERT"):
            self._log["written"].append((params[1], len(json.loads(params[3]))))
        return cur

    def executemany(self, sql, seq):
        seq = list(seq)
        for params in seq:
            if "site-named-docs" in params and sql.lstrip().upper().startswith("INSERT"):
                self._log["written"].append((params[1], len(json.loads(params[3]))))
        return self._db.executemany(sql, seq)

    def __getattr__(self, name):
        return getattr(self._db, name)


class _Rows:
    def __init__(self, rows):
        self._rows = list(rows)

    def fetchone(self):
        return self._rows.pop(0) if self._rows else None

    def fetchall(self):
        rows, self._rows = self._rows, []
        return rows

    def __iter__(self):
        return iter(self.fetchall())


def _redate(project, doc_id, date):
    manifest = project.root / "corpus" / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    old = f'[documents.{doc_id}]\ntitle = "Report {doc_id}"\nkind = "policy"\ndate = "'
    assert text.count(old) == 1
    at = text.index(old) + len(old)
    manifest.write_text(text[:at] + date + text[text.index('"', at):], encoding="utf-8")


def test_one_document_added_reads_and_writes_the_kept_documents_of_its_year_only(tmp_path, monkeypatch,
                                                                                small_pages):
    """A stakeholder's kept documents are a row per year: one document added reads and
    writes its year's (three and four documents here), not the stakeholder's thirteen,
    and the site is a whole build's; a document moved to another year, among the newest,
    and one added undated give a whole build's site too."""
    from scrutiny.site import records
    from scrutiny.site.named_lists import ListStats

    from helpers_site import same_site

    log: dict = {"read": [], "written": []}
    real_connect = records.connect
    monkeypatch.setattr(records, "connect", lambda cache_dir: _Counting(real_connect(cache_dir), log))

    for name in ("w1", "w2", "a"):
        (tmp_path / name).mkdir()
    whole = _project(tmp_path / "w1" / "proj", MANY + [MIDDLE])
    assert build(whole, fetch=False).ok
    added = _project(tmp_path / "a" / "proj", MANY)
    assert build(added, fetch=False).ok
    site = added.site_dir / "stakeholders" / "kestrel"
    assert (site / "named-2017-1.html").exists() and (site / "named-2017.html").exists()

    log["read"].clear()
    log["written"].clear()
    _add(added, [MIDDLE])
    assert build(added, fetch=False).ok
    assert ListStats.made == ["kestrel"]
    # its year's three documents read, and written with it; no other year's
    assert sum(n for _, n in log["read"]) == 3, log["read"]
    assert [n for _, n in log["written"]] == [4], log["written"]
    same_site(added.site_dir, whole.site_dir)

    # the newest document dated three years back (its old year's row and its new one, and the
    # newest documents found again) and an undated one added: still a whole build's site
    again = _project(tmp_path / "w2" / "proj", MANY + [MIDDLE, UNDATED])
    _redate(again, "k2019c", "2016-12")
    assert build(again, fetch=False).ok
    log["read"].clear()
    log["written"].clear()
    _redate(added, "k2019c", "2016-12")
    _add(added, [UNDATED])
    assert build(added, fetch=False).ok
    assert ListStats.made == ["kestrel"]
    assert sorted(n for _, n in log["written"]) == [2, 2, 4], log["written"]   # 2019, undated, 2016
    assert sum(n for _, n in log["read"]) < 13, log["read"]
    same_site(added.site_dir, again.site_dir)
    assert not (site / "named-2019-1.html").exists()
