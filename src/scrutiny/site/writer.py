"""Write the built site: into a fresh folder, swapped in whole (:mod:`.publish`).

Pages are written into a build folder beside the published one; a page whose
bytes did not change is a hard link to the published file, not a new copy.
When the build ends, the build folder replaces the published folder in one
step: a reader or a kill sees the old complete site or the new one. A build
that changed nothing publishes nothing (the folder is left as it is).

The writer also remembers, per page, the hash of the *inputs* that produced it
(``.scrutiny/site-cache-*.json``), so that a generator can skip rendering a
page whose inputs have not changed since the last build. The record names the
folder it describes (device and inode, which a rename keeps): a record of a
build that was killed before its swap is not trusted. Files a previous build
wrote that this build no longer produces are left out of the new site; files
no build made (put there by hand) are carried into it, and listed as stray
(:attr:`Writer.stray`, ``scrutiny site --check``); symbolic links and
leftovers of killed builds are not carried.

When the published folder is as the last build left it (its identity and the
times of its first two levels of folders, kept beside the record in
``site-cache-*-published.json``), the build neither walks it nor links every
unchanged file into a new folder: it trusts the record, and publishes only the
files that changed, as a journaled patch (:func:`.publish.apply_patch`). Any
doubt (no such record, a folder touched since, a stopped build's leftovers, a
symbolic link on the way to a changed file) is the whole-folder publish above.

Files made together from one set of inputs (a document's pages, its permalink
stubs, a bucket of the search index) can be recorded as a **group** under one key
(:meth:`Writer.group`), in the same record and its saved changes: while the record
is trusted, a group whose key did not move keeps all its files through one
comparison (:meth:`Writer.keep`), without a look at each file's entry.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
from contextlib import contextmanager
from pathlib import Path

from scrutiny.atomic import write_text
from scrutiny.errors import ScrutinyError
from scrutiny.site import publish

CACHE_VERSION = 2
# the changes since the whole record was saved are kept beside it (a one-document build
# changes a few hundred of 430,000 files) until they reach this many, or this share of it
DELTA_MIN = 2000
DELTA_SHARE = 20


class Writer:
    def __init__(self, out_dir: Path, cache_path: Path | None = None):
        self.out_dir = Path(out_dir)
        self.patching = False     # publishing only the changed files (the record is trusted)
        self.cache_path = Path(cache_path) if cache_path else None
        self.written = 0
        self.unchanged = 0
        self.skipped = 0   # not even rendered: inputs unchanged
        self.produced: set[str] = set()
        self.notes: list[str] = []      # what the publishing did besides pages (leftovers, links)
        self.stray: list[str] = []      # files no build made, kept in the site
        self.lasting_notes: list[str] = []   # of the notes, those every build would give again
        self.removed = 0
        self._written: set[str] = set()
        self._new: dict[str, list] = {}
        self._dirs: set[str] = set()    # folders made in the stage
        self._stage: Path | None = None
        self._record_version = None
        self._base: tuple | None = None         # the whole record's generation and size
        self._delta: dict | None = None         # {"set": {file: [key, size]}, "gone": [file]} since then
        self._rendered: list[str] = []          # the files given to write() (the others kept their entry)
        self._groups_base: dict = {}            # the whole record's groups {group: [key] or [key, files]}
        self._groups_old: dict = {}             # ... with the changes saved since (trusted as the pages are)
        self._groups_new: dict = {}             # the groups of this build
        self._carried: set[str] = set()         # files kept through their group (they keep their entry)
        self._has_groups = False                # the trusted record was saved with its groups
        touched = self._prepare()
        self._old, self._known = self._load_cache()
        self._old_names: list[str] | None = None    # the record's names, sorted (_under)
        self._published = self._load_published()
        self.patching = not touched and self._can_patch()
        if self.patching:
            self.current = publish.Recorded(self._old)
        else:
            self.current = publish.scan(self.out_dir) if self._exists else publish.Current()
        if self._exists and self._known is None and self.current.files and "index.html" not in self.current.files:
            raise ScrutinyError(f"{self.out_dir} holds files and is not a site scrutiny built: refused (the build "
                                "replaces its output folder whole; choose a new or empty folder)")

    # --- the published folder ------------------------------------------------------
    def _prepare(self) -> bool:
        """Repair what a stopped build left; True when there was anything to repair."""
        out = self.out_dir
        put_back = publish.recover(out)   # first: a stopped swap's old site is not a leftover
        if put_back:
            self.notes.append(put_back)
        # a stopped build's journaled patch is completed, not thrown away
        patched = publish.finish_patches(out) if out.parent.is_dir() else []
        if patched:
            self.notes.append(f"completed the publishing of {len(patched)} build(s) stopped while publishing")
        cleaned = publish.clean_leftovers(out) if out.parent.is_dir() else []
        if cleaned:
            self.notes.append(f"removed {len(cleaned)} folder(s) left beside {out.name}/ by a build that was stopped")
        if out.is_symlink():
            raise ScrutinyError(f"{out}: the site folder is a symbolic link: refused (the build replaces the "
                                "folder whole; pass the real folder with --out)")
        if os.path.lexists(out) and not out.is_dir():
            raise ScrutinyError(f"{out} is a file, not a folder: refused (remove it or choose another --out)")
        self._exists = out.is_dir()
        return bool(put_back or patched or cleaned)

    def _ident(self, path: Path) -> list[int] | None:
        try:
            st = os.lstat(path)
        except OSError:
            return None
        return [st.st_dev, st.st_ino]

    # --- cache of input keys ---------------------------------------------------
    def _load_cache(self) -> tuple[dict, "_Known | None"]:
        """(the record's pages, trusted for freshness; the names of the files earlier
        builds made, None without a record)."""
        if not self.cache_path or not self.cache_path.is_file():
            return {}, None
        data, pages, delta = read_record(self.cache_path)
        if data is None or data.get("out") != str(self.out_dir.resolve()):
            return {}, None
        if pages is None:
            return {}, None
        self._base = (data.get("gen"), len(pages))
        self._delta = delta     # the changes saved since the whole record was
        # a build killed after saving its record but before its swap: the folder
        # still holds the files it meant to drop, and they are the build's own
        known = _Known(pages, data.get("dropped") or ())
        self._record_version = data.get("version")
        if data.get("version") == 1:  # before whole-site publishing: the folder was written in place
            return pages, known
        if data.get("version") != CACHE_VERSION or data.get("site") != self._ident(self.out_dir):
            return {}, known  # not the record of this folder: no page is taken as fresh
        base = data.get("groups")
        self._has_groups = isinstance(base, dict)
        self._groups_base = base if isinstance(base, dict) else {}
        self._groups_old = _apply_groups(self._groups_base, (delta or {}).get("groups"))
        return pages, known

    # --- publishing only what changed ---------------------------------------------
    def _published_path(self) -> Path | None:
        return self.cache_path.with_name(self.cache_path.stem + "-published.json") if self.cache_path else None

    def _load_published(self) -> dict | None:
        """What the last publish left: the folder's identity and folders' times, its stray files."""
        path = self._published_path()
        if path is None:
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _can_patch(self) -> bool:
        """The folder is the one the record describes, untouched since it was published."""
        pub = self._published
        return bool(self._exists and self._old and self._record_version == CACHE_VERSION and pub
                    and pub.get("site") == self._ident(self.out_dir)
                    and pub.get("folders") == publish.folders_state(self.out_dir))

    def _save_published(self) -> None:
        path = self._published_path()
        if path is not None:
            write_text(path, json.dumps({"site": self._ident(self.out_dir), "folders": publish.folders_state(self.out_dir),
                                         "stray": self.stray}, sort_keys=True))

    def _forget_published(self) -> None:
        path = self._published_path()
        if path is not None:
            path.unlink(missing_ok=True)

    def fresh(self, rel: str, key: str | None) -> bool:
        """True when ``rel`` was built from the same inputs and is still on disk.

        The caller then skips rendering; the page counts as unchanged.
        """
        return key is not None and not self.stale((rel,), key)

    def stale(self, rels, key: str | None) -> list[str]:
        """Of ``rels`` (pages made from one ``key``), those that are not :meth:`fresh`;
        the others count as unchanged, as :meth:`fresh` counts them (one loop for a
        document's many permalink stubs, not a call each)."""
        if key is None:
            return list(rels)
        old_of, new, produced, out = self._old.get, self._new, self.produced, []
        check = not self.patching   # (a trusted record is the folder: its sizes are the ones recorded)
        size = self.current.size
        for rel in rels:
            old = old_of(rel)
            if not old or old[0] != key or (check and size(rel) != old[1]):
                out.append(rel)
                continue
            new[rel] = old
            produced.add(rel)
            self.unchanged += 1
            self.skipped += 1
        return out

    def fresh_group(self, prefix: str, key: str, exclude: tuple[str, ...] = (), group: str | None = None) -> bool:
        """True when every file an earlier build wrote under ``prefix`` came from ``key``
        and is still there; they then all count as unchanged (a group is written
        with one key: the search index, the permalink stubs).

        A large group is checked by the size of every 25th file, not of each of
        tens of thousands of files.
        """
        old = {rel: self._old[rel] for rel in self._under(prefix) if rel not in exclude}
        if not old or any(v[0] != key for v in old.values()):
            return False
        if not self.patching:    # (a trusted record is the folder: every file there, of its size)
            files = self.current.files
            if any(rel not in files for rel in old):
                return False
            for i, (rel, v) in enumerate(sorted(old.items())):
                if (len(old) <= 500 or i % 25 == 0) and self.current.size(rel) != v[1]:
                    return False
        for rel, v in old.items():
            self._new[rel] = v
            self.produced.add(rel)
        self.unchanged += len(old)
        self.skipped += len(old)
        if group is not None:
            self.group(group, key, old)
        return True

    def keep(self, group: str, key: str | None, files=None) -> bool:
        """True when ``group`` was recorded (:meth:`group`) with ``key`` by the build the
        trusted record describes: its files (``files``, or those recorded with it) then
        all count as unchanged, and the group stays recorded; one comparison, not a look
        at each file's entry. False (nothing done) otherwise: the caller checks its
        files one by one, and records the group again once they are made."""
        if key is None or not self.patching:
            return False
        old = self._groups_old.get(group)
        if not (isinstance(old, list) and old and old[0] == key):
            return False
        if files is None:
            files = old[1] if len(old) > 1 and isinstance(old[1], list) else None
            if files is None:
                return False
        produced = self.produced
        before = len(produced)
        produced.update(files)
        if len(produced) != before + len(files):
            raise ValueError(f"two pages of the site would be written to a file of {group}")
        self._carried.update(files)
        self._groups_new[group] = old
        self.unchanged += len(files)
        self.skipped += len(files)
        return True

    def knows_groups(self) -> bool:
        """The record is trusted and was saved with its groups: a group it does not hold
        under a key made no file under that key (there is nothing to find file by file)."""
        return self.patching and self._has_groups

    def group(self, group: str, key: str | None, files=None) -> None:
        """Record that the files of ``group``, all made by this build, come from ``key``
        (with their names when ``files`` is given: a group whose files the caller
        cannot name before it makes them), for :meth:`keep` at the next build."""
        if key is not None:
            self._groups_new[group] = [key] if files is None else [key, sorted(files)]

    def _under(self, prefix: str) -> list[str]:
        """The record's files under ``prefix``, in order: a range of the record's names
        sorted once per build (not a pass over every file of the site per group)."""
        if self._old_names is None:
            self._old_names = sorted(self._old)
        names = self._old_names
        start = bisect.bisect_left(names, prefix)
        end = start
        while end < len(names) and names[end].startswith(prefix):
            end += 1
        return names[start:end]

    def _read_current(self, rel: str) -> bytes | None:
        if self.patching:   # the folder was not walked: no link is followed on the way either
            return publish.read_safely(self.out_dir, rel)
        return publish.read_current(self.out_dir, rel)

    def read_published(self, rel: str) -> str:
        """The text of a file of the published site this build keeps (found fresh)."""
        raw = self._read_current(rel)
        if raw is None:
            raise ScrutinyError(f"{self.out_dir / rel}: missing from the published site (build again)")
        return raw.decode("utf-8")

    # --- writing -----------------------------------------------------------------
    def write(self, rel: str, data: str | bytes, key: str | None = None) -> bool:
        """Write ``data`` as ``rel`` of the new site unless the published file has
        these very bytes (it is then linked). Returns True if written."""
        if rel in self.produced:
            raise ValueError(f"two pages of the site would be written to {rel}")
        raw = data.encode("utf-8") if isinstance(data, str) else data
        self.produced.add(rel)
        self._rendered.append(rel)
        if key is not None:
            self._new[rel] = [key, len(raw)]
        if self.current.size(rel) == len(raw) and self._read_current(rel) == raw:
            self.unchanged += 1
            return False
        path = self._stage_path(rel)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        self._written.add(rel)
        self.written += 1
        return True

    def _stage_path(self, rel: str) -> str:
        """Where ``rel`` goes in the build folder (made on first use), its folders made."""
        if self._stage is None:
            self._stage = publish.new_stage(self.out_dir)
        self._folder(rel.rpartition("/")[0])
        return os.path.join(self._stage, rel)

    def _folder(self, folder: str) -> None:
        """Make ``folder`` (and the folders above it) in the build folder, once."""
        if folder and folder not in self._dirs:
            self._folder(folder.rpartition("/")[0])
            os.mkdir(os.path.join(self._stage, folder))
            self._dirs.add(folder)

    def finish(self) -> int:
        """Publish: link what did not change, carry over what no build made,
        swap the new site in, save the record. Returns the files removed.
        A trusted record publishes the changed files only (:meth:`_patch`)."""
        if self.patching:
            try:
                return self._patch()
            except publish.Unsafe:
                # a symbolic link on the way to a changed file: walk the folder, publish it whole
                self.patching = False
                self.current = publish.scan(self.out_dir)
        self._forget_published()
        removed = self._finish_whole()
        self._save_published()
        return removed

    def _patch(self) -> int:
        gone = sorted(rel for rel in self._old if rel not in self.produced)
        written = sorted(self._written)
        self.stray = list(self._published.get("stray") or [])
        if self.stray:
            self.lasting_notes.append(f"{len(self.stray)} file(s) in {self.out_dir.name}/ that no build made were kept "
                                      f"(`scrutiny site --check` lists them; delete {self.out_dir.name}/ to start clean)")
            self.notes.extend(self.lasting_notes)
        self.removed = len(gone)
        if not written and not gone:
            self._save(self._ident(self.out_dir), [], gone=gone)
            return 0
        publish.check_patch(self.out_dir, written + gone)
        stage = self._stage or publish.new_stage(self.out_dir)
        self._stage = stage
        self._forget_published()        # the folder changes now: until its new state is recorded, no patch
        publish.write_journal(stage, written, gone)
        self._stage = None              # journaled: from here on it is completed, never thrown away
        publish.apply_patch(stage, self.out_dir)
        self._save(self._ident(self.out_dir), [], gone=gone)
        self._save_published()
        return self.removed

    def _finish_whole(self) -> int:
        cur = self.current
        known = self._known_set()
        leftover = {rel for rel in cur.files if rel not in self.produced and rel not in known
                    and publish.TEMP_RE.match(rel.rpartition("/")[2])}
        gone = [rel for rel in cur.files if rel not in self.produced and rel in known]
        carried = sorted(rel for rel in cur.files if rel not in self.produced and rel not in known
                         and rel not in leftover)
        if cur.links or cur.odd:
            shown = ", ".join(sorted(cur.links + cur.odd)[:5])
            self.notes.append(f"{len(cur.links) + len(cur.odd)} symbolic link(s) or special file(s) in "
                              f"{self.out_dir.name}/ left out of the new site ({shown})")
        if leftover:
            self.notes.append(f"removed {len(leftover)} temporary file(s) left in {self.out_dir.name}/ "
                              "by a build that was stopped")
        self.removed = len(gone) + len(leftover)
        self.stray = carried
        if carried:
            self.lasting_notes.append(f"{len(carried)} file(s) in {self.out_dir.name}/ that no build made were kept "
                                      f"(`scrutiny site --check` lists them; delete {self.out_dir.name}/ to start clean)")
            self.notes.extend(self.lasting_notes)
        changed = self._stage is not None or gone or leftover or cur.links or cur.odd or not self._exists
        if not changed:
            self._save(self._ident(self.out_dir), [])
            return self.removed
        stage = self._stage or publish.new_stage(self.out_dir)
        self._stage = stage
        known_dirs = {d for rel in (*self.produced, *known) for d in _parents(rel)}
        carried_dirs = sorted(d for d in cur.dirs if d not in known_dirs)   # folders made by hand
        try:
            for d in carried_dirs:
                self._folder(d)
            for rel in sorted((self.produced - self._written)) + carried:
                publish.link_or_copy(os.path.join(self.out_dir, rel), self._stage_path(rel))
            os.chmod(stage, 0o777 & ~publish.umask())
            self._save(self._ident(stage), sorted(gone))
            old = publish.swap_in(stage, self.out_dir)
        except BaseException:
            publish.remove_tree(stage)
            raise
        self._stage = None
        if old is not None:
            publish.remove_later(old, self.out_dir)
        return self.removed

    def _known_set(self) -> "_Known | set":
        """Files an earlier build made: from its record; without one (the first
        build here, or .scrutiny/ deleted), none: every file found is kept."""
        return self._known if self._known is not None else set()

    def _save(self, ident, dropped, gone=None) -> None:
        """Save the record. A build that published its changes as a patch (``gone``: the
        files it dropped) saves what changed since the whole record was saved, beside
        it, while that stays small; any other build, or a large change, saves the whole
        record again (a new generation, which the older changes do not match)."""
        if not self.cache_path:
            return
        if gone is not None and self._save_delta(ident, gone):
            return
        # the files' names in one string, each file's key as a place in the table of the
        # build's keys (a few thousand for a hundred thousand files) and its size: a
        # record a third the size of {name: [key, size]}, written and read in less time
        names = list(self.produced)     # (in no order: a reader makes a table of them)
        new, old, carried, none = self._new.get, self._old.get, self._carried, (None, -1)
        values = [new(rel) or (old(rel) if rel in carried else None) or none for rel in names]
        table = {key: i for i, key in enumerate(dict.fromkeys([v[0] for v in values]))}
        places = [table[v[0]] for v in values]
        sizes = [v[1] for v in values]
        write_text(self.cache_path, json.dumps(
            {"version": CACHE_VERSION, "out": str(self.out_dir.resolve()), "site": ident, "gen": os.urandom(8).hex(),
             "dropped": dropped, "names": "\n".join(names), "keys": list(table), "key": places, "size": sizes,
             "groups": self._groups_new},
            separators=(",", ":")))
        _delta_path(self.cache_path).unlink(missing_ok=True)     # (of the generation before: never read again)

    def _save_delta(self, ident, gone) -> bool:
        """Save this build's changes with the earlier ones since the whole record; False
        when they would be too many (the whole record is saved instead)."""
        if self._base is None or not self._base[0] or self._record_version != CACHE_VERSION:
            return False
        gen, size = self._base
        delta = self._delta or {"set": {}, "gone": []}
        changed, gone_now = dict(delta["set"]), set(delta["gone"])
        old, new, none = self._old.get, self._new.get, (None, -1)
        # (a file found fresh keeps its entry: only those written can have another)
        for rel in self._rendered:
            v = new(rel) or none
            o = old(rel)
            if o is None or o[0] != v[0] or o[1] != v[1]:
                changed[rel] = [v[0], v[1]]
                gone_now.discard(rel)
        for rel in gone:
            changed.pop(rel, None)
            gone_now.add(rel)
        # the groups: those of this build that differ from the whole record's, and those it dropped
        base, groups = self._groups_base, self._groups_new
        moved = {g: v for g, v in groups.items() if base.get(g) != v}
        moved.update((g, None) for g in base if g not in groups)
        if len(changed) + len(gone_now) + len(moved) > max(DELTA_MIN, size // DELTA_SHARE):
            return False
        if (self._delta is not None and changed == delta["set"] and gone_now == set(delta["gone"])
                and moved == (delta.get("groups") or {})):
            return True     # nothing changed since the changes saved last
        write_text(_delta_path(self.cache_path), json.dumps(
            {"version": CACHE_VERSION, "gen": gen, "site": ident, "set": changed, "gone": sorted(gone_now),
             "groups": moved}, separators=(",", ":")))
        return True

    def abandon(self) -> None:
        """A build that failed: its unpublished folder is removed, the site left as it was."""
        if self._stage is not None:
            publish.remove_tree(self._stage)
            self._stage = None


def record_file(cache_dir: Path, out: Path) -> Path:
    """Where the record of the site built in ``out`` is kept."""
    return Path(cache_dir) / f"site-cache-{input_key(str(Path(out).resolve()))[:12]}.json"


def stray_files(out: Path, cache_path: Path) -> list[str]:
    """What ``out`` holds that the last build did not make, one line each:
    files put there by hand, symbolic links, special files, temporary files
    and folders left by a build that was stopped. Nothing is changed."""
    out = Path(out)
    _, pages, _ = read_record(Path(cache_path))
    made = set(pages or ())
    cur = publish.scan(out) if out.is_dir() and not out.is_symlink() else publish.Current()
    made_dirs = {d for rel in made for d in _parents(rel)}
    lines = []
    for rel in sorted(cur.files):
        if rel not in made:
            why = ("a temporary file left by a build that was stopped" if publish.TEMP_RE.match(rel.rpartition("/")[2])
                   else "not made by the build")
            lines.append(f"{out.name}/{rel}: {why}")
    holding = {d for rel in cur.files for d in _parents(rel)}   # a folder holding files is named by them
    lines += [f"{out.name}/{rel}/: a folder not made by the build" for rel in sorted(cur.dirs)
              if rel not in made_dirs and rel not in holding]
    lines += [f"{out.name}/{rel}: a symbolic link (the build never makes one)" for rel in sorted(cur.links)]
    lines += [f"{out.name}/{rel}: a special file (not a regular file)" for rel in sorted(cur.odd)]
    lines += [f"{p.name}/: left beside {out.name}/ by a build that was stopped" for p in publish.leftovers(out)]
    return lines


def _delta_path(cache_path: Path) -> Path:
    return cache_path.with_name(cache_path.stem + "-delta.json")


# A long-lived process (``scrutiny watch``) keeps the last whole record it read, with the
# identity of the file it read it from (:func:`keep_records`): the next build, after one
# document added, finds the file as it was (a build saves its changes beside it) and
# reads only the changes, not 440,000 names and keys again (about a second at 10,000
# documents). The file is replaced whole when it is saved again (a new identity).
_KEEP = False
_KEPT: dict[str, tuple] = {}     # {record path: (file identity, its fields, {file: (key, size)})}


def keep_records(on: bool = True) -> None:
    """Keep the last whole record read in this process, for the next build to start
    from (``scrutiny watch``); off (the default) forgets it."""
    global _KEEP
    _KEEP = on
    if not on:
        _KEPT.clear()


@contextmanager
def records_kept():
    """Keep the records read inside the block (:func:`keep_records`), and after it as
    before it: a one-off build that reads its record ahead, while it waits for its
    language model, finds it read when its site stage begins."""
    before = _KEEP
    keep_records(True)
    try:
        yield
    finally:
        if not before:
            keep_records(False)


def read_ahead(cache_path: Path) -> None:
    """Read the record at ``cache_path`` into the kept copy (inside :func:`records_kept`)."""
    if _KEEP:
        _read_whole(Path(cache_path))


def _read_whole(cache_path: Path) -> tuple[dict | None, dict | None]:
    """The whole record's fields and pages, from the kept copy when the file is the one
    it was read from (same inode, size and time), else parsed (and kept, with
    :func:`keep_records`). The caller gets its own dict of pages to change."""
    try:
        with open(cache_path, "rb") as fh:
            st = os.fstat(fh.fileno())
            ident = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
            kept = _KEPT.get(str(cache_path)) if _KEEP else None
            if kept is not None and kept[0] == ident:
                return dict(kept[1]), dict(kept[2])
            data = json.loads(fh.read().decode("utf-8"))
    except (OSError, ValueError):
        return None, None
    if not isinstance(data, dict):
        return None, None
    pages = _record_pages(data)
    if pages is None:
        return data, None
    fields = {k: v for k, v in data.items() if k not in _PAGES_FIELDS}   # (the pages are in ``pages``)
    if _KEEP:
        _KEPT.clear()
        _KEPT[str(cache_path)] = (ident, fields, dict(pages))
    return fields, pages


_PAGES_FIELDS = ("names", "keys", "key", "size", "pages")


def read_record(cache_path: Path) -> tuple[dict | None, dict | None, dict | None]:
    """(the record's fields, ``{file: (key, size)}``, the changes saved since the whole
    record) of the record at ``cache_path``: the whole record with the changes saved
    since applied, when they are of its generation (else they are older, and ignored).
    (None, None, None) when there is no readable record."""
    data, pages = _read_whole(Path(cache_path))
    if data is None:
        return None, None, None
    if pages is None or not data.get("gen"):
        return data, pages, None
    try:
        delta = json.loads(_delta_path(Path(cache_path)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return data, pages, None
    if not (isinstance(delta, dict) and delta.get("gen") == data["gen"] and isinstance(delta.get("set"), dict)
            and isinstance(delta.get("gone"), list)):
        return data, pages, None
    groups = delta.get("groups", {})
    try:
        changes = [(rel, (key, size)) for rel, (key, size) in delta["set"].items()]
        if not (isinstance(groups, dict) and all(v is None or (isinstance(v, list) and v) for v in groups.values())):
            raise TypeError("damaged groups")
    except (TypeError, ValueError):
        # damaged changes: no page is taken as fresh (the record names no folder), and the
        # files they name still count as the builds' own (not as files put there by hand)
        pages.update((rel, (None, -1)) for rel in delta["set"] if isinstance(rel, str))
        return {**data, "site": None}, pages, None
    pages.update(changes)
    for rel in delta["gone"]:
        pages.pop(rel, None)
    data = {**data, "site": delta.get("site", data.get("site"))}
    return data, pages, {"set": delta["set"], "gone": delta["gone"], "groups": groups}


def _apply_groups(base: dict, changes) -> dict:
    """The whole record's groups with the changes saved since (None: a group dropped)."""
    if not changes:
        return base
    out = dict(base)
    for g, v in changes.items():
        if v is None:
            out.pop(g, None)
        else:
            out[g] = v
    return out


class _Known:
    """The files earlier builds made: the record's, and those a build killed before its
    swap meant to drop (``in`` and iteration; the record is not copied into a set)."""

    def __init__(self, pages: dict, dropped):
        self._pages, self._dropped = pages, set(dropped)

    def __contains__(self, rel) -> bool:
        return rel in self._pages or rel in self._dropped

    def __iter__(self):
        yield from self._pages
        yield from (rel for rel in self._dropped if rel not in self._pages)


def _record_pages(data) -> dict | None:
    """``{file: (key, size)}`` from a record (None when it is not one): the names,
    keys and sizes of this code's records, or an older record's ``pages``."""
    if not isinstance(data, dict):
        return None
    pages = data.get("pages")
    if isinstance(pages, dict):
        return pages
    names, keys, places, sizes = data.get("names"), data.get("keys"), data.get("key"), data.get("size")
    if not (isinstance(names, str) and isinstance(keys, list) and isinstance(places, list)
            and isinstance(sizes, list)):
        return None
    files = names.split("\n") if names else []
    if not len(files) == len(places) == len(sizes):
        return None
    try:
        return dict(zip(files, zip(map(keys.__getitem__, places), sizes)))
    except (IndexError, TypeError):
        return None


def _parents(rel: str):
    parent = rel.rpartition("/")[0]
    while parent:
        yield parent
        parent = parent.rpartition("/")[0]


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
