"""`scrutiny search` must not import what it does not need (it starts fast)."""

import re
import subprocess
import sys

from scrutiny.index import build_index
from scrutiny.passages import Passage

HEAVY = ("spacy", "sklearn", "numpy", "scipy", "jinja2", "pypdfium2", "trafilatura", "docx",
         "networkx", "citeproc", "httpx", "tomlkit", "ruamel", "lxml", "torch", "thinc")


def test_search_imports_nothing_heavy(project):
    project.ensure_data_dir()
    build_index(project.index_path, {"d": "D"}, [
        Passage(id="d-1", doc_id="d", ord=0, kind="paragraph", page=1, page_end=1,
                text="Synthetic words about bus timetables."),
    ])
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "scrutiny", "--root", str(project.root), "search", "bus", "--json"],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert '"total": 1' in proc.stdout
    imported = set(re.findall(r"\|\s+([\w.]+)\s*$", proc.stderr, flags=re.M))
    assert "whoosh" in imported  # the measurement works
    top = {m.split(".")[0] for m in imported}
    offenders = sorted(top & set(HEAVY))
    assert not offenders, f"scrutiny search imported {offenders}"
