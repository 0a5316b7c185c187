"""`scrutiny search` must not import what it does not need (it starts fast)."""

import json
import re
import subprocess
import sys

from scrutiny.index import build_index
from scrutiny.passages import Passage
from scrutiny.tags.queries import PassageTags

HEAVY = ("spacy", "sklearn", "numpy", "scipy", "jinja2", "pypdfium2", "trafilatura", "docx",
         "networkx", "citeproc", "httpx", "tomlkit", "ruamel", "lxml", "torch", "thinc",
         # what Whoosh would bring in without scrutiny.whoosh_import, and other packages of the venv
         "asyncio", "http", "email", "ssl", "socket", "pydantic", "yaml", "markdown_it", "pdfplumber",
         "pdfminer", "PIL", "psycopg", "distributed", "dask", "sqlite3")


def _index(project):
    project.ensure_data_dir()
    build_index(project.index_path, {"d": "D"}, [
        Passage(id="d-1", doc_id="d", ord=0, kind="paragraph", page=2, page_end=2,
                text="Synthetic words about bus timetables.", heading_path=["Travel"]),
        Passage(id="d-2", doc_id="d", ord=1, kind="paragraph", page=3, page_end=3,
                text="More synthetic words about bus fares and timetables."),
    ], {"d-1": PassageTags(tags=["statistic"], stakeholders=["bus-board"])})


def test_search_imports_nothing_heavy(project):
    _index(project)
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "scrutiny", "--root", str(project.root), "search", "bus", "--json"],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert '"total": 2' in proc.stdout
    imported = set(re.findall(r"\|\s+([\w.]+)\s*$", proc.stderr, flags=re.M))
    assert "whoosh" in imported  # the measurement works
    top = {m.split(".")[0] for m in imported}
    offenders = sorted(top & set(HEAVY))
    assert not offenders, f"scrutiny search imported {offenders}"


CLI_MODULES = """
import json, sys
from scrutiny.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    assert not exc.code, exc.code
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def test_search_with_every_filter_imports_nothing_heavy(project):
    """The modules loaded by a whole `scrutiny search` with a phrase, a field, a
    prefix, NOT and every filter (read from sys.modules at its end)."""
    _index(project)
    args = ["--root", str(project.root), "search", '"bus timetables" OR heading:travel OR timetab* -trains',
            "--doc", "d", "--kind", "paragraph", "--tag", "statistic", "--stakeholder", "bus-board",
            "--page", "1-2", "--json"]
    proc = subprocess.run([sys.executable, "-c", CLI_MODULES, *args], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout)["total"] == 1
    modules = set(json.loads(proc.stderr.strip().splitlines()[-1]))
    assert "whoosh.searching" in modules  # the measurement works
    offenders = sorted({m.split(".")[0] for m in modules} & set(HEAVY)) + sorted({"urllib.request"} & modules)
    assert not offenders, f"scrutiny search imported {offenders}"


LATER = """
import sys
from scrutiny.whoosh_import import prepare
prepare()
import whoosh.compat, cached_property
assert "asyncio" not in sys.modules and "urllib.request" not in sys.modules
import asyncio, urllib.request                      # the real ones, for anyone who imports them later
assert hasattr(asyncio, "get_event_loop") and hasattr(urllib.request, "Request")

async def coro():
    return 42

class C:
    @cached_property.cached_property
    def value(self):
        return 7

    @cached_property.cached_property
    async def later(self):
        return await coro()

assert C().value == 7
async def main():
    return await C().later

assert asyncio.run(main()) == 42                     # cached_property still tells coroutines apart
assert cached_property.asyncio.iscoroutinefunction(coro)
assert not cached_property.asyncio.iscoroutinefunction(lambda: 1)
print("ok")
"""


def test_whoosh_is_imported_without_asyncio_and_urllib_request_and_they_still_work():
    proc = subprocess.run([sys.executable, "-c", LATER], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]
