"""The CLI imports a command's module only when the command is asked for: the map of
commands to modules is the commands the modules register, and `scrutiny search`
does not import the other command modules."""

import subprocess
import sys

from scrutiny.cli import _COMMAND_MODULES, COMMANDS, _load_commands, cli


def test_the_map_names_every_command_and_its_module():
    _load_commands()
    assert set(COMMANDS) == set(cli.commands)
    for name, command in cli.commands.items():
        assert command.callback.__module__ == COMMANDS[name], name
    assert set(COMMANDS.values()) == set(_COMMAND_MODULES)


def test_search_imports_only_its_command_module(project):
    code = ("import sys; from scrutiny.cli import main\n"
            "try:\n    main(['--root', sys.argv[1], 'search', 'anything'])\n"
            "except SystemExit:\n    pass\n"
            "print(' '.join(sorted(m for m in sys.modules if m.startswith('scrutiny.cli.'))))")
    out = subprocess.run([sys.executable, "-c", code, str(project.root)], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["scrutiny.cli.common", "scrutiny.cli.query_cmds"]


def test_help_lists_every_command():
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert f"  {name} " in result.output or f"  {name}\n" in result.output, name
