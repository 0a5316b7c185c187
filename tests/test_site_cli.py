"""`scrutiny site`, `build-site` and `serve` (the CLI layer over scrutiny.site)."""

from __future__ import annotations

import json
import subprocess
import sys

from helpers_site import make_store


def run_cli(*args, root):
    """The real command in its own process (in-process runs make Click cache each
    command's help option with the group's -h, which the README check then sees)."""
    from types import SimpleNamespace

    proc = subprocess.run([sys.executable, "-m", "scrutiny", "--root", str(root), *map(str, args)],
                          capture_output=True, text=True)
    return SimpleNamespace(exit_code=proc.returncode, output=proc.stdout + proc.stderr, stdout=proc.stdout)


def test_site_command_builds_and_checks_links(project):
    make_store(project)
    result = run_cli("site", "--check", "--json", root=project.root)
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert stats["pages"] > 20 and stats["broken_links"] == []
    assert (project.site_dir / "doc" / "alpha" / "index.html").is_file()
    again = run_cli("build-site", root=project.root)
    assert again.exit_code == 0
    assert "0 written" in again.output


def test_serve_refuses_cleanly_without_a_site(project):
    result = run_cli("serve", "--no-build", root=project.root)
    assert result.exit_code == 1
    assert "no site to serve" in result.output and "Traceback" not in result.output


def test_site_commands_import_nothing_heavy():
    code = ("import sys; from scrutiny.cli import _load_commands; _load_commands(); "
            "import scrutiny.cli.site_cmds; "
            "print(sorted(m for m in ('jinja2', 'networkx', 'spacy', 'sklearn', 'markdown_it') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
