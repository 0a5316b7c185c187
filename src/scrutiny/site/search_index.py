"""The site's search index: small static files the browser loads on demand.

It ranks as ``scrutiny search`` ranks: the same analyser (Whoosh's
``StemmingAnalyzer``: the browser runs a port of it, ``static/query.js``),
the same fields (a passage's text, and its section headings without the
document's title: :func:`scrutiny.index.search_headings`), the same BM25F
scores (Whoosh's formula and parameters, its field lengths as it stores them,
each passage's score multiplied by the rank of its kind). Every score is
computed here, at build time: the browser only adds them up.

Every file is a script (``<name>.js`` calling ``__scrutinySearch(name, data)``),
loaded with a ``<script>`` element, never ``fetch``: the site searches when it
is opened from a folder (``file://``) as well as over HTTP.

Layout under ``search/``::

    meta.js            record counts, documents (label, record range), index shards
    i/<xx>.js          the index for the words starting with xx:
                       {"t": {word: text postings}, "h": {word: heading postings}}
                       text postings: [record delta, score x1000, ...];
                       heading postings: [first record delta, records, score x1000, ...]
                       (passages in a row under the same headings share one entry);
                       a common word's text postings (over BIG bytes) are in a file of
                       their own, t/<id>.js, and the shard holds that id
    x/<xx>.js          positions, for phrases: {"t": {word: [n, pos deltas..., n, ...]},
                       "h": {...}} in the order of the postings (t/<id>.js's in tx/<id>.js)
    r/<n>.js           the records, CHUNK per file: what a result shows and where it leads
    facets.js          record numbers per claim kind and per stakeholder (loaded only
                       when one of those filters is used)

Passages are records 0 .. np-1, in document order; the claims and stakeholders
follow (scored among themselves, with statistics of their own: the passages'
ranks stay those of the command line).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter, defaultdict

from scrutiny.passages import Passage

CHUNK = 8
BIG = 4096          # bytes of a posting list above which it gets its own file
SCALE = 1000        # scores are stored as integers: score x SCALE
LOADER = "__scrutinySearch"
_SAFE = re.compile(r"^[a-z0-9]+$")


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def script(name: str, data) -> str:
    """The file ``<name>.js``: the data, handed to the page's loader."""
    return f"{LOADER}({_dumps(name)},{_dumps(data)});\n"


def shard_of(term: str) -> str:
    """The file name (without .js) of the shard holding ``term``: its first two
    characters, or their code points when they are not plain letters or digits."""
    head = term[:2]
    return head if _SAFE.match(head) else "u" + "-".join(f"{ord(c):x}" for c in head)


def _file_id(term: str) -> str:
    return term if _SAFE.match(term) and len(term) <= 40 else "h" + hashlib.sha1(term.encode()).hexdigest()[:12]


class _Field:
    """Postings and statistics of one field of one collection."""

    def __init__(self):
        self.postings: dict[str, list] = defaultdict(list)   # term -> [(first rec, count, weight, positions)]
        self.total = 0      # the field length summed over the collection's records
        self.df: Counter = Counter()


class _Collection:
    """Records scored together (the passages; the claims and stakeholders)."""

    def __init__(self):
        self.n = 0
        self.fields = {"t": _Field(), "h": _Field()}


def _bm25(idf, tf, fl, avgfl, b, k1):
    # whoosh.scoring.bm25, operation for operation (the same floats)
    return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))


