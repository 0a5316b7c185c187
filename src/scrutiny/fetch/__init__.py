"""Bring the manifest's documents into ``corpus/sources/``.

- ``fetch_document(root, entry, ...) -> FetchResult``: one document (mirrors,
  its URL, its landing page, the web archives), never raising for a network or
  content problem;
- ``fetch_all(project, doc_ids=None, ...) -> FetchReport``: many, four at once,
  each result recorded in the manifest (provenance, sha256, moved addresses);
- ``check_all(project, ...) -> list[CheckResult]``: what moved, without
  downloading.

The modules: ``settings`` (addresses and limits), ``download`` (one robust
download), ``landing`` (landing page -> file), ``archive`` (UK Government Web
Archive and Wayback captures), ``provenance`` (what the manifest records),
``retrieve`` (one document), ``batch`` (many), ``check`` (``--check``).
"""

from __future__ import annotations

from scrutiny.fetch.batch import FetchReport, fetch_all
from scrutiny.fetch.check import CheckResult, check_all, check_document
from scrutiny.fetch.provenance import Provenance
from scrutiny.fetch.retrieve import Attempt, FetchResult, fetch_document, sha256_file
from scrutiny.fetch.settings import FetchSettings
from scrutiny.paths import source_name, source_path

__all__ = [
    "Attempt", "CheckResult", "FetchReport", "FetchResult", "FetchSettings", "Provenance",
    "check_all", "check_document", "fetch_all", "fetch_document", "sha256_file", "source_name",
    "source_path",
]
