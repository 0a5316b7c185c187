"""Resolution kept up to date in the store: what :class:`scrutiny.tags.resolve.Resolver`
computes over every mention of the corpus, brought up to date after the mentions
that changed.

    >>> gone = Gone()                       # filled by the tagging run as it deletes mention rows
    >>> resolve(store, curated, index_link, gone)   # scrutiny.tags.write.resolve: the number of extracted stakeholders

A mention's stakeholder depends on its own text, kind and document, and on a few
facts about the corpus: the curated names (the alias of a name key), the acronyms
the documents define, the full names that share a surname, the short names the
corpus also writes in lower case, and the cluster keys whose display names share
a slug. Each mention row keeps what these are looked up by (its display name,
its key, its person key and surname, the full name it lends to surname-only
mentions, its cluster key); each cluster of ``nlp_clusters`` keeps its slug. A
run then works from the rows written since the last one (a NULL ``name``), the
rows deleted (``gone``) and the facts that moved (kept in ``nlp_state``), and
reads only the mentions those reach: the clusters they join or leave, the
mentions naming an acronym or a surname whose facts moved, the slugs of the same
root. The result is the one a whole resolution gives (``full=True``, and the
first run on a store tagged before this was kept); ``tests/test_resolution.py``
compares the two.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from scrutiny.nlp.normalise import is_acronym
from scrutiny.tags.resolve import cluster_kind, display_name, key, person_parts, slug, strip_name

VERSION = "2"          # nlp_state 'resolution': a store without it is resolved whole once (2: kinds from names, not bare acronyms)
_CHUNK = 500
_MENTION = ("passage_id, doc_id, start, end, text, kind, source, confidence, curated_id, "
            "stakeholder_id, name, ckey, surname, lends, plain")
_ROOT = re.compile(r"(-\d+)+$")


def root(sid: str) -> str:
    """What a slug and every slug numbered after it ("x", "x-2", "x-2-3") share: ids
    collide only within one root."""
    return _ROOT.sub("", sid) or sid


@dataclass
class Gone:
    """What the mention rows deleted since the last resolution were (their clusters,
    the full names they lent, their short names), and their passages."""
    ckeys: set = field(default_factory=set)
    surnames: set = field(default_factory=set)
    lent: set = field(default_factory=set)      # (surname, full name lent, doc id) of the rows deleted
    plains: set = field(default_factory=set)
    passages: set = field(default_factory=set)
    docs: set = field(default_factory=set)

    def forget(self, db, passage_ids) -> None:
        """Record the mention rows of these passages, about to be deleted."""
        ids = sorted(set(passage_ids))
        for i in range(0, len(ids), _CHUNK):
            part = json.dumps(ids[i:i + _CHUNK])
            for r in db.execute("SELECT passage_id, doc_id, ckey, surname, lends, plain FROM nlp_mentions "
                                "WHERE passage_id IN (SELECT value FROM json_each(?))", (part,)):
                self._add(r)

    def forget_claims(self, db, passage_ids) -> None:
        """Record the documents of the claim rows of these passages, about to be deleted."""
        ids = sorted(set(passage_ids))
        for i in range(0, len(ids), _CHUNK):
            self.docs.update(r[0] for r in db.execute(
                "SELECT DISTINCT doc_id FROM nlp_claims WHERE passage_id IN (SELECT value FROM json_each(?))",
                (json.dumps(ids[i:i + _CHUNK]),)))

    def _add(self, r) -> None:
        self.passages.add(r["passage_id"])
        self.docs.add(r["doc_id"])
        if r["ckey"] is not None:
            self.ckeys.add(r["ckey"])
        if r["lends"] is not None:
            self.surnames.add(r["surname"])
            self.lent.add((r["surname"], r["lends"], r["doc_id"]))
        if r["plain"]:
            self.plains.add(r["plain"])


def _derived(text: str, kind: str, source: str, strip_one) -> tuple:
    """(name, nkey, plain, surname, pkey) of a mention: what it is looked up by."""
    name = strip_name(text)
    plain = (strip_one(text) or None) if source in ("model", "rule") else None
    surname = pkey = None
    if kind == "person" and source != "coref":
        given, last = person_parts(name)
        if last:
            surname = last
            pkey = " ".join([g.casefold() for g in given] + [last])
    return name, key(text), plain, surname, pkey


# Both found by an index seek on (surname, ...) (tags.schema), not by reading every mention
# of a common surname.
LENDING_SQL = "SELECT 1 FROM nlp_mentions WHERE surname = ? AND lends = ? LIMIT 1"
ALONE_IN_DOC_SQL = (f"SELECT {_MENTION} FROM nlp_mentions WHERE surname = ? AND doc_id = ? "
                    "AND lends IS NULL AND source != 'coref'")


def _lending(db, surname: str, full: str) -> bool:
    """Whether some mention row lends the full name ``full`` to ``surname``."""
    return db.execute(LENDING_SQL, (surname, full)).fetchone() is not None


def _alone(db, surnames: set, doc_surnames: set) -> list:
    """The rows that may be a surname alone (they lend no full name; not back-references)
    of ``surnames`` anywhere, and of (surname, doc id) pairs ``doc_surnames`` in their document."""
    out = []
    for part in _chunks(surnames):
        out += db.execute(f"SELECT {_MENTION} FROM nlp_mentions WHERE surname IN (SELECT value FROM json_each(?)) "
                          "AND lends IS NULL AND source != 'coref'", (part,)).fetchall()
    for surname, doc_id in sorted(doc_surnames):
        out += db.execute(ALONE_IN_DOC_SQL, (surname, doc_id)).fetchall()
    return out


def _chunks(items):
    items = sorted(items)
    for i in range(0, len(items), _CHUNK):
        yield json.dumps(items[i:i + _CHUNK])


def _select(db, where: str, values) -> list:
    """Mention rows whose ``where`` column is one of ``values``."""
    out = []
    for part in _chunks(values):
        out += db.execute(f"SELECT {_MENTION} FROM nlp_mentions WHERE {where} IN "
                          "(SELECT value FROM json_each(?))", (part,)).fetchall()
    return out


class _Facts:
    """The corpus-wide facts a mention's first pass looks up (see Resolver.resolve)."""

    def __init__(self, curated, acronyms):
        self.alias: dict[str, str] = {}
        for sid, _kind, surface in curated.names():
            self.alias.setdefault(key(surface), sid)
        for sid in curated.stakeholders:
            self.alias.setdefault(sid.casefold(), sid)
        self.curated_ids = sorted(set(curated.stakeholders) | set(curated.documents))
        self.kinds = {sid: s.kind for sid, s in curated.stakeholders.items()}
        for doc_id in curated.documents:
            self.kinds.setdefault(doc_id, "document")
        self.doc_acr: dict[str, str] = {}           # "doc\0short" -> long
        global_acr: dict[str, set] = defaultdict(set)
        common: set[str] = set()
        self.long_keys: dict[str, set] = defaultdict(set)  # long key -> shorts
        for short, long, doc_id in acronyms:
            if long.islower():
                common.add(short)
                continue
            self.doc_acr.setdefault(f"{doc_id}\0{short}", long)
            global_acr[short].add(key(long))
            self.long_keys[key(long)].add(short)
        self.global_acr = {s: sorted(v) for s, v in global_acr.items()}
        self.common = sorted(common)
        self._common = set(common)

    def state(self) -> dict:
        return {"alias": self.alias, "ids": self.curated_ids, "kinds": self.kinds, "doc_acr": self.doc_acr,
                "global_acr": self.global_acr, "common": self.common}

    def first_pass(self, m, name: str, nkey: str, pkey: str | None):
        """``(assigned, cluster key, lent full name)``: ``assigned`` is a stakeholder id
        (or None: no one), or ``...`` when the mention joins the cluster of its key."""
        if m["curated_id"]:
            return m["curated_id"], None, None
        k = nkey
        if k in self.alias:
            return self.alias[k], None, None
        text = name
        if text in self._common and text not in self.global_acr:
            return None, None, None
        if is_acronym(text):
            long = self.doc_acr.get(f"{m['doc_id']}\0{text}")
            if long is None and len(self.global_acr.get(text, ())) == 1:
                long_key = self.global_acr[text][0]
            else:
                long_key = key(long) if long else None
            if long_key:
                if long_key in self.alias:
                    return self.alias[long_key], None, None
                k = long_key
        lends = None
        if m["kind"] == "person" and pkey is not None:
            given, _surname = person_parts(text)
            k = pkey
            if given:
                lends = pkey
            if k in self.alias:
                return self.alias[k], None, lends
        return ..., k, lends


