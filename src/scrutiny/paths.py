"""Where things live in a project, and the rules that keep every path a
manifest names inside it.

A manifest may come from someone else's repository: every path it names must
stay inside the project, whatever `..`, absolute paths or symlinks it tries.
These checks sit below both the manifest loader and the project, which use them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from scrutiny.errors import ProjectError

MANIFEST = Path("corpus") / "manifest.toml"
DATA_DIR = ".scrutiny"

SOURCES = Path("corpus") / "sources"
# folders of the project a manifest may never name as a source
PRIVATE_DIRS = (DATA_DIR, ".git")
# where `scrutiny watch` takes new documents from: a file registered from there is
# copied into corpus/sources/ (it leaves the inbox once the corpus holds it)
INBOX = "inbox"


def is_inside(path: os.PathLike | str, base: os.PathLike | str) -> bool:
    """Whether ``path``, with every symlink resolved, lies inside ``base`` (resolved)."""
    try:
        return Path(path).resolve().is_relative_to(Path(base).resolve())
    except (OSError, RuntimeError):  # a symlink loop, an unreadable parent
        return False


def lexical_problem(rel: str) -> str | None:
    """Why the manifest path ``rel`` could not stay inside the project, judged
    from its text alone (no file system access), or None when it is fine."""
    if "\x00" in rel:
        return "contains a NUL character"
    if rel.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", rel) or rel.startswith("~"):
        return "is an absolute path"
    parts = [p for p in re.split(r"[\\/]", rel) if p not in ("", ".")]
    if not parts:
        return "is empty"
    depth = 0
    for p in parts:
        depth += -1 if p == ".." else 1
        if depth < 0:
            return "climbs out of the project with `..`"
    if ".." in parts:
        return "contains `..`"
    if parts[0] in PRIVATE_DIRS:
        return f"names the project's private folder {parts[0]}/"
    return None


def source_name(entry) -> str:
    """The file name a document's source has (or will have): its ``source``,
    else ``<id><extension of the URL>`` (``.pdf`` when the URL has none)."""
    if entry.source:
        return entry.source
    from urllib.parse import urlparse

    ext = Path(urlparse(entry.url or "").path).suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,5}", ext):
        ext = ".pdf"
    return f"{entry.id}{ext}"


def source_path(root: os.PathLike | str, entry) -> Path:
    """Where a manifest document's source lives, without checking it exists.

    A bare file name lives in ``corpus/sources/``; a path with a slash is
    relative to the root (the critique essays under ``kb/``). A name that
    would leave the project raises ProjectError (the manifest loader refuses
    such names first; this is the second lock).
    """
    root = Path(root)
    name = source_name(entry)
    problem = lexical_problem(name)
    if problem:
        raise ProjectError(f"[documents.{entry.id}] source {shown(name)} {problem}: refused "
                           "(a source is a file name under corpus/sources/ or a path inside the project)")
    if "/" in name or "\\" in name:
        return root / name.replace("\\", "/")
    return root / SOURCES / name


_PLAIN_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


def source_path_texts(root: os.PathLike | str, entries) -> list[str]:
    """``str(source_path(root, e))`` of each of ``entries``: a plain file name (letters,
    digits, ``_.-``, no ``..``: nearly every source) joined as text, the others through
    :func:`source_path` and its checks (a build at 10,000 documents makes every one)."""
    root = Path(root)
    sources = str(root / SOURCES) + os.sep
    out = []
    for entry in entries:
        name = entry.source
        if name and ".." not in name and _PLAIN_NAME.fullmatch(name) and name not in PRIVATE_DIRS:
            out.append(sources + name)
        else:
            out.append(str(source_path(root, entry)))
    return out


def confined_source(root: os.PathLike | str, entry) -> Path:
    """``source_path`` after checking the file system: the path (and its folder),
    symlinks followed, must lie inside the project, and outside its private
    folders. Raises ProjectError with the reason and the fix."""
    root = Path(root)
    path = source_path(root, entry)
    check_inside(root, path, f"[documents.{entry.id}] source")
    rel = path.resolve().relative_to(root.resolve()) if path.exists() or path.is_symlink() else None
    if rel is not None and rel.parts and rel.parts[0] in PRIVATE_DIRS:
        raise ProjectError(f"[documents.{entry.id}] source {shown(source_path_rel(root, path))} "
                           f"lies in {rel.parts[0]}/: refused")
    return path


class Confiner:
    """:func:`confined_source` for the sources of a whole manifest, each folder resolved
    once (resolving every path whole costs a few system calls per folder of each of
    10,000 sources). A source that is a plain file is judged from its folder, resolved;
    one that is absent or a symbolic link goes through :func:`confined_source`, whose
    errors it raises. Made for one run: folders changed after it resolved them are
    not seen."""

    def __init__(self, root: os.PathLike | str):
        self.root = Path(root)
        self._folders: dict[Path, Path] = {}

    def folder(self, folder: Path) -> Path:
        """``folder`` with every symlink resolved (OSError, RuntimeError as ``resolve``)."""
        if folder not in self._folders:
            self._folders[folder] = folder.resolve()
        return self._folders[folder]

    def confined(self, entry) -> Path:
        import stat

        path = source_path(self.root, entry)
        try:
            plain = not stat.S_ISLNK(os.lstat(path).st_mode)
            resolved, root = self.folder(path.parent) / path.name, self.folder(self.root)
        except (OSError, RuntimeError):
            plain = False
        if plain and resolved.is_relative_to(root):
            rel = resolved.relative_to(root)
            if rel.parts and rel.parts[0] not in PRIVATE_DIRS:
                return path
        return confined_source(self.root, entry)


def check_inside(root: Path, path: Path, what: str) -> None:
    """Raise ProjectError when ``path`` (or, if absent, its nearest existing
    folder) resolves outside ``root``: a symlink leading out of the project."""
    root = Path(root)
    probe = path
    while not (probe.exists() or probe.is_symlink()) and probe != probe.parent:
        probe = probe.parent
    if probe.is_symlink() or probe.exists():
        if not is_inside(probe, root):
            try:
                target = shown(probe.resolve())
            except (OSError, RuntimeError):
                target = "a symbolic link loop"
            raise ProjectError(f"{what} {shown(source_path_rel(root, path))} leads through a symbolic link "
                               f"to {target}, outside the project: refused (remove the link and put the "
                               "file itself there)")


def source_path_rel(root: Path, path: Path) -> str:
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return str(path)


def shown(name) -> str:
    from scrutiny.names import shown as _shown

    return _shown(name)
