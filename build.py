"""`python build.py`: the whole pipeline on this repository -> site/.

fetch what is missing (a notice per document when offline) -> check the
knowledge base -> ingest, tag and index -> cross-references -> the site.
Each stage is skipped when its inputs have not changed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "src"))


def main() -> int:
    from scrutiny.errors import ScrutinyError
    from scrutiny.fetch import fetch_all, source_path
    from scrutiny.ingest import ingest
    from scrutiny.manifest import load_manifest
    from scrutiny.project import Project

    t0 = time.perf_counter()
    try:
        project = Project.find(ROOT)
        manifest = load_manifest(project.manifest_path)
    except ScrutinyError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1

    print("== fetch")
    missing = [e.id for e in manifest.documents.values() if not source_path(project.root, e).is_file()]
    if missing:
        # four at once; each result (with where it came from) is recorded in the manifest
        for r in fetch_all(project, missing).results:
            for line in r.lines():  # the outcome; for a failure, each address tried
                print(f"  {line}")

    print("== ingest")
    try:
        report = ingest(project, progress=lambda m: None)
    except ScrutinyError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    for d in report.documents:
        if d.status == "ingested":
            print(f"  {d.doc_id}: {d.pages} pages, {d.passages} passages, {d.seconds:.2f}s")
        elif d.status == "unchanged":
            print(f"  {d.doc_id}: unchanged")
        elif d.status == "missing":
            print(f"  {d.doc_id}: not ingested: {d.message}")
        else:
            print(f"  {d.path}: {d.message}", file=sys.stderr)
    if report.index:
        print(f"  indexed {report.index['passages']} passages")

    try:
        from scrutiny.xref import build_xrefs
    except ImportError:
        build_xrefs = None
    if build_xrefs is not None:
        print("== cross-references")
        from scrutiny.store import Store

        with Store(project.store_path) as store:
            x = build_xrefs(project, store)
        print("  " + ", ".join(f"{k} {v}" for k, v in x.items() if k != "seconds")
              + f" ({x.get('seconds', 0):.1f}s)")

    try:
        from scrutiny.site import build_site
    except ImportError:
        build_site = None
    if build_site is not None:
        print("== site")
        stats = build_site(project)
        print(f"  {stats.get('pages', 0)} pages ({stats.get('pages_written', 0)} written, "
              f"{stats.get('pages_unchanged', 0)} unchanged) in {stats.get('seconds', 0):.1f}s -> {stats.get('out')}")
        for note in stats.get("notes") or []:
            print(f"  note: {note}")
    print(f"done in {time.perf_counter() - t0:.1f}s")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
