"""A scrutiny command's process runs the cycle collector less often (scrutiny.collector)."""

from __future__ import annotations

import gc
import subprocess
import sys

from scrutiny.collector import THRESHOLDS, fewer_collections


def test_a_command_process_runs_with_the_projects_thresholds():
    code = ("import gc, sys\nfrom scrutiny.cli import main\nsys.argv = ['scrutiny', '--version']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\nprint(gc.get_threshold())")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == str(THRESHOLDS)


def test_fewer_collections_gives_back_the_old_thresholds():
    before = gc.get_threshold()
    try:
        assert fewer_collections() == before
        assert gc.get_threshold() == THRESHOLDS
    finally:
        gc.set_threshold(*before)
