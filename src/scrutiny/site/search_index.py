"""The site's search index: small static files the browser loads on demand.

It ranks as ``scrutiny search`` ranks: the same analyser (Whoosh's
``StemmingAnalyzer``: the browser runs a port of it, ``static/query.js``),
the same fields (a passage's text, and its section headings without the
document's title: :func:`scrutiny.index.search_headings`), the same BM25F
scores (Whoosh's formula and parameters, its field lengths as it stores them,
each passage's score multiplied by the rank of its kind). The postings hold
each word's frequency, the passage's stored field length and its rank; the
browser computes the score from them and the collection's statistics in
``meta.js`` (:func:`score` is the same computation, operation for operation),
so that a document added or changed rewrites the files of its own bucket only.

Every file is a script (``<name>.js`` calling ``__scrutinySearch(name, data)``),
loaded with a ``<script>`` element, never ``fetch``: the site searches when it
is opened from a folder (``file://``) as well as over HTTP.

The passages are split into BUCKETS buckets by a hash of their document's id
(the claims and stakeholders are bucket ``o``); a bucket's files are written
from its documents alone, so an unchanged bucket is not rebuilt (the build
links its published files). Layout under ``search/``::

    meta.js            what every query loads, the same few KB whatever the corpus's size:
                       statistics (records, field lengths per collection), the shards
                       and which buckets hold each, the number of dr/ files
    dr/<k>.js          {document id: its record range}, for the documents whose
                       doc_hash(id) % files is k (DOCS_PER_RANGE_FILE a file): loaded by
                       the document filter only (a passage's record holds its document's label)
    <b>/i/<xx>.js      bucket b's index for the words starting with xx:
                       {"t": {word: text postings}, "h": {word: heading postings}},
                       every list of integers below a string of encode()
                       text postings: [record delta, packed, ...];
                       heading postings: [first record delta, records, packed, ...]
                       (passages in a row under the same headings share one entry);
                       packed = ((frequency - 1) x 256 + length byte) x len(ranks) + rank index;
                       a common word's text postings (over BIG bytes) are in a file of
                       their own, <b>/t/<id>.js, and the shard holds [that id]
    <b>/x/<xx>.js      positions, for phrases: {"t": {word: [n, pos deltas..., n, ...]},
                       "h": {...}} in the order of the postings (<b>/tx/<id>.js for <b>/t/<id>.js)
    <b>/r/<n>.js       the records, CHUNK per file: what a result shows and where it leads
    <b>/f.js           record numbers per claim kind and per stakeholder (loaded only
                       when one of those filters is used)
    <b>/s.js           the bucket's statistics, from which meta.js is made

A record's number is ``bucket index x STRIDE + its place in the bucket``
(bucket ``o`` after the others); the passages of a bucket are in document order.
The claims and stakeholders are scored among themselves, with statistics of
their own (the passages' scores stay those of the command line).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter, defaultdict

from scrutiny.passages import Passage

CHUNK = 8
BIG = 256           # bytes of a posting list in one bucket above which it gets its own file
SCALE = 1000        # scores are compared as integers: score x SCALE, rounded
BUCKETS = 16        # passage buckets (by a hash of the document id)
STRIDE = 1 << 24    # record numbers: bucket index x STRIDE + place in the bucket
OTHERS = "o"        # the bucket of the claims and stakeholders
VERSION = 4
LOADER = "__scrutinySearch"
_SAFE = re.compile(r"^[a-z0-9]+$")
DOCS_PER_RANGE_FILE = 512   # documents per ranges file (dr/<k>.js): their number follows the corpus
# the digits of the postings' strings: the printable ASCII characters a JSON string holds as they are
# (no quote, no backslash); a digit below HALF ends a number, HALF and above is a leading digit + HALF
DIGITS = "!" + "".join(chr(c) for c in range(0x23, 0x7F) if c != 0x5C)
HALF = len(DIGITS) // 2


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def script(name: str, data) -> str:
    """The file ``<name>.js``: the data, handed to the page's loader."""
    return f"{LOADER}({_dumps(name)},{_dumps(data)});\n"


