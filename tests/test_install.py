"""A non-editable install builds a site: a wheel of the project is installed into
a fresh virtual environment and, from a fresh `scrutiny init` root, `scrutiny
build` writes a site with the theme and cross-references.

To stay fast the fresh environment borrows the already-installed dependencies
(a ``.pth`` naming the test environment's site-packages, added after the wheel is
installed and placed after the fresh site-packages on ``sys.path``); scrutiny
itself comes from the wheel, which the test checks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from helpers_pipeline import fill_project, seed_claim_model

REPO = Path(__file__).resolve().parents[1]

def _run(args, cwd, env, timeout=600):
    proc = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(map(str, args))} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.mark.slow
def test_wheel_install_builds_a_site_from_a_fresh_init(tmp_path, built_campaign):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "SCRUTINY_", "PIP_"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"

    # 1. a wheel, built from a copy of the project's files (the checkout is left alone)
    src = tmp_path / "src-copy"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, src / name)
    shutil.copytree(REPO / "src", src / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    wheels = tmp_path / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
          "-w", wheels, src], tmp_path, env)
    wheel = next(wheels.glob("scrutiny-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for data in ("scrutiny/site/theme/base.html", "scrutiny/site/theme/static/site.css",
                 "scrutiny/schema/vocabulary.yaml", "scrutiny/data/xref_pairs.yaml",
                 "scrutiny/evaluation/data/blind/passages.jsonl"):
        assert data in names, f"{data} missing from the wheel"

    # 2. a fresh environment with scrutiny from the wheel only
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], tmp_path, env)
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel],
         tmp_path, env)
    purelib = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                        tmp_path, env).stdout.strip())
    deps = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (purelib / "_test_dependencies.pth").write_text("".join(f"{d}\n" for d in deps), encoding="utf-8")

    where = _run([python, "-c", "import scrutiny, scrutiny.site.render as r; print(scrutiny.__file__); "
                                "print(r.THEME_DIR)"], tmp_path, env).stdout.split()
    assert Path(where[0]).resolve().is_relative_to(venv.resolve()), where
    assert not Path(where[0]).resolve().is_relative_to(REPO), where
    assert Path(where[1]).resolve().is_relative_to(purelib.resolve()), where

    # 3. a fresh project, built with the installed command
    scrutiny = venv / "bin" / "scrutiny"
    root = tmp_path / "campaign"
    _run([scrutiny, "init", root], tmp_path, env)
    fill_project(root)
    seed_claim_model(built_campaign[0], root)
    out = _run([scrutiny, "--root", root, "build", "--offline"], tmp_path, env).stdout
    assert "xref: 2 from essay markup" in out and out.splitlines()[-1].startswith("build: done"), out

    site = root / "site"
    assert "six weeks by 2027" in (site / "doc" / "plan" / "index.html").read_text(encoding="utf-8")
    assert (site / "static" / "site.css").read_bytes() == (REPO / "src/scrutiny/site/theme/static/site.css").read_bytes()
    critique = (site / "critique" / "plan-critique" / "index.html").read_text(encoding="utf-8")
    assert "Passages this essay discusses" in critique        # the cross-references
