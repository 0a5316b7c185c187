"""The site's client-side search index: small static JSON files, fetched on demand.

Layout under ``search/``::

    meta.json          corpus statistics, documents (with their record ranges),
                       claim kinds, stakeholders, the list of index shards
    i/<xx>.json        the inverted index, one shard per two-letter term prefix:
                       {term: [record, weight, record, weight, ...]} with record
                       numbers delta-encoded and BM25 term weights (x10) precomputed;
                       a common term's list (over BIG bytes) is kept in its own
                       file t/<term>.json and the shard holds its document
                       frequency instead, so that a query fetches it only when
                       it asks for that very term
    r/<n>.json         the records (passages, claims, stakeholders), CHUNK per file:
                       what a result shows and where it leads
    facets.json        record numbers per claim kind and per stakeholder (fetched
                       only when one of those filters is used)

A query fetches meta.json, one shard per query term and the record chunks of
the first page of results: a few tens of kilobytes, whatever the corpus size
(``first_query_bytes`` measures it; the bench reports it). Prefix search comes
free: every term starting with ``ab`` is in shard ``ab``.

The tokeniser below and the one in ``static/search.js`` must agree; the tests
run both on the same strings.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter, defaultdict

from scrutiny.passages import Passage

CHUNK = 16
BIG = 4096          # bytes of a posting list above which it gets its own file
PREFIX_BIG = 2      # a prefix query fetches at most this many big lists
TEXT_LIMIT = 700
K1, B = 1.2, 0.75
STOPWORDS = frozenset(
    "a an and are as at be been but by for from has have in is it its of on or that the "
    "their this to was were which will with".split()
)
_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3})")


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def stem(token: str) -> str:
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss") and not token[-2].isdigit():
        return token[:-1]
    return token


def tokenize(text: str) -> list[str]:
    text = _THOUSANDS.sub("", fold(text)).replace("\u2019", "'").replace("'s", "")
    return [stem(t) for t in _TOKEN.findall(text) if len(t) >= 2 and t not in STOPWORDS]


def shard_of(token: str) -> str:
    return token[:2].replace(".", "_")


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class SearchIndexBuilder:
    def __init__(self):
        self.records: list[dict] = []
        self.tokens: list[Counter] = []
        self.doc_ranges: dict[str, list[int]] = {}
        self.facets: dict[str, dict[str, list[int]]] = {"kind": defaultdict(list), "sh": defaultdict(list)}

    def add(self, record: dict, body: str, heading: str = "", kinds=(), stakeholders=()) -> None:
        n = len(self.records)
        counts = Counter(tokenize(body))
        for t in tokenize(heading):
            counts[t] += 2
        self.records.append(record)
        self.tokens.append(counts)
        doc = record.get("d")
        if doc is not None and record.get("t") == "p":
            rng = self.doc_ranges.setdefault(doc, [n, n + 1])
            rng[1] = n + 1
        for k in sorted(set(kinds)):
            self.facets["kind"][k].append(n)
        for s in sorted(set(stakeholders)):
            self.facets["sh"][s].append(n)

    def files(self, meta_extra: dict) -> dict[str, str]:
        """{relative path under search/: JSON text}, deterministic."""
        n = len(self.records)
        lengths = [sum(c.values()) for c in self.tokens]
        avgdl = (sum(lengths) / n) if n else 1.0
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for rec, counts in enumerate(self.tokens):
            norm = K1 * (1 - B + B * (lengths[rec] / avgdl if avgdl else 1))
            for term, tf in counts.items():
                w = tf * (K1 + 1) / (tf + norm)
                postings[term].append((rec, max(1, round(w * 10))))
        shards: dict[str, dict] = defaultdict(dict)
        out = {}
        for term in sorted(postings):
            flat, last = [], 0
            for rec, w in postings[term]:
                flat.extend((rec - last, w))
                last = rec
            text = _dumps(flat)
            if len(text) > BIG:
                out[f"t/{term}.json"] = text
                shards[shard_of(term)][term] = len(flat) // 2
            else:
                shards[shard_of(term)][term] = flat
        for key in sorted(shards):
            out[f"i/{key}.json"] = _dumps(shards[key])
        for start in range(0, n, CHUNK):
            out[f"r/{start // CHUNK}.json"] = _dumps(self.records[start:start + CHUNK])
        out["facets.json"] = _dumps({
            "kind": {k: v for k, v in sorted(self.facets["kind"].items())},
            "sh": {k: v for k, v in sorted(self.facets["sh"].items())},
        })
        meta = {"v": 1, "n": n, "chunk": CHUNK, "shards": sorted(shards),
                "ranges": {d: r for d, r in sorted(self.doc_ranges.items())}}
        meta.update(meta_extra)
        out["meta.json"] = _dumps(meta)
        return out


def passage_record(doc: dict, passage: Passage, url: str) -> dict:
    text = passage.text
    if len(text) > TEXT_LIMIT:
        text = text[:TEXT_LIMIT].rsplit(" ", 1)[0] + " …"
    rec = {"t": "p", "u": url, "d": doc["id"], "x": text, "h": passage.heading}
    if (doc.get("pages") or 0) > 1:   # page numbers mean nothing in flowing text
        from scrutiny.pages import label

        rec["pg"] = label(doc, passage.page)  # as the document prints it
        if passage.page_end != passage.page:
            rec["pe"] = label(doc, passage.page_end)
    from scrutiny.passages import ocr_confidence

    if ocr_confidence(passage) is not None:  # read from a page image: results say so
        rec["o"] = ocr_confidence(passage)
    return rec


def fetch_big(shard: dict, key: str, term: str) -> bool:
    """Whether a query for ``term`` fetches the big posting list of ``key`` (search.js does the same)."""
    if key == term:
        return True
    bigs = [k for k, v in shard.items() if isinstance(v, int) and k.startswith(term)]
    return len(bigs) <= PREFIX_BIG


def first_query_bytes(files: dict[str, str], static_js: int, query: str, results: int = 10) -> int:
    """Bytes a browser downloads for its first query (search.js, meta, shards, record chunks)."""
    meta = json.loads(files["meta.json"])
    total = static_js + len(files["meta.json"].encode())
    scores: Counter = Counter()
    for term in dict.fromkeys(tokenize(query)):
        shard = files.get(f"i/{shard_of(term)}.json")
        if not shard:
            continue
        total += len(shard.encode())
        data = json.loads(shard)
        n = meta["n"]
        for key, flat in data.items():
            if not key.startswith(term):
                continue
            if isinstance(flat, int):
                if not fetch_big(data, key, term):
                    continue
                big = files[f"t/{key}.json"]
                total += len(big.encode())
                flat = json.loads(big)
            df = len(flat) // 2
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            rec = 0
            for i in range(0, len(flat), 2):
                rec += flat[i]
                scores[rec] += idf * flat[i + 1]
    top = [r for r, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:results]]
    for chunk in sorted({r // meta["chunk"] for r in top}):
        total += len(files[f"r/{chunk}.json"].encode())
    return total
