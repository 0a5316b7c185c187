"""The site's search index does not hold the corpus in memory (issue 15: a first build
of 10,000 documents peaked at gigabytes while every passage's record and words waited
for the buckets to be written). What is added waits in a temporary file per bucket,
and the buckets are indexed and handed out one at a time.

Memory is counted with tracemalloc (bytes Python allocated), never timed: the
figures do not move with the machine's load."""

from __future__ import annotations

import random
import tracemalloc

WORDS = ("budget waiting list referral service plan staff training local area report council "
         "people support care health community review target access data quality outcome").split()


def _passages(n: int, docs: int, seed: int = 15):
    """``n`` passages of synthetic text spread over ``docs`` documents, with their records."""
    from scrutiny.passages import Passage
    from scrutiny.site.search_index import passage_record

    rng = random.Random(seed)
    for i in range(n):
        doc = {"id": f"d{i % docs:04d}", "label": f"Synthetic report {i % docs}", "pages": 3}
        text = " ".join(rng.choices(WORDS, k=rng.randrange(20, 60))) + f" item{i}"
        p = Passage(f"p{i:06d}", doc["id"], i, "paragraph", 1, 1, text, heading_path=["Report", f"Part {i % 7}"])
        yield passage_record(doc, p, f"doc/{doc['id']}/index.html#p-{p.id}"), p, f"Part {i % 7}"


def _held_after_adding(n: int) -> tuple[int, int]:
    """(bytes the builder holds once ``n`` passages are added, bytes of their text)."""
    from scrutiny.site.search_index import SearchIndexBuilder

    rows = list(_passages(n, docs=64))
    text = sum(len(p.text) + len(rec["x"]) for rec, p, _ in rows)
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        builder = SearchIndexBuilder()
        for rec, p, heading in rows:
            builder.add_passage(rec, p, heading, kinds=["statistic"] if len(p.text) % 3 == 0 else [])
        held = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert builder.passage_records() == n
    builder.close()
    return held, text


def test_adding_passages_does_not_hold_them():
    """Four times more passages added: what the builder holds does not grow with them
    (it grew by nearly three times the text added when it kept every passage's
    record and words until the end)."""
    small, small_text = _held_after_adding(1000)
    large, large_text = _held_after_adding(4000)
    assert large_text > 3 * small_text
    assert large - small < 0.05 * (large_text - small_text), (small, large, large_text - small_text)


def _peak_of_writing(docs: int, n: int = 600) -> tuple[int, int]:
    """(peak bytes traced while the index of ``n`` passages of ``docs`` documents is
    built and each bucket's files are written and dropped, the files' bytes)."""
    from scrutiny.site.search_index import SearchIndexBuilder, meta_files

    builder = SearchIndexBuilder()
    for rec, p, heading in _passages(n, docs):
        builder.add_passage(rec, p, heading)
    tracemalloc.start()
    written = 0
    try:
        stats = {}
        for name, files, stats[name] in builder.each_bucket():
            written += sum(len(t) for t in files.values())   # as the site's writer does: then dropped
            del files
        written += sum(len(t) for t in meta_files(stats, {}).values())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        builder.close()
    return peak, written


def test_buckets_are_indexed_one_at_a_time():
    """The same passages in one document (one bucket) and in many (all sixteen): the
    peak of indexing and writing them follows the largest bucket, not the corpus."""
    one, one_bytes = _peak_of_writing(docs=1)
    spread, spread_bytes = _peak_of_writing(docs=256)
    assert spread_bytes > 0.8 * one_bytes          # the same index, cut in sixteen
    assert spread < 0.25 * one, (spread, one)
