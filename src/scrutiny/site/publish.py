"""Publish a site whole: build it in a fresh folder beside the old one, then swap.

A reader (a browser, ``scrutiny serve``, rsync to a host) and a kill at any
moment see the old complete site or the new complete one, never a mix:

- the new site is built in ``.<name>.build-<pid>-<random>/`` beside
  ``<name>/`` (same file system, so unchanged files are hard links to the
  old ones, not copies);
- the two folders are exchanged in one step (Linux ``renameat2`` with
  ``RENAME_EXCHANGE``, macOS ``renamex_np`` with ``RENAME_SWAP``), so
  ``site/`` stays a real folder: static hosts, ``rsync``, ``cp -r``, git and
  ``file://`` readers see no symbolic link. Where the system has no exchange,
  two renames are used, with a window of microseconds in which ``site/``
  does not exist; a kill inside it is repaired by the next build
  (:func:`recover`);
- the old site (now in the build folder's place) is renamed
  ``.<name>.trash-<pid>-...`` and removed by a process of its own, so that the
  command does not wait for tens of thousands of files to be unlinked.

Leftovers of a killed build (``.<name>.build-*``, ``.<name>.old-*`` and
``.<name>.trash-*`` folders of processes that are gone, temporary files of
the old page-by-page writer) are removed by the next build.

The old site is only ever read, and only through real folders: a symbolic
link planted inside it is never followed, never carried into the new site,
and nothing is ever written through one.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

BUILD_TAG = "build"     # a site being built
OLD_TAG = "old"         # the old site between the two renames of the fallback swap
TRASH_TAG = "trash"     # a replaced site being removed
# temporary files of scrutiny.atomic (the writer before whole-site publishing)
TEMP_RE = re.compile(r"^\..+\.[A-Za-z0-9_]{6,}\.tmp$")


@dataclass
class Current:
    """What the published folder holds, walked without following links:
    regular files (``rel -> os.DirEntry``), real folders, and what a site
    should not hold (symbolic links, devices, pipes)."""
    files: dict = field(default_factory=dict)
    dirs: set = field(default_factory=set)
    links: list = field(default_factory=list)
    odd: list = field(default_factory=list)

    def size(self, rel: str) -> int | None:
        entry = self.files.get(rel)
        if entry is None:
            return None
        try:
            return entry.stat(follow_symlinks=False).st_size
        except OSError:
            return None


def scan(out: Path) -> Current:
    """Walk ``out`` (a real folder) without following any symbolic link."""
    cur = Current()
    stack = [("", str(out))]
    while stack:
        prefix, path = stack.pop()
        try:
            it = os.scandir(path)
        except (FileNotFoundError, NotADirectoryError):
            continue
        with it:
            for entry in it:
                rel = prefix + entry.name
                if entry.is_symlink():
                    cur.links.append(rel)
                elif entry.is_dir(follow_symlinks=False):
                    cur.dirs.add(rel)
                    stack.append((rel + "/", entry.path))
                elif entry.is_file(follow_symlinks=False):
                    cur.files[rel] = entry
                else:
                    cur.odd.append(rel)
    return cur


def read_current(out: Path, rel: str) -> bytes | None:
    """The bytes of ``out/rel`` if it is a regular file (its folders were real
    folders when :func:`scan` walked them; the file itself is not followed)."""
    try:
        fd = os.open(os.path.join(out, rel), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        return fh.read()


# --- the build folder --------------------------------------------------------------

def _prefix(out: Path, tag: str) -> str:
    return f".{out.name}.{tag}-"


def new_stage(out: Path) -> Path:
    """A fresh, empty folder beside ``out`` for the next site (private until published)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{_prefix(out, BUILD_TAG)}{os.getpid()}-", dir=out.parent))


def _pid_of(name: str, prefix: str) -> int | None:
    head = name[len(prefix):].split("-", 1)[0]
    return int(head) if head.isdigit() else None


def leftovers(out: Path) -> list[Path]:
    """Build, old and trash folders beside ``out`` left by processes that are gone."""
    from scrutiny.lock import pid_alive

    found = []
    try:
        names = os.listdir(out.parent)
    except OSError:
        return []
    for tag in (BUILD_TAG, OLD_TAG, TRASH_TAG):
        prefix = _prefix(out, tag)
        for name in sorted(names):
            if not name.startswith(prefix):
                continue
            pid = _pid_of(name, prefix)
            if pid is not None and pid != os.getpid() and pid_alive(pid):
                continue  # another build, running now
            found.append(out.parent / name)
    return found


