"""Each kind of knowledge-base error is reported as file:line with the reason and the fix."""

from __future__ import annotations

import pytest

from helpers_kb import FILES, line_of, write_project
from scrutiny.kb import KBError, load_kb


def problems_for(tmp_path, **breakers):
    root = write_project(tmp_path / "proj", **breakers)
    with pytest.raises(KBError) as err:
        load_kb(root / "kb")
    return err.value


def sub(old, new, count=1):
    def breaker(text):
        assert old in text, old
        return text.replace(old, new, count)
    return breaker


def test_the_synthetic_kb_is_valid(tmp_path):
    root = write_project(tmp_path / "proj")
    kb = load_kb(root / "kb")
    assert sorted(kb.stakeholders) == ["ada-example", "helping-hands", "wellbeing-scheme",
                                       "widget-panel", "widget-review"]
    assert [t.id for t in kb.ties][:2] == ["ada-chairs-panel", "ada-runs-hh"]
    assert kb.ties[0].start == "2019" and kb.ties[0].end == "2020-03"
    assert kb.ties[1].start == "2010-05-01"
    assert kb.sources["src-report"]["issued"] == {"date-parts": [[2020, 3]]}
    assert kb.stakeholders["widget-review"].doc_id == "widget-review"
    assert kb.stakeholders["widget-review"].facts[0].value == "2020-03"
    claim = kb.claims[0]
    assert claim.documents[0].search == "repaired within a week"
    assert claim.evidence[0].sources[0].locator == "p. 12"
    essay = kb.essays[0]
    assert (essay.id, essay.doc_id, essay.path) == ("widget-essay", "widget-review",
                                                    "kb/critique/widget-essay.md")
    assert [r.type for r in essay.refs] == ["doc", "stakeholder", "claim", "passage"]


