"""Shared pieces of the CLI: the root group, options and output helpers."""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import sys
from pathlib import Path

import click

from scrutiny import __version__
from scrutiny.errors import ScrutinyError


class Group(click.Group):
    """Every failure of a command is one clear line on stderr and exit status 1.

    A ScrutinyError says what is wrong and how to fix it. Anything else is a bug
    in scrutiny: one line names it (``SCRUTINY_DEBUG=1`` shows the traceback).

    A command is registered when its module is imported: ``lazy`` maps each
    command's name to its module, imported when the command is asked for (all
    of them when the commands are listed).
    """

    lazy: dict = {}

    def get_command(self, ctx, name):
        if name not in self.commands and name in self.lazy:
            import importlib

            importlib.import_module(self.lazy[name])
        return super().get_command(ctx, name)

    def list_commands(self, ctx):
        import importlib

        for module in dict.fromkeys(self.lazy.values()):
            importlib.import_module(module)
        return super().list_commands(ctx)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ScrutinyError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:
            # the reader went away (`scrutiny claims | head`): stop quietly, as Python's docs advise
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(1)
        except Exception as exc:
            if _busy(exc):
                # a writer outside scrutiny's lock (another tool, an older scrutiny) kept the store busy
                click.echo(f"Error: busy: the store (.scrutiny/store.db) is being written by another process "
                           f"({exc}); try again when it has finished", err=True)
                ctx.exit(1)
            if os.environ.get("SCRUTINY_DEBUG"):
                raise
            where, ours = "", str(Path(__file__).resolve().parents[1])
            tb = exc.__traceback__
            while tb is not None:  # the last line of our own code the error went through
                name = tb.tb_frame.f_code.co_filename
                if name.startswith(ours):
                    where = f" at {Path(name).relative_to(ours).as_posix()}:{tb.tb_lineno}"
                tb = tb.tb_next
            click.echo(f"Error: a bug in scrutiny: {type(exc).__name__}: {exc}{where} "
                       "(run again with SCRUTINY_DEBUG=1 for the traceback, and please report it)", err=True)
            ctx.exit(1)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scrutiny")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=str),
    envvar="SCRUTINY_ROOT",
    help="Project root (default: the nearest folder above the current one holding corpus/manifest.toml).",
)
@click.pass_context
def cli(ctx, root):
    """scrutiny: search, tag, cite and publish a critique of policy documents."""
    ctx.ensure_object(dict)
    ctx.obj["root"] = root


def _busy(exc: Exception) -> bool:
    """SQLite's "database is locked" (sqlite3 is imported only by commands that use it)."""
    sqlite3 = sys.modules.get("sqlite3")
    if sqlite3 is None or not isinstance(exc, sqlite3.OperationalError):
        return False
    text = str(exc).lower()
    return "database is locked" in text or "database is busy" in text


def get_project(ctx: click.Context | None = None):
    """The Project for this invocation (found lazily, so `init` needs none)."""
    from scrutiny.project import Project

    ctx = ctx or click.get_current_context()
    obj = ctx.find_root().obj or {}
    if "project" not in obj:
        obj["project"] = Project.find(obj.get("root"))
    return obj["project"]


def pass_project(fn):
    """Decorator: call the command with ``project`` as first argument.

    Adds ``--root DIR`` to the command itself, so that both
    ``scrutiny --root DIR search x`` and ``scrutiny search x --root DIR`` work.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        root = kwargs.pop("command_root", None)
        if root is not None:
            from scrutiny.project import Project

            ctx = click.get_current_context()
            ctx.find_root().obj["project"] = Project.find(root)
        return fn(get_project(), *args, **kwargs)

    return click.option(
        "--root", "command_root", type=click.Path(file_okay=False), default=None,
        help="Project root (default: found from the current folder; see `scrutiny --help`).",
    )(wrapper)


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")

wait_option = click.option(
    "--wait", type=click.FloatRange(min=0), default=5, show_default=True, metavar="SECONDS",
    help="How long to wait for another command writing this project to finish (`inf`: as long as it takes).")


def hold_lock(project, command: str, wait: float | None):
    """The project's write lock for ``command`` (see :mod:`scrutiny.lock`), saying on
    stderr when it has to wait for another writer."""
    from scrutiny.lock import project_lock

    return project_lock(project, command, wait=wait, say=lambda line: click.echo(line, err=True))


def writes(command: str):
    """Decorator, under ``pass_project``: the command holds the project's write lock
    while it runs (a second writer waits, then stops with one "busy" line); adds ``--wait``."""

    def deco(fn):
        @functools.wraps(fn)
        def wrapper(project, *args, wait, **kwargs):
            with hold_lock(project, command, wait):
                return fn(project, *args, **kwargs)

        return wait_option(wrapper)

    return deco


def emit_json(data) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_SCALARS = frozenset({str, int, float, bool, type(None)})


def plain(obj):
    """``dataclasses.asdict`` for a report: dataclasses as dicts, lists, tuples and
    dicts rebuilt, any other value as it is (asdict deep-copies each; a report holds
    plain values, so the JSON is the same)."""
    if type(obj) in _SCALARS:
        return obj
    names = _FIELD_NAMES.get(type(obj))
    if names is None and dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        names = _FIELD_NAMES[type(obj)] = tuple(f.name for f in dataclasses.fields(obj))
    if names is not None:
        return {name: plain(getattr(obj, name)) for name in names}
    if isinstance(obj, (list, tuple)):
        return [plain(v) for v in obj]
    if isinstance(obj, dict):
        return {plain(k): plain(v) for k, v in obj.items()}
    return obj


def fail(message: str, code: int = 1):
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)
