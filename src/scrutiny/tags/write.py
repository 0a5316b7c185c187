"""Tagging the store's passages: mentions, stakeholders, claims and candidate ties.

    >>> summary = tag_store(project, store)          # tags what is not tagged yet
    >>> summary.passages, summary.claims

Only passages with no row in ``nlp_tagged`` for the current tagger version are
tagged: passage ids are content hashes, so an edited paragraph gets a new id
and is tagged again while the rest are left alone; rows of passages that no
longer exist are deleted. Changing the curated names, the labelled data, the
model or our components changes the tagger version and re-tags everything.
After tagging, every mention is resolved to a stakeholder id across the whole
corpus (aliases, possessives, defined acronyms, "Lord X" = "Y X").

The passages come from the store's API; the tables written are this stage's
own (:mod:`scrutiny.tags.schema`). This module imports spaCy and scikit-learn
only inside functions.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import TYPE_CHECKING

from scrutiny.passages import NO_CLAIM_KINDS, Passage  # figures, contents pages, covers: no claims
from scrutiny.readers.base import HEADING, LIST_ITEM
from scrutiny.tags.doc_tagged import doc_stamp as _doc_stamp
from scrutiny.tags.schema import TAG_TABLES, ensure_schema

if TYPE_CHECKING:   # (the knowledge base's loader imported when a run reads kb/: a process adding a
    # file forks the helper of model_loading_aside before it imports it)
    from scrutiny.kb.view import Curated

# passages: from this many, two processes forked from this one (they hold its tagger:
# nothing loaded again, a few tens of milliseconds to start) share the run in tasks of a
# size fit for it, so that one long document added is tagged on both cores
PARALLEL_THRESHOLD = 64


@dataclass(frozen=True)
class TagSummary:
    """What one :func:`tag_store` run did."""

    passages: int            # passages tagged in this run
    skipped: int             # passages already tagged by the same tagger
    removed: int             # tag rows of passages that no longer exist, deleted
    mentions: int
    claims: int              # claim sentences
    tie_candidates: int
    stakeholders: int        # extracted (uncurated) stakeholders after resolution
    seconds: float
    model: str | None
    rules_only: bool
    tagger_version: str | None
    # CPU seconds of this process and of its tagging workers: on a shared machine,
    # words per CPU second compare with raw nlp.pipe whatever the load
    cpu_seconds: float = 0.0


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# While a long-lived process keeps the project built (``scrutiny watch``), the last
# tagger built is kept for the next run that would build the same one: the model,
# the components and the claim model are loaded once, not for every document added.
_warm: dict = {"on": False, "key": None, "tagger": None}


def keep_tagger_warm(on: bool = True) -> None:
    """Keep (or stop keeping, and let go of) the last tagger built in this process."""
    _warm.update(on=on, key=None, tagger=None)


def _warm_key(project) -> tuple:
    # the model and where its claim model is kept decide the pipeline (the curated names,
    # which every document added changes, are given to the one kept)
    return (project.spacy_model, str(project.data_dir / "nlp"))


def tagger_is_warm(project) -> bool:
    """A tagger for ``project`` is kept in this process (:func:`keep_tagger_warm`)."""
    return bool(_warm["on"] and _warm["tagger"] is not None and _warm["key"] == _warm_key(project))


def build_project_tagger(project, warn: bool = True, curated: Curated | None = None):
    from scrutiny.kb.view import load_curated
    from scrutiny.nlp.pipeline import build_tagger

    curated = curated if curated is not None else load_curated(project)
    cache = project.data_dir / "nlp"
    names = curated.names()
    key = _warm_key(project)
    if _warm["on"] and _warm["key"] == key:
        from scrutiny.nlp.pipeline import with_names

        return with_names(_warm["tagger"], names), curated
    tagger = build_tagger(project.spacy_model, names=names, warn=warn, cache_dir=cache)
    if _warm["on"]:
        _warm.update(key=key, tagger=tagger)
    return tagger, curated


def tag_store(project, store, progress=None, tagger=None, curated: Curated | None = None,
              n_process: int | None = None, cluster=None) -> TagSummary:
    """Tag every passage not yet tagged by the current tagger, in one transaction.

    ``cluster``: a Dask client (:mod:`scrutiny.cluster`): each document's passages
    are tagged by a task on a worker, the rows written here as on one machine.

    ``progress``, when given, is called as ``progress(done, total)`` after each batch.
    """
    from scrutiny.kb.view import load_curated

    t0, cpu0 = time.perf_counter(), time.process_time()
    ensure_schema(store)
    db = store.db
    # the documents whose stamp moved since the last run, when the tables allow it (else
    # every passage id of the corpus and every row of nlp_tagged, read below)
    quick = _DocPlan.make(store)
    current = tagged_rows = None

    def read_all():
        nonlocal current, tagged_rows
        if current is None:
            current = store.passage_ids()
            # read once: which passages are tagged, by which version (the check below and the run use it)
            tagged_rows = dict(db.execute("SELECT passage_id, tagger_version FROM nlp_tagged").fetchall())

    if quick is None:
        read_all()
    if tagger is None:
        from scrutiny.nlp.pipeline import planned_tagger

        curated = curated if curated is not None else load_curated(project)
        names = curated.names()
        # the pipeline is loaded only when a passage is to be tagged (a removal tags none)
        tagger = planned_tagger(project.spacy_model, names,
                                build=lambda: build_project_tagger(project, curated=curated)[0])
        version = tagger.version if tagger is not None else None
        if version is not None and (quick.nothing_to_do(store, version) if quick is not None
                                    else _nothing_to_do(store, current, version, tagged_rows)):
            last = db.execute("SELECT value FROM nlp_state WHERE key = 'last_run'").fetchone()
            last = json.loads(last[0]) if last else {}
            return TagSummary(
                passages=0, skipped=quick.total if quick is not None else len(current), removed=0, mentions=0, claims=0, tie_candidates=0,
                stakeholders=db.execute("SELECT count(*) FROM nlp_stakeholders").fetchone()[0],
                seconds=round(time.perf_counter() - t0, 3), model=last.get("model"),
                rules_only=bool(last.get("rules_only")), tagger_version=version)
        if tagger is None:
            tagger, curated = build_project_tagger(project, curated=curated)
    elif curated is None:
        curated = load_curated(project)
    counts = Counter()
    with store.transaction():
        suspects, rewrote = _carry_over(store, tagger)
        same = _same_as(store, tagger.version)
        plan = quick.plan(store, same, suspects) if quick is not None else None
        if plan is not None:
            # the passages of the documents whose stamp moved, and the carried-over suspects
            todo_ids, gone_tagged, total = plan
            clean = True
        else:
            read_all()
            # the rows read above, unless the carry-over brought them to one version
            tagged = dict(db.execute("SELECT passage_id, tagger_version FROM nlp_tagged").fetchall()) \
                if rewrote else tagged_rows
            done_ids = {pid for pid, version in tagged.items() if version in same}
            todo_ids = current - (done_ids - suspects)
            total = len(current)
        ntodo = len(todo_ids)
        removed = 0
        # Tag rows are written with their nlp_tagged row, so the passages that are gone
        # are the tagged ones no longer current, found without reading every table;
        # a schema migration that emptied nlp_tagged (see tags.schema) leaves rows
        # behind: once after each, every table is scanned.
        from scrutiny.tags.resolution import Gone

        gone = Gone()   # the mention rows deleted, for the resolution to follow them
        schema = str(store.schema_version("nlp"))
        if plan is None:
            clean = db.execute("SELECT value FROM nlp_state WHERE key = 'rows_follow_tagged'").fetchone()
            clean = clean is not None and clean[0] == schema
            gone_tagged = [(pid,) for pid in tagged if pid not in current] if clean else None
        for table in TAG_TABLES:
            if clean:
                stale = gone_tagged
            else:
                stale = [(pid,) for (pid,) in db.execute(f"SELECT DISTINCT passage_id FROM {table}")
                         if pid not in current]
            if table == "nlp_mentions":
                gone.forget(db, [pid for (pid,) in stale])
            elif table == "nlp_claims":
                gone.forget_claims(db, [pid for (pid,) in stale])
            before = db.total_changes
            db.executemany(f"DELETE FROM {table} WHERE passage_id = ?", stale)
            removed += db.total_changes - before
        db.execute("INSERT OR REPLACE INTO nlp_state (key, value) VALUES ('rows_follow_tagged', ?)", (schema,))
        gone.forget(db, todo_ids)
        for table in TAG_TABLES:
            db.executemany(f"DELETE FROM {table} WHERE passage_id = ?", ((pid,) for pid in todo_ids))
        if n_process is None:
            n_process = 2 if ntodo >= PARALLEL_THRESHOLD and (os.cpu_count() or 1) >= 2 else 1
            if os.environ.get("SCRUTINY_TAG_PROCESSES", "").isdigit():
                n_process = max(1, int(os.environ["SCRUTINY_TAG_PROCESSES"]))
        todo_docs = _documents_of(store, todo_ids) if todo_ids else set()
        longest = store.longest_passage(todo_docs) if todo_ids else 0
        # streamed one document at a time, in reading order: the corpus is never held in memory
        # (each list item with the kind its lead-in gives it, read on the way)
        # only the documents holding a passage to tag are read (in the store's order)

        def items(kinds: bool = True):
            for doc_id in store.document_ids():
                if doc_id not in todo_docs:
                    continue
                for p, lead in _with_lead_ins(store.passages(doc_id), kinds):
                    if p.id in todo_ids:
                        yield p, lead

        def local():
            texts = ((p.text, (p, lead)) for p, lead in items())
            for doc, (p, lead) in tagger.nlp.pipe(texts, as_tuples=True, batch_size=64):
                yield passage_rows(p, doc, lead)

        worker_cpu = [0.0]
        # a new process adding a file may have its model loading aside already (tags.early):
        # the passages go to it, unless it cannot tag this run
        early = _early_helper(project, tagger) if todo_ids and cluster is None else None
        tagged = None
        if early is not None:
            from scrutiny.tags.early import HelperFailed

            try:
                # (the lead-ins' texts: their kinds are found in the helper, which has spaCy loaded)
                tagged = early.tag(passage_rows, items(kinds=False), version=tagger.version, names=tagger.names,
                                   max_length=longest, total=ntodo, n_process=n_process, cpu=worker_cpu)
            except HelperFailed:
                tagged = None
        if tagged is None:
            if todo_ids and cluster is None and longest >= tagger.nlp.max_length:
                tagger.nlp.max_length = longest + 1  # a very long passage is still tagged, not refused
            if not todo_ids:
                tagged = ()
            elif cluster is not None:
                tagged = _tag_on_cluster(cluster, project, store, tagger, todo_ids, longest, cpu=worker_cpu)
            elif n_process > 1:
                from scrutiny.tags.parallel import tag_in_processes

                tagged = tag_in_processes(tagger, passage_rows, items(), n_process, cpu=worker_cpu, total=ntodo)
            else:
                tagged = local()
        done = 0
        stamp = _now()
        for rows in tagged:
            _write_rows(db, rows, counts)
            db.execute(
                "INSERT OR REPLACE INTO nlp_tagged (passage_id, tagger_version, tagged_at) VALUES (?,?,?)",
                (rows.passage_id, tagger.version, stamp),
            )
            done += 1
            if progress is not None and (done % 64 == 0 or done == ntodo):
                progress(done, ntodo)
        counts["mentions"] += propagate_acronyms(store, todo_docs)
        counts["mentions"] += propagate_names(store, todo_docs)
        resolved = resolve(store, curated, project.index_location if project is not None else None, gone=gone)
        from scrutiny.tags import fingerprints

        fingerprints.refresh(db, todo_docs | gone.docs)
        _DocPlan.record(store, quick if plan is not None else None)
        db.execute(
            "INSERT OR REPLACE INTO nlp_state (key, value) VALUES ('last_run', ?)",
            (json.dumps({"model": tagger.model_name, "rules_only": tagger.rules_only,
                         "tagger_version": tagger.version, "base_version": tagger.base_version, "at": stamp}),),
        )
        db.execute("INSERT OR REPLACE INTO nlp_state (key, value) VALUES ('names', ?)",
                   (json.dumps([list(n) for n in tagger.names], ensure_ascii=False),))
    return TagSummary(
        passages=ntodo,
        skipped=total - ntodo,
        removed=removed,
        mentions=counts["mentions"],
        claims=counts["claims"],
        tie_candidates=counts["ties"],
        stakeholders=resolved,
        seconds=round(time.perf_counter() - t0, 3),
        model=tagger.model_name,
        rules_only=tagger.rules_only,
        tagger_version=tagger.version,
        cpu_seconds=round(time.process_time() - cpu0 + worker_cpu[0], 3),
    )


# the helper loading the model aside (scrutiny.tags.early) for the runs of a block of
# model_loading_aside: (project root, EarlyTagger) or None
_aside: dict = {"helper": None}


def early_helper_wanted(project) -> bool:
    """A helper loading the model aside is worth starting (:func:`model_loading_aside`):
    a model package is installed (a rules-only tagger loads in no time), no tagger is
    kept warm in this process (``scrutiny watch``), the machine has a core to spare, and
    SCRUTINY_EARLY_TAGGER is not 0."""
    if os.environ.get("SCRUTINY_EARLY_TAGGER", "1") == "0" or (os.cpu_count() or 1) < 2:
        return False
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():   # (the helper is forked: not on Windows)
        return False
    if tagger_is_warm(project):
        return False
    from scrutiny.nlp.pipeline import planned_tagger

    return planned_tagger(project.spacy_model) is not None


@contextmanager
def model_loading_aside(project, while_waiting=()):
    """Start a helper process loading ``project``'s tagger (:mod:`scrutiny.tags.early`,
    when :func:`early_helper_wanted`) for the :func:`tag_store` run inside the block,
    which tags through it; the helper is stopped when the block ends. For a new process
    that adds files (``scrutiny build FILE``, ``scrutiny ingest FILE``): enter it first,
    before any thread, open store or other process is started. ``while_waiting``: work
    for the run to do if it has to wait for the model (callables; see ``EarlyTagger``)."""
    helper = None
    if _aside["helper"] is None and early_helper_wanted(project):
        from scrutiny.tags.early import EarlyTagger

        try:
            helper = EarlyTagger(project, while_waiting)
        except OSError:     # (no process to be had: the run loads the model itself, as before)
            helper = None
    if helper is not None:
        _aside["helper"] = (str(project.root), helper)
    try:
        yield helper
    finally:
        if helper is not None:
            _aside["helper"] = None
            helper.close()


def _early_helper(project, tagger):
    """The helper loading the model aside for this run, when there is one not used yet
    and this run's tagger is not loaded here already."""
    from scrutiny.nlp.pipeline import PlannedTagger

    current = _aside["helper"]
    if (project is None or current is None or current[0] != str(project.root) or current[1].used
            or not isinstance(tagger, PlannedTagger) or tagger.built):
        return None
    return current[1]


