"""Each Whoosh segment's postings read back once into a file of our own: best first, in blocks.

A search for common words spent most of its time reading every posting of
those words out of Whoosh's pickled blocks and scoring each. Beside every
segment of the index (``MAIN_<id>.seg``) the index stage writes
``MAIN_<id>.best`` (:func:`write_segment`, :func:`ensure`), which holds, for
each term of the fields a search reads:

* the term's postings as Whoosh's segment holds them (every posting, deleted
  passages included, in passage order): their passage numbers as 4-byte
  integers and their weights as one-byte codes into the term's table of
  weights, read without unpickling anything (:meth:`BestFile.term`);
* for a scored field (text, heading), the same postings ordered best first (by
  the score BM25F gives them with this segment's average field length, times
  the passage's rank), cut into blocks of :data:`BLOCK`; each block keeps its
  *skyline*: the (weight, field length, rank) points of its postings that no
  other of its postings beats on all three. A passage's score for a term
  grows with the weight and the rank and falls with the length whatever the
  idf and the average length, so the best score of a block at search time is
  the best score of its skyline's points: an upper bound that lets a top-k
  search stop before the blocks that cannot reach the top
  (:func:`scrutiny.search_eval.top`);
* for the text and heading fields, where Whoosh's own posting blocks start (the first
  posting of each, and its place in the postings file), so that a phrase reads
  the positions of the passages it checks, and no other block;
* for a term held by at least one passage in :data:`BITS_SHARE` (whatever the
  field), its passages as a bitmap (bit ``d`` of byte ``d // 8``, deleted
  passages included), no bigger than its ids: a query's matches are then
  counted with integer operations on whole bitmaps (:meth:`Term.bits`),
  not a Python set of every passage.

A segment's file is written once, when the segment is new, and never changed:
Whoosh's segments do not change either (deleting a passage marks it deleted
in the index's table of contents, and the search leaves it out as Whoosh
does). Whoosh removes ``MAIN_<id>.*`` with its segment when segments are
merged. A segment without its file (an index written before these files, a
file being written) is an explicit state: the search reads Whoosh's postings
for it, as before.

Only the standard library is imported here (Whoosh only when a file is written).
"""

from __future__ import annotations

import mmap
import os
import struct
from array import array
from pathlib import Path

SUFFIX = ".best"
MAGIC = b"SCRBEST\x04"
OLD_MAGIC = b"SCRBEST\x03"   # the format before the bitmaps: still read, written again by ensure()
BLOCK = 128                                  # postings per best-first block
FIELDS = ("text", "heading", "tags", "stakeholders", "kind", "doc_id", "printed")   # what a search reads
SCORED = ("text", "heading")                 # best-first blocks and skylines
POSITIONS = ("text", "heading")             # where Whoosh's blocks start (a phrase's positions)
_HEAD = struct.Struct("<8sIIIIIQ")
# magic, passages in the segment, terms, block size, distinct ranks, scored fields with columns (bits), their place
KEPT_TERMS = 512     # terms kept read (arrays) per file: a long-lived process does not grow past it
BITS_SHARE = 32      # a term in at least one passage in this many: its bitmap kept (no bigger than its ids)
_TERM = struct.Struct("<IIIIIIII")
# postings, weights in the table, code width, blocks, skyline points, Whoosh blocks, positions' width (0: none),
# the bitmap's bytes (0: none)
_OLD_TERM = struct.Struct("<IIIIIII")   # the same without the bitmap's bytes (OLD_MAGIC)


def path_for(directory, segment_id: str) -> Path:
    return Path(directory) / f"{segment_id}{SUFFIX}"


def _pad(out: bytearray) -> None:
    out.extend(b"\0" * (-len(out) % 8))


def _skyline(points) -> list:
    """The points (weight, length, rank) that no other point beats or equals on all
    three (a higher or equal weight and rank, a shorter or equal length)."""
    out: list = []
    for w, ln, r in sorted(set(points), key=lambda p: (-p[0], p[1], -p[2])):
        if not any(ow >= w and ol <= ln and orr >= r for ow, ol, orr in out):
            out.append((w, ln, r))
    return out


