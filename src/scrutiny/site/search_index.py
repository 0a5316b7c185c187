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
so that a document changed rewrites the files of its own bucket only, and one
added those of its bucket's delta layer only (below).

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
                       {"t": {word: text postings}, "h": {word: heading postings}};
                       a word's postings are written best first (impact order: by what
                       the bucket's own statistics score them, a run of the same
                       (frequency, length, rank) in record order), as a string of encode():
                       per run [packed, n, n record places (each less the previous one;
                       headings: and the records it covers, passages in a row under the
                       same headings sharing one entry)];
                       packed = ((frequency - 1) x 256 + length byte) x len(ranks) + rank index.
                       Up to INLINE bytes a word's postings are whole in the shard; a longer
                       list is [records, its HEAD best postings, the bound of tier 1] and its
                       tiers k = 1, 2, ... are in <b>/t/<word>-<k>.js (TIER postings, then
                       GROWTH times more each time): [postings, the bound of tier k + 1], the
                       last one only its postings. The bound of a tier (_bound) says what
                       its postings and the later ones can score at most, whatever the
                       statistics, and from which record a posting can score just that.
                       The browser loads a word's tiers only while a posting not yet
                       loaded could still enter the page of results it shows (search.js),
                       so the first page of a common word's query downloads its head and
                       a few tiers, not the whole list. (A word that is not a
                       plain short file name: [file id, records, head, bound].)
    <b>/x/<xx>.js      positions, for phrases: {"t": {word: [n, pos deltas..., n, ...]},
                       "h": {...}} in the order of the shard's postings (<b>/tx/<word>-<k>.js
                       for a tier; headings <b>/h/ and <b>/hx/)
    <b>/p/<xx>-<c>.js  phrases of two words (pairs), for every pair of words in a row in a field
                       of the bucket's records where one of the two words' postings is tiered:
                       {"t": {"first second": postings}, "h": {...}}, xx the first word's shard,
                       c the second word's first character (pair_class); the shard of the first
                       word lists, under "pt" / "ph", {first word: the classes c it has pairs in}.
                       A pair's postings are a word's (best first, in tiers: [file id, records,
                       head, bound], tiers in <b>/tp/ or <b>/hp/<file id>-<k>.js), each run under
                       (first word's frequency - 1, the second word's packed): a phrase of two
                       words is found and scored (the two words' scores added, as the command
                       line adds them) without either word's positions or postings. A phrase of
                       two words with short lists is found from their positions (in the shards);
                       a phrase of three words or more from the words' postings and positions.
    <b>/r/<n>.js       the records, CHUNK per file: what a result shows and where it leads
                       (a passage's: its text in full, and its heading field in "hf" where
                       that is more than the heading it shows, so that a search can look for
                       the words after NOT in the record itself)
    <b>/f.js           record numbers per claim kind and per stakeholder (loaded only
                       when one of those filters is used)
    <b>/s.js           the bucket's statistics, from which meta.js is made (a layer's: and its "layer")
    x<b>/...           bucket b's delta layer: the documents added since b was written, as a bucket

A first page stops loading tiers at ``meta.budget`` (BUDGET characters of tier files
for one search, about their bytes): words common to most passages joined by AND prune
slowly (their scores are close), and proving their first page the best of all would
load most of their postings. Past the budget the page shows the best of the matches
found so far (every one a match; by the score known so far) and says so; "Rank and
count every match" runs the full evaluation. The words after NOT do not load their
tiers in the passages' buckets: a page reads the records of the passages that could
enter it and looks for those words there (a common word's whole list would otherwise
be loaded only to leave records out).

A record's number is ``bucket index x STRIDE + its place in the bucket``
(bucket ``o`` after the others); the passages of a bucket are in document order.