def _tag_on_cluster(client, project, store, tagger, todo_ids: set[str], longest: int, cpu: list | None = None):
    """The rows of every passage to tag (:func:`passage_rows`), each document's
    passages tagged by a task on the Dask cluster (:func:`scrutiny.cluster.tag_task`),
    a bounded number of documents in flight.
    ``cpu``, when given, is a one-item list to which the workers' CPU seconds are added."""
    from scrutiny.cluster import bounded, tag_task

    names = client.scatter([list(tagger.names)], broadcast=True)[0]   # one object, sent once per worker

    def jobs():
        for doc_id in store.document_ids():
            passages = [(p, lead) for p, lead in _with_lead_ins(store.passages(doc_id)) if p.id in todo_ids]
            if passages:
                yield (passage_rows, project.spacy_model, names, tagger.version, passages, longest)

    for _i, result in bounded(client, tag_task, jobs()):    # each document as it finishes
        if isinstance(result, BaseException):
            raise result
        rows, seconds = result
        if cpu is not None:
            cpu[0] += seconds
        yield from rows


def _carry_over(store, tagger) -> tuple[set[str], bool]:
    """When only the curated names changed since the last run (a document added
    to the manifest brings its title; a kb alias was edited), a passage's tags
    can change only if the passage contains a name added or removed: the
    curated-names component matches names inside a passage and nothing else in
    a passage's tags depends on the list. The passages tagged by the last run
    are then marked current, and the ids of those that may contain a changed
    name are returned, to be tagged again (with whether nlp_tagged's rows were
    brought to one version). Anything else changed (the model, our
    code, the labelled data): nothing is carried over (an empty set, and every
    passage has an older version)."""
    db = store.db
    row = db.execute("SELECT value FROM nlp_state WHERE key = 'last_run'").fetchone()
    names_row = db.execute("SELECT value FROM nlp_state WHERE key = 'names'").fetchone()
    if row is None or names_row is None or tagger.base_version is None:
        return set(), False
    last = json.loads(row[0])
    previous = last.get("tagger_version")
    if previous == tagger.version or last.get("base_version") != tagger.base_version:
        return set(), False
    before = {tuple(n) for n in json.loads(names_row[0])}
    changed = {surface for _sid, _kind, surface in before ^ set(tagger.names)}
    suspects = passages_naming_any(store, changed)
    # the rows keep the version they were tagged by, and the new version records
    # which older ones stand for it (rewriting every row of the corpus's
    # nlp_tagged for each document added would make adding one cost the corpus);
    # every _SAME_AS_MAX carry-overs the rows are brought to one version at once
    carried = _same_as(store, previous) - {tagger.version}
    rewrote = False
    if len(carried) >= _SAME_AS_MAX:
        db.execute("UPDATE nlp_tagged SET tagger_version = ? WHERE tagger_version IN (SELECT value FROM json_each(?))",
                   (tagger.version, json.dumps(sorted(carried))))
        rewrote = True
        carried = set()
    db.execute("INSERT OR REPLACE INTO nlp_state (key, value) VALUES ('same_as', ?)",
               (json.dumps({"version": tagger.version, "versions": sorted(carried)}),))
    return suspects, rewrote