def _term_bytes(ids, weights, scored, lengths, ranks, avgfl, B, K1, starts=None, places=None,
                positions=None, n_docs: int = 0) -> bytes:
    """One term's record: header, sorted ids, weight codes, weight table, then (scored
    fields) best-first ids and codes with each block's skyline, then (phrase fields)
    Whoosh's block starts and places, and each posting's positions, then (a term in
    one passage in :data:`BITS_SHARE` of the segment's ``n_docs``) its bitmap."""
    table = sorted(set(weights))
    code_of = {w: i for i, w in enumerate(table)}
    width = "B" if len(table) <= 256 else "H"
    codes = array(width, [code_of[w] for w in weights])
    out = bytearray()
    body = bytearray()
    body += array("I", ids).tobytes()
    _pad(body)
    body += codes.tobytes()
    _pad(body)
    body += array("d", table).tobytes()
    nblocks = nsky = 0
    if scored:
        n = len(ids)
        norm = [K1 * ((1 - B) + B * lengths[d] / avgfl) for d in ids]
        ref = [(w * (K1 + 1)) / (w + c) * ranks[d] for w, c, d in zip(weights, norm, ids)]
        order = sorted(range(n), key=lambda i: (-ref[i], ids[i]))
        best_ids = array("I", [ids[i] for i in order])
        best_codes = array(width, [codes[i] for i in order])
        sky_starts = array("I", [0])
        sky = array("d")
        for b in range(0, n, BLOCK):
            points = _skyline((weights[i], lengths[ids[i]], ranks[ids[i]]) for i in order[b:b + BLOCK])
            for p in points:
                sky.extend(p)
            sky_starts.append(len(sky) // 3)
        nblocks, nsky = len(sky_starts) - 1, len(sky) // 3
        _pad(body)
        body += best_ids.tobytes()
        _pad(body)
        body += best_codes.tobytes()
        _pad(body)
        body += sky_starts.tobytes()
        _pad(body)
        body += sky.tobytes()
    nwhoosh = 0
    if starts is not None:
        nwhoosh = len(starts)
        _pad(body)
        body += array("I", starts).tobytes()
        _pad(body)
        body += array("Q", places).tobytes()
    pos_width = 0
    if positions is not None:
        flat = [p for ps in positions for p in ps]
        pos_width = 2 if not flat or max(flat) < 65536 else 4
        offsets = array("I", [0])
        for ps in positions:
            offsets.append(offsets[-1] + len(ps))
        _pad(body)
        body += offsets.tobytes()
        _pad(body)
        body += array("H" if pos_width == 2 else "I", flat).tobytes()
    nbits = 0
    if n_docs and len(ids) * BITS_SHARE >= n_docs:
        bits = bytearray((n_docs + 7) // 8)
        for d in ids:
            bits[d >> 3] |= 1 << (d & 7)
        nbits = len(bits)
        _pad(body)
        body += bits
    head = (len(ids), len(table), 1 if width == "B" else 2, nblocks, nsky, nwhoosh, pos_width, nbits)
    out += _TERM.pack(*head[:_TERM.size // 4])
    _pad(out)
    out += body
    _pad(out)
    return bytes(out)


def _raw_postings(reader, field: str, btext: bytes, positions: bool = False):
    """(ids, weights, Whoosh block starts, their places, each posting's positions or
    None) of a term: every posting of the segment, deleted passages included, as
    Whoosh's posting blocks hold them."""
    from whoosh.matching.wrappers import FilterMatcher

    m = reader.postings(field, btext)
    leaf = m.child if isinstance(m, FilterMatcher) else m
    ids: list = []
    weights: list = []
    starts: list = []
    places: list = []
    values: list | None = [] if positions else None
    if hasattr(leaf, "_baseoffset"):    # W3 blocks: read a block at a time
        leaf.reset()
        place = leaf._baseoffset
        while leaf.is_active():
            starts.append(len(ids))
            places.append(place)
            leaf._read_ids()
            leaf._read_weights()
            ids.extend(leaf._ids)
            weights.extend(leaf._weights)
            if values is not None:
                leaf._read_values()
                values.extend(leaf._values)
            place = leaf._nextoffset
            leaf._next_block()
        return ids, weights, starts, places, values
    while leaf.is_active():
        ids.append(leaf.id())
        weights.append(leaf.weight())
        if values is not None:
            values.append(leaf.value())
        leaf.next()
    return ids, weights, None, None, values


def write_segment(reader, directory) -> Path:
    """Write the best-first file of the segment ``reader`` reads (a leaf reader of
    the index in ``directory``); atomic (a temporary file renamed)."""
    from scrutiny.index import B, K1

    segment_id = reader.segment().segment_id()
    n_docs = reader.doc_count_all()
    schema = reader.schema
    from whoosh.util.numeric import byte_to_length, length_to_byte

    rank_col = reader.column_reader("rank") if reader.has_column("rank") else None
    raw_ranks = [rank_col[d] for d in range(n_docs)] if rank_col is not None else None
    ranks = [(r or 100) for r in raw_ranks] if raw_ranks is not None else [100] * n_docs
    # each passage's (length byte, rank) as one key per scored field: what the search's
    # scorer would otherwise compute from Whoosh's columns at its first query
    distinct = set(raw_ranks or ())
    rank_order = sorted(distinct) if distinct and None not in distinct and len(distinct) <= 256 else None
    columns = bytearray()
    with_columns = 0
    keys: list = []
    records: list = []
    for field in FIELDS:
        if field not in schema or not schema[field].indexed:
            continue
        scored = field in SCORED and schema[field].scorable
        lengths = avgfl = None
        if scored:
            lengths = [reader.doc_field_length(d, field, 0) for d in range(n_docs)]
            avgfl = (reader.field_length(field) / n_docs if n_docs else 0) or 1
            if rank_order is not None:
                place = {r: i for i, r in enumerate(rank_order)}
                n = len(rank_order)
                codes = [length_to_byte(ln) if ln else 0 for ln in lengths]
                if all(byte_to_length(c) == ln for c, ln in zip(codes, lengths) if c):
                    with_columns |= 1 << SCORED.index(field)
                    columns += array("H", [c * n + place[r] for c, r in zip(codes, raw_ranks)]).tobytes()
                    _pad(columns)
        fmt = schema[field].format
        decode = fmt.decoder("positions") if field in POSITIONS and fmt.supports("positions") else None
        for btext in reader.lexicon(field):
            ids, weights, starts, places, values = _raw_postings(reader, field, btext, decode is not None)
            if not ids:
                continue
            keep_places = decode is not None and starts is not None
            keys.append(field.encode() + b"\0" + bytes(btext))
            records.append(_term_bytes(ids, weights, scored, lengths, ranks, avgfl, B, K1,
                                       starts if keep_places else None, places if keep_places else None,
                                       [list(decode(v)) for v in values] if decode is not None else None,
                                       n_docs))
    order = sorted(range(len(keys)), key=keys.__getitem__)
    keys = [keys[i] for i in order]
    records = [records[i] for i in order]
    head_at = 0
    out = bytearray(_HEAD.pack(MAGIC, n_docs, len(keys), BLOCK, 0, 0, 0))
    _pad(out)
    key_offsets = array("Q", [0])
    for k in keys:
        key_offsets.append(key_offsets[-1] + len(k))
    out += key_offsets.tobytes()
    out += b"".join(keys)
    _pad(out)
    record_offsets = array("Q")
    base = len(out) + 8 * len(records)
    at = base
    for r in records:
        record_offsets.append(at)
        at += len(r)
    out += record_offsets.tobytes()
    assert len(out) == base
    out += b"".join(records)
    _pad(out)
    if with_columns:
        cols_at = len(out)
        out += array("q", rank_order).tobytes()
        _pad(out)
        out += columns
        out[head_at:head_at + _HEAD.size] = _HEAD.pack(MAGIC, n_docs, len(keys), BLOCK, len(rank_order),
                                                       with_columns, cols_at)
    target = path_for(directory, segment_id)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(out)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, target)
    return target


def ensure(directory) -> int:
    """Write the best-first file of every segment of the index in ``directory`` that
    has none (or one that is not of this format); returns how many were written.
    Files of segments no longer in the index are removed."""
    from whoosh import index as windex

    from whoosh.reading import SegmentReader

    directory = Path(directory)
    ix = windex.open_dir(str(directory))
    written = 0
    # the segments as the table of contents lists them: a reader is opened only on a
    # segment whose file is to be written (opening one on every segment of the index
    # cost more than the rest of a one-document update)
    toc = ix._read_toc()
    names = set()
    for segment in toc.segments:
        segment_id = segment.segment_id()
        names.add(f"{segment_id}{SUFFIX}")
        best = BestFile.open(path_for(directory, segment_id), segment.doc_count_all())
        if best is None or not best.current:    # absent, or of the format before this one
            with SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation) as leaf:
                write_segment(leaf, directory)
            written += 1
    for path in directory.glob(f"*{SUFFIX}"):
        if path.name not in names:
            path.unlink(missing_ok=True)
    return written


class Term:
    """One term's postings in a segment's best-first file (views of the mapped file)."""

    __slots__ = ("ids", "codes", "table", "best_ids", "best_codes", "sky_starts", "sky", "starts", "places",
                 "pos_offsets", "positions", "bits_view", "_bits")

    def bits(self) -> int | None:
        """The term's passages as an integer whose bit ``d`` is set when passage ``d``
        holds it (deleted passages included), or None when the file keeps no bitmap
        of this term (a rare term, or a file of the format before the bitmaps)."""
        out = self._bits
        if out is None and self.bits_view is not None:
            out = self._bits = int.from_bytes(self.bits_view, "little")
        return out

    def positions_at(self, i: int):
        """The positions of the ``i``-th posting (in passage order)."""
        offsets = self.pos_offsets
        return self.positions[offsets[i]:offsets[i + 1]]

    def weights(self) -> list:
        """Every posting's weight, in passage order."""
        return list(map(self.table.__getitem__, self.codes))

    def skylines(self):
        """Each best-first block's skyline: [(weight, length, rank), ...]."""
        sky, starts = self.sky, self.sky_starts
        return [[(sky[3 * i], sky[3 * i + 1], sky[3 * i + 2]) for i in range(starts[b], starts[b + 1])]
                for b in range(len(starts) - 1)]


class BestFile:
    """A segment's best-first file, mapped: :meth:`term` looks a term up by bisection
    of the sorted keys (nothing is read whole when the file is opened)."""

    def __init__(self, path, data):
        self.path = path
        self._mm = data
        self.buf = memoryview(data)
        magic, self.doc_count, self.nterms, self.block, nranks, with_columns, cols_at = _HEAD.unpack_from(self.buf, 0)
        self.current = magic == MAGIC     # else OLD_MAGIC: no bitmaps (ensure() writes the file again)
        self._term_struct = _TERM if self.current else _OLD_TERM
        self._columns: dict = {}     # scored field -> (its at in the file), see columns()
        self.rank_order = None
        if with_columns:
            self.rank_order = self.buf[cols_at:cols_at + 8 * nranks].cast("q").tolist()
            at = cols_at + 8 * nranks
            for i, field in enumerate(SCORED):
                if with_columns & (1 << i):
                    at += -at % 8
                    self._columns[field] = at
                    at += 2 * self.doc_count
        at = _HEAD.size + (-_HEAD.size % 8)
        self.key_offsets = self.buf[at:at + 8 * (self.nterms + 1)].cast("Q")
        self.keys_at = at + 8 * (self.nterms + 1)
        at = self.keys_at + self.key_offsets[self.nterms]
        at += -at % 8
        self.records = self.buf[at:at + 8 * self.nterms].cast("Q")
        self._terms: dict = {}

    @classmethod
    def open(cls, path, doc_count: int) -> "BestFile | None":
        """The file at ``path`` if it is a best-first file of a segment of ``doc_count``
        passages; None when it is absent or is not (the search reads Whoosh's postings)."""
        try:
            with open(path, "rb") as f:
                data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            return None
        if len(data) < _HEAD.size or data[:8] not in (MAGIC, OLD_MAGIC) or _HEAD.unpack_from(data, 0)[1] != doc_count:
            data.close()
            return None
        return cls(path, data)

    def has_columns(self, field: str) -> bool:
        return field in self._columns

    def columns(self, field: str):
        """(every passage's key: its length byte x the number of distinct ranks + the place
        of its rank in ``rank_order``, as an array; the distinct ranks) of a scored field,
        or None when the file has none."""
        at = self._columns.get(field)
        if at is None:
            return None
        keys = array("H")
        keys.frombytes(self.buf[at:at + 2 * self.doc_count])
        return keys, self.rank_order

    def _find(self, key: bytes) -> int:
        offs, buf, base = self.key_offsets, self.buf, self.keys_at
        lo, hi = 0, self.nterms
        while lo < hi:
            mid = (lo + hi) // 2
            if bytes(buf[base + offs[mid]:base + offs[mid + 1]]) < key:
                lo = mid + 1
            else:
                hi = mid
        if lo < self.nterms and bytes(buf[base + offs[lo]:base + offs[lo + 1]]) == key:
            return lo
        return -1

    def term(self, field: str, btext: bytes) -> Term | None:
        """The postings of ``btext`` in ``field``; None when the segment has none."""
        key = (field, btext)
        terms = self._terms
        if key in terms:
            kept = terms[key] = terms.pop(key)    # the most recently used last
            return kept
        i = self._find(field.encode() + b"\0" + bytes(btext))
        terms[key] = out = None if i < 0 else self._read(self.records[i])
        if len(terms) > KEPT_TERMS:
            del terms[next(iter(terms))]
        return out

    def _read(self, at: int) -> Term:
        buf = self.buf
        head = self._term_struct
        n, ntable, width, nblocks, nsky, nwhoosh, pos_width, *more = head.unpack_from(buf, at)
        nbits = more[0] if more else 0
        at += head.size + (-head.size % 8)
        code = "B" if width == 1 else "H"
        t = Term()

        def take(typecode, count, size, copy=False):
            nonlocal at
            view = buf[at:at + size * count]
            if copy:    # an array: faster to index and to make sets of than a view
                out = array(typecode)
                out.frombytes(view)
            else:
                out = view.cast(typecode)
            at += size * count
            at += -at % 8
            return out

        t.ids = take("I", n, 4, copy=True)
        t.codes = take(code, n, width, copy=True)
        t.table = take("d", ntable, 8).tolist()
        t.best_ids = t.best_codes = t.sky_starts = t.sky = t.starts = t.places = None
        if nblocks:
            t.best_ids = take("I", n, 4)
            t.best_codes = take(code, n, width)
            t.sky_starts = take("I", nblocks + 1, 4)
            t.sky = take("d", 3 * nsky, 8)
        if nwhoosh:
            t.starts = take("I", nwhoosh, 4).tolist()
            t.places = take("Q", nwhoosh, 8).tolist()
        t.pos_offsets = t.positions = None
        if pos_width:
            t.pos_offsets = take("I", n + 1, 4)
            t.positions = take("H" if pos_width == 2 else "I", t.pos_offsets[n], pos_width)
        t.bits_view = t._bits = None
        if nbits:
            t.bits_view = buf[at:at + nbits]
        return t



def for_reader(reader) -> BestFile | None:
    """The best-first file of the segment a Whoosh segment ``reader`` reads (kept on the
    reader), or None: no such file (an index written before them; a segment just
    merged away)."""
    kept = reader.__dict__.get("_scrutiny_best", False)
    if kept is not False:
        return kept
    storage = getattr(reader, "_storage", None)
    folder = getattr(storage, "folder", None) or getattr(getattr(storage, "b", None), "folder", None)
    best = None
    if folder is not None and hasattr(reader, "segment"):
        best = BestFile.open(path_for(folder, reader.segment().segment_id()), reader.doc_count_all())
    reader.__dict__["_scrutiny_best"] = best
    return best