Delta layers (format 7, unchanged for a whole build). A document added to a bucket
already written goes into the bucket's layer ``x<b>/`` (``site/search_delta.py`` says
which documents, and when a layer is merged back): the files of a bucket, written from
the layer's documents alone, its records numbered after the bucket's (``start`` =
the bucket's records: a layer's record ``i`` is ``b x STRIDE + start + i``, its postings'
places and its ``f.js`` and ranges are those numbers; its ``r/<n>.js`` count from 0).
``meta.js`` lists it in ``buckets`` (after its bucket), marks its shards in
``shards`` with bit ``BUCKETS + 1 + b`` (:func:`bucket_bit`), and holds
``layers``: ``{"x<b>": [start, [at, n, ...]]}``, for each of its documents in order the
place of the bucket a whole build puts it before and its records. At a tie, results
are ordered by the number a whole build gives a record (:func:`record_order`, as
``search.js``'s ``orderOf``), so a site grown by adds gives a whole build's results.
The claims and stakeholders are scored among themselves, with statistics of
their own (the passages' scores stay those of the command line).
"""

from __future__ import annotations

import gc
import hashlib
import json
import math
import pickle
import re
import tempfile
from collections import Counter, defaultdict
from contextlib import contextmanager
from itertools import groupby
from operator import itemgetter, sub

from scrutiny.passages import Passage

CHUNK = 8
INLINE = 64         # bytes of a word's postings in one bucket up to which they stay whole in its shard
HEAD = 8            # postings of a longer list kept in the shard: the best ones (impact order)
TIER = 32           # postings of its first tier file; each next one is GROWTH times larger
GROWTH = 4
BUDGET = 150_000    # characters of tier files a first page may load before it shows the best found so far
SCALE = 1000        # scores are compared as integers: score x SCALE, rounded
BUCKETS = 16        # passage buckets (by a hash of the document id)
STRIDE = 1 << 24    # record numbers: bucket index x STRIDE + place in the bucket
OTHERS = "o"        # the bucket of the claims and stakeholders
LAYER = "x"         # a passage bucket's delta layer: x<b> (documents added since the bucket was written)
VERSION = 7
LOADER = "__scrutinySearch"
_SAFE = re.compile(r"^[a-z0-9]+$")
DOCS_PER_RANGE_FILE = 512   # documents per ranges file (dr/<k>.js): their number follows the corpus
# the digits of the postings' strings: the printable ASCII characters a JSON string holds as they are
# (no quote, no backslash); a digit below HALF ends a number, HALF and above is a leading digit + HALF
DIGITS = "!" + "".join(chr(c) for c in range(0x23, 0x7F) if c != 0x5C)
HALF = len(DIGITS) // 2
# the parts of a posting (place, records, packed, positions) and of a token (word, position)
_PLACE, _PACKED, _POSITIONS = itemgetter(0), itemgetter(2), itemgetter(3)
_TERM, _POS = itemgetter(0), itemgetter(1)


# The code the files of a passage bucket are made with, besides its documents' passages,
# tags and entries (its key's inputs): the index's own writing, the records and the
# parts a result leads to (site/generators.py, site/parts.py), the heading field
# (index.py), the analyser (query.py, and Whoosh's version), the kinds' ranks and the
# page labels. A change to anything else of the site (a template, the writer, the
# publishing) builds no bucket again.
SEARCH_CODE = ("site/search_index.py", "site/generators.py", "site/parts.py", "index.py", "query.py",
               "passages.py", "pages.py")


def code_key() -> str:
    """A hash of :data:`SEARCH_CODE` and Whoosh's version (part of every bucket's key)."""
    from pathlib import Path

    import whoosh

    package = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(f"search\x00{VERSION}\x00{whoosh.versionstring()}\x00".encode())
    for rel in SEARCH_CODE:
        h.update(rel.encode() + b"\x00" + (package / rel).read_bytes() + b"\x01")
    return h.hexdigest()


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def script(name: str, data) -> str:
    """The file ``<name>.js``: the data, handed to the page's loader."""
    return f"{LOADER}({_dumps(name)},{_dumps(data)});\n"


def encode(numbers) -> str:
    """Non-negative integers as a string of :data:`DIGITS` (base HALF, most significant
    digit first, each digit but the last + HALF): a posting is 3 or 4 bytes, not 7 as JSON.
    Numbers below HALF ** 3 (nearly all: places, counts, packed values) are looked up
    in a table made once (:func:`_encoded`), not worked out digit by digit."""
    nums = numbers if isinstance(numbers, list) else list(numbers)
    if not nums:
        return ""
    if min(nums) < 0:
        raise ValueError(f"cannot encode {min(nums)}: negative")
    table = _TABLE or _encoded()
    size = len(table)
    return "".join([table[n] if n < size else _encode_one(n) for n in nums])


def _encode_one(n: int) -> str:
    """One non-negative integer as :func:`encode` writes it."""
    digits = [n % HALF]
    n //= HALF
    while n:
        digits.append(n % HALF + HALF)
        n //= HALF
    return "".join(DIGITS[d] for d in reversed(digits))


_TABLE: list[str] = []


def _encoded() -> list[str]:
    """The strings of 0 .. HALF ** 3 - 1 (one, two or three digits), made on first use."""
    if not _TABLE:
        one = list(DIGITS[:HALF])
        lead = [DIGITS[d + HALF] for d in range(HALF)]
        two = [lead[a] + one[b] for a in range(1, HALF) for b in range(HALF)]
        three = [lead[a] + lead[b] + one[c] for a in range(1, HALF) for b in range(HALF) for c in range(HALF)]
        _TABLE.extend(one + two + three)
    return _TABLE


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
    """The index of a bucket (``o``: BUCKETS), or of the bucket a delta layer (``x<b>``) adds to."""
    if name == OTHERS:
        return BUCKETS
    return int(name[len(LAYER):] if name.startswith(LAYER) else name, 16)


def layer_of(bucket: str) -> str:
    """The name of a passage bucket's delta layer: ``x<b>``."""
    return LAYER + bucket


def bucket_bit(name: str) -> int:
    """Which bit of ``meta.shards``' masks says that a bucket (or layer) has a shard:
    its index; a layer's, BUCKETS + 1 + its bucket's (the masks stay below 2 ** 53)."""
    return BUCKETS + 1 + bucket_index(name) if name.startswith(LAYER) else bucket_index(name)


def record_order(meta: dict):
    """The order of a site's records at a tie, as ``search.js`` computes it (``orderOf``):
    a record's number in a whole build of the same documents. A delta layer's records are
    numbered after its bucket's own (``start`` on); ``meta.layers[name] = [start, [at, n,
    at, n, ...]]`` says before which place of the bucket a whole build puts each of its
    documents (``at``) and how many records it has (``n``). Without layers, the number itself."""
    layers = {bucket_index(name): v for name, v in (meta.get("layers") or {}).items()}
    stride = meta["stride"]

    def order(rec: int) -> int:
        b, place = divmod(rec, stride)
        if b not in layers:
            return rec
        start, ins = layers[b]
        if place < start:
            return rec + sum(ins[k + 1] for k in range(0, len(ins), 2) if ins[k] <= place)
        i, seen = place - start, 0
        for k in range(0, len(ins), 2):
            if i < seen + ins[k + 1]:
                return b * stride + ins[k] + i
            seen += ins[k + 1]
        raise ValueError(f"record {rec} is past its bucket's delta layer")

    return order


def ranks() -> list[int]:
    """The ranks a passage's kind gives its scores (x100), as scrutiny.index stores them."""
    from scrutiny.passages import KIND_RANK

    return sorted({100, *(round(100 * r) for r in KIND_RANK.values())})


def _bm25(idf, tf, fl, avgfl, b, k1):
    # whoosh.scoring.bm25, operation for operation (the same floats)
    return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))


