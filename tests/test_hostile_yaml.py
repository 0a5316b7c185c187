"""YAML from a shared corpus is read within bounds: alias bombs, self-containing
structures, deep nesting, oversized and non-UTF-8 files are one clear line each,
naming the file and line, and the rest of the run goes on."""

from __future__ import annotations

import pytest

from helpers_hostile import laughs, markdown_bomb, markdown_good, run_measured
from helpers_kb import write_project
from scrutiny import safeyaml
from scrutiny.safeyaml import InputLimitError

# Peak resident memory allowed for a whole `scrutiny ingest --no-tag` run
# (Python, click, the readers, SQLite, Whoosh) that meets a bomb (before: 16 GB).
INGEST_CAP_MB = 150


def test_ingest_refuses_a_front_matter_bomb_and_keeps_the_good_document(project, tmp_path):
    bomb = markdown_bomb(tmp_path / "laughs.md")
    good = markdown_good(tmp_path / "good-note.md")
    res = run_measured("ingest", bomb, good, "--no-tag", root=project.root, timeout=60)
    res.assert_clean()
    assert res.rc == 1
    errors = [ln for ln in res.err.splitlines() if ln.strip()]
    assert len(errors) == 1, res.err
    assert errors[0].startswith(f"{bomb}: line 12: ") and "billion laughs" in errors[0]
    assert "good-note: 1 pages" in res.out
    assert "1 documents ready, 1 failed" in res.out
    assert res.seconds < 20 and res.peak_mb < INGEST_CAP_MB, (res.seconds, res.peak_mb)
    print(f"front-matter bomb: peak RSS {res.peak_mb:.0f} MB, {res.seconds:.1f} s")
    found = run_measured("search", "pension", "--json", root=project.root)
    assert '"good-note"' in found.out


def _check(root):
    res = run_measured("kb", "check", root=root, timeout=60)
    res.assert_clean()
    return res


def test_kb_check_names_the_line_of_an_alias_bomb(tmp_path):
    # the bomb makes `stakeholders:` a mapping, so it stands in a file of its own
    root = write_project(tmp_path / "p", stakeholders=lambda t: "bombs:\n" + "\n".join(laughs(indent="  ")) + "\n")
    res = _check(root)
    assert res.rc == 1
    assert "kb/stakeholders.yaml:11: anchors and aliases" in res.err and "billion laughs" in res.err
    assert res.seconds < 20 and res.peak_mb < INGEST_CAP_MB


def test_kb_check_names_a_self_containing_alias_and_deep_nesting(tmp_path):
    root = write_project(tmp_path / "p", ties=lambda t: t + "loop: &loop [1, *loop]\n",
                         claims=lambda t: t + "deep: " + "[" * 200 + "]" * 200 + "\n")
    res = _check(root)
    assert res.rc == 1
    ties_lines = len((root / "kb/ties.yaml").read_text().splitlines())
    claims_lines = len((root / "kb/claims.yaml").read_text().splitlines())
    assert f"kb/ties.yaml:{ties_lines}: an alias (*name) inside the value it names" in res.err
    assert f"kb/claims.yaml:{claims_lines}: this value nests more than 64 levels deep" in res.err


def test_kb_check_names_the_byte_offset_of_non_utf8(tmp_path):
    root = write_project(tmp_path / "p")
    path = root / "kb/ties.yaml"
    data = path.read_bytes().replace(b"role: chair", b"role: ch\xe2ir", 1)
    path.write_bytes(data)
    essay = root / "kb/critique/widget-essay.md"
    essay_data = essay.read_bytes().replace(b"nobody audited", b"nobody \xffaudited")
    essay.write_bytes(essay_data)
    res = _check(root)
    assert res.rc == 1
    offset = data.index(b"\xe2ir")
    line = data[:offset].count(b"\n") + 1
    assert f"kb/ties.yaml:{line}: is not UTF-8 text: byte 0xe2 at byte offset {offset}" in res.err
    offset = essay_data.index(b"\xff")
    line = essay_data[:offset].count(b"\n") + 1
    assert f"kb/critique/widget-essay.md:{line}: is not UTF-8 text: byte 0xff at byte offset {offset}" in res.err


def test_kb_check_refuses_an_oversized_file(tmp_path):
    root = write_project(tmp_path / "p")
    with (root / "kb/claims.yaml").open("a") as fh:
        line = "# " + "padding " * 12 + "\n"
        fh.write(line * (safeyaml.KB_FILE_BYTES // len(line) + 1))
    res = _check(root)
    assert res.rc == 1 and "kb/claims.yaml: the file is over the 4 MiB cap" in res.err


def test_review_decisions_bomb_is_a_clear_error(tmp_path):
    from scrutiny.tags.review import ReviewError, load_decisions
    from scrutiny.project import Project

    root = write_project(tmp_path / "p")
    (root / "kb/reviewed.yaml").write_text("decisions: []\n" + "\n".join(laughs()) + "\n")
    with pytest.raises(ReviewError, match=r"reviewed.yaml:11: anchors and aliases .*billion laughs"):
        load_decisions(Project(root))


def test_modest_aliases_still_load():
    text = "shared: &s [{source: a, locator: p. 1}]\nitems:\n" + "".join(
        f"  - {{id: i{n}, sources: *s}}\n" for n in range(2000))
    data = safeyaml.load(text, typ="rt")
    assert len(data["items"]) == 2000 and data["items"][-1]["sources"][0]["source"] == "a"


def test_expansion_is_measured_without_walking_it():
    text = "\n".join(laughs(levels=40, width=2)) + "\n"   # 2**40 values, 42 lines
    with pytest.raises(InputLimitError) as err:
        safeyaml.load(text)
    assert err.value.line == 41 and "billion laughs" in err.value.reason


def test_a_long_alias_chain_does_not_exhaust_the_stack():
    text = "a0: &a0 [x]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 3000))
    with pytest.raises(InputLimitError, match="nests more than 64 levels"):
        safeyaml.load(text)