def encode(numbers) -> str:
    """Non-negative integers as a string of :data:`DIGITS` (base HALF, most significant
    digit first, each digit but the last + HALF): a posting is 3 or 4 bytes, not 7 as JSON."""
    out = []
    for n in numbers:
        if n < 0:
            raise ValueError(f"cannot encode {n}: negative")
        digits = [n % HALF]
        n //= HALF
        while n:
            digits.append(n % HALF + HALF)
            n //= HALF
        out.extend(DIGITS[d] for d in reversed(digits))
    return "".join(out)


_VALUE = {c: i for i, c in enumerate(DIGITS)}


def decode(text: str) -> list[int]:
    """The integers :func:`encode` wrote (``search.js`` reads them the same way)."""
    out, n = [], 0
    for c in text:
        v = _VALUE[c]
        if v >= HALF:
            n = n * HALF + v - HALF
        else:
            out.append(n * HALF + v)
            n = 0
    if n:
        raise ValueError("a postings string ends inside a number")
    return out


def doc_hash(doc_id: str) -> int:
    """FNV-1a (32 bits) of a document id's UTF-16 code units, as ``search.js`` computes it:
    which ranges file (``dr/<hash % files>.js``) holds the document's record range."""
    h = 0x811C9DC5
    units = doc_id.encode("utf-16-le")
    for i in range(0, len(units), 2):
        h ^= units[i] | (units[i + 1] << 8)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def read_script(text: str):
    """The data of a file :func:`script` wrote."""
    body = text[text.index(",", len(LOADER)) + 1:text.rindex(");")]
    return json.loads(body)


def shard_of(term: str) -> str:
    """The file name (without .js) of the shard holding ``term``: its first two
    characters, or their code points when they are not plain letters or digits."""
    head = term[:2]
    return head if _SAFE.match(head) else "u" + "-".join(f"{ord(c):x}" for c in head)


def _file_id(term: str) -> str:
    return term if _SAFE.match(term) and len(term) <= 40 else "h" + hashlib.sha1(term.encode()).hexdigest()[:12]


def bucket_of(doc_id: str) -> str:
    """The bucket of a document's passages: ``0`` .. ``f``."""
    return f"{int(hashlib.sha1(doc_id.encode('utf-8')).hexdigest()[:8], 16) % BUCKETS:x}"


def bucket_index(name: str) -> int:
    return BUCKETS if name == OTHERS else int(name, 16)


def ranks() -> list[int]:
    """The ranks a passage's kind gives its scores (x100), as scrutiny.index stores them."""
    from scrutiny.passages import KIND_RANK

    return sorted({100, *(round(100 * r) for r in KIND_RANK.values())})


def _bm25(idf, tf, fl, avgfl, b, k1):
    # whoosh.scoring.bm25, operation for operation (the same floats)
    return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))


def score(dc: int, df: int, total: int, freq: int, boost: float, length_byte: int, rank: int) -> int:
    """A posting's score x SCALE, as the browser computes it (``search.js``) and
    ``scrutiny search`` ranks: Whoosh's BM25F of one field."""
    from whoosh.util.numeric import byte_to_length

    from scrutiny.index import B, K1

    idf = math.log(dc / (df + 1)) + 1                 # WeightingModel.idf
    avgfl = (total / (dc or 1)) or 1                  # Searcher.avg_field_length (or 1, as BM25FScorer)
    s = _bm25(idf, freq * boost, byte_to_length(length_byte), avgfl, B, K1) * rank / 100
    return max(1, round(s * SCALE))