_SAME_AS_MAX = 64


def _same_as(store, version: str | None) -> set[str]:
    """``version`` and the older tagger versions whose tags stand for it (they
    differed from it only by curated names that their passages do not contain)."""
    row = store.db.execute("SELECT value FROM nlp_state WHERE key = 'same_as'").fetchone()
    data = json.loads(row[0]) if row else {}
    return {version, *data.get("versions", ())} if data.get("version") == version else {version}


_WORDS = re.compile(r"\w+")


def passages_naming(store, surface: str) -> set[str]:
    """Ids of the passages that may contain ``surface`` as the curated-names
    matcher sees it (case-insensitive, token by token): every word of it, in
    any case, somewhere in the text. A superset of the matches."""
    words = [w for w in _WORDS.findall(surface.lower())]
    if not words:
        return set()
    ascii_words = [w for w in words if w.isascii()]
    needle = max(ascii_words, key=len) if ascii_words else ""
    # the other words too, in the store's filter, when a text that holds the word in its
    # lower case holds it in ASCII letters (no "i" or "k": lower() makes those of "İ" and
    # the Kelvin sign): what passes the test below passes them, so the result is the same
    more = sorted({w for w in ascii_words if w != needle and "i" not in w and "k" not in w})
    return {pid for pid, text in store.texts_containing(needle, *more)
            if all(w in text.lower() for w in words)}