def recover(out: Path) -> str | None:
    """A build killed between the two renames of the fallback swap leaves no
    ``out`` but a complete old site beside it: put it back. Returns what was done."""
    if os.path.lexists(out):
        return None
    olds = [p for p in leftovers(out) if p.name.startswith(_prefix(out, OLD_TAG)) and p.is_dir()
            and not p.is_symlink()]
    if not olds:
        return None
    newest = max(olds, key=lambda p: p.stat().st_mtime)
    os.rename(newest, out)
    return f"{out.name}/ put back from {newest.name} (a build was stopped while swapping)"


def remove_tree(path: Path) -> None:
    """Remove a folder of ours (a symbolic link is removed, never followed)."""
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


# the process that removes a replaced site: it reads the folder's name on stdin
REMOVE = "import shutil, sys; path = sys.stdin.readline().rstrip('\\n'); path and shutil.rmtree(path, ignore_errors=True)"


def remove_later(path: Path, out: Path) -> None:
    """Remove the replaced site in a process of its own, so that the command
    need not wait for tens of thousands of files to be unlinked. The folder is
    first renamed ``.<name>.trash-<pid of that process>-...``: were the
    process stopped, the next build removes what it left."""
    import subprocess

    try:
        proc = subprocess.Popen([sys.executable, "-I", "-S", "-c", REMOVE], stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                                close_fds=True, text=True)
    except OSError:
        remove_tree(path)
        return
    trash = out.parent / f"{_prefix(out, TRASH_TAG)}{proc.pid}-{os.urandom(4).hex()}"
    try:
        os.rename(path, trash)
        proc.stdin.write(os.fsdecode(trash) + "\n")
        proc.stdin.close()
    except OSError:
        proc.kill()
        remove_tree(path)
        remove_tree(trash)


def clean_leftovers(out: Path) -> list[str]:
    """Remove what killed builds left beside ``out``; returns their names."""
    done = []
    for path in leftovers(out):
        remove_tree(path)
        done.append(path.name)
    return done


# --- the swap -------------------------------------------------------------------------

