"""The tagging commands end to end on a project of our own synthetic text."""

from __future__ import annotations

import json

import pytest

from helpers_tagging import add_document, shared_tagger

TEXTS = [
    "Maria Okafor, chief executive of the Harbourside Health Trust, said that 42% of patients waited "
    "more than 18 weeks.",
    "The Open Doors Review was prepared by Ashdown Consulting with funding from the Pemberton Foundation.",
    "Tomas Lindqvist, who chairs the Northern Alliance for Carers, said the trust should publish its figures.",
    "In 2016 the board met in the town hall.",
    "The Harbourside Health Trust is part of the Coastal Care Group.",
    "Last spring Maria Okafor spoke at a meeting of the Coastal Care Group.",
]

KB_STAKEHOLDERS = """\
stakeholders:
  - id: harbour-trust
    name: Harbourside Health Trust
    kind: organisation
    sector: nhs_body
    aliases: [HHT]
    sources: [{source: test-source, locator: p. 1}]
  - id: coastal-group
    name: Coastal Care Group
    kind: organisation
    sources: [{source: test-source, locator: p. 1}]
  - id: maria-okafor
    name: Maria Okafor
    kind: person
    sources: [{source: test-source, locator: p. 1}]
"""
KB_TIES = """\
ties:
  - id: okafor-ceo-harbour
    subject: maria-okafor
    relation: position
    object: harbour-trust
    role: chief executive
    sources: [{source: test-source, locator: p. 1}]
  - id: okafor-member-coastal
    subject: maria-okafor
    relation: member_of
    object: coastal-group
    sources: [{source: test-source, locator: p. 2}]
"""
KB_SOURCES = '[{"id": "test-source", "type": "report", "title": "An invented source for tests"}]\n'


@pytest.fixture
def project(project_on_engine):
    """The tagging commands run on both engines (SQLite and PostgreSQL)."""
    return project_on_engine


@pytest.fixture
def tagged(project, cli_runner, monkeypatch):
    """A project with one ingested synthetic document, tagged with the shared tagger."""
    from scrutiny.kb.view import load_curated
    from scrutiny.store import Store
    from scrutiny.tags.write import tag_store

    def tag(with_kb: bool = False):
        if with_kb:
            (project.kb_dir / "stakeholders.yaml").write_text(KB_STAKEHOLDERS)
            (project.kb_dir / "ties.yaml").write_text(KB_TIES)
            (project.kb_dir / "sources.json").write_text(KB_SOURCES)
        curated = load_curated(project)
        store = Store(project.store_location)
        try:
            with store.transaction():
                if store.document("harbour") is None:
                    add_document(store, "harbour", TEXTS, title="Harbour report")
            tagger = shared_tagger(tuple(curated.names()))
            return tag_store(project, store, tagger=tagger, curated=curated)
        finally:
            store.close()

    return tag


# A call no tagger hesitates over, in a second document: the sampling tests need two
# claims shown at the project's threshold, and the reported call of TEXTS[2]
# ("... said the trust should publish its figures") is shown below it by a claim
# model that has read writers who label such reports differently.
PIER_CALL = "We recommend that the council publishes its ferry timetable every month."


def _with_a_clear_call(project, tagged):
    from scrutiny.store import Store

    tagged()
    store = Store(project.store_location)
    try:
        with store.transaction():
            add_document(store, "pier", [PIER_CALL], title="Pier notes")
    finally:
        store.close()
    tagged()


def cli_json(cli_runner, project, *args):
    result = cli_runner(*args, "--json", root=project.root)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_claims_command_shape(project, cli_runner, tagged):
    tagged()
    rows = cli_json(cli_runner, project, "claims")
    assert rows and set(rows[0]) == {"id", "passage_id", "doc_id", "page", "text", "kinds", "confidence", "source"}
    stats = cli_json(cli_runner, project, "claims", "--kind", "statistic")
    assert [r["text"] for r in stats] == [TEXTS[0]]  # the sentence as it stands; 2016 is not a statistic
    assert cli_json(cli_runner, project, "claims", "--doc", "harbour", "--kind", "recommendation")


