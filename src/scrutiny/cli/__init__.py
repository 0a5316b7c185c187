"""The ``scrutiny`` command: a thin Click layer over the library.

Each command module below registers its commands on :data:`cli`. Command
modules import only ``click`` and the helpers here at load time; everything
heavy is imported inside the command function, so ``scrutiny search`` does not
pay for spaCy or scikit-learn. A command's module is imported when the command
is asked for (:data:`COMMANDS`; the help and the docs import them all): a
``scrutiny search`` process does not build the other commands' options.
"""

from __future__ import annotations

import os

import click

from scrutiny import __version__
from scrutiny.cli.common import cli  # noqa: F401  (the group)

# Command modules: importing them registers their commands on `cli`.
_COMMAND_MODULES = (
    "scrutiny.cli.project_cmds",
    "scrutiny.cli.ingest_cmds",
    "scrutiny.cli.query_cmds",
    "scrutiny.cli.tag_cmds",
    "scrutiny.cli.kb_cmds",
    "scrutiny.cli.site_cmds",
    "scrutiny.cli.build_cmds",
    "scrutiny.cli.cite_cmds",
)


# Each command and the module that registers it (tests/test_cli_lazy.py checks it
# against the commands the modules register).
COMMANDS = {
    "init": "scrutiny.cli.project_cmds", "fetch": "scrutiny.cli.project_cmds",
    "ingest": "scrutiny.cli.ingest_cmds", "documents": "scrutiny.cli.ingest_cmds",
    "history": "scrutiny.cli.ingest_cmds", "passages": "scrutiny.cli.ingest_cmds",
    "stats": "scrutiny.cli.ingest_cmds",
    "search": "scrutiny.cli.query_cmds", "show": "scrutiny.cli.query_cmds",
    "claims": "scrutiny.cli.tag_cmds", "eval": "scrutiny.cli.tag_cmds", "review": "scrutiny.cli.tag_cmds",
    "stakeholders": "scrutiny.cli.tag_cmds", "tag": "scrutiny.cli.tag_cmds", "ties": "scrutiny.cli.tag_cmds",
    "kb": "scrutiny.cli.kb_cmds", "conflicts": "scrutiny.cli.kb_cmds",
    "site": "scrutiny.cli.site_cmds", "build-site": "scrutiny.cli.site_cmds", "serve": "scrutiny.cli.site_cmds",
    "build": "scrutiny.cli.build_cmds", "watch": "scrutiny.cli.build_cmds",
    "cite": "scrutiny.cli.cite_cmds", "export": "scrutiny.cli.cite_cmds", "verify": "scrutiny.cli.cite_cmds",
    "xref": "scrutiny.cli.cite_cmds",
}
cli.lazy = COMMANDS


def _load_commands() -> None:
    import importlib

    for name in _COMMAND_MODULES:
        importlib.import_module(name)


# Our parallel work runs in processes, one per core. A BLAS library's own threads on
# top of them (OpenBLAS starts one per core) only wait for each other: on a busy
# two-core machine, training the claim model took 120 s with them and 5 s without.
# Set before numpy is loaded (it reads them once); a value the user set is kept.
ONE_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def main(argv=None):
    from scrutiny.collector import fewer_collections, no_last_pass

    for name in ONE_THREAD:
        os.environ.setdefault(name, "1")
    fewer_collections()    # a command's process: the cycle collector runs less often (scrutiny.collector)
    no_last_pass()         # and the interpreter's shutdown does not walk every object it held
    return cli.main(args=argv, prog_name="scrutiny")


__all__ = ["cli", "main", "__version__", "click"]
