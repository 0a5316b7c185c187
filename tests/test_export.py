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

# A hand-written subset of the W3C Web Annotation JSON-LD context (the terms our
# export uses, mapped to the oa:, as:, rdf:, dcterms: vocabularies), served to
# pyld in place of http://www.w3.org/ns/anno.jsonld, which tests cannot fetch.
ANNO_CONTEXT = {"@context": {
    "oa": "http://www.w3.org/ns/oa#", "as": "http://www.w3.org/ns/activitystreams#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "dc": "http://purl.org/dc/elements/1.1/", "xsd": "http://www.w3.org/2001/XMLSchema#",
    "id": "@id", "type": "@type",
    "Annotation": "oa:Annotation", "TextualBody": "oa:TextualBody",
    "TextQuoteSelector": "oa:TextQuoteSelector", "TextPositionSelector": "oa:TextPositionSelector",
    "AnnotationCollection": "as:OrderedCollection", "AnnotationPage": "as:OrderedCollectionPage",
    "body": {"@type": "@id", "@id": "oa:hasBody"},
    "target": {"@type": "@id", "@id": "oa:hasTarget"},
    "source": {"@type": "@id", "@id": "oa:hasSource"},
    "selector": {"@type": "@id", "@id": "oa:hasSelector"},
    "purpose": {"@type": "@vocab", "@id": "oa:hasPurpose"},
    "motivation": {"@type": "@vocab", "@id": "oa:motivatedBy"},
    "classifying": "oa:classifying", "identifying": "oa:identifying", "tagging": "oa:tagging",
    "describing": "oa:describing", "linking": "oa:linking",
    "value": "rdf:value", "format": "dc:format", "label": "rdfs:label",
    "exact": "oa:exact", "prefix": "oa:prefix", "suffix": "oa:suffix",
    "start": {"@id": "oa:start", "@type": "xsd:nonNegativeInteger"},
    "end": {"@id": "oa:end", "@type": "xsd:nonNegativeInteger"},
    "total": {"@id": "as:totalItems", "@type": "xsd:nonNegativeInteger"},
    "startIndex": {"@id": "as:startIndex", "@type": "xsd:nonNegativeInteger"},
    "first": {"@type": "@id", "@id": "as:first"},
    "items": {"@id": "as:items", "@type": "@id", "@container": "@list"},
}}


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


def test_w3c_annotations_anchor_in_the_passage_text(project, corpus):
    from scrutiny.store import Store

    doc = json.loads(export(project, "w3c", base_url=BASE))
    assert doc["type"] == "AnnotationCollection"
    items = doc["first"]["items"]
    # 1 tagged claim, 2 mentions, 1 curated claim passage, 1 tie candidate, 1 curated tie's evidence
    assert doc["total"] == len(items) == 6
    tie = next(a for a in items if isinstance(a["body"], list)
               and any(b.get("value") == "provides" for b in a["body"]))
    assert {"id": f"{BASE}/stakeholders/taskforce/", "purpose": "identifying"} in tie["body"]
    with Store(project.store_path, readonly=True) as store:
        for a in items:
            assert a["type"] == "Annotation"
            source = a["target"]["source"]
            assert source.startswith(BASE + "/p/")
            passage = store.passage(source.rstrip("/").rsplit("/", 1)[1])
            quote, position = a["target"]["selector"]
            text = passage.text
            # anchor the way a client would: the position, then the quote with its context
            assert text[position["start"]:position["end"]] == quote["exact"]
            assert text[:position["start"]].endswith(quote["prefix"])
            assert text[position["end"]:].startswith(quote["suffix"])
            assert len(quote["prefix"]) <= 32 and len(quote["suffix"]) <= 32
            assert text.count(quote["prefix"] + quote["exact"] + quote["suffix"]) == 1
    kinds = sorted(b["value"] for a in items for b in (a["body"] if isinstance(a["body"], list) else [a["body"]])
                   if b.get("purpose") == "classifying")
    assert kinds == ["commitment", "statistic"]