def test_stakeholders_command_extracted_and_curated(project, cli_runner, tagged):
    tagged()
    rows = cli_json(cli_runner, project, "stakeholders")
    by_name = {r["name"]: r for r in rows}
    assert set(rows[0]) == {"id", "name", "kind", "aliases", "mentions", "source", "confidence"}
    assert by_name["Harbourside Health Trust"]["source"] == "extracted"
    assert by_name["Harbourside Health Trust"]["mentions"] == 2
    assert by_name["Maria Okafor"]["kind"] == "person"
    in_doc = cli_json(cli_runner, project, "stakeholders", "--doc", "harbour")
    assert {r["name"] for r in in_doc} >= {"Maria Okafor", "Pemberton Foundation"}


def test_curated_names_and_ties_win(project, cli_runner, tagged):
    tagged(with_kb=True)
    rows = {r["id"]: r for r in cli_json(cli_runner, project, "stakeholders")}
    assert rows["harbour-trust"]["source"] == "curated" and rows["harbour-trust"]["mentions"] == 2
    assert not any(r["source"] == "extracted" and r["name"] == "Harbourside Health Trust" for r in rows.values())
    ties = cli_json(cli_runner, project, "ties")
    curated = {t["id"]: t for t in ties if t["status"] == "curated"}
    assert set(curated) == {"okafor-ceo-harbour", "okafor-member-coastal"}
    # The tagger's identical suggestion is merged into the curated tie, as its evidence.
    assert curated["okafor-ceo-harbour"]["evidence"][0]["quote"] == TEXTS[0]
    assert curated["okafor-ceo-harbour"]["evidence"][0]["how"] == "pattern"
    # A curated tie no pattern found shows the sentences naming both ends.
    (ev,) = curated["okafor-member-coastal"]["evidence"]
    assert ev["quote"] == TEXTS[5] and ev["how"] == "co-mention"
    assert not any(t["status"] == "suggested" and t["subject"] == "maria-okafor" and t["relation"] == "position"
                   for t in ties)
    part_of = [t for t in ties if t["relation"] == "part_of"]
    assert part_of and part_of[0]["subject"] == "harbour-trust" and part_of[0]["object"] == "coastal-group"
    assert cli_json(cli_runner, project, "ties", "--stakeholder", "coastal-group")


def test_ties_command_shape_and_evidence(project, cli_runner, tagged):
    tagged()
    ties = cli_json(cli_runner, project, "ties", "--status", "suggested")
    keys = {"id", "subject", "subject_name", "relation", "object", "object_name", "role", "status",
            "confidence", "evidence", "sources"}
    assert ties and all(keys <= set(t) for t in ties)
    funded = [t for t in ties if t["relation"] == "funded"]
    assert funded and funded[0]["subject_name"] == "Pemberton Foundation"
    assert funded[0]["evidence"][0]["quote"] == TEXTS[1]  # quoted from the stored passage
    relcl = [t for t in ties if t["subject_name"] == "Tomas Lindqvist"]
    assert relcl and relcl[0]["object_name"] == "Northern Alliance for Carers"
    # Most confident first.
    assert [t["confidence"] for t in ties] == sorted((t["confidence"] for t in ties), reverse=True)


def test_review_round_trip_survives_retagging(project, cli_runner, tagged):
    tagged()
    queue = cli_json(cli_runner, project, "review")
    target = next(t for t in queue if t["relation"] == "funded")
    keep = next(t for t in queue if t["relation"] == "position")
    assert cli_runner("review", "reject", target["id"], "--note", "wrong", root=project.root).exit_code == 0
    assert cli_runner("review", "accept", keep["id"], root=project.root).exit_code == 0
    reviewed = (project.kb_dir / "reviewed.yaml").read_text()
    assert target["id"] in reviewed and "rejected" in reviewed and "accepted" in reviewed
    # Re-ingest: drop and re-add the document, tag again from scratch.
    from scrutiny.store import Store

    store = Store(project.store_location)
    with store.transaction():
        store.delete_document("harbour")
    store.close()
    tagged()
    suggested = cli_json(cli_runner, project, "ties", "--status", "suggested")
    assert target["id"] not in {t["id"] for t in suggested}         # never suggested again
    assert target["id"] in {t["id"] for t in cli_json(cli_runner, project, "ties", "--status", "rejected")}
    accepted = cli_json(cli_runner, project, "ties", "--status", "accepted")
    assert [t["id"] for t in accepted] == [keep["id"]]
    assert target["id"] not in {t["id"] for t in cli_json(cli_runner, project, "review")}