def _exchange(a: Path, b: Path) -> bool:
    """Exchange two paths in one step; False when the system cannot."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        AT_FDCWD, RENAME_EXCHANGE = -100, 2
        fn = libc.renameat2
        fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        rc = fn(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):
        RENAME_SWAP = 2
        fn = libc.renamex_np
        fn.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
        rc = fn(os.fsencode(a), os.fsencode(b), RENAME_SWAP)
    else:
        return False
    if rc == 0:
        return True
    err = ctypes.get_errno()
    import errno

    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # this file system or kernel cannot exchange: two renames
    raise OSError(err, os.strerror(err), str(b))


def swap_in(stage: Path, out: Path) -> Path | None:
    """Put the folder ``stage`` in the place of ``out``; returns where the old
    site now is (for the caller to remove), None when there was none."""
    if not os.path.lexists(out):
        os.rename(stage, out)
        return None
    if _exchange(stage, out):
        return stage
    old = Path(tempfile.mkdtemp(prefix=f"{_prefix(out, OLD_TAG)}{os.getpid()}-", dir=out.parent))
    os.rmdir(old)
    os.rename(out, old)
    os.rename(stage, out)
    return old


def link_or_copy(src: str, dst: str) -> None:
    """Hard-link the regular file ``src`` (never through a symbolic link) at ``dst``;
    copy it where the file system has no hard links."""
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        fd = os.open(src, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fin, open(dst, "xb") as fout:
            shutil.copyfileobj(fin, fout)
        shutil.copymode(src, dst, follow_symlinks=False)


def umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# --- publishing only what changed (a patch) ------------------------------------------
#
# A one-document build changes a few dozen of hundreds of thousands of files: linking
# every unchanged file into a new folder cost half a minute at 10,000 documents. When
# the published folder is the one the last build recorded (its identity and the times
# of its first two levels of folders, :func:`folders_state`),
# the changed files are built in a build folder as before, then a *journal* naming them
# (and the files no longer made) is written into it, and each file is renamed into
# place (each rename is atomic: a reader sees a page's old bytes or its new ones), the
# others untouched. A build killed while applying a journal is completed by the next
# build (:func:`finish_patches`) before anything else: the site is never left half
# patched. Every folder on the way is opened without following symbolic links: a link
# planted there makes the build publish the whole site instead (:class:`Unsafe`).

JOURNAL = ".scrutiny-patch.json"


class Unsafe(Exception):
    """A folder on the way to a file of the site is a symbolic link or not a folder."""


def _walk(out: Path, folder: str, make: bool) -> int | None:
    """A descriptor of ``out/folder``, each step opened without following a link;
    missing folders are made when ``make`` (else None). Raises :class:`Unsafe`."""
    import errno

    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(out, flags)
    try:
        for name in [p for p in folder.split("/") if p]:
            try:
                nxt = os.open(name, flags, dir_fd=fd)
            except FileNotFoundError:
                if not make:
                    os.close(fd)
                    return None
                os.mkdir(name, 0o777, dir_fd=fd)
                nxt = os.open(name, flags, dir_fd=fd)
            except OSError as e:
                if e.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise Unsafe(f"{out}/{folder}") from None
                raise
            os.close(fd)
            fd = nxt
    except BaseException:
        os.close(fd)
        raise
    return fd


def check_patch(out: Path, rels) -> None:
    """Raise :class:`Unsafe` when a folder on the way to one of ``rels`` is not a real folder."""
    seen = set()
    for rel in rels:
        folder = rel.rpartition("/")[0]
        if folder in seen:
            continue
        seen.add(folder)
        fd = _walk(out, folder, make=False)
        if fd is not None:
            os.close(fd)


def write_journal(stage: Path, written: list[str], gone: list[str]) -> None:
    """Mark the build folder ``stage`` as a complete patch of the site beside it."""
    import json

    path = os.path.join(stage, JOURNAL)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"written": written, "gone": gone}, fh)
        fh.flush()
        os.fsync(fh.fileno())


def apply_patch(stage: Path, out: Path) -> tuple[int, int]:
    """Rename the files of a journaled build folder into ``out``, remove those it
    says are gone (and the folders they leave empty), then the build folder.
    Applying a journal twice is harmless. Returns (files put in, files removed)."""
    import json

    with open(os.path.join(stage, JOURNAL), encoding="utf-8") as fh:
        journal = json.load(fh)
    mask = umask()
    put = removed = 0
    for rel in journal["written"]:
        folder, _, name = rel.rpartition("/")
        src = os.path.join(stage, rel)
        if not os.path.lexists(src):
            continue   # put in already (a journal applied again)
        fd = _walk(out, folder, make=True)
        try:
            os.chmod(src, 0o666 & ~mask, follow_symlinks=False)
            os.rename(src, name, dst_dir_fd=fd)
        finally:
            os.close(fd)
        put += 1
    for rel in journal["gone"]:
        folder, _, name = rel.rpartition("/")
        fd = _walk(out, folder, make=False)
        if fd is None:
            continue
        try:
            os.unlink(name, dir_fd=fd)
            removed += 1
        except FileNotFoundError:
            pass
        finally:
            os.close(fd)
        _prune(out, folder)
    remove_tree(Path(stage))
    return put, removed


def _prune(out: Path, folder: str) -> None:
    """Remove ``folder`` and the folders above it (inside ``out``) that are now empty."""
    while folder:
        parent, _, name = folder.rpartition("/")
        fd = _walk(out, parent, make=False)
        if fd is None:
            return
        try:
            os.rmdir(name, dir_fd=fd)
        except OSError:
            return    # not empty (or gone): the folders above it are not empty either
        finally:
            os.close(fd)
        folder = parent


def finish_patches(out: Path) -> list[str]:
    """Complete the patches killed builds left journaled beside ``out`` (oldest
    first), before their folders are cleaned away. Returns their names."""
    done = []
    stages = [p for p in leftovers(out) if p.name.startswith(_prefix(out, BUILD_TAG))
              and not p.is_symlink() and os.path.isfile(os.path.join(p, JOURNAL))]
    for stage in sorted(stages, key=lambda p: os.stat(os.path.join(p, JOURNAL)).st_mtime_ns):
        if out.is_dir() and not out.is_symlink():
            apply_patch(stage, out)
            done.append(stage.name)
    return done


class Recorded(Current):
    """The published folder as the last build's record describes it (not walked):
    ``files`` is the record itself (``{file: (its inputs' key, its size)}``), read
    where it is, not copied."""

    def size(self, rel: str) -> int | None:
        v = self.files.get(rel)
        return v[1] if v is not None else None


def read_safely(out: Path, rel: str) -> bytes | None:
    """The bytes of ``out/rel``, no symbolic link followed on the way or at the end."""
    folder, _, name = rel.rpartition("/")
    try:
        fd = _walk(out, folder, make=False)
    except (Unsafe, OSError):
        return None
    if fd is None:
        return None
    try:
        f = os.open(name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0), dir_fd=fd)
    except OSError:
        return None
    finally:
        os.close(fd)
    with os.fdopen(f, "rb") as fh:
        return fh.read()


def _stat_of(path) -> list | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_ino, st.st_size, st.st_mtime_ns]


def folders_state(out: Path) -> list:
    """The published folder's identity and the times of its first two levels of folders."""
    out = Path(out)
    top = _stat_of(out)
    if top is None:
        return [None]
    state = [top]
    try:
        with os.scandir(out) as it:
            firsts = sorted((e.name, e.path) for e in it if e.is_dir(follow_symlinks=False))
    except OSError:
        return [None]
    for name, path in firsts:
        state.append([name, _stat_of(path)])
    return state
