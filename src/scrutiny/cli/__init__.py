"""The ``scrutiny`` command: a thin Click layer over the library.

Each command module below registers its commands on :data:`cli`. Command
modules import only ``click`` and the helpers here at load time; everything
heavy is imported inside the command function, so ``scrutiny search`` does not
pay for spaCy or scikit-learn.
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
    for name in ONE_THREAD:
        os.environ.setdefault(name, "1")
    _load_commands()
    return cli.main(args=argv, prog_name="scrutiny")


__all__ = ["cli", "main", "__version__", "click"]
