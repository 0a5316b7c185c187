"""`scrutiny kb check`, `scrutiny kb claims`, `scrutiny conflicts` and `scrutiny init`'s kb skeleton."""

from __future__ import annotations

import json

from conftest import run_cli
from helpers_kb import TIES, line_of, write_project
from scrutiny.kb import check_project
from scrutiny.project import Project


def test_check_passes_with_summary(tmp_path):
    root = write_project(tmp_path / "proj")
    result = run_cli("kb", "check", root=root)
    assert result.exit_code == 0, result.output
    assert "kb/ is valid: 5 stakeholders, 5 ties, 1 claims, 2 sources, 1 essays" in result.stdout
    assert "(1 conflicts of interest" in result.stdout


def test_check_fails_with_problems_on_stderr(tmp_path):
    breaker = lambda t: t.replace("relation: provides", "relation: supplies")
    root = write_project(tmp_path / "proj", ties=breaker)
    result = run_cli("kb", "check", root=root)
    assert result.exit_code == 1
    line = line_of("ties", "relation: supplies", breaker(TIES))
    assert f"kb/ties.yaml:{line}: tie 'hh-provides-scheme': unknown relation 'supplies'" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.output


def test_check_json(tmp_path):
    root = write_project(tmp_path / "proj", claims=lambda t: t.replace("status: contested", "status: disputed"))
    result = run_cli("kb", "check", "--json", root=root)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False
    (p,) = data["problems"]
    assert p["file"] == "kb/claims.yaml" and "unknown status 'disputed'" in p["message"]
    ok = json.loads(run_cli("kb", "check", "--json", root=write_project(tmp_path / "good")).stdout)
    assert ok["ok"] is True and ok["counts"]["claims"] == 1


def test_claims_json_records(tmp_path):
    root = write_project(tmp_path / "proj")
    result = run_cli("kb", "claims", "--json", root=root)
    assert result.exit_code == 0, result.output
    (rec,) = json.loads(result.stdout)
    assert {"id", "statement", "kinds", "status", "documents", "critique", "sources"} <= set(rec)
    assert rec["id"] == "widget-rate" and rec["kinds"] == ["statistic"] and rec["status"] == "contested"
    assert rec["documents"] == [{"doc": "widget-review",
                                 "locate": {"search": "repaired within a week", "passages": []}}]
    assert rec["sources"] == [{"source": "src-report", "locator": "p. 4"}]
    assert json.loads(run_cli("kb", "claims", "--json", "--status", "supported", root=root).stdout) == []
    text = run_cli("kb", "claims", root=root).stdout
    assert "widget-rate  [statistic; contested]  in widget-review" in text


def test_claims_refuse_an_invalid_kb(tmp_path):
    root = write_project(tmp_path / "proj", ties=lambda t: t + "  - id: x\n")
    result = run_cli("kb", "claims", "--json", root=root)
    assert result.exit_code == 1
    assert "kb/ties.yaml:" in result.stderr and "has no sources" in result.stderr


def test_conflicts_json(tmp_path):
    root = write_project(tmp_path / "proj")
    result = run_cli("conflicts", "--json", root=root)
    assert result.exit_code == 0, result.output
    (c,) = json.loads(result.stdout)
    assert set(c) == {"document", "stakeholder", "via", "explanation"}
    assert c["document"] == "widget-review" and c["stakeholder"] == "ada-example"
    assert c["via"][0] == "ada-chairs-panel"
    assert "widget-review: ada-example" in run_cli("conflicts", root=root).stdout


def test_init_creates_a_kb_that_passes(tmp_path):
    result = run_cli("init", tmp_path / "new")
    assert result.exit_code == 0, result.output
    root = tmp_path / "new"
    for name in ("stakeholders.yaml", "ties.yaml", "claims.yaml", "sources.json"):
        assert (root / "kb" / name).is_file()
    assert check_project(Project(root)) == []
    check = run_cli("kb", "check", root=root)
    assert check.exit_code == 0, check.output
    assert "0 stakeholders, 0 ties, 0 claims, 0 sources, 0 essays" in check.stdout


def test_check_project_reports_problems(tmp_path):
    root = write_project(tmp_path / "proj", stakeholders=lambda t: t.replace("kind: programme", "kind: scheme"))
    (p,) = check_project(Project(root))
    assert p.file == "kb/stakeholders.yaml" and "unknown kind 'scheme'" in p.message


def test_docs_relation_table_matches_the_vocabulary():
    """docs/kb.md lists every relation with the kinds the vocabulary allows."""
    import re

    from conftest import REPO
    from scrutiny.schema import vocabulary

    text = (REPO / "docs" / "kb.md").read_text(encoding="utf-8")
    rows = dict(
        (m.group(1), (m.group(2), m.group(3)))
        for m in re.finditer(r"^\| `([a-z_]+)` \| ([a-z, ]+) \| ([a-z, ]+) \|", text, re.M)
    )
    relations = vocabulary().relations
    assert set(rows) == set(relations)
    for name, rel in relations.items():
        subj, obj = rows[name]
        assert sorted(subj.split(", ")) == sorted(rel["subject"]), name
        assert sorted(obj.split(", ")) == sorted(rel["object"]), name