def _moved_keys(old: dict, new: dict) -> set:
    return {k for k in set(old) | set(new) if old.get(k) != new.get(k)}


def _state(db, name: str):
    row = db.execute("SELECT value FROM nlp_state WHERE key = ?", (name,)).fetchone()
    return row[0] if row else None


def _set_state(db, name: str, value: str) -> None:
    db.execute("DELETE FROM nlp_state WHERE key = ?", (name,))
    db.execute("INSERT INTO nlp_state (key, value) VALUES (?, ?)", (name, value))


def cluster_of(groups) -> dict:
    """The extracted stakeholder a cluster's mentions make (Resolver's rules), from the
    mentions counted by (name, kind, confidence): ``(name, kind, confidence, n)`` rows,
    as SQL's GROUP BY gives them (a cluster of 19,000 mentions is a few such rows). The
    kind is :func:`scrutiny.tags.resolve.cluster_kind` of the mentions one by one (each
    row repeated n times: its exact sums do not depend on their order)."""
    surfaces: Counter = Counter()
    mentions, top = 0, None
    for name, _kind, confidence, n in groups:
        surfaces[name] += n
        mentions += n
        top = max(top, float(confidence or 0)) if top is not None else float(confidence or 0)
    kind = cluster_kind([(name, kind, confidence) for name, kind, confidence, n in groups for _ in range(n)])
    name = display_name(surfaces, kind)
    return {"name": name, "kind": kind,
            "aliases": sorted({s for s in surfaces if s != name}, key=lambda s: (s.casefold(), s)),
            "mentions": mentions,
            "confidence": round(top, 3),
            "base": slug(name) or "stakeholder"}


