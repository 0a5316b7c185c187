"""The W3C Web Annotation export, read by its consumers: the W3C test suite's
JSON schemas (every MUST assertion), a JSON-LD processor (pyld), the built
pages the annotations target (every quote found at its selector, as a client
anchors it), and headless Chromium's own textContent of those pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_export import corpus  # noqa: F401  (the fixture)

from scrutiny.export import export
from scrutiny.export.w3c import read_page

BASE = "https://campaign.example/scrutiny"
SUITE = Path(__file__).parent / "data" / "web-annotation-tests"

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
    "SpecificResource": "oa:SpecificResource", "FragmentSelector": "oa:FragmentSelector",
    "dcterms": "http://purl.org/dc/terms/", "conformsTo": {"@type": "@id", "@id": "dcterms:conformsTo"},
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
def exported(project, corpus):  # noqa: F811
    from scrutiny.site import build_site

    _set_base_url(project)
    build_site(project)
    return json.loads(export(project, "w3c", base_url=BASE))


def _set_base_url(project):
    text = project.manifest_path.read_text(encoding="utf-8")
    project.manifest_path.write_text(text.replace('name = "cite-tests"', f'name = "cite-tests"\nbase_url = "{BASE}"'),
                                     encoding="utf-8")


def _validators(test_file: str):
    """One jsonschema validator per MUST assertion of a W3C test (draft 4, formats checked)."""
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    by_path = {p.relative_to(SUITE).as_posix(): json.loads(p.read_text(encoding="utf-8"))
               for p in SUITE.rglob("*.json")}
    resources = []
    for path, schema in by_path.items():
        for uri in {schema["id"], Path(path).name}:
            resources.append((uri, Resource.from_contents(schema, default_specification=DRAFT4)))
    registry = Registry().with_resources(resources)
    test = json.loads((SUITE / test_file).read_text(encoding="utf-8"))
    checker = jsonschema.FormatChecker()

    @checker.checks("uri")
    def is_uri(value):  # an absolute IRI: a scheme and something after it
        from urllib.parse import urlsplit

        return not isinstance(value, str) or bool(urlsplit(value).scheme and len(value) > len(urlsplit(value).scheme) + 1)

    out = []
    for name in test["assertions"]:
        schema = by_path[name]
        out.append((name, schema.get("assertionType"), schema.get("expectedResult", "valid"),
                    jsonschema.Draft4Validator(schema, registry=registry, format_checker=checker)))
    return out


def _failures(validators, instance) -> list[str]:
    out = []
    for name, kind, expected, validator in validators:
        valid = validator.is_valid(instance)
        if kind == "must" and valid != (expected == "valid"):
            out.append(name)
    return out


def test_no_must_fails_on_the_w3c_schemas(exported):
    collection = exported
    annotations = collection["first"]["items"]
    assert len(annotations) >= 4
    anno_musts = _validators("annotations/annotationMusts.test")
    assert len(anno_musts) > 40
    failures = {a["id"]: _failures(anno_musts, a) for a in annotations}
    assert {k: v for k, v in failures.items() if v} == {}
    assert _failures(_validators("collections/collectionMusts.test"), collection) == []
    page = dict(collection["first"], **{"@context": collection["@context"]})
    assert _failures(_validators("collections/pages/pageMusts.test"), page) == []


def test_the_schemas_do_fail_what_the_old_export_did(exported):
    """The validators can fail: a body that is an external resource with a purpose
    (what the export used to write) breaks 3.3.5-bodyEWRNoPurpose."""
    bad = dict(exported["first"]["items"][0], body={"id": f"{BASE}/stakeholders/x/", "purpose": "identifying"})
    assert "annotations/bodiesTargets/3.3.5-bodyEWRNoPurpose.json" in _failures(
        _validators("annotations/annotationMusts.test"), bad)


def test_every_quote_is_found_at_its_selector_on_the_published_page(project, exported):
    annotations = exported["first"]["items"]
    assert "left out" not in exported["label"]
    pages = {}
    for a in annotations:
        targets = a["target"] if isinstance(a["target"], list) else [a["target"]]
        page_target = targets[0]
        assert page_target["source"].startswith(f"{BASE}/doc/")
        rel = page_target["source"][len(BASE) + 1:]
        path = project.site_dir / (rel if rel.endswith(".html") else f"{rel}index.html")
        assert path.is_file(), rel
        page = pages.setdefault(rel, read_page(path))
        quote, position = page_target["selector"]
        text = page.text
        # anchor the way a client would: the position, then the quote with its context
        assert text[position["start"]:position["end"]] == quote["exact"]
        assert text[:position["start"]].endswith(quote["prefix"])
        assert text[position["end"]:].startswith(quote["suffix"])
        assert len(quote["prefix"]) <= 32 and len(quote["suffix"]) <= 32
        assert text.count(quote["prefix"] + quote["exact"] + quote["suffix"]) == 1
        for body in a["body"] if isinstance(a["body"], list) else [a["body"]]:
            if body["type"] == "SpecificResource":   # a page of the site that exists
                assert (project.site_dir / body["source"][len(BASE) + 1:] / "index.html").is_file(), body
        for t in targets[1:]:   # the source PDF at the physical page
            assert t["selector"]["type"] == "FragmentSelector" and t["selector"]["value"].startswith("page=")


def test_nothing_beyond_what_the_site_shows(project, corpus, exported):  # noqa: F811
    """The plan has no licence: the site shows only the passages the critique cites,
    and the export annotates no other passage of it."""
    page = read_page(project.site_dir / "doc" / "plan" / "index.html")
    shown = set(page.passages)
    assert shown and len(shown) < len([p for p in corpus])
    for a in exported["first"]["items"]:
        targets = a["target"] if isinstance(a["target"], list) else [a["target"]]
        if targets[0]["source"].endswith("/doc/plan/"):
            quote = targets[0]["selector"][0]["exact"]
            assert any(quote in page.text[s:e] for s, e in page.passages.values())
    kinds = sorted(b["value"] for a in exported["first"]["items"]
                   for b in (a["body"] if isinstance(a["body"], list) else [a["body"]])
                   if b.get("purpose") == "classifying")
    assert kinds == ["commitment", "statistic"]     # the tagged claim is in a cited passage


def test_w3c_is_valid_json_ld(exported):
    jsonld = pytest.importorskip("pyld").jsonld

    def loader(url, options=None):
        assert url == "http://www.w3.org/ns/anno.jsonld"
        return {"contextUrl": None, "documentUrl": url, "document": ANNO_CONTEXT}

    expanded = jsonld.expand(exported, {"documentLoader": loader})
    flat = json.dumps(expanded)
    oa = "http://www.w3.org/ns/oa#"
    for iri in ("hasTarget", "hasSelector", "hasSource", "exact", "prefix", "suffix", "start", "end",
                "TextQuoteSelector", "TextPositionSelector", "motivatedBy", "hasBody", "SpecificResource"):
        assert oa + iri in flat, iri
    (collection,) = expanded
    (page,) = collection["http://www.w3.org/ns/activitystreams#first"]
    items = page["http://www.w3.org/ns/activitystreams#items"][0]["@list"]
    assert len(items) == exported["total"]


def test_without_a_site_or_an_address_the_export_says_what_to_do(project, corpus, cli_runner):  # noqa: F811
    res = cli_runner("export", "--format", "w3c", "--base-url", BASE, root=project.root)
    assert res.exit_code == 1 and "scrutiny site" in res.output
    res = cli_runner("export", "--format", "w3c", root=project.root)
    assert res.exit_code == 1 and "base_url" in res.output


@pytest.mark.browser
def test_chromium_finds_each_quote_at_its_position(project, exported, chromium):
    """The positions count what a browser's document.body.textContent holds."""
    from bench.browser import serve

    with serve(project.site_dir) as server:
        page = chromium.new_page()
        checked = 0
        for a in exported["first"]["items"]:
            target = a["target"][0] if isinstance(a["target"], list) else a["target"]
            quote, position = target["selector"]
            page.goto(server.url + target["source"][len(BASE) + 1:])
            got = page.evaluate("([s, e]) => document.body.textContent.slice(s, e)",
                                [position["start"], position["end"]])
            assert got == quote["exact"]
            checked += 1
        page.close()
    assert checked == len(exported["first"]["items"])


def test_a_long_document_in_parts_is_annotated_on_the_part_that_shows_each_passage(project, corpus, monkeypatch):  # noqa: F811
    """A long document is published in parts (scrutiny.site.parts): each annotation
    targets the part its passage is on, and its quote is found there."""
    import scrutiny.site.parts as parts
    from scrutiny.site import build_site

    monkeypatch.setattr(parts, "PART_CHARS", 200)
    _set_base_url(project)
    build_site(project)
    exported = json.loads(export(project, "w3c", base_url=BASE))
    sources = set()
    for a in exported["first"]["items"]:
        target = a["target"][0] if isinstance(a["target"], list) else a["target"]
        rel = target["source"][len(BASE) + 1:]
        sources.add(rel)
        page = read_page(project.site_dir / (rel if rel.endswith(".html") else f"{rel}index.html"))
        quote, position = target["selector"]
        assert page.text[position["start"]:position["end"]] == quote["exact"]
    assert any(s.endswith(".html") for s in sources), sources   # some passages are on a later part
