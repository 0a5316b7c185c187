"""Exports, each read back by an independent consumer library."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest
from helpers_cite import add_document, check_csl_json, plan_store, write_kb
from helpers_tagging import write_tags

from scrutiny.export import export
from scrutiny.readers.base import PARAGRAPH

BASE = "https://campaign.example/scrutiny"

@pytest.fixture
def corpus(project):
    from scrutiny.xref import build_xrefs

    store, plan = plan_store(project)
    write_kb(project.root, plan)
    add_document(store, {"id": "review", "title": "A Synthetic Review", "kind": "policy", "source": "r.pdf",
                         "pages": 1},
                 [(PARAGRAPH, 1, "The Example Therapy Taskforce promised 21k new staff for the region's clinics.")])
    recruit = next(p for p in plan if "21,000" in p.text)
    sentence_end = len(recruit.text)
    start = recruit.text.index("11,000")
    review = store.passages("review")[0]
    s = review.text.index("Example Therapy Taskforce")
    write_tags(
        store,
        claims=[(f"{recruit.id}@0", recruit.id, "plan", 2, 0, sentence_end, recruit.text[:sentence_end],
                 json.dumps(["commitment", "statistic"]), "{}", 0.9, "rule")],
        mentions=[(recruit.id, "plan", start, start + 6, "11,000", "organisation", "model", 0.5, None, None),
                  (review.id, "review", s, s + 25, "Example Therapy Taskforce", "organisation", "curated", 1.0,
                   "taskforce", "taskforce")],
        ties=[(review.id, 0, len(review.text), "provides", None, 0.6, "test", s, s + 25,
               "Example Therapy Taskforce", "organisation", 0, 3, "The", "organisation", "taskforce", None, None)])
    build_xrefs(project, store)
    store.close()
    return plan


def test_graphml_reads_back_in_networkx(project, corpus, tmp_path):
    import networkx as nx

    out = tmp_path / "graph.graphml"
    export(project, "graphml", out, base_url=BASE)
    g = nx.read_graphml(out)
    assert g.nodes["taskforce"]["kind"] == "organisation"
    assert g.nodes["taskforce"]["label"] == "Example Therapy Taskforce"
    edges = {(u, v, d["relation"]) for u, v, d in g.edges(data=True)}
    assert ("department", "taskforce", "member_of") in edges
    assert ("taskforce", "doc:review", "named_in") in edges
    named = next(d for u, v, d in g.edges(data=True) if d["relation"] == "named_in")
    assert named["weight"] == 1.0 and named["label"] == "named in"
    assert named["sources"] == "A Synthetic Review: 1 mentions in 1 passages"
    tie = next(d for u, v, d in g.edges(data=True) if d["relation"] == "member_of")
    assert tie["label"] and tie["label"] != "member_of"            # what Gephi shows on the edge
    # the sources as text (the kb source's title and locator), the evidence as permalinks
    assert tie["sources"] == "A Synthetic Plan for Regional Therapy Services, p. 1"
    assert tie["passages"] == f"{BASE}/p/{corpus[1].id}/"
    # keys named after their attribute, typed
    text = out.read_text(encoding="utf-8")
    assert 'id="d0"' not in text
    assert '<key id="edge_weight" for="edge" attr.name="weight" attr.type="double"/>' in text
    assert '<key id="node_label" for="node" attr.name="label" attr.type="string"/>' in text
    assert '<key id="edge_label" for="edge" attr.name="label" attr.type="string"/>' in text


def test_graphml_reads_in_igraph_with_ids_stable_across_exports(project, corpus, tmp_path):
    import igraph

    first, second = tmp_path / "a.graphml", tmp_path / "b.graphml"
    export(project, "graphml", first)
    export(project, "graphml", second)
    assert first.read_bytes() == second.read_bytes()
    g = igraph.Graph.Read_GraphML(str(first))
    names = set(g.vs["id"])
    assert {"taskforce", "department", "doc:plan", "doc:review"} <= names
    assert "department-published-plan" in g.es["edge_key"]
    tie = g.es[g.es["edge_key"].index("department-published-plan")]
    assert g.vs[tie.source]["id"] == "department" and g.vs[tie.target]["id"] == "taskforce"
    assert tie["relation"] == "member_of"


def test_csv_reads_back(project, corpus, tmp_path):
    text = export(project, "csv", table="passages", base_url=BASE)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["doc_id"] for r in rows} == {"plan", "review"}
    assert rows[0]["permalink"] == f"{BASE}/p/{rows[0]['id']}/"
    written = export(project, "csv", tmp_path / "csv", table="all")
    names = {p.name for p in written}
    assert {"passages.csv", "claims.csv", "ties.csv", "stakeholders.csv", "mentions.csv",
            "xrefs.csv", "claim_recurrences.csv", "stakeholder_documents.csv"} <= names
    with open(tmp_path / "csv" / "claims.csv", newline="", encoding="utf-8") as fh:
        (claim,) = list(csv.DictReader(fh))
    assert claim["id"] == "recruit-staff" and claim["kinds"] == "commitment"
    with open(tmp_path / "csv" / "tagged_claims.csv", newline="", encoding="utf-8") as fh:
        (tagged,) = list(csv.DictReader(fh))
    assert tagged["kinds"] == "commitment; statistic"      # a list in one cell


def test_csv_unknown_table_is_a_clear_error(project, corpus, cli_runner):
    res = cli_runner("export", "--format", "csv", "--table", "nope", root=project.root)
    assert res.exit_code == 1 and "no table 'nope'" in res.output


def test_json_dump(project, corpus):
    data = json.loads(export(project, "json"))
    assert {"documents", "passages", "claims", "ties", "stakeholders", "tagged_claims", "mentions",
            "xrefs", "claim_recurrences", "redirects"} <= set(data)
    # real lists, never a list encoded as a string inside the JSON or joined with ";"
    assert data["tagged_claims"][0]["kinds"] == ["commitment", "statistic"]
    plan = next(d for d in data["documents"] if d["id"] == "plan")
    assert plan["authors"] == ["Example Therapy Taskforce"]
    assert next(c for c in data["claims"])["documents"] == ["plan"]
    assert all(isinstance(s["aliases"], list) for s in data["stakeholders"])


@pytest.mark.filterwarnings("ignore:The following arguments for Reference are unsupported")
def test_csl_json_documents_and_sources(project, corpus):
    items = json.loads(export(project, "csl-json"))
    check_csl_json(items)
    ids = {i["id"] for i in items}
    assert {"plan", "review", "src-plan"} <= ids
    from citeproc.source.json import CiteProcJSON

    assert len(CiteProcJSON(items)) == len(items)


def test_sqlite_needs_out(project, corpus, cli_runner):
    res = cli_runner("export", "--format", "sqlite", root=project.root)
    assert res.exit_code == 1 and "needs --out" in res.output


def test_export_without_store_is_a_clear_error(project, cli_runner):
    res = cli_runner("export", "--format", "json", root=project.root)
    assert res.exit_code == 1 and "scrutiny ingest" in res.output


def test_sentence_pages_come_from_the_passage_page_breaks(project):
    """A passage running from page 7 onto page 8: its second sentence, tagged as a
    claim (the tagger stores the passage's first page), is exported on page 8."""
    from scrutiny.passages import make_passages
    from scrutiny.readers.base import Block
    from scrutiny.store import Store

    first = "The fund opened to every district in the spring."
    second = "Its budget doubled in the following year to reach most clinics."
    text = f"{first} {second}"
    (p,) = make_passages("paged", [Block(kind=PARAGRAPH, text=text, page=7, page_breaks=[len(first) + 1])])
    with Store(project.store_path) as store:
        with store.transaction():
            store.upsert_document({"id": "paged", "title": "Paged", "kind": "policy", "source": "paged.pdf",
                                   "pages": 9, "passages": 1})
            store.replace_passages("paged", [p])
        start = text.index(second)
        write_tags(store,
                   claims=[(f"{p.id}@{s}:{e}", p.id, "paged", 7, s, e, text[s:e], json.dumps(["statistic"]), "{}",
                            0.9, "rule") for s, e in ((0, len(first)), (start, len(text)), (0, len(text)))],
                   mentions=[(p.id, "paged", start, start + 10, text[start:start + 10], "organisation", "model",
                              0.5, None, None)])
    rows = {r["text"]: r for r in csv.DictReader(io.StringIO(export(project, "csv", table="tagged_claims",
                                                                            full_text=True)))}
    assert (rows[first]["page"], rows[first]["page_end"]) == ("7", "7")
    assert (rows[second]["page"], rows[second]["page_end"]) == ("8", "8")
    assert (rows[text]["page"], rows[text]["page_end"]) == ("7", "8")
    (mention,) = csv.DictReader(io.StringIO(export(project, "csv", table="mentions")))
    assert mention["page"] == "8"


def test_pages_are_exported_as_printed_and_as_physical(project):
    """A report whose cover and contents come before its page 1: every export
    gives the page as printed (page, page_end) and the PDF's page (pdf_page)."""
    from scrutiny.passages import make_passages
    from scrutiny.readers.base import Block
    from scrutiny.store import Redirect, Store

    blocks = [Block(kind=PARAGRAPH, text="A synthetic foreword about the plan's aims.", page=2),
              Block(kind=PARAGRAPH, text="A synthetic finding about waiting times in clinics.", page=4, page_end=5)]
    passages = make_passages("labelled", blocks)
    with Store(project.store_path) as store:
        with store.transaction():
            store.upsert_document({"id": "labelled", "title": "Labelled", "kind": "policy", "source": "l.pdf",
                                   "pages": 5, "passages": 2, "page_labels": ["[1]", "i", "ii", "1", "2"]})
            store.replace_passages("labelled", passages)
            store.save_redirect(Redirect("labelled-oldoldoldold", "labelled", None, "orphan", None,
                                         "Gone words.", 3, "2026-01-01"))
        write_tags(store, claims=[(f"{passages[1].id}@0", passages[1].id, "labelled", 4, 0, 10,
                                   passages[1].text[:10], json.dumps(["statistic"]), "{}", 0.9, "rule")])
    data = json.loads(export(project, "json", full_text=True))
    rows = {r["text"]: r for r in data["passages"]}
    fore = rows[blocks[0].text]
    assert (fore["page"], fore["page_end"], fore["pdf_page"], fore["pdf_page_end"]) == ("i", "i", 2, 2)
    finding = rows[blocks[1].text]
    assert (finding["page"], finding["page_end"], finding["pdf_page"], finding["pdf_page_end"]) == ("1", "2", 4, 5)
    (claim,) = data["tagged_claims"]
    assert (claim["page"], claim["pdf_page"]) == ("1", 4)
    (redirect,) = data["redirects"]
    assert (redirect["old_page"], redirect["old_pdf_page"]) == ("ii", 3)
    rows = csv.DictReader(io.StringIO(export(project, "csv", full_text=True)))
    (row,) = [r for r in rows if r["text"] == blocks[0].text]
    assert (row["page"], row["pdf_page"]) == ("i", "2")


def test_text_of_a_document_that_may_not_be_republished_stays_out_unless_asked(project, corpus, tmp_path):
    """The plan has no licence in the manifest and the review none at all; a
    document given an open licence is exported whole. Like the site, the exports
    give the others' passages and sentences without their text; --full-text
    (for private use) gives it."""
    from click.testing import CliRunner

    from scrutiny.cli import cli
    from scrutiny.store import Store

    with Store(project.store_path) as store:
        open_doc = add_document(store, {"id": "open", "title": "An Open Report", "kind": "policy",
                                        "source": "o.pdf", "pages": 1, "licence": "CC-BY-4.0"},
                                [(PARAGRAPH, 1, "An openly licensed sentence about clinic staffing.")])
        (review,) = store.passages("review")
    data = json.loads(export(project, "json"))
    docs = {d["id"]: d for d in data["documents"]}
    assert (docs["plan"]["republished"], docs["review"]["republished"], docs["open"]["republished"]) == (0, 0, 1)
    rows = {r["id"]: r for r in data["passages"]}
    assert rows[review.id]["text"] is None and rows[review.id]["permalink"]
    assert all(rows[p.id]["text"] is None for p in corpus)
    assert rows[open_doc[0].id]["text"] == open_doc[0].text
    assert data["tagged_claims"] and all(c["text"] is None for c in data["tagged_claims"])
    dumped = json.dumps(data)
    assert review.text not in dumped and not any(p.text in dumped for p in corpus if len(p.text) > 20)
    full = json.loads(export(project, "json", full_text=True))
    assert {r["id"]: r for r in full["passages"]}[review.id]["text"] == review.text

    out = tmp_path / "corpus.db"
    export(project, "sqlite", out)
    with sqlite3.connect(out) as db:
        assert db.execute("SELECT text FROM passages WHERE id = ?", (review.id,)).fetchone() == (None,)
    result = CliRunner().invoke(cli, ["--root", str(project.root), "export", "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert review.text not in result.stdout and open_doc[0].text in result.stdout
    assert "left out the text of 2 document(s)" in result.stderr and "plan, review" in result.stderr


def test_csl_json_of_a_licensed_document_is_valid_for_the_published_schema():
    """The licence is not a variable of the published csl-data schema: it stays on
    our pages (DC.rights) and out of CSL-JSON."""
    from scrutiny.cite.csl import csl_item
    from scrutiny.export import csl_items
    from scrutiny.export.data import ExportData

    items = csl_items(ExportData(documents=[{"id": "open", "title": "An Open Report", "kind": "policy",
                                             "licence": "CC-BY-4.0", "url": "https://gov.example/o"}],
                                 passages=[], redirects=[]))
    check_csl_json(items)
    assert items[0]["URL"] == "https://gov.example/o" and "license" not in items[0]
    assert csl_item({"id": "open", "title": "T", "licence": "CC-BY-4.0"})["x-license"] == "CC-BY-4.0"