@dataclass
class Read:
    """What one resolution read: mention rows, clusters recomputed (a test counts them)."""
    mentions: int = 0
    clusters: int = 0
    full: bool = False
    alone: int = 0          # of the mentions, those read as a surname alone whose full names may have moved


def resolve_store(store, curated, *, uses, strip_one, gone: Gone | None = None, full: bool = False,
                  read: Read | None = None) -> int:
    """Bring every mention's stakeholder, ``nlp_stakeholders``, ``nlp_clusters`` and the
    tie candidates' ends up to date (inside the caller's transaction). Returns the
    number of extracted stakeholders. ``uses``: the corpus's lower-case uses of short
    names (:class:`scrutiny.tags.write._LowerUses`), ``strip_one`` the short name of a
    mention's text (:func:`scrutiny.tags.write.strip_one`)."""
    db = store.db
    read = read if read is not None else Read()
    gone = gone or Gone()
    full = full or _state(db, "resolution") != VERSION
    read.full = full
    acronyms = db.execute("SELECT short, long, doc_id FROM nlp_acronyms").fetchall()
    facts = _Facts(curated, [(a["short"], a["long"], a["doc_id"]) for a in acronyms])
    new_state = facts.state()
    old_state = None if full else json.loads(_state(db, "resolution_facts") or "null")
    if full:
        db.execute("DELETE FROM nlp_clusters")
        db.execute("UPDATE nlp_mentions SET name = NULL, ckey = NULL, lends = NULL")
        old_state = {"alias": {}, "ids": [], "kinds": {}, "doc_acr": {}, "global_acr": {}, "common": []}
    passages: set[str] = set(gone.passages)      # passages whose mentions' stakeholders may have moved

    # 1. the rows written since the last run: what they are looked up by
    fresh = db.execute(f"SELECT {_MENTION}, refers_start, refers_end FROM nlp_mentions WHERE name IS NULL").fetchall()
    read.mentions += len(fresh)
    derived = {}
    for r in fresh:
        d = _derived(r["text"], r["kind"], r["source"], strip_one)
        derived[(r["passage_id"], r["start"], r["end"])] = d
    db.executemany("UPDATE nlp_mentions SET name = ?, nkey = ?, plain = ?, surname = ?, pkey = ? "
                   "WHERE passage_id = ? AND start = ? AND end = ?",
                   [(*d, *pk) for pk, d in derived.items()])
    passages.update(r["passage_id"] for r in fresh)

    # 2. short names the corpus also writes in lower case are no one: dropped
    if full:
        wanted = {r[0] for r in db.execute(
            "SELECT DISTINCT plain FROM nlp_mentions WHERE plain IS NOT NULL AND source IN ('model', 'rule')")}
    else:
        wanted = {d[2] for d in derived.values() if d[2]} | gone.plains
    lower = uses.counts(wanted)
    wanted |= uses.moved
    named = Counter()
    for part in _chunks(wanted):
        for w, n in db.execute("SELECT plain, count(*) FROM nlp_mentions WHERE plain IN (SELECT value FROM "
                               "json_each(?)) AND source IN ('model', 'rule') GROUP BY plain", (part,)):
            named[w] = n
    wanted = {w for w in wanted if named[w]}
    lower.update(uses.sums(wanted - set(lower)))
    common = {w for w in wanted if lower[w] >= 2 and lower[w] >= named[w]}
    dropped = []
    if common:
        dropped = [r for r in _select(db, "plain", common) if r["source"] in ("model", "rule")]
        read.mentions += len(dropped)
        for r in dropped:
            gone._add(r)
        passages.update(gone.passages)
        db.executemany("DELETE FROM nlp_mentions WHERE passage_id = ? AND start = ? AND end = ?",
                       [(r["passage_id"], r["start"], r["end"]) for r in dropped])

    # 3. the mentions to resolve again: the new ones, and those a moved fact reaches
    alias_moved = _moved_keys(old_state["alias"], new_state["alias"])
    doc_acr_moved = {k.split("\0", 1)[1] for k in _moved_keys(old_state["doc_acr"], new_state["doc_acr"])}
    shorts = (doc_acr_moved | _moved_keys(old_state["global_acr"], new_state["global_acr"])
              | (set(old_state["common"]) ^ set(new_state["common"])))
    shorts |= {s for k in alias_moved for s in facts.long_keys.get(k, ())}
    todo: dict[tuple, object] = {}
    new_keys = set(derived) - {(r["passage_id"], r["start"], r["end"]) for r in dropped}
    rows = [r for r in fresh if (r["passage_id"], r["start"], r["end"]) in new_keys]
    if alias_moved:
        rows += _select(db, "nkey", alias_moved) + _select(db, "pkey", alias_moved)
    if shorts:
        rows += _select(db, "name", shorts)
    for r in rows:
        if r["source"] != "coref":
            todo[(r["passage_id"], r["start"], r["end"])] = r
    read.mentions += len(rows) - len(new_keys)

    def first(r):
        d = derived.get((r["passage_id"], r["start"], r["end"]))
        if d is None:
            d = _derived(r["text"], r["kind"], r["source"], strip_one)
        return facts.first_pass(r, d[0], d[1], d[4])

    results = {pk: first(r) for pk, r in todo.items()}
    lent = set(gone.lent)     # (surname, full name, doc id) lent by a row before this run or after it
    for pk, r in todo.items():
        lends = results[pk][2]
        if lends != r["lends"]:
            if r["lends"] is not None:
                lent.add((r["surname"], r["lends"], r["doc_id"]))
            if lends is not None:
                lent.add((derived[pk][3] if pk in derived else r["surname"], lends, r["doc_id"]))
    gone_pairs = {(s, f) for s, f, _d in gone.lent}
    pairs = {(s, f) for s, f, _d in lent}
    lent_before = {(s, f) for s, f in pairs if (s, f) in gone_pairs or _lending(db, s, f)}
    db.executemany("UPDATE nlp_mentions SET lends = ? WHERE passage_id = ? AND start = ? AND end = ?",
                   [(results[pk][2], *pk) for pk, r in todo.items() if results[pk][2] != r["lends"]])
    # a surname alone joins the one full name with that surname in its document, else in the
    # corpus: the surname-alone mentions of a document whose full names moved, and of the
    # whole corpus when the corpus's full names of that surname moved (a name lent for the
    # first time, or by no one any more: not one more row lending a name already lent)
    moved_all = {s for s, f in pairs if ((s, f) in lent_before) != _lending(db, s, f)}
    moved_doc = {(s, d) for s, _f, d in lent if s not in moved_all}
    if moved_all or moved_doc:
        extra = _alone(db, moved_all, moved_doc)
        read.mentions += len(extra)
        read.alone += len(extra)
        for r in extra:
            pk = (r["passage_id"], r["start"], r["end"])
            if pk not in todo:
                todo[pk] = r
                results[pk] = first(r)

    # 4. second pass: a surname alone joins the one full name with that surname in its
    #    document, else in the corpus
    fulls_doc: dict[tuple, list] = {}
    fulls_all: dict[str, list] = {}

    def fulls(doc_id, surname):
        if (doc_id, surname) not in fulls_doc:
            fulls_doc[(doc_id, surname)] = [r[0] for r in db.execute(
                "SELECT DISTINCT lends FROM nlp_mentions WHERE surname = ? AND doc_id = ? AND lends IS NOT NULL",
                (surname, doc_id))]
        if fulls_doc[(doc_id, surname)]:
            return fulls_doc[(doc_id, surname)]
        if surname not in fulls_all:
            fulls_all[surname] = [r[0] for r in db.execute(
                "SELECT DISTINCT lends FROM nlp_mentions WHERE surname = ? AND lends IS NOT NULL", (surname,))]
        return fulls_all[surname]

    final: dict[tuple, tuple] = {}     # pk -> (assigned or ..., cluster key)
    for pk, r in todo.items():
        assigned, k, _lends = results[pk]
        if assigned is ... and r["kind"] == "person":
            given, surname = person_parts(strip_name(r["text"]))
            if not given and surname:
                found = fulls(r["doc_id"], surname)
                if len(found) == 1:
                    k = found[0]
        final[pk] = (assigned, k if assigned is ... else None)
    clusters_touched = set(gone.ckeys)
    for pk, r in todo.items():
        k = final[pk][1]
        if k != r["ckey"] or pk in new_keys:
            if r["ckey"] is not None:
                clusters_touched.add(r["ckey"])
            if k is not None:
                clusters_touched.add(k)
    db.executemany("UPDATE nlp_mentions SET ckey = ? WHERE passage_id = ? AND start = ? AND end = ?",
                   [(final[pk][1], *pk) for pk, r in todo.items() if final[pk][1] != r["ckey"]])

    # 5. the clusters joined or left: their stakeholder again; their slugs' roots
    old_clusters = {}
    for part in _chunks(clusters_touched):
        for r in db.execute("SELECT ckey, base, root, sid FROM nlp_clusters WHERE ckey IN "
                            "(SELECT value FROM json_each(?))", (part,)):
            old_clusters[r["ckey"]] = (r["base"], r["root"], r["sid"])
    made: dict[str, dict] = {}
    for ck in sorted(clusters_touched):
        # counted by SQLite, not read row by row: a cluster's mentions grow with the corpus
        groups = db.execute("SELECT name, kind, confidence, count(*) FROM nlp_mentions WHERE ckey = ? "
                            "GROUP BY name, kind, confidence", (ck,)).fetchall()
        read.clusters += 1
        read.mentions += len(groups)
        if groups:
            made[ck] = cluster_of([tuple(g) for g in groups])
    roots = {root(i) for i in set(old_state["ids"]) ^ set(new_state["ids"])}
    for ck in clusters_touched:
        old = old_clusters.get(ck)
        new = made.get(ck)
        if (old and old[0]) != (new and new["base"]):
            if old:
                roots.add(old[1])
            if new:
                roots.add(root(new["base"]))
    db.executemany("DELETE FROM nlp_clusters WHERE ckey = ?", [(ck,) for ck in old_clusters if ck not in made])
    db.executemany("UPDATE nlp_clusters SET base = ?, root = ? WHERE ckey = ?",
                   [(c["base"], root(c["base"]), ck) for ck, c in made.items()
                    if ck in old_clusters and old_clusters[ck][0] != c["base"]])
    db.executemany("INSERT INTO nlp_clusters (ckey, base, root, sid) VALUES (?, ?, ?, '')",
                   [(ck, c["base"], root(c["base"])) for ck, c in made.items() if ck not in old_clusters])
    curated_roots: dict[str, set] = defaultdict(set)
    for i in facts.curated_ids:
        curated_roots[root(i)].add(i)
    sid_moved: dict[str, tuple] = {}     # cluster key -> (old sid, new sid)
    for r_ in sorted(roots):
        group = db.execute("SELECT ckey, base, sid FROM nlp_clusters WHERE root = ?", (r_,)).fetchall()
        used = set(curated_roots.get(r_, ()))
        for g in sorted(group, key=lambda g: g["ckey"]):
            sid, n = g["base"], 1
            while sid in used:
                n += 1
                sid = f"{g['base']}-{n}"
            used.add(sid)
            if sid != g["sid"]:
                sid_moved[g["ckey"]] = (g["sid"], sid)
    db.executemany("UPDATE nlp_clusters SET sid = ? WHERE ckey = ?", [(new, ck) for ck, (_o, new) in sid_moved.items()])
    sid_of = {ck: (sid_moved[ck][1] if ck in sid_moved else old_clusters[ck][2]) for ck in made}
    for ck in sid_moved:
        if ck not in sid_of:
            sid_of[ck] = sid_moved[ck][1]

    # nlp_stakeholders: the rows of the clusters touched or renamed
    rows_out: dict[str, tuple] = {}
    old_sids = {old_clusters[ck][2] for ck in clusters_touched if ck in old_clusters and old_clusters[ck][2]}
    old_sids |= {o for o, _n in sid_moved.values() if o}
    if full:
        old_sids |= {r[0] for r in db.execute("SELECT id FROM nlp_stakeholders")}
    for ck, (old_sid, new_sid) in sid_moved.items():
        if ck not in made and old_sid:
            r = db.execute("SELECT name, kind, aliases, mentions, confidence FROM nlp_stakeholders WHERE id = ?",
                           (old_sid,)).fetchone()
            if r is not None:
                rows_out[new_sid] = tuple(r)
    for ck, c in made.items():
        rows_out[sid_of[ck]] = (c["name"], c["kind"], json.dumps(c["aliases"], ensure_ascii=False), c["mentions"],
                                c["confidence"])
    before = {}
    for part in _chunks(old_sids | set(rows_out)):
        for r in db.execute("SELECT id, name, kind, aliases, mentions, confidence FROM nlp_stakeholders WHERE id IN "
                            "(SELECT value FROM json_each(?))", (part,)):
            before[r[0]] = tuple(r[1:])
    kind_moved = {sid for sid in set(before) | set(rows_out)
                  if (before.get(sid) or (None, None))[1] != (rows_out.get(sid) or (None, None))[1]}
    kind_moved |= _moved_keys(old_state["kinds"], new_state["kinds"])
    db.executemany("DELETE FROM nlp_stakeholders WHERE id = ?",
                   [(sid,) for sid in before if rows_out.get(sid) != before[sid]])
    db.executemany("INSERT INTO nlp_stakeholders (id, name, kind, aliases, mentions, confidence) VALUES (?,?,?,?,?,?)",
                   [(sid, *row) for sid, row in rows_out.items() if before.get(sid) != row])

    # 6. every mention's stakeholder: those resolved again, and the members of renamed clusters
    def sid_for(ck):
        if ck not in sid_of:
            row = db.execute("SELECT sid FROM nlp_clusters WHERE ckey = ?", (ck,)).fetchone()
            sid_of[ck] = row[0] if row else None
        return sid_of[ck]

    updates = []
    for pk, r in todo.items():
        assigned, ck = final[pk]
        sid = assigned if ck is None else sid_for(ck)
        if sid != r["stakeholder_id"]:
            updates.append((sid, *pk))
            passages.add(pk[0])
    db.executemany("UPDATE nlp_mentions SET stakeholder_id = ? WHERE passage_id = ? AND start = ? AND end = ?",
                   updates)
    for ck, (_old, new) in sid_moved.items():
        passages.update(r[0] for r in db.execute("SELECT DISTINCT passage_id FROM nlp_mentions WHERE ckey = ?", (ck,)))
        db.execute("UPDATE nlp_mentions SET stakeholder_id = ? WHERE ckey = ?", (new, ck))
    # a back-reference takes the stakeholder of the name it stands for (in its passage)
    for part in _chunks(passages):
        for r in db.execute("SELECT passage_id, start, end, refers_start, refers_end, stakeholder_id FROM nlp_mentions "
                            "WHERE source = 'coref' AND passage_id IN (SELECT value FROM json_each(?))", (part,)):
            target = db.execute("SELECT stakeholder_id FROM nlp_mentions WHERE passage_id = ? AND start = ? AND end = ? "
                                "AND source != 'coref'", (r["passage_id"], r["refers_start"], r["refers_end"])).fetchone()
            sid = target[0] if target else None
            if sid != r["stakeholder_id"]:
                db.execute("UPDATE nlp_mentions SET stakeholder_id = ? WHERE passage_id = ? AND start = ? AND end = ?",
                           (sid, r["passage_id"], r["start"], r["end"]))

    # 7. tie ends: the mention at the same offsets in the same passage
    for part in _chunks(kind_moved):
        passages.update(r[0] for r in db.execute(
            "SELECT DISTINCT passage_id FROM nlp_mentions WHERE stakeholder_id IN (SELECT value FROM json_each(?))",
            (part,)))
    _resolve_ties(db, facts, passages)
    # the documents whose tags may have moved (their fingerprints are written again)
    for part in _chunks(passages):
        gone.docs.update(r[0] for r in db.execute(
            "SELECT DISTINCT doc_id FROM nlp_mentions WHERE passage_id IN (SELECT value FROM json_each(?))", (part,)))

    _set_state(db, "resolution_facts", json.dumps(new_state, ensure_ascii=False, sort_keys=True))
    _set_state(db, "resolution", VERSION)
    return db.execute("SELECT count(*) FROM nlp_stakeholders").fetchone()[0]


