"""A frozen copy of how main wrote a search bucket's files (``_Bucket.files`` and what it
calls, as of commit e0b19d0, search format VERSION 7), kept as the reference the
rewritten ``scrutiny.site.search_index._Bucket.files`` must match byte for byte
(tests/test_site_search_bucket_reference.py). Not used by the package; do not edit
it to make a test pass: a difference is a change of the site's search files.

Only the statements ``_Bucket.files`` needs are kept, unchanged but for this docstring
(the analyser, Whoosh's length bytes and the BM25 parameters are imported from the
package, as main did: they are inputs of both)."""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import tempfile
from collections import defaultdict
from itertools import groupby
from operator import itemgetter, sub


CHUNK = 8


INLINE = 64         # bytes of a word's postings in one bucket up to which they stay whole in its shard


HEAD = 8            # postings of a longer list kept in the shard: the best ones (impact order)


TIER = 32           # postings of its first tier file; each next one is GROWTH times larger


GROWTH = 4


BUCKETS = 16        # passage buckets (by a hash of the document id)


STRIDE = 1 << 24    # record numbers: bucket index x STRIDE + place in the bucket


OTHERS = "o"        # the bucket of the claims and stakeholders


LOADER = "__scrutinySearch"


_SAFE = re.compile(r"^[a-z0-9]+$")


DIGITS = "!" + "".join(chr(c) for c in range(0x23, 0x7F) if c != 0x5C)


HALF = len(DIGITS) // 2


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


def shard_of(term: str) -> str:
    """The file name (without .js) of the shard holding ``term``: its first two
    characters, or their code points when they are not plain letters or digits."""
    head = term[:2]
    return head if _SAFE.match(head) else "u" + "-".join(f"{ord(c):x}" for c in head)


def _file_id(term: str) -> str:
    return term if _SAFE.match(term) and len(term) <= 40 else "h" + hashlib.sha1(term.encode()).hexdigest()[:12]


def bucket_index(name: str) -> int:
    return BUCKETS if name == OTHERS else int(name, 16)


def _bm25(idf, tf, fl, avgfl, b, k1):
    # whoosh.scoring.bm25, operation for operation (the same floats)
    return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))


def _impact_order(entries: list[tuple], nr: int, rank_value: list[int], avgfl: float, boost: float) -> list[tuple]:
    """A word's postings in one bucket, best first as the bucket's own statistics score
    them (the order only decides what is downloaded first: the bounds of each tier keep
    the results exact), a run of postings of the same (frequency, length, rank) together
    in record order."""
    from whoosh.util.numeric import byte_to_length

    from scrutiny.index import B, K1

    impact = {}
    for _first, _count, packed, _pos in entries:
        if packed not in impact:
            rest, rank = divmod(packed, nr)
            freq, lb = divmod(rest, 256)
            impact[packed] = _bm25(1.0, (freq + 1) * boost, byte_to_length(lb), avgfl, B, K1) * rank_value[rank]
    return sorted(entries, key=lambda e: (-impact[e[2]], e[2], e[0]))


def _pair_impact_order(entries: list[tuple], nr: int, rank_value: list[int], avgfl: float, boost: float) -> list[tuple]:
    """A pair's postings in one bucket, best first (:func:`_impact_order`): by what the two
    words score together, as a phrase of the two scores."""
    from whoosh.util.numeric import byte_to_length

    from scrutiny.index import B, K1

    impact = {}
    for _first, _count, packed, _pos in entries:
        if packed not in impact:
            fa, pb = packed
            rest, rank = divmod(pb, nr)
            fb, lb = divmod(rest, 256)
            fl = byte_to_length(lb)
            impact[packed] = (_bm25(1.0, (fa + 1) * boost, fl, avgfl, B, K1)
                              + _bm25(1.0, (fb + 1) * boost, fl, avgfl, B, K1)) * rank_value[rank]
    return sorted(entries, key=lambda e: (-impact[e[2]], e[2], e[0]))


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
    bounds = _bounds(entries, cuts, nr)
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
    pflat: list[int] = []
    heading = key == "h"
    for run, group in groupby(entries, key=itemgetter(2)):
        group = list(group)
        if isinstance(run, tuple):
            flat.extend(run)
        else:
            flat.append(run)
        flat.append(len(group))
        last = 0
        for first, count, _packed, poslist in group:
            flat.append(first - last)
            if heading:
                flat.append(count)
            last = first
        if positions:
            for _first, _count, _packed, poslist in group:
                pflat.append(len(poslist))
                if poslist:
                    pflat.append(poslist[0])
                    pflat.extend(map(sub, poslist[1:], poslist))
    return encode(flat), (encode(pflat) if positions else "")