# Past this many changed names, one pass over the corpus's texts finds the passages of all
# of them (about as long as this many of the store's filtered scans): a batch of documents
# added at once is as many new curated names (their titles), each a scan of every passage.
_NAMES_ONE_BY_ONE = 24


def passages_naming_any(store, surfaces) -> set[str]:
    """The passages that may contain any of ``surfaces``: :func:`passages_naming`'s,
    whose union it holds. With many names, one pass over every passage: a passage is
    taken when its lower-cased text holds every word of a name (a name's longest
    word fewest of the names share is looked up among the passage's words' substrings
    first)."""
    surfaces = sorted(set(surfaces))
    if len(surfaces) <= _NAMES_ONE_BY_ONE:
        out: set[str] = set()
        for surface in surfaces:
            out |= passages_naming(store, surface)
        return out
    named = [words for words in (_WORDS.findall(s.lower()) for s in surfaces) if words]
    shared = Counter(w for words in named for w in set(words))
    by_needle: dict[str, list[list[str]]] = {}
    for words in named:   # looked up by the word fewest of the names share (then the longest)
        by_needle.setdefault(min(words, key=lambda w: (shared[w], -len(w), w)), []).append(words)
    lengths = sorted({len(n) for n in by_needle})
    memo: dict[str, tuple[str, ...]] = {}

    def needles_in(run: str) -> tuple[str, ...]:
        # a needle is made of word characters, so it stands inside one run of them
        found = memo.get(run)
        if found is None:
            found = memo[run] = tuple({run[i:i + k] for k in lengths if k <= len(run)
                                       for i in range(len(run) - k + 1) if run[i:i + k] in by_needle})
        return found

    out = set()
    for pid, text in store.texts_containing(""):
        low = text.lower()
        names = [words for run in set(_WORDS.findall(low)) for n in needles_in(run) for words in by_needle[n]]
        if any(all(w in low for w in words) for words in names):
            out.add(pid)
    return out


class _DocPlan:
    """What to tag found from the documents whose stamp moved, not from every passage id.

    ``nlp_doc_tagged`` keeps each document's stamp (``Store.passage_stamps``) as it was
    when a run left every one of its passages tagged and no tag rows of its old ones.
    A document whose stamp is the one kept needs nothing, provided every row of
    ``nlp_tagged`` is of a version that stands for the current one; so a run reads the
    stamps (one row per document), the tagged rows of the documents that moved (a range
    of ``nlp_tagged``'s key: a passage id begins with its document's) and their passages.
    Whenever it cannot be sure it says so (``make`` returns None, ``plan`` returns None)
    and the run reads every passage id as before: no stamps kept yet (the first run after
    the upgrade), the tables not yet clean after a migration, too many documents moved,
    or a count of ``nlp_tagged`` that is not what the kept stamps promise (rows deleted
    by a migration, or written by another program). ``tests/test_tag_doc_plan.py``."""

    MOST = 200   # documents moved: past this, reading every passage id costs no more

    def __init__(self, stamps, moved, gone, tagged_of, total):
        self.stamps, self.moved, self.gone, self.tagged_of, self.total = stamps, moved, gone, tagged_of, total

    @classmethod
    def make(cls, store) -> "_DocPlan | None":
        from scrutiny.tags import doc_tagged

        found = doc_tagged.read(store, cls.MOST)
        if found is None:
            return None
        return cls(found.stamps, found.moved, found.gone, found.tagged_of, found.total)

    @staticmethod
    def _versions(store) -> set[str]:
        return {v for (v,) in store.db.execute("SELECT DISTINCT tagger_version FROM nlp_tagged")}

    def nothing_to_do(self, store, version: str) -> bool:
        """As :func:`_nothing_to_do`, from the stamps."""
        if self.moved or self.gone:
            return False
        versions = self._versions(store)
        from scrutiny.tags.resolution import VERSION as RESOLUTION_VERSION

        if versions and (store.db.execute("SELECT value FROM nlp_state WHERE key = 'resolution'").fetchone()
                         or (None,))[0] != RESOLUTION_VERSION:
            return False
        return versions <= _same_as(store, version)

    def plan(self, store, same: set[str], suspects: set[str]):
        """(passage ids to tag, [(passage id,)] of tagged passages gone, passages in the
        store), or None when a tagged row's version does not stand for the current one."""
        if not self._versions(store) <= same:
            return None
        todo, gone = set(suspects), []
        for d in self.moved:
            ids = {p.id for p in store.passages(d)}
            todo |= ids - self.tagged_of[d]
            gone += [(pid,) for pid in sorted(self.tagged_of[d] - ids)]
        for d in self.gone:
            gone += [(pid,) for pid in sorted(self.tagged_of[d])]
        return todo, gone, self.total

    @staticmethod
    def record(store, plan: "_DocPlan | None") -> None:
        """After a run (in its transaction): the stamps of the documents it left whole
        (``plan``: those that moved; None: every document)."""
        db = store.db
        if plan is None:
            db.execute("DELETE FROM nlp_doc_tagged")
            db.executemany("INSERT INTO nlp_doc_tagged (doc_id, stamp) VALUES (?, ?)",
                           [(d, _doc_stamp(st)) for d, st in store.passage_stamps().items()])
            return
        db.executemany("DELETE FROM nlp_doc_tagged WHERE doc_id = ?", [(d,) for d in plan.gone])
        db.executemany("INSERT OR REPLACE INTO nlp_doc_tagged (doc_id, stamp) VALUES (?, ?)",
                       [(d, _doc_stamp(plan.stamps[d])) for d in plan.moved])


