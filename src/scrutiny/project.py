"""A scrutiny project: its root folder and the paths and settings under it.

A root is any directory holding ``corpus/manifest.toml``. Everything derived
(store, index, review state caches) lives under ``<root>/.scrutiny/``, which is
ignored by git and can be deleted at any time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from scrutiny.errors import ProjectError
from scrutiny.paths import DATA_DIR, MANIFEST, source_path


DEFAULT_MIN_CONFIDENCE = 0.6
# Claim sentences are shown unfolded at or above this calibrated confidence: the lowest
# threshold at which the claim sentences shown were at least 0.90 right on our labelled
# sentences of real government documents (`scrutiny eval calibrate`, docs/tagging.md).
DEFAULT_CLAIM_MIN_CONFIDENCE = 0.85
DEFAULT_STAKEHOLDER_MIN_MENTIONS = 3


def find_root(start: os.PathLike | str | None = None) -> Path:
    """Walk up from ``start`` (default: cwd) to the first dir with corpus/manifest.toml."""
    here = Path(start or os.getcwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / MANIFEST).is_file():
            return candidate
    raise ProjectError(
        f"no scrutiny project found in {here} or any parent folder "
        f"(looked for {MANIFEST}). Run `scrutiny init DIR` to start one, or pass --root DIR."
    )


@dataclass
class Project:
    root: Path

    def __post_init__(self):
        self.root = Path(self.root)

    @classmethod
    def find(cls, root: os.PathLike | str | None = None, start=None) -> "Project":
        if root is not None:
            root = Path(root).resolve()
            if not (root / MANIFEST).is_file():
                raise ProjectError(
                    f"{root} is not a scrutiny project: {MANIFEST} is missing "
                    f"(run `scrutiny init {root}` to create one)"
                )
            return cls(root)
        return cls(find_root(start))

    # --- paths -------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    @property
    def sources_dir(self) -> Path:
        return self.root / "corpus" / "sources"

    @property
    def kb_dir(self) -> Path:
        return self.root / "kb"

    @property
    def data_dir(self) -> Path:
        return self.root / DATA_DIR

    @property
    def store_path(self) -> Path:
        return self.data_dir / "store.db"

    @property
    def index_path(self) -> Path:
        """A symlink to the live index directory, swapped atomically on rebuild."""
        return self.data_dir / "index"

    @property
    def database(self) -> str | None:
        """The shared PostgreSQL store of this project (``database`` in the manifest's
        ``[project]`` table, set by ``scrutiny init --database``, or the environment
        variable SCRUTINY_DATABASE); None: the embedded SQLite store and Whoosh index."""
        env = os.environ.get("SCRUTINY_DATABASE")
        if env:
            return env
        table = self.settings if "settings" in self.__dict__ else self.project_table
        return table.get("database") or None

    @property
    def store_location(self):
        """What :class:`scrutiny.store.Store` opens: the database's address, or the SQLite file."""
        return self.database or self.store_path

    @property
    def index_location(self):
        """What :func:`scrutiny.search.search` searches: the database (its full-text
        index) or the Whoosh index folder."""
        return self.database or self.index_path

    @property
    def site_dir(self) -> Path:
        return self.root / "site"

    @property
    def templates_dir(self) -> Path:
        return self.root / "site_templates"

    def source_path(self, entry) -> Path:
        """Where a manifest document's source lives (see ``source_path``)."""
        return source_path(self.root, entry)

    def ensure_data_dir(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir

    # --- settings ----------------------------------------------------------
    @cached_property
    def settings(self) -> dict:
        """The ``[project]`` table of the manifest (name, base_url, spacy_model...)."""
        from scrutiny.manifest import read_manifest

        return dict(read_manifest(self.manifest_path).project)

    @cached_property
    def project_table(self) -> dict:
        """The ``[project]`` table read without the documents' tables
        (:func:`scrutiny.manifest.load_project_table`): what ``database`` needs, so
        that finding the index to search does not parse every document's table."""
        from scrutiny.manifest import load_project_table

        return load_project_table(self.manifest_path)

    @cached_property
    def site_settings(self) -> dict:
        """The ``[site]`` table of the manifest (min_confidence, stakeholder_min_mentions)."""
        from scrutiny.manifest import read_manifest

        return dict(read_manifest(self.manifest_path).site)

    @property
    def min_confidence(self) -> float:
        """Machine tags below this are folded away on the site (``[site] min_confidence``)."""
        return float(self.site_settings.get("min_confidence", DEFAULT_MIN_CONFIDENCE))

    @property
    def claim_min_confidence(self) -> float:
        """Machine-tagged claims below this are folded away on the site, and `scrutiny eval
        sample-claims` draws from those at or above it (``[site] claim_min_confidence``)."""
        return float(self.site_settings.get("claim_min_confidence", DEFAULT_CLAIM_MIN_CONFIDENCE))

    @property
    def stakeholder_min_mentions(self) -> int:
        """An extracted stakeholder named this often gets a page (``[site] stakeholder_min_mentions``)."""
        return int(self.site_settings.get("stakeholder_min_mentions", DEFAULT_STAKEHOLDER_MIN_MENTIONS))

    @property
    def base_url(self) -> str:
        return os.environ.get("SCRUTINY_BASE_URL") or self.settings.get("base_url", "")

    @property
    def spacy_model(self) -> str:
        return os.environ.get("SCRUTINY_SPACY_MODEL") or self.settings.get("spacy_model", "en_core_web_sm")