def _inline(entries: list[tuple], key: str, positions: bool = True) -> tuple[str, str] | None:
    """``_tier(entries, key)`` when its postings fit in INLINE characters, else None. A
    posting takes a character at least: a list of more than INLINE postings is not
    encoded to find that out."""
    if len(entries) > INLINE:
        return None
    whole, pos = _tier(entries, key, positions)
    return (whole, pos) if len(whole) <= INLINE else None


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


def _bounds(entries: list[tuple], cuts: list[int], nr: int) -> dict[int, str]:
    """{k: _bound(entries[cuts[k]:])} for every tier k >= 1 but the last's end, computed from
    the last tier back: the skyline of a suffix is that of its first tier and the next
    suffix's skyline, and the second skyline's values come from the first tier and the
    next suffix's two skylines (a value the next suffix's second skyline leaves out is
    beaten there by one outside its skyline, as it is in the longer suffix)."""
    first: dict = {}
    top: list = []
    second: list = []
    out: dict[int, str] = {}
    known: dict = {}    # each value's parts, worked out once for every tier
    for k in range(len(cuts) - 2, 0, -1):
        tier = set()
        for place, _count, packed, _pos in entries[cuts[k]:cuts[k + 1]]:
            tier.add(packed)
            if packed not in first or place < first[packed]:
                first[packed] = place
        new_top = _skyline(tier | set(top), nr, known)
        second = _skyline((tier | set(top) | set(second)) - set(new_top), nr, known)
        top = new_top

        def flat(t):
            return t if isinstance(t, tuple) else (t,)

        out[k] = encode([len(top), *(x for t in top for x in (*flat(t), first[t])),
                         *(x for t in second for x in flat(t))])
    return out


class _Bucket:
    """The records of one bucket and what its postings are made from, written to a
    temporary file as they are added rather than held in memory: a first build adds
    every passage of the corpus before any bucket is written, and only one bucket at
    a time is then read back and indexed."""

    def __init__(self, name: str):
        self.name = name
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
        """({path under search/: text}, the bucket's statistics)."""
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
            mine = postings[key]
            for term, poslist in by_term.items():
                packed = (len(poslist) - 1) * step + base
                packs[term] = packed
                mine[term].append((first, count, packed, poslist))
            if all(a[1] < b[1] for a, b in zip(toks, toks[1:])):    # one word a position (the analyser's way)
                found = {(a[0], b[0]) for a, b in zip(toks, toks[1:]) if b[1] == a[1] + 1}
            else:
                at = dict((pos, term) for term, pos in toks)
                found = {(term, at[pos + 1]) for term, pos in toks if pos + 1 in at}
            theirs = pairs[key]
            for a, b in found:
                theirs[a, b].append((first, count, (len(by_term[a]) - 1, packs[b]), ()))

        name = self.name
        out: dict[str, str] = {}
        facets = {"kind": defaultdict(list), "sh": defaultdict(list)}
        ranges: dict[str, list[int]] = {}
        chunk: list[dict] = []
        # headings: passages in a row under the same headings, of the same rank, share one entry
        run_start, run = 0, None
        n = self.count
        for i, (rec, text, heading, rank, kinds, who) in enumerate(self.rows()):
            add("t", i, 1, analyse_positions(text), rank)
            if run is not None and (heading, rank) != run:
                if run[0]:
                    add("h", run_start, i - run_start, analyse_positions(run[0]), run[1])
                run_start = i
            if run is None or run_start == i:
                run = (heading, rank)
            chunk.append(rec)
            if len(chunk) == CHUNK:
                out[f"{name}/r/{i // CHUNK}.js"] = script(f"{name}/r/{i // CHUNK}", chunk)
                chunk = []
            for k in kinds:
                facets["kind"][k].append(self.base + i)
            for s in who:
                facets["sh"][s].append(self.base + i)
            if rec.get("t") == "p":
                rng = ranges.setdefault(rec["d"], [self.base + i, self.base + i + 1])
                rng[1] = self.base + i + 1
        if n and run is not None and run[0]:
            add("h", run_start, n - run_start, analyse_positions(run[0]), run[1])
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
            for term in sorted(postings[key]):
                entries = _impact_order(postings[key].pop(term), nr, rank_value, avgfl, boost)
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
            for a, b in sorted(pairs[key]):
                if a not in tiered and b not in tiered:
                    continue
                entries = _pair_impact_order(pairs[key][a, b], nr, rank_value, avgfl, boost)
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
        out[f"{name}/s.js"] = script(f"{name}/s", stats)
        return out, stats
