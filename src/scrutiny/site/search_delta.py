"""Which documents of the site's search index go into a delta layer, and when it is merged.

A passage bucket's files (``search/<b>/``, :mod:`.search_index`) are written from all
its documents at once: a document added would have them encoded again (a bucket is a
sixteenth of the corpus). Instead, a document added since its bucket was last written
whole goes into the bucket's **delta layer**, ``search/x<b>/``: a bucket of its own in
the same format, listed in ``meta.js`` with the others, whose records are numbered after
the bucket's (so that the files of the bucket itself are not written again). The browser
reads a layer as one more bucket; the scores use the collection's statistics in
``meta.js``, summed over every bucket and layer; and ``meta.layers`` says where a whole
build would have put each of the layer's documents, so that results scoring alike come
in the order a whole build gives them (``search_index.record_order``). The results of
every query are those of a whole build of the same documents.

What is kept where, per bucket, in ``<cache>/site-search-<site>.json`` (written when the
build is published): the documents its own files were last written from, in order, and
their records. The next build:

- keeps the bucket's files when those documents are unchanged (the bucket's key, over
  them alone, is the one its published files were written with), and puts every other
  document of the bucket in its layer, in the documents' order; the layer is written
  again when one of its documents is added, changed or removed (its key: the bucket's
  key and its documents'), and dropped when it has none;
- writes the bucket whole again, its layer merged into it, when one of the bucket's own
  documents changed or was removed, when the layer would hold more records than
  :data:`DELTA_SHARE` of the bucket's (and more than :data:`DELTA_MIN`), when the code
  that writes the index changed, when this record is missing, and at ``scrutiny build
  --rebuild`` (``merge``).

A document of a layer may come anywhere in the documents' order (a date earlier than
the bucket's documents'...): ``meta.layers`` says where. The claims' and stakeholders'
bucket ``o`` is written at every build, as before (it is small); ``dr/`` (the documents'
record ranges, for the document filter) holds a layer's documents with their numbers
in the layer; each bucket and layer has its own ``f.js`` (claim kinds, stakeholders).

The layout thus depends on the order documents came in; what a reader gets does not.

A bucket's (or layer's) files are kept through the writer's record of them as one group
(``search:<b>``, :meth:`.writer.Writer.keep`): one comparison of its key, not a look at
each of its thousands of files. Its statistics (``s.js``, what ``meta.js`` is summed
from) are kept in the same state file under the key of the files they were read from or
written with (``stats``): a kept bucket's are taken from there, not read from its
published ``s.js``. The key a bucket is written with is over its documents' entries,
each a document's digest (its entry and fingerprint hashed once per build).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

DELTA_SHARE = 0.02   # a layer is merged into its bucket once it holds more records than this share of the bucket's
DELTA_MIN = 256      # ... and more than this many (a layer this size is written in a fraction of a second)


@dataclass
class Plan:
    keys: dict[str, str] = field(default_factory=dict)    # {bucket or layer: the key of its files}
    stale: set[str] = field(default_factory=set)          # the buckets and layers to write
    # {bucket: (its records, {document of its layer: the place of the bucket a whole build puts it before})}
    layers: dict[str, tuple[int, dict[str, int]]] = field(default_factory=dict)
    state: dict = field(default_factory=dict)             # what to record once the build is published
    kept_stats: dict = field(default_factory=dict)        # {bucket or layer: {"key": its files' key, "s": statistics}}

    def statistics(self, name: str, writer) -> dict:
        """The statistics of a bucket or layer whose files this build keeps: those kept in
        the state under its files' key, else read from its published ``s.js``."""
        from scrutiny.site.search_index import read_script

        kept = self.kept_stats.get(name)
        if isinstance(kept, dict) and kept.get("key") == self.keys.get(name) and isinstance(kept.get("s"), dict):
            return kept["s"]
        stats = read_script(writer.read_published(f"search/{name}/s.js"))
        self.kept_stats[name] = {"key": self.keys.get(name), "s": stats}
        return stats

    def saved(self) -> dict:
        """What to save once the build is published: the buckets' documents, and the
        statistics of every bucket and layer of this build written or kept, each under
        the key of its files (as its ``s.js`` reads)."""
        return {"buckets": self.state,
                "stats": {name: v for name, v in sorted(self.kept_stats.items())
                          if name in self.keys and isinstance(v, dict) and v.get("key") == self.keys[name]}}