def test_review_unknown_id_and_broken_file(project, cli_runner, tagged):
    tagged()
    result = cli_runner("review", "accept", "tie-0000000000", root=project.root)
    assert result.exit_code == 1 and "no tie with id" in result.output
    (project.kb_dir / "reviewed.yaml").write_text("decisions:\n  - id: tie-1\n    decision: maybe\n")
    result = cli_runner("review", root=project.root)
    assert result.exit_code == 1
    assert "reviewed.yaml:2" in result.output and "Traceback" not in result.output


def test_unknown_document_is_a_clear_error(project, cli_runner, tagged):
    tagged()
    result = cli_runner("claims", "--doc", "nope", root=project.root)
    assert result.exit_code == 1 and "no document 'nope'" in result.output


def test_listings_say_when_nothing_is_tagged(project, cli_runner):
    """An ingested, untagged store: the listings say so instead of looking empty."""
    from scrutiny.store import Store

    (project.kb_dir / "stakeholders.yaml").write_text(KB_STAKEHOLDERS)
    (project.kb_dir / "ties.yaml").write_text(KB_TIES)
    (project.kb_dir / "sources.json").write_text(KB_SOURCES)
    store = Store(project.store_location)
    with store.transaction():
        add_document(store, "harbour", TEXTS, title="Harbour report")
    store.close()
    result = cli_runner("claims", root=project.root)
    assert result.exit_code == 0 and "not tagged yet: run `scrutiny tag`" in result.output
    result = cli_runner("claims", "--json", root=project.root)
    assert json.loads(result.stdout) == [] and "not tagged yet" in result.stderr
    result = cli_runner("stakeholders", root=project.root)
    assert "not tagged yet" in result.output and "Maria Okafor" in result.output   # the curated ones
    ties = cli_json(cli_runner, project, "ties")
    assert {t["id"] for t in ties} == {"okafor-ceo-harbour", "okafor-member-coastal"}
    assert all(t["status"] == "curated" for t in ties)


def test_tag_command_without_store(project, cli_runner):
    result = cli_runner("tag", root=project.root)
    assert result.exit_code == 1 and "scrutiny ingest" in result.output


