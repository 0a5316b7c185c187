"""Fingerprints: one hash of everything that decides a stage's output.

A stage records the fingerprint of its inputs when it has run; the pipeline
skips the stage while the fingerprint is unchanged. Files are hashed by
content (with their path relative to the folder given), never by mtime.

    fp = Fingerprint().add("xref", 3).add_tree(project.kb_dir).add_files(code)
    fp.hexdigest()
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


class Fingerprint:
    def __init__(self):
        self._h = hashlib.sha256()

    def add(self, *values) -> "Fingerprint":
        """Plain values (str, int, float, None, or lists/tuples of them)."""
        for v in values:
            self._h.update(repr(v).encode() + b"\0")
        return self

    def add_files(self, paths: Iterable[Path], root: Path | None = None) -> "Fingerprint":
        """Files by name and content; a missing file counts as missing."""
        for path in paths:
            path = Path(path)
            name = path.relative_to(root).as_posix() if root and path.is_relative_to(root) else path.name
            self._h.update(name.encode() + b"\0")
            if path.is_file():
                self._h.update(hashlib.sha256(path.read_bytes()).digest())
            else:
                self._h.update(b"<missing>")
        return self

    def add_tree(self, folder: Path, pattern: str = "*") -> "Fingerprint":
        """Every file under ``folder`` matching ``pattern`` (caches excluded)."""
        folder = Path(folder)
        self.add(f"tree:{folder.name}")
        if folder.is_dir():
            files = sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts)
            self.add_files(files, folder)
        return self

    def hexdigest(self) -> str:
        return self._h.hexdigest()