def state_file(record: Path) -> Path:
    """Where the layers' record of the site whose writer's record is ``record`` is kept."""
    return record.with_name(record.name.replace("site-cache-", "site-search-", 1))


def load(path: Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and isinstance(data.get("buckets"), dict) else {}


def save(path: Path, state: dict) -> None:
    from scrutiny.atomic import write_text

    write_text(path, json.dumps(state, sort_keys=True))


def insert_places(ids: list[str], own: set[str], ranges: dict[str, list[int]]) -> dict[str, int]:
    """{document of the layer: the place of its bucket a whole build puts it before}:
    ``ids`` the bucket's documents in order, ``own`` those its files were written from,
    ``ranges`` their record ranges (its published statistics). A layer's document goes
    after the bucket's own documents before it in the order (their last record's place + 1)."""
    from scrutiny.site.search_index import STRIDE

    at, out = 0, {}
    for doc in ids:
        if doc not in own:
            out[doc] = at
        elif doc in ranges:      # (a withheld document showing nothing has no records)
            at = (ranges[doc][1] - 1) % STRIDE + 1
    return out


def kept(writer, name: str, key: str) -> bool:
    """The files of a bucket or layer are those of ``key``: kept (through their group in
    the writer's record; a record without groups, or not trusted, file by file, and the
    group recorded). A trusted record's groups are the whole story: a bucket or layer
    not recorded with ``key`` is written, its record's other files never walked."""
    if writer.keep(f"search:{name}", key):
        return True
    return not writer.knows_groups() and writer.fresh_group(f"search/{name}/", key, group=f"search:{name}")


def plan(inputs: dict[str, list], code: str, writer, state: dict, merge: bool = False) -> Plan:
    """What to write of the search index. ``inputs``: {bucket: [(document, its entry in
    the bucket's key), ...]} in the documents' order; ``writer``: the site's writer (its
    record says which files are fresh; a fresh group is kept, and counted so)."""
    from scrutiny.site.search_index import VERSION, layer_of
    from scrutiny.site.writer import input_key

    out = Plan()
    stats = state.get("stats")
    out.kept_stats = dict(stats) if isinstance(stats, dict) else {}
    known = {} if merge else state.get("buckets", {})
    for b, docs in sorted(inputs.items()):
        ids = [d["id"] for d, _ in docs]
        was = known.get(b) or {}
        base_ids = was.get("docs")
        if isinstance(base_ids, list) and base_ids and base_ids != ids and set(base_ids) <= set(ids):
            own = set(base_ids)
            base = [entry for d, entry in docs if d["id"] in own]
            delta = [(d, entry) for d, entry in docs if d["id"] not in own]
            records = sum(int(d.get("passages") or 0) for d, _ in delta)
            base_key = input_key(code, "search", VERSION, base)
            if ([i for i in ids if i in own] == base_ids and records <= max(DELTA_MIN, DELTA_SHARE * int(was.get("n") or 0))
                    and kept(writer, b, base_key)):
                out.keys[b] = base_key
                published = out.statistics(b, writer)
                inserts = insert_places(ids, own, published["ranges"])
                layer = layer_of(b)
                out.keys[layer] = input_key(code, "search-delta", VERSION, base_key, [entry for _, entry in delta])
                if not kept(writer, layer, out.keys[layer]):
                    out.stale.add(layer)
                out.layers[b] = (published["n"], inserts)
                out.state[b] = was
                continue
        out.keys[b] = input_key(code, "search", VERSION, [entry for _, entry in docs])
        if not kept(writer, b, out.keys[b]):
            out.stale.add(b)
        # the bucket's records: known once it is written (or read from its published statistics)
        out.state[b] = {"docs": ids, "n": None}     # (its records: once it is written, or read)
    return out