def test_tag_command_module_imports_nothing_heavy():
    import subprocess
    import sys

    code = ("import sys, scrutiny.cli.tag_cmds; "
            "print(any(m.split('.')[0] in ('spacy', 'sklearn', 'thinc') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_decision_matches_by_names_when_ids_change():
    from scrutiny.tags.review import match_decision

    d = {"id": "tie-old", "decision": "rejected", "subject_name": "DRA", "relation": "funded",
         "object_name": "Open Doors Review"}
    decisions = {"by_id": {"tie-old": d}, "by_names": {("dra", "funded", "open doors review"): d}}
    assert match_decision(decisions, "tie-new", "Department for Rural Affairs", "funded", "The Open Doors Review",
                          subject_aliases=["DRA"]) is d
    assert match_decision(decisions, "tie-new", "Department for Rural Affairs", "published", "Open Doors Review",
                          subject_aliases=["DRA"]) is None


def _curated(row) -> bool:
    return row.get("source", row.get("status")) == "curated"


def test_min_confidence_on_claims_ties_and_stakeholders(project, cli_runner, tagged):
    tagged(with_kb=True)
    for command in ("claims", "ties", "stakeholders"):
        every = cli_json(cli_runner, project, command)
        machine = [r for r in every if not _curated(r)]
        curated = {r["id"] for r in every if _curated(r)}
        assert machine, command
        low, high = min(r["confidence"] for r in machine), max(r["confidence"] for r in machine)
        same = cli_json(cli_runner, project, command, "--min-confidence", f"{low - 0.001:.3f}")
        assert {r["id"] for r in same} == {r["id"] for r in every}, command
        above = cli_json(cli_runner, project, command, "--min-confidence", f"{min(1.0, high + 0.001):.3f}")
        assert not [r for r in above if not _curated(r)], command            # every machine tag left out
        assert {r["id"] for r in above} == curated, command                  # curated entries always shown
        mid = (low + high) / 2
        if high - low > 0.01:
            kept = cli_json(cli_runner, project, command, "--min-confidence", f"{mid:.3f}")
            assert {r["id"] for r in machine if r["confidence"] >= mid + 0.001} <= {r["id"] for r in kept}, command
            assert all(r["confidence"] >= mid - 0.001 for r in kept if not _curated(r)), command
    assert {t["id"] for t in cli_json(cli_runner, project, "ties", "--min-confidence", "1")} >= {
        "okafor-ceo-harbour", "okafor-member-coastal"}
    result = cli_runner("claims", "--min-confidence", "1.5", root=project.root)
    assert result.exit_code == 2 and "1.5" in result.output


def test_sample_claims_and_judged_copy(project, cli_runner, tagged, tmp_path):
    import csv

    from scrutiny.project import DEFAULT_CLAIM_MIN_CONFIDENCE as DEFAULT_MIN_CONFIDENCE

    _with_a_clear_call(project, tagged)
    # a sample is drawn from the claims the site shows: at or above the project's threshold
    every = cli_json(cli_runner, project, "claims", "--min-confidence", str(DEFAULT_MIN_CONFIDENCE))
    everything = cli_json(cli_runner, project, "claims")
    out = tmp_path / "sample.tsv"
    result = cli_runner("eval", "sample-claims", "--n", "1", "--seed", "5", "--out", out, root=project.root)
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert list(rows[0]) == ["id", "document", "page", "kind", "confidence", "sentence", "judge"]
    by_id = {c["id"]: c for c in every}
    assert len(every) >= 2 and len(rows) == 1
    for r in rows:
        claim = by_id[r["id"]]
        assert r["sentence"] == claim["text"] and r["sentence"] in " ".join(TEXTS + [PIER_CALL])   # the stored text
        assert (r["document"], int(r["page"]), r["kind"].split(","), float(r["confidence"])) == (
            claim["doc_id"], claim["page"], claim["kinds"], round(claim["confidence"], 2))
        assert r["judge"] == ""
    again = tmp_path / "again.tsv"
    assert cli_runner("eval", "sample-claims", "--n", "1", "--seed", "5", "--out", again,
                      root=project.root).exit_code == 0
    assert again.read_bytes() == out.read_bytes()                            # the same seed, the same rows
    whole = tmp_path / "whole.tsv"
    result = cli_runner("eval", "sample-claims", "--n", "1000", "--out", whole, root=project.root)
    assert (f"wrote {len(every)} claim sentence(s) at confidence >= {DEFAULT_MIN_CONFIDENCE:.2f}" in result.output
            and "asked for 1000" in result.output)
    all_tags = tmp_path / "all.tsv"
    result = cli_runner("eval", "sample-claims", "--n", "1000", "--min-confidence", "0", "--out", all_tags,
                        root=project.root)
    assert f"wrote {len(everything)} claim sentence(s) at confidence >= 0.00" in result.output

    # A judged copy of the whole list: one yes, one no.
    lines = whole.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(every) + 1
    judged = tmp_path / "judged.tsv"
    judged.write_text("\n".join([lines[0]] + [f"{line}{v}" for line, v in zip(lines[1:], ["yes", "No"] + [""] * len(every))]) + "\n",
                      encoding="utf-8")
    r = cli_json(cli_runner, project, "eval", "judged", judged)
    assert (r["judged"], r["yes"], r["precision"], r["unjudged"]) == (2, 1, 0.5, len(every) - 2)
    assert sum(m["judged"] for m in r["by_document"].values()) == 2
    assert sum(m["judged"] for m in r["by_confidence"].values()) == 2
    confidences = [float(line.split("\t")[4]) for line in lines[1:3]]
    for band, m in r["by_confidence"].items():          # each band holds the rows whose confidence is in it
        lo, hi = (float(x) for x in band.split("-"))
        inside = [c for c in confidences if lo <= c < hi or (hi == 1.0 and c == 1.0)]
        assert m["judged"] == len(inside) and m["mean_confidence"] == round(sum(inside) / len(inside), 3)
    top = max(confidences)
    r = cli_json(cli_runner, project, "eval", "judged", judged, "--min-confidence", str(top))
    assert r["at_or_above_min_confidence"]["judged"] == sum(c >= top for c in confidences)
    text = cli_runner("eval", "judged", judged, root=project.root).output
    assert "precision 0.50  (1/2 yes" in text
    judged.write_text("\n".join([lines[0], lines[1] + "maybe", lines[2] + "yes"]) + "\n", encoding="utf-8")
    result = cli_runner("eval", "judged", judged, root=project.root)
    assert result.exit_code == 1 and f"{judged}:2: judge is 'maybe'" in result.output
    (tmp_path / "nojudge.tsv").write_text("id\tdocument\tkind\n", encoding="utf-8")
    result = cli_runner("eval", "judged", tmp_path / "nojudge.tsv", root=project.root)
    assert result.exit_code == 1 and "no column judge" in result.output


def test_sample_claims_exclude_an_earlier_sample(project, cli_runner, tagged, tmp_path):
    import csv

    from scrutiny.project import DEFAULT_CLAIM_MIN_CONFIDENCE

    _with_a_clear_call(project, tagged)
    # the claims a sample is drawn from: those at or above the project's threshold
    every = cli_json(cli_runner, project, "claims", "--min-confidence", str(DEFAULT_CLAIM_MIN_CONFIDENCE))
    assert len(every) >= 2
    first = tmp_path / "first.tsv"
    assert cli_runner("eval", "sample-claims", "--n", "2", "--seed", "5", "--out", first,
                      root=project.root).exit_code == 0
    with first.open(encoding="utf-8", newline="") as fh:
        taken = list(csv.DictReader(fh, delimiter="\t"))
    # an earlier sample drawn before a re-tag: one row known by its id, one only by its sentence
    taken[1]["id"] = "some-other-id@0"
    earlier = tmp_path / "earlier.tsv"
    with earlier.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(taken[0]), delimiter="\t")
        writer.writeheader()
        writer.writerows(taken)
    second = tmp_path / "second.tsv"
    result = cli_runner("eval", "sample-claims", "--n", "1000", "--exclude", earlier, "--out", second,
                        root=project.root)
    assert result.exit_code == 0, result.output
    with second.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert len(rows) == len(every) - 2
    assert not {r["sentence"] for r in rows} & {t["sentence"] for t in taken}
    with earlier.open("w", encoding="utf-8", newline="") as fh:   # only the row known by its sentence
        writer = csv.DictWriter(fh, fieldnames=list(taken[0]), delimiter="\t")
        writer.writeheader()
        writer.writerow(taken[1])
    assert cli_runner("eval", "sample-claims", "--n", "1000", "--exclude", earlier, "--out", second,
                      root=project.root).exit_code == 0
    with second.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert len(rows) == len(every) - 1 and taken[1]["sentence"] not in {r["sentence"] for r in rows}
    result = cli_runner("eval", "sample-claims", "--exclude", tmp_path / "missing.tsv", "--out", second,
                        root=project.root)
    assert result.exit_code == 1 and "missing.tsv" in result.output


def test_sample_claims_needs_tags(project, cli_runner, tmp_path):
    result = cli_runner("eval", "sample-claims", "--out", tmp_path / "s.tsv", root=project.root)
    assert result.exit_code == 1 and not (tmp_path / "s.tsv").exists()