def _nothing_to_do(store, current: set[str], version: str, tagged: dict | None = None) -> bool:
    """Every passage tagged by this tagger version, and no tags of a passage that is gone
    (``tagged``: the rows of nlp_tagged, when the caller read them)."""
    if tagged is None:
        tagged = {r[0]: r[1] for r in store.db.execute("SELECT passage_id, tagger_version FROM nlp_tagged")}
    from scrutiny.tags.resolution import VERSION as RESOLUTION_VERSION

    if tagged and (store.db.execute("SELECT value FROM nlp_state WHERE key = 'resolution'").fetchone()
                   or (None,))[0] != RESOLUTION_VERSION:
        return False  # the names were resolved by older rules: resolve them again
    same = _same_as(store, version)
    return all(tagged.get(pid) in same for pid in current) and all(pid in current for pid in tagged)


def _with_lead_ins(passages, kinds: bool = True):
    """Each passage of one document (in reading order) with the kind its lead-in
    gives it when it is a list item ("We will:" above it: commitment; "The
    Government should:": recommendation), else None. The lead-in is the nearest
    passage before it that is not a list item, when that ends with a colon.
    ``kinds=False``: the lead-in's text instead of its kind (for a process that has
    not imported spaCy: the helper that tags turns it into the kind, see
    :func:`scrutiny.tags.early.lead_kinds`)."""
    if kinds:
        from scrutiny.nlp.claim_rules import lead_kind
    lead = None
    for p in passages:
        if p.kind == LIST_ITEM:
            yield p, lead
            continue
        text = p.text.rstrip()
        lead = (lead_kind(text) if kinds else text) if text.endswith(":") else None
        yield p, None


_FRAGMENT_WORDS = 8


def _cut_fragment(text: str, start: int, end: int) -> bool:
    """A few words a page break cut off from their sentence: the unfinished end of a
    passage ("... in modern memory. It led") or the lower-case start of one ("which can
    be rapidly triggered. The ..."). Passages of a document split where pages end; the
    words are no claim on their own. A line of its own (minutes, a list) is not cut."""
    sentence = text[start:end].strip()
    if not sentence or len(sentence.split()) >= _FRAGMENT_WORDS:
        return False
    last = not text[end:].strip()
    own_line = text[:start].rstrip(" \t").endswith("\n") or not text[:start].strip()
    unfinished = last and not own_line and sentence[-1] not in ".!?:;\"\u201d\u2019)]"
    continued = not text[:start].strip() and sentence[0].islower()
    return unfinished or continued


def _claim_kinds(passage: Passage, c: dict, lead: str | None, first: bool) -> dict:
    """A sentence's kinds in its passage: none in a heading; in a list item, the kind
    of its lead-in for the sentence completing it, and no heading rule (bullets often
    have no full stop)."""
    from scrutiny.nlp.claim_rules import NO_CLAIM_SHAPES

    kinds = c.get("kinds") or {}
    if passage.kind == HEADING:
        return {}
    if kinds and passage.kind != LIST_ITEM and _cut_fragment(passage.text, c["start"], c["end"]):
        return {}
    if passage.kind == LIST_ITEM:
        shape = c.get("shape")
        if first and lead and shape not in ("url", "lead_in"):
            p = (c.get("scores") or {}).get(lead, 0.0)
            return {lead: (round(max(p, 0.8), 3), "rule")}
        if shape == "heading":
            return c.get("model_kinds", kinds)
        if shape in NO_CLAIM_SHAPES:
            return {}
    return kinds


@dataclass(frozen=True)
class PassageRows:
    """The rows one tagged passage gives each table: plain tuples, made from its
    Doc where the Doc is (a worker process sends these back, not the Doc)."""

    passage_id: str
    mentions: list
    acronyms: list
    sentences: list
    claims: list
    ties: list