def _resolve_ties(db, facts: _Facts, passages: set[str]) -> None:
    from scrutiny.schema import vocabulary
    from scrutiny.tags.schema import tie_id

    vocab = vocabulary()
    kinds = dict(facts.kinds)

    def kind_of(sid):
        if sid not in kinds:
            row = db.execute("SELECT kind FROM nlp_stakeholders WHERE id = ?", (sid,)).fetchone()
            kinds[sid] = row[0] if row else None
        return kinds[sid]

    updates = []
    for part in _chunks(passages):
        sid_at = {(r[0], r[1], r[2]): r[3] for r in db.execute(
            "SELECT passage_id, start, end, stakeholder_id FROM nlp_mentions WHERE passage_id IN "
            "(SELECT value FROM json_each(?))", (part,))}
        for r in db.execute("SELECT passage_id, sent_start, relation, subject_start, subject_end, object_start, "
                            "object_end, subject_id, object_id, tie_id FROM nlp_tie_candidates WHERE passage_id IN "
                            "(SELECT value FROM json_each(?))", (part,)).fetchall():
            subject = sid_at.get((r["passage_id"], r["subject_start"], r["subject_end"]))
            obj = sid_at.get((r["passage_id"], r["object_start"], r["object_end"]))
            tid = None
            if subject and obj and subject != obj:
                sk, ok = kind_of(subject), kind_of(obj)
                if sk and ok and r["relation"] in vocab.relations and vocab.relation_allows(r["relation"], sk, ok):
                    tid = tie_id(subject, r["relation"], obj)
            if (subject, obj, tid) != (r["subject_id"], r["object_id"], r["tie_id"]):
                updates.append((subject, obj, tid, r["passage_id"], r["sent_start"], r["relation"],
                                r["subject_start"], r["subject_end"], r["object_start"], r["object_end"]))
    db.executemany("UPDATE nlp_tie_candidates SET subject_id = ?, object_id = ?, tie_id = ? WHERE passage_id = ? "
                   "AND sent_start = ? AND relation = ? AND subject_start = ? AND subject_end = ? "
                   "AND object_start = ? AND object_end = ?", updates)
