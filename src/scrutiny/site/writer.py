"""Write the built site: atomically, and only the files whose content changed.

The writer also remembers, per page, the hash of the *inputs* that produced it
(``.scrutiny/site-cache.json``), so that a generator can skip rendering a page
whose inputs have not changed since the last build. Files a previous build
wrote that this build no longer produces are removed (and only those: a file
someone dropped into ``site/`` by hand is left alone).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from scrutiny.atomic import write_bytes, write_text

CACHE_VERSION = 1


class Writer:
    def __init__(self, out_dir: Path, cache_path: Path | None = None):
        self.out_dir = Path(out_dir)
        self.cache_path = Path(cache_path) if cache_path else None
        self.written = 0
        self.unchanged = 0
        self.skipped = 0   # not even rendered: inputs unchanged
        self.produced: set[str] = set()
        self._old = self._load_cache()
        self._new: dict[str, list] = {}
        self._dirs: set[Path] = set()

    # --- cache of input keys ---------------------------------------------------
    def _load_cache(self) -> dict:
        if not self.cache_path or not self.cache_path.is_file():
            return {}
        try:
            data = json.loads(self.cache_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if data.get("version") != CACHE_VERSION or data.get("out") != str(self.out_dir.resolve()):
            return {}
        return data.get("pages", {})

    def fresh(self, rel: str, key: str | None) -> bool:
        """True when ``rel`` was built from the same inputs and is still on disk.

        The caller then skips rendering; the page counts as unchanged.
        """
        if key is None:
            return False
        old = self._old.get(rel)
        if not old or old[0] != key:
            return False
        try:
            if (self.out_dir / rel).stat().st_size != old[1]:
                return False
        except FileNotFoundError:
            return False
        self._new[rel] = old
        self.produced.add(rel)
        self.unchanged += 1
        self.skipped += 1
        return True

    def fresh_group(self, prefix: str, key: str, exclude: tuple[str, ...] = ()) -> bool:
        """True when every file an earlier build wrote under ``prefix`` came from ``key``
        and is still there; they then all count as unchanged (a group is written
        with one key: the search index, the permalink stubs).

        A large group is checked by listing its folder and by the size of every
        25th file, not by a stat of each of tens of thousands of files.
        """
        old = {rel: v for rel, v in self._old.items() if rel.startswith(prefix) and rel not in exclude}
        if not old or any(v[0] != key for v in old.values()):
            return False
        try:
            top = {rel[len(prefix):].split("/", 1)[0] for rel in old}
            with os.scandir(self.out_dir / prefix) as it:
                if not top <= {e.name for e in it}:
                    return False
            for i, (rel, v) in enumerate(sorted(old.items())):
                if (len(old) <= 500 or i % 25 == 0) and (self.out_dir / rel).stat().st_size != v[1]:
                    return False
        except FileNotFoundError:
            return False
        for rel, v in old.items():
            self._new[rel] = v
            self.produced.add(rel)
        self.unchanged += len(old)
        self.skipped += len(old)
        return True

    # --- writing -----------------------------------------------------------------
    def write(self, rel: str, data: str | bytes, key: str | None = None) -> bool:
        """Write ``data`` to ``out_dir/rel`` unless identical. Returns True if written."""
        if rel in self.produced:
            raise ValueError(f"two pages of the site would be written to {rel}")
        raw = data.encode("utf-8") if isinstance(data, str) else data
        path = self.out_dir / rel
        self.produced.add(rel)
        if key is not None:
            self._new[rel] = [key, len(raw)]
        try:
            if path.stat().st_size == len(raw) and path.read_bytes() == raw:
                self.unchanged += 1
                return False
        except FileNotFoundError:
            pass
        parent = path.parent
        if parent not in self._dirs:
            parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(parent)
        _replace(path, raw)
        self.written += 1
        return True

    def finish(self) -> int:
        """Remove files an earlier build wrote that this one did not; save the cache."""
        removed = 0
        for rel in sorted(set(self._old) - self.produced):
            try:
                (self.out_dir / rel).unlink()
                removed += 1
            except FileNotFoundError:
                pass
            _prune_dirs(self.out_dir, (self.out_dir / rel).parent)
        if self.cache_path:
            pages = {rel: self._new.get(rel) or [None, -1] for rel in sorted(self.produced)}
            write_text(self.cache_path, json.dumps(
                {"version": CACHE_VERSION, "out": str(self.out_dir.resolve()), "pages": pages},
                sort_keys=True, separators=(",", ":")))
        return removed


def _replace(path: Path, raw: bytes) -> None:
    """Atomic replace without an fsync per file: the site is derived data that
    the next build rewrites, and an fsync for each of tens of thousands of small
    files would triple the build time."""
    write_bytes(path, raw, fsync=False)


def _prune_dirs(top: Path, d: Path) -> None:
    top = top.resolve()
    d = d.resolve()
    while d != top and top in d.parents:
        try:
            os.rmdir(d)
        except OSError:
            return
        d = d.parent


def input_key(*parts) -> str:
    """A stable hash of JSON-able inputs (the key of a page's inputs)."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes):
            h.update(part)
        elif isinstance(part, str):
            h.update(part.encode("utf-8"))
        else:
            h.update(json.dumps(part, sort_keys=True, ensure_ascii=False, default=str,
                                separators=(",", ":")).encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()