def passage_rows(passage: Passage, doc, lead: str | None = None) -> PassageRows:
    """What the tables record of one passage tagged as ``doc``."""
    from scrutiny.nlp.calibration import calibrated
    from scrutiny.nlp.coreference import antecedent
    from scrutiny.nlp.spans import stakeholder_spans

    pid, doc_id = passage.id, passage.doc_id
    mentions = []
    heading = passage.kind == "heading"
    for s in stakeholder_spans(doc):
        if heading and s._.source != "curated":
            continue  # headings are in title case: only listed names are trusted there
        refers = (antecedent(doc, s.start_char, s.end_char) if s._.source == "coref" else None) or (None, None)
        conf = float(s._.confidence or 0.0)
        if s._.source in ("model", "rule"):
            conf = calibrated("names", conf)
        mentions.append((pid, doc_id, s.start_char, s.end_char, s.text, s.label_, s._.source or "model",
                         conf, s.kb_id_ or None, refers[0], refers[1]))
    acronyms = [(pid, doc_id, short, long) for short, long in (doc._.acronyms or [])]
    sentences = [(pid, c["start"], c["end"]) for c in doc._.claims or []]
    claims = []
    text = passage.text  # the passage text the doc was made from (Doc.text would rebuild it)
    for n, c in enumerate(doc._.claims if passage.kind not in NO_CLAIM_KINDS and doc._.claims else []):
        kinds = _claim_kinds(passage, c, lead, n == 0)
        if not kinds:
            continue
        # the kind's confidence, calibrated on labelled sentences of real government documents
        details = {k: {"confidence": calibrated("claims", float(v[0])), "source": v[1]} for k, v in kinds.items()}
        ordered = sorted(kinds)
        conf = min(d["confidence"] for d in details.values())
        sources = {d["source"] for d in details.values()}
        source = "rule" if sources == {"rule"} else "model"
        claims.append((f"{pid}@{c['start']}", pid, doc_id, passage.page_at(c["start"]), c["start"], c["end"],
                       text[c["start"]:c["end"]], json.dumps(ordered), json.dumps(details),
                       round(conf, 3), source))
    ties = []
    for t in doc._.ties or []:
        s, o = t["subject"], t["object"]
        ties.append((pid, t["sent_start"], t["sent_end"], t["relation"], t.get("role"), t["confidence"],
                     t["pattern"], s["start"], s["end"], s["text"], s["kind"],
                     o["start"], o["end"], o["text"], o["kind"]))
    return PassageRows(pid, mentions, acronyms, sentences, claims, ties)


