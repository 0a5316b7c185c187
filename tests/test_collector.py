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


def test_a_command_process_freezes_what_it_holds_before_the_shutdown_collection():
    # a handler registered before main() runs after the command's own (exit handlers run
    # in reverse order): by then every object the process held is frozen, none before
    code = ("import atexit, gc, sys\n"
            "atexit.register(lambda: print('at exit', gc.get_freeze_count() > 1000, flush=True))\n"
            "from scrutiny.cli import main\nsys.argv = ['scrutiny', '--version']\n"
            "print('before', gc.get_freeze_count(), flush=True)\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[0] == "before 0"
    assert lines[-1] == "at exit True"


def test_no_last_pass_leaves_the_objects_to_exit_handlers_registered_after_it():
    code = ("import atexit, gc\nfrom scrutiny.collector import no_last_pass\nno_last_pass()\n"
            "atexit.register(lambda: print('later handler sees', gc.get_freeze_count(), flush=True))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "later handler sees 0"