def _impact_order(entries: list[tuple], nr: int, rank_value: list[int], avgfl: float, boost: float,
                  impact: dict | None = None) -> list[tuple]:
    """A word's postings in one bucket, best first as the bucket's own statistics score
    them (the order only decides what is downloaded first: the bounds of each tier keep
    the results exact), a run of postings of the same (frequency, length, rank) together
    in record order. ``entries`` are in record order (each record once), as a bucket adds
    them: the order is that of the distinct packed values, each one's postings kept as
    they come. ``impact``: the scores of packed values worked out before (filled in)."""
    from whoosh.util.numeric import byte_to_length

    from scrutiny.index import B, K1

    if impact is None:
        impact = {}
    packs = list(map(_PACKED, entries))
    distinct = set(packs)
    for packed in distinct:
        if packed not in impact:
            rest, rank = divmod(packed, nr)
            freq, lb = divmod(rest, 256)
            impact[packed] = _bm25(1.0, (freq + 1) * boost, byte_to_length(lb), avgfl, B, K1) * rank_value[rank]
    return _in_runs(entries, packs, distinct, impact)


def _in_runs(entries: list[tuple], packs: list, distinct: set, impact: dict) -> list[tuple]:
    """``entries`` (in record order) sorted by (-impact of packed, packed, record): the
    packed values sorted, then each entry's place found by its value's (a stable sort)."""
    if len(distinct) == 1:
        return entries
    order = {p: i for i, p in enumerate(sorted(distinct, key=lambda p: (-impact[p], p)))}
    keys = list(map(order.__getitem__, packs))
    return list(map(entries.__getitem__, sorted(range(len(entries)), key=keys.__getitem__)))


def _pair_impact_order(entries: list[tuple], nr: int, rank_value: list[int], avgfl: float, boost: float,
                       impact: dict | None = None) -> list[tuple]:
    """A pair's postings in one bucket, best first (:func:`_impact_order`): by what the two
    words score together, as a phrase of the two scores."""
    from whoosh.util.numeric import byte_to_length

    from scrutiny.index import B, K1

    if impact is None:
        impact = {}
    packs = list(map(_PACKED, entries))
    distinct = set(packs)
    for packed in distinct:
        if packed not in impact:
            fa, pb = packed
            rest, rank = divmod(pb, nr)
            fb, lb = divmod(rest, 256)
            fl = byte_to_length(lb)
            impact[packed] = (_bm25(1.0, (fa + 1) * boost, fl, avgfl, B, K1)
                              + _bm25(1.0, (fb + 1) * boost, fl, avgfl, B, K1)) * rank_value[rank]
    return _in_runs(entries, packs, distinct, impact)


def pair_class(word: str) -> str:
    """Which pair shard of its first word a pair goes to: the second word's first
    character when a plain letter or digit, else ``_``."""
    c = word[:1]
    return c if _SAFE.match(c) else "_"


