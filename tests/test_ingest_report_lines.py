"""`scrutiny ingest` over a large manifest: its unchanged documents are counted in one
line (10,000 of them would be 10,000 lines), a small project's are listed one by one,
and `--verbose` lists every one."""

from __future__ import annotations

from conftest import run_cli
from scrutiny.cli.ingest_cmds import UNCHANGED_LISTED


def _notes(tmp_path, n):
    files = []
    for i in range(n):
        f = tmp_path / f"note-{i:02d}.md"
        f.write_text(f"# Note {i}\n\nA short paragraph of our own about ward {i} and its waiting list.\n\n"
                     f"A second paragraph about staffing on ward {i}.\n", encoding="utf-8")
        files.append(str(f))
    return files


def test_many_unchanged_documents_are_counted_in_one_line(project, tmp_path):
    n = UNCHANGED_LISTED + 2
    first = run_cli("ingest", "--no-tag", *_notes(tmp_path, n), root=project.root)
    assert first.exit_code == 0, first.output
    again = run_cli("ingest", "--no-tag", root=project.root)
    assert again.exit_code == 0, again.output
    assert ": unchanged (" not in again.output
    assert f"{n} documents unchanged (" in again.output and "`--verbose` lists them" in again.output
    assert f"{n} documents ready, 0 failed, 0 missing" in again.output

    listed = run_cli("ingest", "--no-tag", "--verbose", root=project.root)
    assert listed.exit_code == 0, listed.output
    lines = [ln for ln in listed.output.splitlines() if ": unchanged (" in ln]
    assert sorted(ln.split(":")[0] for ln in lines) == [f"note-{i:02d}" for i in range(n)]
    assert "documents unchanged (" not in listed.output


def test_a_few_unchanged_documents_are_listed(project, tmp_path):
    run_cli("ingest", "--no-tag", *_notes(tmp_path, 3), root=project.root)
    again = run_cli("ingest", "--no-tag", root=project.root)
    assert again.exit_code == 0, again.output
    assert sum(": unchanged (" in ln for ln in again.output.splitlines()) == 3
    assert "documents unchanged (" not in again.output
