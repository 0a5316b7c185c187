"""Every failure of a command is one clear line and a non-zero exit: a
ScrutinyError says what to fix; anything else is named as a bug."""

from __future__ import annotations

from click.testing import CliRunner

from scrutiny.cli import _load_commands, cli


def _run(*args, env=None):
    _load_commands()
    return CliRunner().invoke(cli, [str(a) for a in args], env=env or {"SCRUTINY_DEBUG": ""})


def test_a_bug_is_one_line_naming_it_and_exit_1(project, monkeypatch):
    from scrutiny.store import Store

    Store(project.store_path).close()

    def broken(self):
        raise KeyError("documents")

    monkeypatch.setattr(Store, "stats", broken)
    result = _run("--root", project.root, "stats")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert lines[0].startswith("Error: a bug in scrutiny: KeyError: 'documents' at cli/ingest_cmds.py:")
    assert "SCRUTINY_DEBUG=1" in lines[0]
    # asked for, the traceback is there
    debug = _run("--root", project.root, "stats", env={"SCRUTINY_DEBUG": "1"})
    assert debug.exit_code == 1 and isinstance(debug.exception, KeyError)


def test_an_expected_problem_is_one_line_saying_what_to_do(project):
    result = _run("--root", project.root, "claims")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: no store at {project.store_path}: run `scrutiny ingest` first"]


def test_a_reader_that_stops_early_is_not_a_bug(project):
    """`scrutiny passages | head -1`: the pipe closes under the command, which stops quietly."""
    import subprocess
    import sys

    from helpers_tagging import add_document
    from scrutiny.store import Store

    store = Store(project.store_path)
    with store.transaction():
        add_document(store, "long", [f"Paragraph {i} of a long synthetic report about waiting lists and staffing."
                                     for i in range(3000)])
    store.close()
    proc = subprocess.Popen([sys.executable, "-m", "scrutiny", "--root", str(project.root), "passages"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert first.startswith(b"long-")
    assert err == "" and proc.returncode == 1
