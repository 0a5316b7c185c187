"""Generate the README's CLI reference from the commands' own --help.

    python -m scrutiny.docs README.md          # rewrite the reference in place
    python -m scrutiny.docs README.md --check  # exit 1 when it is out of date

The reference sits between the markers ``<!-- cli-reference:start -->`` and
``<!-- cli-reference:end -->``; everything else in the file is left alone.
"""

from __future__ import annotations

import sys
from pathlib import Path

START = "<!-- cli-reference:start -->"
END = "<!-- cli-reference:end -->"


def _commands(group, prefix=()):
    import click

    for name in sorted(group.commands):
        cmd = group.commands[name]
        if getattr(cmd, "hidden", False):
            continue
        yield (*prefix, name), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, (*prefix, name))


def cli_reference() -> str:
    import click

    from scrutiny.cli import _load_commands, cli

    _load_commands()
    parts = []
    for path, cmd in _commands(cli):
        words = " ".join(path)
        ctx = click.Context(cmd, info_name=f"scrutiny {words}", terminal_width=88, max_content_width=88,
                            help_option_names=["-h", "--help"])
        text = cmd.get_help(ctx)
        parts.append(f"### `scrutiny {words}`\n\n```\n{text}\n```\n")
    return "\n".join(parts)


def update(path: Path, check: bool = False) -> bool:
    text = path.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{path}: markers {START} / {END} not found")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{START}\n\n{cli_reference()}\n{END}{tail}"
    if new == text:
        return False
    if not check:
        from scrutiny.atomic import write_text

        write_text(path, new)
    return True


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in argv
    paths = [a for a in argv if a != "--check"] or ["README.md"]
    changed = update(Path(paths[0]), check=check)
    if check and changed:
        print(f"{paths[0]}: the CLI reference is out of date; run `make docs`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