def test_w3c_is_valid_json_ld(project, corpus):
    jsonld = pytest.importorskip("pyld").jsonld

    def loader(url, options=None):
        assert url == "http://www.w3.org/ns/anno.jsonld"
        return {"contextUrl": None, "documentUrl": url, "document": ANNO_CONTEXT}

    doc = json.loads(export(project, "w3c", base_url=BASE))
    expanded = jsonld.expand(doc, {"documentLoader": loader})
    flat = json.dumps(expanded)
    oa = "http://www.w3.org/ns/oa#"
    for iri in ("hasTarget", "hasSelector", "hasSource", "exact", "prefix", "suffix", "start", "end",
                "TextQuoteSelector", "TextPositionSelector", "motivatedBy", "hasBody"):
        assert oa + iri in flat, iri
    # no key was dropped: every annotation property survived expansion
    (collection,) = expanded
    (page,) = collection["http://www.w3.org/ns/activitystreams#first"]
    items = page["http://www.w3.org/ns/activitystreams#items"][0]["@list"]
    assert len(items) == doc["total"]
    for item in items:
        assert set(item) >= {"@id", "@type", oa + "hasBody", oa + "hasTarget", oa + "motivatedBy"}


def test_graphml_reads_back_in_networkx(project, corpus, tmp_path):
    import networkx as nx

    out = tmp_path / "graph.graphml"
    export(project, "graphml", out)
    g = nx.read_graphml(out)
    assert g.nodes["taskforce"]["kind"] == "organisation"
    assert g.nodes["taskforce"]["label"] == "Example Therapy Taskforce"
    edges = {(u, v, d["relation"]) for u, v, d in g.edges(data=True)}
    assert ("department", "taskforce", "member_of") in edges
    assert ("taskforce", "doc:review", "named_in") in edges
    named = next(d for u, v, d in g.edges(data=True) if d["relation"] == "named_in")
    assert named["weight"] == 1


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


def test_csv_unknown_table_is_a_clear_error(project, corpus, cli_runner):
    res = cli_runner("export", "--format", "csv", "--table", "nope", root=project.root)
    assert res.exit_code == 1 and "no table 'nope'" in res.output


def test_json_dump(project, corpus):
    data = json.loads(export(project, "json"))
    assert {"documents", "passages", "claims", "ties", "stakeholders", "tagged_claims", "mentions",
            "xrefs", "claim_recurrences", "redirects"} <= set(data)
    assert data["tagged_claims"][0]["kinds"] == "commitment; statistic"


@pytest.mark.filterwarnings("ignore:The following arguments for Reference are unsupported")
def test_csl_json_documents_and_sources(project, corpus):
    items = json.loads(export(project, "csl-json"))
    check_csl_json(items)
    ids = {i["id"] for i in items}
    assert {"plan", "review", "src-plan"} <= ids
    from citeproc.source.json import CiteProcJSON

    assert len(CiteProcJSON(items)) == len(items)


def test_sqlite_copy_is_consistent_and_complete(project, corpus, tmp_path, cli_runner):
    out = tmp_path / "copy.db"
    res = cli_runner("export", "--format", "sqlite", "--out", out, root=project.root)
    assert res.exit_code == 0, res.output
    db = sqlite3.connect(out)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT count(*) FROM passages").fetchone()[0] == 7
    assert db.execute("SELECT count(*) FROM xref_links").fetchone()[0] >= 1
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    db.close()


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
    rows = {r["text"]: r for r in csv.DictReader(io.StringIO(export(project, "csv", table="tagged_claims")))}
    assert (rows[first]["page"], rows[first]["page_end"]) == ("7", "7")
    assert (rows[second]["page"], rows[second]["page_end"]) == ("8", "8")
    assert (rows[text]["page"], rows[text]["page_end"]) == ("7", "8")
    (mention,) = csv.DictReader(io.StringIO(export(project, "csv", table="mentions")))
    assert mention["page"] == "8"
