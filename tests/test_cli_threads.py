"""The command runs one BLAS thread per process (its parallel work is in processes):
a BLAS library's threads on top of them made training the claim model on a busy
machine more than twenty times slower. threadpoolctl reports what the library runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PROBE = """
import json, sys
from scrutiny.cli import main
try:
    main(["--version"])
except SystemExit:
    pass
import numpy, threadpoolctl
print(json.dumps([p["num_threads"] for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]))
"""


def _blas_threads(env: dict) -> list[int]:
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_command_runs_one_blas_thread_unless_told_otherwise():
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    threads = _blas_threads(env)
    assert threads and set(threads) == {1}, threads
    # a value the user set is kept
    assert set(_blas_threads({**env, "OPENBLAS_NUM_THREADS": "2"})) == {2}
