"""Every value in kb/ is type-checked: a wrong type is a problem naming file and
line, never a traceback, and nothing of the wrong type reaches the site."""

from __future__ import annotations

import json
import re

import pytest

from helpers_hostile import run_measured
from helpers_kb import FILES, line_of, write_project
from scrutiny.kb import load_with_problems

WRONG = ["5", "true", "[1, [2]]", "{a: 1}", "null"]


def _field_lines(name):
    """(line number, text) of every `key: value` line of the first entry of a kb YAML file."""
    lines = FILES[name][1].split("\n")
    out, entries = [], 0
    for i, text in enumerate(lines):
        if re.match(r"^\s*- id:", text):
            entries += 1
        if entries > 1:
            break
        if re.match(r"^\s*(?:- )?[\w-]+:\s*\S", text) and not text.strip().startswith("#"):
            out.append((i, text))
    return out


CASES = [(name, i, text, value) for name in ("stakeholders", "ties", "claims", "essay")
         for i, text in _field_lines(name) for value in WRONG]


@pytest.mark.parametrize("name,index,text,value", CASES, ids=[f"{c[0]}:{c[1] + 1}:{c[3]}" for c in CASES])
def test_a_wrong_type_anywhere_is_a_located_problem(tmp_path, name, index, text, value):
    key = re.match(r"^(\s*(?:- )?[\w-]+:)", text).group(1)

    def swap(t):
        lines = t.split("\n")
        lines[index] = f"{key} {value}"
        return "\n".join(lines)

    root = write_project(tmp_path / "p", **{name: swap})
    kb, problems = load_with_problems(root / "kb", root / "corpus/manifest.toml")
    for p in problems:
        assert p.file and p.line, p
    if not problems:   # accepted (e.g. a number as a role): it must be text by now
        for st in kb.stakeholders.values():
            assert all(isinstance(a, str) for a in st.aliases) and isinstance(st.name, str)
        for t in kb.ties:
            assert all(isinstance(getattr(t, f) or "", str) for f in ("id", "subject", "relation", "object", "role"))


CSL_WRONG = [
    ("author", "Ada Example", "must be a list of names"),
    ("author", [{"family": 5}], "has a name part that is not text"),
    ("editor", [None], "must be a list of names"),
    ("container-title", ["A", "B"], "must be text or a number, not a list"),
    ("page", {"from": 1}, "must be text or a number, not an object"),
    ("note", True, "must be text or a number, not true/false"),
    ("issued", {"raw": 2020}, "is a bad date"),
    ("accessed", {"date-parts": [["May"]]}, "is a bad date"),
]


@pytest.mark.parametrize("key,value,message", CSL_WRONG)
def test_bibliography_values_are_typed(tmp_path, key, value, message):
    def swap(t):
        items = json.loads(t)
        items[0][key] = value
        return json.dumps(items, indent=2)

    root = write_project(tmp_path / "p", sources=swap)
    kb, problems = load_with_problems(root / "kb", root / "corpus/manifest.toml")
    text = (root / "kb/sources.json").read_text().split("\n")
    line = next(i for i, t in enumerate(text, 1) if t.strip().startswith(f'"{key}"'))
    assert any(p.file == "kb/sources.json" and p.line == line and f"`{key}` {message}" in p.message
               for p in problems), problems
    assert key not in kb.sources["src-report"]  # left out of the partial knowledge base


def test_the_cli_reports_them_all_without_a_traceback(tmp_path):
    root = write_project(
        tmp_path / "p",
        stakeholders=lambda t: t.replace("name: Ada Example", "name: true").replace("aliases: [HH]", "aliases: [yes, true]"),
        ties=lambda t: t.replace("role: chair", "role: [chair, member]"),
        claims=lambda t: t.replace("      - doc: widget-review", "      - doc: [widget-review]"),
        sources=lambda t: t.replace('"title": "A report on widgets",', '"title": "A report on widgets",\n    "author": "Ada",'),
    )
    res = run_measured("kb", "check", root=root)
    res.assert_clean()
    assert res.rc == 1
    for where in (f"kb/stakeholders.yaml:{line_of('stakeholders', 'name: Ada Example')}: stakeholder 'ada-example': "
                  "`name` must be text, not true/false",
                  f"kb/stakeholders.yaml:{line_of('stakeholders', 'aliases: [HH]')}: stakeholder 'helping-hands': "
                  "`aliases` must be a list of text items",
                  f"kb/ties.yaml:{line_of('ties', 'role: chair')}: tie 'ada-chairs-panel': `role` must be text, not a list",
                  f"kb/claims.yaml:{line_of('claims', '- doc: widget-review')}: claim 'widget-rate', document: `doc` "
                  "must be text",
                  "kb/sources.json:6: source 'src-report': `author` must be a list of names"):
        assert where in res.err, (where, res.err)