class SearchIndexBuilder:
    def __init__(self):
        self.passages: list[tuple[dict, list, str, int]] = []   # (record, text tokens, heading, rank)
        self.others: list[tuple[dict, list]] = []
        self.passage_facets: list[tuple[list, list]] = []
        self.other_facets: list[tuple[list, list]] = []

    @property
    def records(self) -> list[dict]:
        return [r for r, *_ in self.passages] + [r for r, _ in self.others]

    def add_passage(self, record: dict, passage: Passage, heading: str, kinds=(), stakeholders=()) -> None:
        """A passage, with the content of its heading field (``search_headings``)."""
        from scrutiny.passages import KIND_RANK
        from scrutiny.query import analyse_positions

        rank = round(100 * KIND_RANK.get(passage.kind, 1.0))   # as scrutiny.index stores it
        self.passages.append((record, analyse_positions(passage.text), heading, rank))
        self.passage_facets.append((sorted(set(kinds)), sorted(set(stakeholders))))

    def add(self, record: dict, body: str, title: str = "", kinds=(), stakeholders=()) -> None:
        """A claim or a stakeholder: its title and body are its text."""
        from scrutiny.query import analyse_positions

        self.others.append((record, analyse_positions(f"{title}\n{body}" if title else body)))
        self.other_facets.append((sorted(set(kinds)), sorted(set(stakeholders))))

    # --- scoring ---------------------------------------------------------------------------
    def _collections(self):
        from scrutiny.query import analyse_positions

        passages, others = _Collection(), _Collection()
        passages.n, others.n = len(self.passages), len(self.others)
        # text: one entry per record
        for coll, items, start in ((passages, [(r, toks) for r, toks, *_ in self.passages], 0),
                                   (others, self.others, len(self.passages))):
            f = coll.fields["t"]
            for i, (_, toks) in enumerate(items):
                _add(f, start + i, 1, toks, rank=self.passages[i][3] if coll is passages else 100)
        # headings: passages in a row under the same headings, of the same rank, share one entry
        f = passages.fields["h"]
        run_start = 0
        for i in range(len(self.passages) + 1):
            if i == len(self.passages) or (i > run_start and self.passages[i][2:] != self.passages[run_start][2:]):
                if i > run_start:
                    _, _, heading, rank = self.passages[run_start]
                    if heading:
                        _add(f, run_start, i - run_start, analyse_positions(heading), rank=rank)
                run_start = i
        return passages, others

    def files(self, meta_extra: dict) -> dict[str, str]:
        """{relative path under search/: file text}, deterministic."""
        from whoosh.util.numeric import byte_to_length, length_to_byte

        from scrutiny.index import B, HEADING_BOOST, K1

        boosts = {"t": 1.0, "h": HEADING_BOOST}
        passages, others = self._collections()
        shards: dict[str, dict] = defaultdict(lambda: {"t": {}, "h": {}})
        positions: dict[str, dict] = defaultdict(lambda: {"t": {}, "h": {}})
        out: dict[str, str] = {}
        big: dict[str, tuple[list, list]] = {}
        merged: dict[tuple[str, str], tuple[list, list]] = {}
        for coll in (passages, others):
            dc = coll.n
            for key, f in coll.fields.items():
                avgfl = (f.total / (dc or 1)) or 1   # Searcher.avg_field_length (or 1, as BM25FScorer)
                for term, entries in f.postings.items():
                    idf = math.log(dc / (f.df[term] + 1)) + 1   # WeightingModel.idf
                    flat, pos = merged.setdefault((key, term), ([], []))
                    for first, count, freq, length, poslist, rank in entries:
                        fl = byte_to_length(length_to_byte(length))   # the length Whoosh stores
                        s = _bm25(idf, freq * boosts[key], fl, avgfl, B, K1) * rank / 100
                        flat.append((first, count, max(1, round(s * SCALE))))
                        pos.append(poslist)
        for (key, term), (entries, poslists) in sorted(merged.items()):
            flat, last = [], 0
            for first, count, score in entries:
                flat.extend((first - last, count, score) if key == "h" else (first - last, score))
                last = first
            pflat = []
            for poslist in poslists:
                pflat.append(len(poslist))
                prev = 0
                for p in poslist:
                    pflat.append(p - prev)
                    prev = p
            shard = shard_of(term)
            if key == "t" and len(_dumps(flat)) > BIG:
                fid = _file_id(term)
                out[f"t/{fid}.js"] = script(f"t/{fid}", flat)
                out[f"tx/{fid}.js"] = script(f"tx/{fid}", pflat)
                shards[shard][key][term] = fid
            else:
                shards[shard][key][term] = flat
                positions[shard][key][term] = pflat
        for name in sorted(shards):
            out[f"i/{name}.js"] = script(f"i/{name}", shards[name])
            out[f"x/{name}.js"] = script(f"x/{name}", positions[name])
        records = self.records
        for start in range(0, len(records), CHUNK):
            out[f"r/{start // CHUNK}.js"] = script(f"r/{start // CHUNK}", records[start:start + CHUNK])
        facets = {"kind": defaultdict(list), "sh": defaultdict(list)}
        ranges: dict[str, list[int]] = {}
        for n, (kinds, who) in enumerate(self.passage_facets + self.other_facets):
            for k in kinds:
                facets["kind"][k].append(n)
            for s in who:
                facets["sh"][s].append(n)
        for n, (rec, *_) in enumerate(self.passages):
            rng = ranges.setdefault(rec["d"], [n, n + 1])
            rng[1] = n + 1
        out["facets.js"] = script("facets", {k: dict(sorted(v.items())) for k, v in facets.items()})
        meta = {"v": 2, "n": len(records), "np": len(self.passages), "chunk": CHUNK,
                "shards": sorted(shards), "ranges": dict(sorted(ranges.items()))}
        meta.update(meta_extra)
        out["meta.js"] = script("meta", meta)
        return out


def _add(f: _Field, first: int, count: int, toks: list[tuple[str, int]], rank: int) -> None:
    """Index the tokens of ``count`` records from ``first`` (they share this field's content)."""
    if not toks:
        return
    by_term: dict[str, list[int]] = defaultdict(list)
    for term, pos in toks:
        by_term[term].append(pos)
    f.total += len(toks) * count
    for term, poslist in by_term.items():
        f.df[term] += count
        f.postings[term].append((first, count, len(poslist), len(toks), poslist, rank))


def passage_record(doc: dict, passage: Passage, url: str) -> dict:
    """What a search result shows of a passage, and where it leads."""
    rec = {"t": "p", "u": url, "d": doc["id"], "x": passage.text, "h": passage.heading_path[-1] if passage.heading_path else ""}
    if (doc.get("pages") or 0) > 1:   # page numbers mean nothing in flowing text
        from scrutiny.pages import label

        rec["pg"] = label(doc, passage.page)  # as the document prints it
        if passage.page_end != passage.page:
            rec["pe"] = label(doc, passage.page_end)
    from scrutiny.passages import ocr_confidence

    if ocr_confidence(passage) is not None:  # read from a page image: results say so
        rec["o"] = ocr_confidence(passage)
    return rec