def _write_rows(db, rows: PassageRows, counts) -> None:
    db.executemany(
        "INSERT OR REPLACE INTO nlp_mentions (passage_id, doc_id, start, end, text, kind, source, confidence, "
        "curated_id, refers_start, refers_end) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows.mentions)
    counts["mentions"] += len(rows.mentions)
    db.executemany("INSERT INTO nlp_acronyms (passage_id, doc_id, short, long) VALUES (?,?,?,?)", rows.acronyms)
    db.executemany("INSERT INTO nlp_sentences (passage_id, start, end) VALUES (?,?,?)", rows.sentences)
    db.executemany(
        "INSERT OR REPLACE INTO nlp_claims (id, passage_id, doc_id, page, start, end, text, kinds, details, "
        "confidence, source) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows.claims)
    counts["claims"] += len(rows.claims)
    db.executemany(
        "INSERT INTO nlp_tie_candidates (passage_id, sent_start, sent_end, relation, role, confidence, pattern, "
        "subject_start, subject_end, subject_text, subject_kind, object_start, object_end, object_text, object_kind) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows.ties)
    counts["ties"] += len(rows.ties)


# --- resolution across the corpus ------------------------------------------------

def _documents_of(store, passage_ids) -> set[str]:
    """The ids of the documents holding these passages."""
    return {p.doc_id for p in store.passages_by_id(passage_ids).values()}


def propagate_acronyms(store, doc_ids=None) -> int:
    """An acronym a document defines ("Parliamentary and Health Service Ombudsman
    (PHSO)") is a mention wherever it stands in that document, in every passage,
    whether or not the model saw it there. Returns the number of mentions added.
    ``doc_ids``: only these documents (those whose passages were just tagged: in
    the others every occurrence is a mention already); None: all."""
    db = store.db
    by_doc: dict[str, dict[str, str]] = defaultdict(dict)
    if doc_ids is None:
        acronym_rows = db.execute("SELECT doc_id, short, long FROM nlp_acronyms").fetchall()
    else:
        acronym_rows = db.execute("SELECT doc_id, short, long FROM nlp_acronyms WHERE doc_id IN "
                                  "(SELECT value FROM json_each(?))", (json.dumps(sorted(doc_ids)),)).fetchall()
    for r in acronym_rows:
        if not r["long"].islower():
            by_doc[r["doc_id"]].setdefault(r["short"], r["long"])
    added = 0
    for doc_id, acronyms in by_doc.items():
        # The kind of each acronym: that of its long form's mentions in the document.
        kinds = {}
        for short, long in acronyms.items():
            row = db.execute(
                "SELECT kind FROM nlp_mentions WHERE doc_id = ? AND (text = ? OR text = ?) "
                "GROUP BY kind ORDER BY count(*) DESC LIMIT 1", (doc_id, long, short)).fetchone()
            kinds[short] = row["kind"] if row else "organisation"
        rx = re.compile(r"(?<![\w-])(" + "|".join(re.escape(a) for a in sorted(acronyms, key=len, reverse=True))
                        + r")(?![\w-])")
        added += _write_uses(store, doc_id, rx, kinds.__getitem__, 0.75)
    return added


def _write_uses(store, doc_id: str, rx, kind_of, confidence: float, alone=None) -> int:
    """A rule mention for each use of ``rx`` (its group 1) in the passages of ``doc_id``
    that overlaps no mention already there (and that ``alone(text, start, end)`` keeps, when
    given), of the kind ``kind_of(name)``. Returns how many were written."""
    db = store.db
    added = 0
    for p in store.passages(doc_id):
        found = [(m.start(), m.end(), m.group(1)) for m in rx.finditer(p.text)]
        if not found:
            continue
        taken = db.execute("SELECT start, end FROM nlp_mentions WHERE passage_id = ?", (p.id,)).fetchall()
        for start, end, name in found:
            if any(start < t["end"] and t["start"] < end for t in taken):
                continue
            if alone is not None and not alone(p.text, start, end):
                continue
            db.execute(
                "INSERT OR IGNORE INTO nlp_mentions (passage_id, doc_id, start, end, text, kind, source, "
                "confidence) VALUES (?,?,?,?,?,?,?,?)", (p.id, doc_id, start, end, name, kind_of(name), "rule", confidence))
            added += 1
    return added


_NAME_AROUND = re.compile(r"[A-Z][\w'’-]*")


def _outside_run(text: str, start: int, end: int) -> bool:
    """Is ``text[start:end]`` no piece of a longer capitalised run on its line ("North
    Kelby Trust", "Kelby Trust Board")?"""
    before = text[:start].rsplit("\n", 1)[-1].split()
    after = text[end:].split("\n", 1)[0].split()
    return not ((before and _NAME_AROUND.fullmatch(before[-1])) or (after and _NAME_AROUND.match(after[0])))


def propagate_names(store, doc_ids) -> int:
    """A name of two words or more the tagger found in one passage of a document is a
    mention wherever the document writes it again in another, whether or not the model
    saw it there ("Kestrel Housing Association" named in a heading and again in a
    sentence the recogniser misread): the same words, not inside a longer capitalised
    run, over no mention already there. Its kind is the kind most of its mentions in the
    document have. Only ``doc_ids`` (the documents just tagged). Returns the mentions added."""
    if not doc_ids:
        return 0
    db = store.db
    added = 0
    for doc_id in sorted(doc_ids):
        rows = db.execute("SELECT passage_id, text, kind, confidence FROM nlp_mentions WHERE doc_id = ? "
                          "AND source IN ('model', 'rule')", (doc_id,)).fetchall()
        kinds: dict[str, Counter] = defaultdict(Counter)
        for r in rows:
            text = r["text"]
            if r["confidence"] >= 0.7 and len(text.split()) >= 2 and text[:1].isupper() and "\n" not in text:
                kinds[text][r["kind"]] += 1
        if not kinds:
            continue
        rx = re.compile(r"(?<![\w'’-])(" + "|".join(re.escape(n) for n in sorted(kinds, key=len, reverse=True))
                        + r")(?![\w'’-])")
        added += _write_uses(store, doc_id, rx, lambda name: kinds[name].most_common(1)[0][0], 0.7, _outside_run)
    return added


@lru_cache(maxsize=1 << 16)
def strip_one(text: str) -> str:
    """The words of a name of one to three plain words, as they would stand in lower
    case ("" otherwise: acronyms, names with digits or longer names)."""
    from scrutiny.tags.resolve import strip_name

    name = strip_name(text)
    words = name.split()
    if not 1 <= len(words) <= 3 or not all(w.isalpha() for w in words) or any(w.isupper() for w in words):
        return ""
    return " ".join(words).casefold()


_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*|[^\sA-Za-z]")


_PLAIN_GRAM = re.compile(r"[a-z]+(?: [a-z]+)*")


@lru_cache(maxsize=1 << 12)
def _gram_pattern(gram: str):
    """The uses of ``gram`` (plain lower-case ASCII words) as consecutive words of
    ``_WORD``'s tokens, found by one regular expression instead of tokenising the
    text: a token begins at a letter that no word token runs into (the run of
    letters, apostrophes and hyphens before it holds no letter: an apostrophe or
    hyphen there stands alone), two word tokens follow each other across white
    space only, and a word token ends before any character that is not a letter,
    apostrophe or hyphen. Zero-width, so that overlapping uses all count."""
    words = r"\s+".join(gram.split(" "))
    return re.compile(rf"(?<![A-Za-z'-])(?=['-]*{words}(?![A-Za-z'-]))")


def _lower_grams(text: str, grams: set[str], lengths: set[int], into: Counter) -> None:
    """Count in ``into`` the uses of ``grams`` (lower-case words) that ``text`` writes in lower case.

    A gram of plain ASCII words is counted by its pattern (:func:`_gram_pattern`),
    the others by tokenising the text (the definition, which the test compares
    both with); a gram whose number of words is not in ``lengths`` is not counted."""
    if len(grams) <= 16:
        rest = set()
        for g in grams:
            if _PLAIN_GRAM.fullmatch(g) is None:
                rest.add(g)
            elif g.count(" ") + 1 in lengths:
                n = len(_gram_pattern(g).findall(text))
                if n:
                    into[g] += n
        if not rest:
            return
        grams = rest
    toks = _WORD.findall(text)
    for n in lengths:
        for i in range(len(toks) - n + 1):
            gram = toks[i:i + n]
            if gram[0][:1].islower() and all(t[:1].islower() and t[:1].isalpha() for t in gram):
                g = " ".join(gram)
                if g in grams:
                    into[g] += 1


def _since_epoch(iso: str | None) -> float | None:
    try:
        return datetime.fromisoformat(iso).timestamp() if iso else None
    except ValueError:
        return None


# A new word held by more passages than this is looked for by one scan of the store, not
# through the index (whose stored fields of each passage cost more than the scan).
MANY_PASSAGES = 5000


class _LowerUses:
    """How often the corpus writes a short name's words in lower case, kept per
    document in ``nlp_lower_grams`` (``nlp_lower_docs``: each document's stamp when
    counted; ``nlp_lower_checked``: the words counted in every document).

    A document new or changed since it was counted is read again for every word
    counted so far; a word never counted before is looked for in the other
    documents through the search index (only the passages holding its words are
    read), or, with no index to ask (a first build, a shared PostgreSQL store),
    by reading them. So adding one document reads that document and the few
    passages that hold its new names' words, not the corpus."""

    def __init__(self, store, index_link=None):
        self.store, self.db, self.index_link = store, store.db, index_link
        self.read = Counter()   # what was read: "documents", "passages" (the test of its cost counts them)
        self.moved: set[str] = set()   # the words whose counts this run changed (a document counted again)

    def counts(self, wanted: set[str]) -> Counter:
        db = self.db
        docs = self.store.document_stamps()     # {id: (sha256, passages, ingested_at)}
        stamps = {doc_id: _doc_stamp(d) for doc_id, d in docs.items()}
        kept = dict(db.execute("SELECT doc_id, stamp FROM nlp_lower_docs").fetchall())
        stale = [(doc_id,) for doc_id, stamp in kept.items() if stamps.get(doc_id) != stamp]
        for (doc_id,) in stale:
            self.moved.update(g for (g,) in db.execute("SELECT gram FROM nlp_lower_grams WHERE doc_id = ?", (doc_id,)))
        db.executemany("DELETE FROM nlp_lower_grams WHERE doc_id = ?", stale)
        db.executemany("DELETE FROM nlp_lower_docs WHERE doc_id = ?", stale)
        fresh = [doc_id for doc_id in docs if kept.get(doc_id) != stamps[doc_id]]
        checked = {g for (g,) in db.execute("SELECT gram FROM nlp_lower_checked")}
        new = wanted - checked
        # the documents new or changed: every word counted so far, and the new ones
        grams = checked | new
        lengths = {g.count(" ") + 1 for g in grams}
        for doc_id in fresh:    # one document at a time: the corpus is never held in memory
            found = Counter()
            for p in self.store.passages(doc_id):
                _lower_grams(p.text, grams, lengths, found)
            self.read["documents"] += 1
            self.moved.update(found)
            db.executemany("INSERT INTO nlp_lower_grams (gram, doc_id, n) VALUES (?, ?, ?)",
                           [(g, doc_id, n) for g, n in sorted(found.items())])
            db.execute("INSERT INTO nlp_lower_docs (doc_id, stamp) VALUES (?, ?)", (doc_id, stamps[doc_id]))
        # the words never counted, in the documents counted before
        others = set(docs) - set(fresh)
        if new and others:
            self._count_new(sorted(new), others, docs)
        db.executemany("INSERT INTO nlp_lower_checked (gram) VALUES (?)", [(g,) for g in sorted(new)])
        return self.sums(wanted)

    def sums(self, words) -> Counter:
        """How often the corpus writes each of ``words`` (counted before) in lower case."""
        db = self.db
        out = Counter()
        for part in _chunks(sorted(words), 500):
            marks = ", ".join("?" * len(part))
            for g, n in db.execute(f"SELECT gram, SUM(n) FROM nlp_lower_grams WHERE gram IN ({marks}) GROUP BY gram",
                                   part):
                out[g] = int(n)
        return out

    def _count_new(self, new: list[str], others: set[str], docs: dict) -> None:
        from scrutiny.index import passages_with_words

        found = passages_with_words(self.index_link, new, most=MANY_PASSAGES) if self.index_link is not None \
            and not str(self.index_link).startswith(("postgresql://", "postgres://")) else None
        by_index: dict[str, set[str]] = {}
        unsure = set(others)
        counts: dict[tuple[str, str], int] = Counter()
        if found is not None:
            candidates, written = found
            # a document stored after the index was last written may be there as it was
            unsure = {d for d in others if (_since_epoch(docs[d][2]) or written) + 1 >= written}
            by_index = {g: ids for g, ids in candidates.items() if ids is not None}
            # words in too many passages for the index to be worth asking (common words,
            # "peer support" in 82,000 passages), or none it indexes: one scan of the
            # store for the passages that write each of their words as it is
            for g in [g for g in new if g not in by_index]:
                lengths = {g.count(" ") + 1}
                for _pid, doc_id, text in self.store.texts_holding(g.split(" ")):
                    if doc_id not in others or doc_id in unsure:
                        continue
                    self.read["passages"] += 1
                    found_here = Counter()
                    _lower_grams(text, {g}, lengths, found_here)
                    for g2, n in found_here.items():
                        counts[(g2, doc_id)] += n
            scan = []
        else:
            scan = list(new)
        if by_index:
            wanted_ids = set().union(*by_index.values())
            lengths = {g.count(" ") + 1 for g in by_index}
            for part in _chunks(sorted(wanted_ids), 500):
                for pid, p in self.store.passages_by_id(part).items():
                    if p.doc_id not in others or p.doc_id in unsure:
                        continue
                    self.read["passages"] += 1
                    found_here = Counter()
                    _lower_grams(p.text, {g for g, ids in by_index.items() if pid in ids}, lengths, found_here)
                    for g, n in found_here.items():
                        counts[(g, p.doc_id)] += n
        # the words the index cannot narrow down, and the documents it may not hold as they are
        for doc_id in sorted(d for d in others if d in unsure or scan):
            grams = set(new) if doc_id in unsure else set(scan)
            lengths = {g.count(" ") + 1 for g in grams}
            here = Counter()
            for p in self.store.passages(doc_id):
                _lower_grams(p.text, grams, lengths, here)
            self.read["documents"] += 1
            for g, n in here.items():
                counts[(g, doc_id)] += n
        self.db.executemany("INSERT INTO nlp_lower_grams (gram, doc_id, n) VALUES (?, ?, ?)",
                            [(g, d, n) for (g, d), n in sorted(counts.items())])


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _common_words(store, names: list[dict], index_link=None, uses: _LowerUses | None = None) -> set[str]:
    """Of the names of one to three plain words, those the corpus also writes in lower
    case ("Convention" and "convention", "Lose Out" and "lose out")."""
    wanted = {strip_one(r["text"]) for r in names if r["source"] in ("model", "rule")} - {""}
    if not wanted:
        return set()
    lower = (uses or _LowerUses(store, index_link)).counts(wanted)
    named = Counter(strip_one(r["text"]) for r in names if r["source"] in ("model", "rule"))
    # used in lower case at least twice, and at least as often as the name
    return {w for w in wanted if lower[w] >= 2 and lower[w] >= named[w]}


def resolve(store, curated: Curated, index_link=None, gone=None, full: bool = False, read=None) -> int:
    """Give every mention a stakeholder id; bring ``nlp_stakeholders`` up to date;
    resolve tie ends. Returns the number of extracted (uncurated) stakeholders.

    The resolution is over the whole corpus (a name in one document can join a
    name in another), but only what the mentions written since the last run
    (and ``gone``, the rows deleted: :class:`scrutiny.tags.resolution.Gone`) reach
    is read and written again (:func:`scrutiny.tags.resolution.resolve_store`);
    ``full``: every mention again; ``read``: a :class:`scrutiny.tags.resolution.Read`
    to count what was read in."""
    from scrutiny.tags.resolution import resolve_store

    return resolve_store(store, curated, uses=_LowerUses(store, index_link), strip_one=strip_one, gone=gone,
                         full=full, read=read)