def _pair_file_id(a: str, b: str) -> str:
    return (f"{a}-{b}" if _SAFE.match(a) and _SAFE.match(b) and len(a) + len(b) <= 40
            else "h" + hashlib.sha1(f"{a} {b}".encode()).hexdigest()[:12])


def _write_tiers(out: dict, folder: str, fid: str, entries: list, cuts: list[int], nr: int, key: str,
                 positions: bool) -> list:
    """Write the tiers after the first of one posting list (a word's or a pair's) into
    ``out`` as ``folder/<fid>-<k>.js``, each but the last with the bound of the next
    tier, and with the tier's positions in ``folder + "x"`` when ``positions``;
    returns the bounds (the first tier's goes in the shard)."""
    last = len(cuts) - 2
    bounds = _run_bounds(entries, cuts, nr)
    for k in range(1, last + 1):
        text, pos = _tier(entries[cuts[k]:cuts[k + 1]], key, positions)
        data = [text, bounds[k + 1]] if k < last else text
        out[f"{folder}/{fid}-{k}.js"] = script(f"{folder}/{fid}-{k}", data)
        if positions:
            out[f"{folder}x/{fid}-{k}.js"] = script(f"{folder}x/{fid}-{k}", pos)
    return bounds


def _tier(entries: list[tuple], key: str, positions: bool = True) -> tuple[str, str]:
    """(postings, positions) of consecutive postings in impact order, as encode() strings.
    Postings: per run of the same packed value, [packed, n, then n times the record's
    place in the bucket (less the previous one's in the run; headings: and its count)];
    positions: per posting, [n, position deltas...] (not made when not ``positions``: "")."""
    flat: list[int] = []
    heading = key == "h"
    for run, group in groupby(entries, key=_PACKED):
        group = list(group)
        if isinstance(run, tuple):
            flat.extend(run)
        else:
            flat.append(run)
        flat.append(len(group))
        if heading:
            last = 0
            for first, count, _packed, _poslist in group:
                flat.append(first - last)
                flat.append(count)
                last = first
        else:   # the places less the previous one's (the first less 0)
            places = list(map(_PLACE, group))
            flat.append(places[0])
            flat.extend(map(sub, places[1:], places))
    if not positions:
        return encode(flat), ""
    pflat: list[int] = []
    for poslist in map(_POSITIONS, entries):
        if len(poslist) == 1:
            pflat += (1, poslist[0])
        else:
            pflat.append(len(poslist))
            if poslist:
                pflat.append(poslist[0])
                pflat.extend(map(sub, poslist[1:], poslist))
    return encode(flat), encode(pflat)


def _inline(entries: list[tuple], key: str, positions: bool = True) -> tuple[str, str] | None:
    """``_tier(entries, key)`` when its postings fit in INLINE characters, else None. A
    posting takes a character at least: a list of more than INLINE postings is not
    encoded to find that out."""
    if len(entries) > INLINE:
        return None
    whole, pos = _tier(entries, key, positions)
    return (whole, pos) if len(whole) <= INLINE else None


def tier_entries(text: str, key: str, pair: bool = False) -> list[tuple[int, int, int]]:
    """[(record's place in the bucket, records, packed), ...] of a string :func:`_tier`
    wrote, in its order (``search.js`` reads them the same way); of a pair list
    (``pair``), packed is (first word's frequency - 1, the second word's packed)."""
    flat, out, i = decode(text), [], 0
    while i < len(flat):
        if pair:
            packed, n = (flat[i], flat[i + 1]), flat[i + 2]
            i += 3
        else:
            packed, n = flat[i], flat[i + 1]
            i += 2
        place = 0
        for _ in range(n):
            place += flat[i]
            count = flat[i + 1] if key == "h" else 1
            i += 2 if key == "h" else 1
            out.append((place, count, packed))
    return out


def word_postings(get, bucket: str, key: str, term: str, value) -> list[tuple[int, int, int]]:
    """Every posting of ``term`` in field ``key`` of one bucket, best first: ``value`` is
    what its shard holds for it, ``get(name)`` the data of the file ``<name>.js``."""
    if isinstance(value, str):
        return tier_entries(value, key)
    fid, rest = (value[0], value[1:]) if isinstance(value[0], str) else (term, value)
    out = tier_entries(rest[1], key)
    k, more = 1, len(rest) > 2
    while more:
        data = get(f"{bucket}/{key}/{fid}-{k}")
        more = isinstance(data, list)
        out += tier_entries(data[0] if more else data, key)
        k += 1
    return out


def _tier_cuts(n: int) -> list[int]:
    """Where a list of ``n`` postings is cut: the HEAD in the shard, then files of TIER,
    TIER x GROWTH, ... postings."""
    cuts, size = [0], HEAD
    while cuts[-1] < n:
        cuts.append(min(n, cuts[-1] + size))
        size = TIER if size == HEAD else size * GROWTH
    return cuts