class _Bucket:
    """The records of one bucket and their postings, per field."""

    def __init__(self, name: str):
        self.name = name
        self.base = bucket_index(name) * STRIDE
        self.records: list[dict] = []
        self.items: list[tuple] = []          # (text tokens, heading, rank) per passage; (tokens, None, 100) others
        self.facets: list[tuple[list, list]] = []

    def files(self, rank_of: dict) -> tuple[dict[str, str], dict]:
        """({path under search/: text}, the bucket's statistics)."""
        from whoosh.util.numeric import length_to_byte

        from scrutiny.query import analyse_positions

        postings = {"t": defaultdict(list), "h": defaultdict(list)}
        totals = {"t": 0, "h": 0}

        def add(key, first, count, toks, rank):
            if not toks:
                return
            by_term: dict[str, list[int]] = defaultdict(list)
            for term, pos in toks:
                by_term[term].append(pos)
            totals[key] += len(toks) * count
            lb = length_to_byte(len(toks))
            for term, poslist in by_term.items():
                packed = ((len(poslist) - 1) * 256 + lb) * len(rank_of) + rank_of[rank]
                postings[key][term].append((first, count, packed, poslist))

        for i, (toks, _heading, rank) in enumerate(self.items):
            add("t", i, 1, toks, rank)
        # headings: passages in a row under the same headings, of the same rank, share one entry
        run_start = 0
        n = len(self.items)
        for i in range(n + 1):
            if i == n or (i > run_start and self.items[i][1:] != self.items[run_start][1:]):
                if i > run_start:
                    _, heading, rank = self.items[run_start]
                    if heading:
                        add("h", run_start, i - run_start, analyse_positions(heading), rank)
                run_start = i
        name = self.name
        out: dict[str, str] = {}
        shards: dict[str, dict] = defaultdict(lambda: {"t": {}, "h": {}})
        positions: dict[str, dict] = defaultdict(lambda: {"t": {}, "h": {}})
        for key in ("h", "t"):
            for term in sorted(postings[key]):
                flat, pflat, last = [], [], 0
                for first, count, packed, poslist in postings[key][term]:
                    flat.extend((first - last, count, packed) if key == "h" else (first - last, packed))
                    last = first
                    pflat.append(len(poslist))
                    prev = 0
                    for p in poslist:
                        pflat.append(p - prev)
                        prev = p
                shard = shard_of(term)
                flat, pflat = encode(flat), encode(pflat)
                if key == "t" and len(flat) > BIG:
                    fid = _file_id(term)
                    out[f"{name}/t/{fid}.js"] = script(f"{name}/t/{fid}", flat)
                    out[f"{name}/tx/{fid}.js"] = script(f"{name}/tx/{fid}", pflat)
                    shards[shard][key][term] = [fid]
                else:
                    shards[shard][key][term] = flat
                    positions[shard][key][term] = pflat
        for shard in sorted(shards):
            out[f"{name}/i/{shard}.js"] = script(f"{name}/i/{shard}", shards[shard])
            out[f"{name}/x/{shard}.js"] = script(f"{name}/x/{shard}", positions[shard])
        for start in range(0, len(self.records), CHUNK):
            out[f"{name}/r/{start // CHUNK}.js"] = script(f"{name}/r/{start // CHUNK}",
                                                          self.records[start:start + CHUNK])
        facets = {"kind": defaultdict(list), "sh": defaultdict(list)}
        ranges: dict[str, list[int]] = {}
        for i, (kinds, who) in enumerate(self.facets):
            for k in kinds:
                facets["kind"][k].append(self.base + i)
            for s in who:
                facets["sh"][s].append(self.base + i)
        for i, rec in enumerate(self.records):
            if rec.get("t") == "p":
                rng = ranges.setdefault(rec["d"], [self.base + i, self.base + i + 1])
                rng[1] = self.base + i + 1
        out[f"{name}/f.js"] = script(f"{name}/f", {k: dict(sorted(v.items())) for k, v in facets.items()})
        stats = {"n": len(self.records), "t": totals["t"], "h": totals["h"], "shards": sorted(shards),
                 "ranges": dict(sorted(ranges.items()))}
        out[f"{name}/s.js"] = script(f"{name}/s", stats)
        return out, stats