# (file key, breaker, needle locating the expected line in the broken text, words in the message)
CASES = {
    "unknown relation": (
        "ties", sub("relation: provides", "relation: supplies"), "relation: supplies",
        ["unknown relation 'supplies'", "provides"]),
    "unknown stakeholder kind": (
        "stakeholders", sub("kind: programme", "kind: scheme"), "kind: scheme",
        ["unknown kind 'scheme'", "programme"]),
    "tie subject points nowhere": (
        "ties", sub("subject: helping-hands", "subject: helping-handz"), "subject: helping-handz",
        ["'helping-handz' is not a stakeholder", "did you mean 'helping-hands'"]),
    "tie object points nowhere": (
        "ties", sub("object: wellbeing-scheme", "object: nowhere"), "object: nowhere",
        ["object 'nowhere' is not a stakeholder", "kb/stakeholders.yaml"]),
    "claim document not in manifest": (
        "claims", sub("doc: widget-review", "doc: gadget-review"), "doc: gadget-review",
        ["document 'gadget-review' is not in corpus/manifest.toml", "widget-review"]),
    "stakeholder doc not in manifest": (
        "stakeholders", sub("doc: widget-review", "doc: widget-reveiw"), "doc: widget-reveiw",
        ["document 'widget-reveiw'"]),
    "stakeholder without sources": (
        "stakeholders", sub("    sources:\n      - source: src-page\n", ""), "id: helping-hands",
        ["stakeholder 'helping-hands' has no sources", "locator"]),
    "tie without sources": (
        "ties", sub("    role: chief executive\n    start: 2010-05-01\n    sources: [{source: src-page}]\n",
                    "    role: chief executive\n"), "id: ada-runs-hh",
        ["tie 'ada-runs-hh' has no sources"]),
    "claim without sources": (
        "claims", sub("    sources: [{source: src-report, locator: p. 4}]\n", ""), "id: widget-rate",
        ["claim 'widget-rate' has no sources"]),
    "evidence without sources": (
        "claims", sub("        sources: [{source: src-report, locator: p. 12}]\n", ""),
        "- statement: The repair data", ["evidence has no sources"]),
    "fact without sources": (
        "stakeholders", sub("        sources: [{source: src-report, locator: cover}]\n", ""),
        "- what: published", ["fact has no sources"]),
    "source not in bibliography": (
        "ties", sub("sources: [{source: src-page}]", "sources: [{source: src-pages}]"),
        "source: src-pages", ["source 'src-pages' is not in the bibliography", "kb/sources.json"]),
    "duplicate stakeholder id": (
        "stakeholders", sub("id: widget-panel", "id: helping-hands"), None, ["duplicate id 'helping-hands'"]),
    "duplicate tie id": (
        "ties", sub("id: ada-runs-hh", "id: ada-chairs-panel"), None, ["duplicate id 'ada-chairs-panel'"]),
    "duplicate source id": (
        "sources", sub('"id": "src-page"', '"id": "src-report"'), None, ["duplicate id 'src-report'"]),
    "bad date": (
        "ties", sub("end: 2020-03", "end: 2020-13"), "end: 2020-13",
        ["bad date in `end`", "no month 13", "YYYY-MM-DD"]),
    "bad date not a date": (
        "ties", sub("start: 2019", "start: spring 2019"), "start: spring 2019",
        ["bad date in `start`", "'spring 2019' is not a date"]),
    "end before start": (
        "ties", sub("start: 2019\n", "start: 2021-01\n"), "end: 2020-03",
        ["ends (2020-03) before it starts (2021-01)"]),
    "unknown sector": (
        "stakeholders", sub("sector: charity", "sector: charty"), "sector: charty",
        ["unknown sector 'charty'", "did you mean 'charity'"]),
    "sector on a person": (
        "stakeholders", sub("    kind: person\n", "    kind: person\n    sector: charity\n"),
        "sector: charity", ["only an organisation has a sector"]),
    "unknown claim kind": (
        "claims", sub("kinds: [statistic]", "kinds: [statistics]"), "kinds: [statistics]",
        ["unknown kind 'statistics'"]),
    "unknown claim status": (
        "claims", sub("status: contested", "status: disputed"), "status: disputed",
        ["unknown status 'disputed'", "contested"]),
    "claim document with no way to find it": (
        "claims", sub('        locate: {search: "repaired within a week"}\n', ""), "- doc: widget-review",
        ["no way to find the claim", "never a typed-in quote"]),
    "unknown field": (
        "stakeholders", sub("    aliases: [HH]\n", "    alias: [HH]\n"), "alias: [HH]",
        ["unknown field `alias`", "aliases"]),
    "same alias on two stakeholders": (
        "stakeholders", sub("aliases: [HH]", "aliases: [HH, Dr Example]"), "aliases: [HH, Dr Example]",
        ["'dr example' also belongs to 'ada-example'"]),
    "bad id": (
        "claims", sub("id: widget-rate", "id: Widget Rate"), "id: Widget Rate",
        ["lower-case letters, digits and hyphens"]),
    "yaml syntax error": (
        "ties", sub("    role: chair\n", "    role: chair: of the panel\n"), "role: chair: of",
        ["is not valid YAML"]),
    "json syntax error": (
        "sources", sub('"title": "About Helping Hands"', '"title": "About Helping Hands",'),
        None, ["is not valid JSON"]),
    "not a CSL type": (
        "sources", sub('"type": "webpage"', '"type": "website"'), '"type": "website"',
        ["'website' is not a CSL type"]),
    "essay unknown claim": (
        "essay", sub("[[claim:widget-rate|a repair rate]]", "[[claim:widget-rates|a repair rate]]"),
        "[[claim:widget-rates", ["[[claim:widget-rates]] points to no claim", "did you mean 'widget-rate'"]),
    "essay unknown stakeholder": (
        "essay", sub("[[stakeholder:ada-example]]", "[[stakeholder:ada]]"), "[[stakeholder:ada]]",
        ["[[stakeholder:ada]] points to no stakeholder"]),
    "essay unknown document": (
        "essay", sub("[[doc:widget-review|", "[[doc:gadget|"), "[[doc:gadget|",
        ["[[doc:gadget]] points to no document"]),
    "essay unknown reference type": (
        "essay", sub("[[passage:", "[[para:"), "[[para:", ["unknown reference type [[para:...]]"]),
    "essay bad date": (
        "essay", sub("date: 2021-01-05", "date: 2021-02-30"), "date: 2021-02-30",
        ["bad date", "not a day of the calendar"]),
    "essay document unknown": (
        "essay", sub("document: widget-review", "document: widget"), "document: widget",
        ["document 'widget' is not in corpus/manifest.toml"]),
    "essay malformed reference": (
        "essay", sub("[[claim:widget-rate|a repair rate]]", "[[claim:widget-rate|a repair rate]"),
        "[[claim:widget-rate|a repair rate]", ["starts no well-formed reference"]),
    "essay bad id": (
        "essay", sub("id: widget-essay", "id: Widget Essay"), "id: Widget Essay",
        ["lower-case letters"]),
    "essay unknown front matter field": (
        "essay", sub("author: scrutiny contributors", "writer: scrutiny contributors"),
        "writer: scrutiny", ["unknown field `writer`"]),
    "essay front matter syntax": (
        "essay", sub("title: What the Widget Review leaves out", "title: [unclosed"),
        None, ["is not valid YAML"]),
    "essay without front matter": (
        "essay", lambda t: t.split("---\n", 2)[2], None, ["starts with YAML front matter"]),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_each_error_names_file_line_and_fix(tmp_path, case):
    key, breaker, needle, words = CASES[case]
    err = problems_for(tmp_path, **{key: breaker})
    broken = breaker(FILES[key][1])
    text = str(err)
    assert text.splitlines()[0].startswith("the knowledge base has")
    assert len(text.splitlines()) == len(err.problems) + 1
    file = FILES[key][0]
    mine = [p for p in err.problems if p.file == file]
    assert mine, f"no problem reported in {file}: {text}"
    if needle is not None:
        want = line_of(key, needle, broken)
        assert any(p.line == want for p in mine), f"expected {file}:{want} in\n{text}"
        assert f"{file}:{want}: " in text
    for w in words or []:
        assert any(w in p.message for p in mine), f"{w!r} not in\n{text}"


def test_relation_between_wrong_kinds_explains_the_allowed_kinds(tmp_path):
    breaker = sub("relation: recommends", "relation: funded")
    err = problems_for(tmp_path, ties=breaker)
    (p,) = err.problems
    assert p.file == "kb/ties.yaml"
    assert p.line == line_of("ties", "relation: funded", breaker(FILES["ties"][1]))
    assert "'widget-review' is a document" in p.message
    assert "from organisation/person" in p.message


def test_duplicate_ids_name_both_places(tmp_path):
    err = problems_for(tmp_path, stakeholders=sub("id: widget-panel", "id: helping-hands"))
    dup = [p for p in err.problems if "duplicate id 'helping-hands'" in p.message]
    assert len(dup) == 1
    second = [i for i, ln in enumerate(FILES["stakeholders"][1].split("\n"), 1) if "id: widget-panel" in ln][0]
    first = line_of("stakeholders", "id: helping-hands")
    assert dup[0].line == second
    assert f"also at kb/stakeholders.yaml:{first}" in dup[0].message


def test_duplicate_tie_and_json_errors_carry_lines(tmp_path):
    err = problems_for(tmp_path, sources=sub('"title": "About Helping Hands"',
                                             '"title": "About Helping Hands",'))
    (p,) = err.problems  # and no flood of "source not in the bibliography"
    assert p.file == "kb/sources.json"
    assert "is not valid JSON" in p.message
    assert p.line == line_of("sources", '"title": "About Helping Hands"') + 1


def test_essay_not_in_manifest_says_what_to_add(tmp_path):
    err = problems_for(tmp_path, manifest=sub('source = "kb/critique/widget-essay.md"', 'source = "essay.md"'))
    (p,) = err.problems
    assert p.file == "kb/critique/widget-essay.md"
    assert 'source = "kb/critique/widget-essay.md"' in p.message
    assert p.line == line_of("essay", "id: widget-essay")


def test_every_problem_is_reported_not_only_the_first(tmp_path):
    err = problems_for(
        tmp_path,
        ties=sub("relation: provides", "relation: supplies"),
        claims=sub("status: contested", "status: disputed"),
        essay=sub("[[stakeholder:ada-example]]", "[[stakeholder:ada]]"),
    )
    files = sorted(p.file for p in err.problems)
    assert files == ["kb/claims.yaml", "kb/critique/widget-essay.md", "kb/ties.yaml"]


def test_files_the_kb_does_not_own_are_ignored(tmp_path):
    root = write_project(tmp_path / "proj")
    (root / "kb" / "reviewed.yaml").write_text("decisions:\n  - this: is not ours\n  bad: [\n")
    (root / "kb" / "critique" / "README.md").write_text("No front matter here.\n")
    kb = load_kb(root / "kb")
    assert len(kb.essays) == 1


def test_no_manifest_checks_documents_against_document_stakeholders(tmp_path):
    root = write_project(tmp_path / "proj")
    (root / "corpus" / "manifest.toml").unlink()
    kb = load_kb(root / "kb")
    assert kb.claims[0].documents[0].doc == "widget-review"
    (root / "kb" / "claims.yaml").write_text(FILES["claims"][1].replace("doc: widget-review", "doc: other"))
    with pytest.raises(KBError, match="'other' is not in the document stakeholders"):
        load_kb(root / "kb")


def test_broken_manifest_is_a_problem_not_a_traceback(tmp_path):
    root = write_project(tmp_path / "proj", manifest=sub("[project]", "[project"))
    with pytest.raises(KBError, match="corpus/manifest.toml: cannot check document ids"):
        load_kb(root / "kb")


def test_sources_as_csl_yaml(tmp_path):
    root = write_project(tmp_path / "proj")
    (root / "kb" / "sources.json").unlink()
    (root / "kb" / "sources.yaml").write_text(
        "- id: src-report\n  type: report\n  title: A report\n"
        "- id: src-page\n  type: webpage\n  title: A page\n")
    kb = load_kb(root / "kb")
    assert sorted(kb.sources) == ["src-page", "src-report"]


def test_stakeholder_by_alias(tmp_path):
    kb = load_kb(write_project(tmp_path / "proj") / "kb")
    assert kb.stakeholder_by_alias("Dr Example").id == "ada-example"
    assert kb.stakeholder_by_alias("dr  EXAMPLE's").id == "ada-example"
    assert kb.stakeholder_by_alias("Helping Hands’s").id == "helping-hands"
    assert kb.stakeholder_by_alias("hh").id == "helping-hands"
    assert kb.stakeholder_by_alias("wellbeing-scheme").id == "wellbeing-scheme"
    assert kb.stakeholder_by_alias("Nobody") is None


def test_duplicate_key_in_an_entry_is_reported_with_its_line(tmp_path):
    err = problems_for(tmp_path, claims=sub("    status: contested\n", "    status: contested\n    status: supported\n"))
    (p,) = err.problems
    assert p.file == "kb/claims.yaml" and "is not valid YAML" in p.message
    assert p.line == line_of("claims", "status: contested") + 1


def test_manifest_essay_without_its_file(tmp_path):
    root = write_project(tmp_path / "proj")
    (root / "kb" / "critique" / "widget-essay.md").rename(root / "kb" / "critique" / "renamed.md")
    with pytest.raises(KBError) as err:
        load_kb(root / "kb")
    by_file = {p.file: p for p in err.value.problems}
    missing = by_file["corpus/manifest.toml"]
    assert missing.line == line_of("manifest", "[documents.widget-essay]")
    assert "kb/critique/widget-essay.md, which does not exist" in missing.message
    assert "kb/critique/renamed.md" in by_file  # and the renamed essay is not in the manifest
