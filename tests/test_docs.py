"""The README documents every command, and every command shows an example."""

from pathlib import Path

import click
import pytest

from scrutiny.cli import _load_commands, cli
from scrutiny.docs import _commands, update

README = Path(__file__).resolve().parents[1] / "README.md"
_load_commands()
COMMANDS = list(_commands(cli))


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_is_in_readme(path, cmd):
    assert f"### `scrutiny {' '.join(path)}`" in README.read_text(encoding="utf-8")


# groups whose only job is to hold sub-commands need no example of their own
RUNNABLE = [(p, c) for p, c in COMMANDS if not (isinstance(c, click.Group) and not c.invoke_without_command)]


@pytest.mark.parametrize("path,cmd", RUNNABLE, ids=[" ".join(p) for p, _ in RUNNABLE])
def test_command_has_example(path, cmd):
    assert "Example:" in (cmd.help or ""), f"scrutiny {' '.join(path)} needs an 'Example:' line in its docstring"


def test_readme_reference_is_current():
    assert not update(README, check=True), "README's CLI reference is out of date: run `make docs`"


def test_readme_quick_start_has_the_two_commands():
    text = README.read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("##", 1)[0]
    assert "make site" in quick and "make test" in quick