class SearchIndexBuilder:
    """Collects the records of the buckets being built (``wanted``: bucket names,
    None for all) and writes their files and ``meta.js``."""

    def __init__(self, wanted: set[str] | None = None):
        self.wanted = wanted
        self.buckets: dict[str, _Bucket] = {}

    def wants(self, doc_id: str) -> bool:
        """Whether the passages of ``doc_id`` are to be added (their bucket is being built)."""
        return self.wanted is None or bucket_of(doc_id) in self.wanted

    def _bucket(self, name: str) -> _Bucket:
        if name not in self.buckets:
            self.buckets[name] = _Bucket(name)
        return self.buckets[name]

    @property
    def records(self) -> list[dict]:
        return [r for name in sorted(self.buckets, key=bucket_index) for r in self.buckets[name].records]

    def add_passage(self, record: dict, passage: Passage, heading: str, kinds=(), stakeholders=()) -> None:
        """A passage, with the content of its heading field (``search_headings``)."""
        from scrutiny.passages import KIND_RANK
        from scrutiny.query import analyse_positions

        b = self._bucket(bucket_of(passage.doc_id))
        rank = round(100 * KIND_RANK.get(passage.kind, 1.0))   # as scrutiny.index stores it
        b.records.append(record)
        b.items.append((analyse_positions(passage.text), heading, rank))
        b.facets.append((sorted(set(kinds)), sorted(set(stakeholders))))

    def add(self, record: dict, body: str, title: str = "", kinds=(), stakeholders=()) -> None:
        """A claim or a stakeholder: its title and body are its text."""
        from scrutiny.query import analyse_positions

        b = self._bucket(OTHERS)
        b.records.append(record)
        b.items.append((analyse_positions(f"{title}\n{body}" if title else body), None, 100))
        b.facets.append((sorted(set(kinds)), sorted(set(stakeholders))))

    def passage_records(self) -> int:
        """The passages added (those of the buckets being built)."""
        return sum(len(b.records) for name, b in self.buckets.items() if name != OTHERS)

    def bucket_files(self) -> tuple[dict[str, str], dict[str, dict]]:
        """({path under search/: text} of the buckets built, {bucket: its statistics})."""
        rank_of = {r: i for i, r in enumerate(ranks())}
        out, stats = {}, {}
        for name in sorted(self.buckets, key=bucket_index):
            files, stats[name] = self.buckets[name].files(rank_of)
            out.update(files)
        return out, stats

    def files(self, meta_extra: dict) -> dict[str, str]:
        """{relative path under search/: file text} of a whole index, deterministic."""
        out, stats = self.bucket_files()
        out.update(meta_files(stats, meta_extra))
        return out


def meta_files(stats: dict[str, dict], meta_extra: dict) -> dict[str, str]:
    """``meta.js`` (what every query needs: a few KB whatever the corpus's size) and the
    ranges files ``dr/<k>.js`` (documents' record ranges, loaded by the document filter
    only), from the statistics of every bucket: {path under search/: text}."""
    from whoosh.util.numeric import byte_to_length

    from scrutiny.index import B, HEADING_BOOST, K1

    names = sorted((n for n, s in stats.items() if s["n"]), key=bucket_index)
    masks: dict[str, int] = defaultdict(int)
    for n in names:
        for shard in stats[n]["shards"]:
            masks[shard] |= 1 << bucket_index(n)
    passages = [n for n in names if n != OTHERS]
    coll = {"p": {k: sum(stats[n][k] for n in passages) for k in ("n", "t", "h")},
            "o": {k: (stats[OTHERS][k] if OTHERS in names else 0) for k in ("n", "t", "h")}}
    ranges = {}
    for n in passages:
        ranges.update(stats[n]["ranges"])
    nfiles = max(1, -(-len(ranges) // DOCS_PER_RANGE_FILE))
    split: dict[int, dict] = {k: {} for k in range(nfiles)}
    for doc_id, rng in sorted(ranges.items()):
        split[doc_hash(doc_id) % nfiles][doc_id] = rng
    meta = {"v": VERSION, "chunk": CHUNK, "stride": STRIDE, "nb": BUCKETS, "buckets": names,
            "n": coll["p"]["n"] + coll["o"]["n"], "np": coll["p"]["n"], "coll": coll,
            "shards": dict(sorted(masks.items())), "dr": nfiles,
            "ranks": ranks(), "lens": [byte_to_length(i) for i in range(256)],
            "bm25": {"b": B, "k1": K1, "hb": HEADING_BOOST, "scale": SCALE}}
    meta.update(meta_extra)
    out = {"meta.js": script("meta", meta)}
    for k, part in split.items():
        out[f"dr/{k}.js"] = script(f"dr/{k}", part)
    return out


def passage_record(doc: dict, passage: Passage, url: str) -> dict:
    """What a search result shows of a passage, and where it leads."""
    rec = {"t": "p", "u": url, "d": doc["id"], "l": doc["label"], "x": passage.text,
           "h": passage.heading_path[-1] if passage.heading_path else ""}
    if (doc.get("pages") or 0) > 1:   # page numbers mean nothing in flowing text
        from scrutiny.pages import label

        rec["pg"] = label(doc, passage.page)  # as the document prints it
        if passage.page_end != passage.page:
            rec["pe"] = label(doc, passage.page_end)
    from scrutiny.passages import ocr_confidence

    if ocr_confidence(passage) is not None:  # read from a page image: results say so
        rec["o"] = ocr_confidence(passage)
    return rec