def _parts(packed, nr: int) -> tuple[int, ...]:
    """What a posting scores better with: (frequency, -length byte, rank index); of a pair's
    posting ((first frequency - 1, second packed)), both frequencies."""
    if isinstance(packed, tuple):
        rest, rank = divmod(packed[1], nr)
        f1, lb = divmod(rest, 256)
        return packed[0], f1, -lb, rank
    rest, rank = divmod(packed, nr)
    f1, lb = divmod(rest, 256)
    return f1, -lb, rank


def _skyline(triples: set, nr: int, known: dict | None = None) -> list:
    """The packed values of ``triples`` that no other one dominates (as high a frequency
    and rank, as short a length, and one of them strictly better). A value can only be
    dominated by one that comes before it in descending order of its parts, and then by
    one of the skyline found so far: a pass in that order, against the skyline only.
    ``known``: the parts of values worked out before (filled in as they are)."""
    if known is None:
        known = {}
    ps = {}
    for t in triples:
        pt = known.get(t)
        if pt is None:
            pt = known[t] = _parts(t, nr)
        ps[t] = pt
    sky: list = []
    kept: list = []     # the parts of the skyline found so far
    for t in sorted(triples, key=ps.__getitem__, reverse=True):
        pt = ps[t]
        beaten = False
        if len(pt) == 3:
            a, b, c = pt
            for x, y, z in kept:
                if x >= a and y >= b and z >= c:
                    beaten = True
                    break
        elif len(pt) == 4:
            a, b, c, d = pt
            for w, x, y, z in kept:
                if w >= a and x >= b and y >= c and z >= d:
                    beaten = True
                    break
        else:
            beaten = any(all(x >= y for x, y in zip(u, pt)) for u in kept)
        if not beaten:
            sky.append(t)
            kept.append(pt)
    return sorted(sky)


def _bound(entries: list[tuple], nr: int) -> str:
    """What the postings ``entries`` (a tier and every later one) can score at most,
    whatever the statistics, and where a record scoring that can be: [n, then n times
    (packed, the first place holding it), then packed values]: the first n are the
    (frequency, length, rank) of the entries that no other one beats on all three (the
    highest score of the entries is one of theirs), with the place of the first entry
    of each; the rest are those of the other entries that no other of them beats (at
    most what any other entry scores: when it is lower, only the first n can tie)."""
    first: dict[int, int] = {}
    for place, _count, packed, _pos in entries:
        if packed not in first or place < first[packed]:
            first[packed] = place
    top = _skyline(set(first), nr)
    second = _skyline(set(first) - set(top), nr)

    def flat(t):
        return t if isinstance(t, tuple) else (t,)

    return encode([len(top), *(x for t in top for x in (*flat(t), first[t])), *(x for t in second for x in flat(t))])



def _run_bounds(entries: list[tuple], cuts: list[int], nr: int) -> dict[int, str]:
    """The bounds of a list's tiers, computed from the last tier back (each tier's is
    :func:`_bound` of the list's suffix from that tier on), for a list in impact order
    (:func:`_impact_order`): each packed value's postings are one run, in record order,
    so that the first place of a value in a suffix is that of its run's first posting
    there, and a tier's values are those of the runs it overlaps: the runs are walked
    back, not every posting. (The version for postings in any order, walked posting by
    posting, is kept in ``tests/search_index_reference.py``.)"""
    runs: list[tuple[int, object]] = []     # (index of the run's first posting, packed)
    at = 0
    for packed, group in groupby(map(_PACKED, entries)):
        runs.append((at, packed))
        at += len(list(group))
    first: dict = {}
    top: list = []
    second: list = []
    out: dict[int, str] = {}
    known: dict = {}
    r = len(runs) - 1       # the run holding the current tier's last posting
    for k in range(len(cuts) - 2, 0, -1):
        lo = cuts[k]
        tier = set()
        while True:
            start, packed = runs[r]
            tier.add(packed)
            first[packed] = entries[start if start > lo else lo][0]
            if start <= lo:
                break
            r -= 1
        if start == lo:
            r -= 1
        new_top = _skyline(tier | set(top), nr, known)
        second = _skyline((tier | set(top) | set(second)) - set(new_top), nr, known)
        top = new_top

        def flat(t):
            return t if isinstance(t, tuple) else (t,)

        out[k] = encode([len(top), *(x for t in top for x in (*flat(t), first[t])),
                         *(x for t in second for x in flat(t))])
    return out


