"""One document added to a tagged corpus, site included (``scrutiny ingest FILE``
then ``scrutiny build``): the site is the one a whole build makes, byte for byte,
and the site stage reads the tagger's output of the new document only: its
mentions (the stakeholders each document names, for the document pages' keys)
and its tie candidates' sentences (the suggested ties), the other documents'
being kept from the last build (``.scrutiny/site-records.sqlite``: the named
stakeholders by document, the suggested ties by document and by tie), counted here."""

from __future__ import annotations

import os

from test_add_one_document import _project

from scrutiny.ingest import ingest
from scrutiny.pipeline import build


def _files(out):
    return {os.path.relpath(os.path.join(d, f), out): os.path.join(d, f)
            for d, _, fs in os.walk(out) for f in fs}


def _same_site(a, b):
    """Byte for byte but for the search index, the same search index as a reader gets it
    (the document added is in its bucket's delta layer)."""
    from helpers_site import same_site

    return same_site(a, b)


def test_one_document_added_reads_its_own_tags_and_gives_the_whole_build_site(tmp_path, monkeypatch):
    import scrutiny.tags.queries as queries

    # the same folder name (the site shows the project's name), in two places
    (tmp_path / "w").mkdir()
    (tmp_path / "a").mkdir()
    whole, files = _project(tmp_path / "w", "proj")
    assert ingest(whole, files).ok
    assert build(whole, fetch=False).ok

    added, files = _project(tmp_path / "a", "proj")
    assert ingest(added, files[:-1]).ok
    assert build(added, fetch=False).ok
    assert (added.data_dir / "site-records.sqlite").is_file()
    assert ingest(added, files[-1:]).ok

    seen = {"located": [], "named": []}
    real_located, real_named = queries.located_evidence, queries.stakeholder_documents

    def located(store, rows):
        out = real_located(store, rows)
        seen["located"].append(sorted({x[1] for x in out}))
        return out

    def named(store, doc_ids=None):
        seen["named"].append(None if doc_ids is None else sorted(doc_ids))
        return real_named(store, doc_ids)

    monkeypatch.setattr(queries, "located_evidence", located)
    monkeypatch.setattr(queries, "stakeholder_documents", named)
    from scrutiny.site.suggested_ties import Stats

    result = build(added, fetch=False)
    assert result.ok
    assert _same_site(added.site_dir, whole.site_dir) > 30
    # the tie sentences located again are the new document's (it has some), no other's
    assert seen["located"] == [["orchard-briefing"]], seen
    # the candidate rows read are the new document's, not the corpus's
    from scrutiny.store import Store

    with Store(added.store_path) as store:
        theirs = store.db.execute(
            "SELECT count(*) FROM nlp_tie_candidates WHERE tie_id IS NOT NULL AND passage_id IN "
            "(SELECT id FROM passages WHERE doc_id = 'orchard-briefing')").fetchone()[0]
        every = store.db.execute("SELECT count(*) FROM nlp_tie_candidates WHERE tie_id IS NOT NULL").fetchone()[0]
    assert Stats.docs_located == ["orchard-briefing"]
    assert 0 < Stats.candidates_read == theirs < every
    # every mention read is the new document's (the cross-references read theirs too), never all of them
    assert seen["named"] and all(d == ["orchard-briefing"] for d in seen["named"]), seen

    # what was compared holds what the test is about: suggested ties on a stakeholder's page
    import sqlite3

    db = sqlite3.connect(added.data_dir / "site-records.sqlite")
    docs = {d for (d,) in db.execute("SELECT DISTINCT doc_id FROM tie_parts")}
    db.close()
    assert "orchard-briefing" in docs and len(docs) > 1

    # nothing changed: nothing read again
    seen["located"].clear()
    seen["named"].clear()
    monkeypatch.setattr("scrutiny.site.uptodate.check", lambda *a, **k: None)   # go through the whole site stage
    assert build(added, fetch=False).ok
    assert seen["located"] == [] and seen["named"] == []
    assert Stats.docs_located == [] and Stats.candidates_read == 0 and Stats.ties_made == []
    _same_site(added.site_dir, whole.site_dir)