def score(dc: int, df: int, total: int, freq: int, boost: float, length_byte: int, rank: int) -> int:
    """A posting's score x SCALE, as the browser computes it (``search.js``) and
    ``scrutiny search`` ranks: Whoosh's BM25F of one field."""
    from whoosh.util.numeric import byte_to_length

    from scrutiny.index import B, K1

    idf = math.log(dc / (df + 1)) + 1                 # WeightingModel.idf
    avgfl = (total / (dc or 1)) or 1                  # Searcher.avg_field_length (or 1, as BM25FScorer)
    s = _bm25(idf, freq * boost, byte_to_length(length_byte), avgfl, B, K1) * rank / 100
    return max(1, round(s * SCALE))


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector off for the block (as it was after it)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class _Bucket:
    """The records of one bucket and what its postings are made from, written to a
    temporary file as they are added rather than held in memory: a first build adds
    every passage of the corpus before any bucket is written, and only one bucket at
    a time is then read back and indexed."""

    def __init__(self, name: str, start: int = 0, inserts: dict[str, int] | None = None):
        self.name = name
        # a delta layer: its records are numbered after its bucket's own (start on), and
        # inserts says before which place of the bucket a whole build puts each of its documents
        self.start = start
        self.inserts = inserts
        self.base = bucket_index(name) * STRIDE
        self.count = 0
        self._spill = tempfile.TemporaryFile(prefix="scrutiny-search-")

    def add(self, record: dict, text: str, heading: str | None, rank: int, kinds: list, who: list) -> None:
        pickle.dump((record, text, heading, rank, kinds, who), self._spill, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def rows(self):
        """(record, text, heading, rank, kinds, stakeholders) of each item, in the order added."""
        self._spill.seek(0)
        for _ in range(self.count):
            yield pickle.load(self._spill)

    def close(self) -> None:
        self._spill.close()

    def files(self, rank_of: dict) -> tuple[dict[str, str], dict]:
        """({path under search/: text}, the bucket's statistics). Python's cyclic garbage
        collector is paused meanwhile: the postings are millions of small tuples and lists
        (no cycles: reference counting frees them), and its passes over them, each time
        enough were allocated, took a quarter of the time."""
        with _collector_paused():
            return self._files(rank_of)

    def _files(self, rank_of: dict) -> tuple[dict[str, str], dict]:
        from whoosh.util.numeric import length_to_byte

        from scrutiny.index import HEADING_BOOST
        from scrutiny.query import analyse_positions

        postings = {"t": defaultdict(list), "h": defaultdict(list)}
        pairs = {"t": defaultdict(list), "h": defaultdict(list)}   # (word, next word): its records
        totals = {"t": 0, "h": 0}

        nr = len(rank_of)

        def add(key, first, count, toks, rank):
            if not toks:
                return
            by_term: dict[str, list[int]] = defaultdict(list)
            for term, pos in toks:
                by_term[term].append(pos)
            totals[key] += len(toks) * count
            # packed = ((frequency - 1) x 256 + length byte) x ranks + rank index
            base = length_to_byte(len(toks)) * nr + rank_of[rank]
            step = 256 * nr
            packs = {}
            less = {}       # each word's frequency - 1
            mine = postings[key]
            for term, poslist in by_term.items():
                less[term] = f = len(poslist) - 1
                packs[term] = packed = f * step + base
                mine[term].append((first, count, packed, poslist))
            terms = list(map(_TERM, toks))
            where = list(map(_POS, toks))
            if where == list(range(where[0], where[0] + len(where))):   # positions in a row: every two words
                found = set(zip(terms, terms[1:]))
            elif all(a[1] < b[1] for a, b in zip(toks, toks[1:])):    # one word a position (the analyser's way)
                found = {(a[0], b[0]) for a, b in zip(toks, toks[1:]) if b[1] == a[1] + 1}
            else:
                at = dict((pos, term) for term, pos in toks)
                found = {(term, at[pos + 1]) for term, pos in toks if pos + 1 in at}
            theirs = pairs[key]
            for ab in found:
                theirs[ab].append((first, count, (less[ab[0]], packs[ab[1]]), ()))

        name = self.name
        at = self.start     # the place of the first record (a layer's: after its bucket's records)
        out: dict[str, str] = {}
        facets = {"kind": defaultdict(list), "sh": defaultdict(list)}
        ranges: dict[str, list[int]] = {}
        chunk: list[dict] = []
        # headings: passages in a row under the same headings, of the same rank, share one entry
        run_start, run = 0, None
        n = self.count
        for i, (rec, text, heading, rank, kinds, who) in enumerate(self.rows()):
            add("t", at + i, 1, analyse_positions(text), rank)
            if run is not None and (heading, rank) != run:
                if run[0]:
                    add("h", at + run_start, i - run_start, analyse_positions(run[0]), run[1])
                run_start = i
            if run is None or run_start == i:
                run = (heading, rank)
            chunk.append(rec)
            if len(chunk) == CHUNK:
                out[f"{name}/r/{i // CHUNK}.js"] = script(f"{name}/r/{i // CHUNK}", chunk)
                chunk = []
            for k in kinds:
                facets["kind"][k].append(self.base + at + i)
            for s in who:
                facets["sh"][s].append(self.base + at + i)
            if rec.get("t") == "p":
                rng = ranges.setdefault(rec["d"], [self.base + at + i, self.base + at + i + 1])
                rng[1] = self.base + at + i + 1
        if n and run is not None and run[0]:
            add("h", at + run_start, n - run_start, analyse_positions(run[0]), run[1])
        if chunk:
            out[f"{name}/r/{(n - 1) // CHUNK}.js"] = script(f"{name}/r/{(n - 1) // CHUNK}", chunk)
        shards: dict[str, dict] = defaultdict(lambda: {"t": {}, "h": {}})
        positions: dict[str, dict] = defaultdict(lambda: {"t": {}, "h": {}})
        rank_value = sorted(rank_of, key=rank_of.get)
        pair_shards: dict[str, dict] = defaultdict(lambda: {"t": {}, "h": {}})
        for key in ("h", "t"):
            avgfl = (totals[key] / (n or 1)) or 1
            boost = HEADING_BOOST if key == "h" else 1.0
            tiered = set()
            impact: dict = {}       # the score of each packed value (the same for every word)
            for term in sorted(postings[key]):
                entries = _impact_order(postings[key].pop(term), nr, rank_value, avgfl, boost, impact)
                shard = shard_of(term)
                inline = _inline(entries, key)
                if inline is not None:
                    shards[shard][key][term], positions[shard][key][term] = inline
                    continue
                tiered.add(term)
                cuts = _tier_cuts(len(entries))
                fid = _file_id(term)
                df = sum(e[1] for e in entries)
                head, hpos = _tier(entries[:cuts[1]], key)
                last = len(cuts) - 2
                bounds = _write_tiers(out, f"{name}/{key}", fid, entries, cuts, nr, key, positions=True)
                value = [df, head] + ([bounds[1]] if last >= 1 else [])
                shards[shard][key][term] = value if fid == term else [fid, *value]
                positions[shard][key][term] = hpos
            # the phrases of two words, one of them with a long list: their own postings
            # (a phrase of them is found without the words' positions)
            classes: dict[str, set] = defaultdict(set)
            pair_impact: dict = {}
            for a, b in sorted(ab for ab in pairs[key] if ab[0] in tiered or ab[1] in tiered):
                entries = _pair_impact_order(pairs[key][a, b], nr, rank_value, avgfl, boost, pair_impact)
                inline = _inline(entries, key, positions=False)
                pshard = pair_shards[f"{shard_of(a)}-{pair_class(b)}"][key]
                classes[a].add(pair_class(b))
                if inline is not None:
                    pshard[f"{a} {b}"] = inline[0]
                    continue
                cuts = _tier_cuts(len(entries))
                fid = _pair_file_id(a, b)
                last = len(cuts) - 2
                bounds = _write_tiers(out, f"{name}/{key}p", fid, entries, cuts, nr, key, positions=False)
                head, _ = _tier(entries[:cuts[1]], key, positions=False)
                pshard[f"{a} {b}"] = [fid, sum(e[1] for e in entries), head] + (
                    [bounds[1]] if last >= 1 else [])
            for a, cs in classes.items():
                shards[shard_of(a)].setdefault("p" + key, {})[a] = "".join(sorted(cs))
        for pname in sorted(pair_shards):
            out[f"{name}/p/{pname}.js"] = script(f"{name}/p/{pname}", pair_shards[pname])
        for shard in sorted(shards):
            out[f"{name}/i/{shard}.js"] = script(f"{name}/i/{shard}", shards[shard])
            out[f"{name}/x/{shard}.js"] = script(f"{name}/x/{shard}", positions[shard])
        out[f"{name}/f.js"] = script(f"{name}/f", {k: dict(sorted(v.items())) for k, v in facets.items()})
        stats = {"n": n, "t": totals["t"], "h": totals["h"], "shards": sorted(shards),
                 "ranges": dict(sorted(ranges.items()))}
        if self.inserts is not None:
            # [start, [at, records, ...]]: where a whole build puts the layer's documents (record_order)
            firsts = sorted((rng[0], doc) for doc, rng in ranges.items())
            stats["layer"] = [at, [x for first, doc in firsts
                                   for x in (self.inserts[doc], ranges[doc][1] - ranges[doc][0])]]
        out[f"{name}/s.js"] = script(f"{name}/s", stats)
        return out, stats


class SearchIndexBuilder:
    """Collects the records of the buckets being built (``wanted``: bucket names,
    None for all) and writes their files and ``meta.js``. What is added waits in a
    temporary file per bucket (the corpus is never held in memory); the buckets are
    then indexed one at a time (:meth:`each_bucket`)."""

    def __init__(self, wanted: set[str] | None = None, layers: dict[str, tuple[int, dict[str, int]]] | None = None):
        self.wanted = wanted
        # {bucket: (its records, {document id: the place a whole build puts it before})}:
        # the documents of a bucket's delta layer (site/search_delta.py), whose passages go there
        self.layers = layers or {}
        self.buckets: dict[str, _Bucket] = {}

    def _name(self, doc_id: str) -> str:
        """The bucket, or the delta layer, that holds the passages of ``doc_id``."""
        b = bucket_of(doc_id)
        return layer_of(b) if doc_id in self.layers.get(b, (0, {}))[1] else b

    def wants(self, doc_id: str) -> bool:
        """Whether the passages of ``doc_id`` are to be added (their bucket or layer is being built)."""
        return self.wanted is None or self._name(doc_id) in self.wanted

    def _bucket(self, name: str) -> _Bucket:
        if name not in self.buckets:
            if name.startswith(LAYER):
                start, inserts = self.layers[name[len(LAYER):]]
                self.buckets[name] = _Bucket(name, start, inserts)
            else:
                self.buckets[name] = _Bucket(name)
        return self.buckets[name]

    def add_passage(self, record: dict, passage: Passage, heading: str, kinds=(), stakeholders=()) -> None:
        """A passage, with the content of its heading field (``search_headings``)."""
        from scrutiny.passages import KIND_RANK

        rank = round(100 * KIND_RANK.get(passage.kind, 1.0))   # as scrutiny.index stores it
        if heading != record.get("h", ""):
            # the heading field in full where it is more than the heading shown: a search
            # looks for the words after NOT in a passage's record (search.js: holds)
            record = {**record, "hf": heading}
        self._bucket(self._name(passage.doc_id)).add(record, passage.text, heading, rank,
                                                     sorted(set(kinds)), sorted(set(stakeholders)))

    def add(self, record: dict, body: str, title: str = "", kinds=(), stakeholders=()) -> None:
        """A claim or a stakeholder: its title and body are its text."""
        self._bucket(OTHERS).add(record, f"{title}\n{body}" if title else body, None, 100,
                                 sorted(set(kinds)), sorted(set(stakeholders)))

    def passage_records(self) -> int:
        """The passages added (those of the buckets being built)."""
        return sum(b.count for name, b in self.buckets.items() if name != OTHERS)

    def each_bucket(self):
        """``(bucket, {path under search/: text}, its statistics)`` of each bucket built,
        one after the other (write each before asking for the next: only one bucket's
        files and postings are in memory at a time)."""
        rank_of = {r: i for i, r in enumerate(ranks())}
        for name in sorted(self.buckets, key=_bucket_order):
            files, stats = self.buckets[name].files(rank_of)
            yield name, files, stats

    def close(self) -> None:
        """Remove the temporary files (closing them deletes them)."""
        for b in self.buckets.values():
            b.close()

    def bucket_files(self) -> tuple[dict[str, str], dict[str, dict]]:
        """({path under search/: text} of the buckets built, {bucket: its statistics}):
        every bucket at once, for small indexes (tests, benchmarks)."""
        out, stats = {}, {}
        for name, files, stats[name] in self.each_bucket():
            out.update(files)
        return out, stats

    def files(self, meta_extra: dict) -> dict[str, str]:
        """{relative path under search/: file text} of a whole index, deterministic."""
        out, stats = self.bucket_files()
        out.update(meta_files(stats, meta_extra))
        return out


def _bucket_order(name: str) -> tuple[int, bool]:
    """Buckets in order, each bucket's delta layer after it."""
    return bucket_index(name), name.startswith(LAYER)


def meta_files(stats: dict[str, dict], meta_extra: dict) -> dict[str, str]:
    """``meta.js`` (what every query needs: a few KB whatever the corpus's size) and the
    ranges files ``dr/<k>.js`` (documents' record ranges, loaded by the document filter
    only), from the statistics of every bucket: {path under search/: text}."""
    from whoosh.util.numeric import byte_to_length

    from scrutiny.index import B, HEADING_BOOST, K1

    names = sorted((n for n, s in stats.items() if s["n"]), key=_bucket_order)
    masks: dict[str, int] = defaultdict(int)
    for n in names:
        for shard in stats[n]["shards"]:
            masks[shard] |= 1 << bucket_bit(n)
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
            "ranks": ranks(), "lens": [byte_to_length(i) for i in range(256)], "tiers": [HEAD, TIER, GROWTH],
            "budget": BUDGET,
            "bm25": {"b": B, "k1": K1, "hb": HEADING_BOOST, "scale": SCALE}}
    layers = {n: stats[n]["layer"] for n in names if n.startswith(LAYER)}
    if layers:      # (a whole build has none: its meta.js is as it was)
        meta["layers"] = layers
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
