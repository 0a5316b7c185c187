"""The best-first files beside the index's segments (scrutiny.best_postings) and the
top-k search that stops early with them (search_eval._best_first): the same hits,
scores and order as Whoosh's own exhaustive search for every shape of query, fewer
postings read than the query's terms hold, and the files kept right when one
document is added, changed or removed."""

import random

import pytest
from test_search_eval import _whoosh_ranking   # Whoosh's own search, every match scored

import scrutiny.best_postings as best_postings
import scrutiny.search_eval as search_eval
from scrutiny.index import DocumentSource, build_index, open_index, update_index
from scrutiny.passages import Passage
from scrutiny.query import parse, to_whoosh
from scrutiny.search import SearchFilters, _filter_query, search, weighting
from scrutiny.tags.queries import PassageTags

WORDS = ("pension", "letters", "notices", "ferry", "fares", "timetable", "budget", "council", "housing",
         "advice", "waiting", "times", "support", "workers", "crisis", "care", "plan", "review", "therapy",
         "therapies", "therapist")
HEADINGS = ("Pension review", "Ferry timetable", "Housing advice", "Crisis care plan", "Waiting times")
KINDS = ("paragraph", "paragraph", "paragraph", "list_item", "figure", "heading")


def _doc_passages(doc: str, n: int, seed: int) -> list:
    """Our own synthetic passages of one document: words drawn at random (fixed seed),
    "crisis care" in about one in six, lengths of 2 to 60 words (some words said
    several times), kinds ranked differently."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        words = [rng.choice(WORDS[:rng.randint(4, len(WORDS))]) for _ in range(rng.randint(2, 60))]
        if rng.random() < 0.17:
            k = rng.randrange(len(words))
            words[k:k] = ["crisis", "care"]
        page = 1 + i // 8
        out.append(Passage(id=f"{doc}-{i:03d}", doc_id=doc, ord=i, kind=rng.choice(KINDS), page=page,
                           page_end=page, heading_path=["Title", rng.choice(HEADINGS)],
                           text=" ".join(words) + "."))
    return out


def _facets(passages) -> dict:
    return {p.id: PassageTags(tags=["statistic"] if p.ord % 4 == 0 else [],
                              stakeholders=["org-1"] if p.ord % 6 == 0 else []) for p in passages}


def _source(doc: str, n: int, seed: int, fingerprint: str = "1") -> DocumentSource:
    ps = _doc_passages(doc, n, seed)
    return DocumentSource(doc_id=doc, label=doc.title(), paged=True, page_labels=None, fingerprint=fingerprint,
                          passages=lambda: ps, facets=lambda: _facets(ps))


QUERIES = [
    ("pension", SearchFilters()),
    ("care", SearchFilters()),
    ("budget council", SearchFilters()),
    ("waiting times support", SearchFilters()),
    ('"crisis care"', SearchFilters()),
    ('"crisis care" housing', SearchFilters()),
    ('"waiting times" OR ferry', SearchFilters()),
    ('heading:"crisis care" plan', SearchFilters()),
    ("ferry OR fares", SearchFilters()),
    ("(ferry OR fares) (pension OR notices)", SearchFilters()),
    ("support -workers", SearchFilters()),
    ("support NOT (workers OR care)", SearchFilters()),
    ('support -"crisis care"', SearchFilters()),
    ("heading:pension letters", SearchFilters()),
    ("heading:(ferry OR housing) advice", SearchFilters()),
    ("therap*", SearchFilters()),
    ("tim* care", SearchFilters()),
    ("advice", SearchFilters(kind=("paragraph",))),
    ("waiting", SearchFilters(tag=("statistic",), doc=("d01", "d02"))),
    ("plan", SearchFilters(stakeholder=("org-1",))),
    ("review", SearchFilters(page_min=2, page_max=5)),
    ('"crisis care"', SearchFilters(doc=("d03",))),
    ("nowhere", SearchFilters()),
]


def _ours(link, query, filters, limit, bound=None):
    q = to_whoosh(parse(query))
    stats: dict = {}
    with open_index(link).searcher(weighting=weighting()) as s:
        items, total, exact, _ = search_eval.top(s, q, _filter_query(filters), limit, exact_up_to=bound, stats=stats)
    return items, total, exact, stats


def _check_all(link, limits=(1, 10, 50), bounds=(None,)):
    for query, filters in QUERIES:
        truth = _whoosh_ranking(link, query, filters)
        for limit in limits:
            for bound in bounds:
                items, total, exact, _ = _ours(link, query, filters, limit, bound)
                assert items == truth[:limit], (query, filters, limit, bound)   # the same floats and order
                if '"' not in query:
                    assert exact and total == len(truth), (query, filters)
                elif exact:
                    assert total == len(truth), query
                else:
                    assert min(bound or 0, len(truth)) <= total < len(truth), query


@pytest.fixture(scope="module")
def small_blocks():
    """Best-first blocks of 8 postings (the search reads the size from each file)."""
    mp = pytest.MonkeyPatch()
    mp.setattr(best_postings, "BLOCK", 8)
    yield
    mp.undo()


@pytest.fixture(scope="module")
def index(tmp_path_factory, small_blocks):
    link = tmp_path_factory.mktemp("best") / "data" / "index"
    passages = [p for i in range(8) for p in _doc_passages(f"d{i:02d}", 90, 100 + i)]
    build_index(link, {f"d{i:02d}": f"D{i}" for i in range(8)}, passages, _facets(passages))
    return link


@pytest.fixture
def always_best_first(monkeypatch):
    monkeypatch.setattr(search_eval, "BEST_FIRST_FROM", 0)


def test_every_segment_has_its_file(index):
    from whoosh import index as windex

    segments = windex.open_dir(str(index.resolve()))._segments()
    names = sorted(p.name for p in index.resolve().glob("*.best"))
    assert names == sorted(f"{s.segment_id()}.best" for s in segments)


def test_the_files_hold_whooshs_postings_and_bound_every_block(index):
    """Every term of every field a search reads: the ids and weights of Whoosh's
    posting list; the best-first order holds the same postings, and each block's
    skyline beats or equals every posting of the block on weight, length and rank."""
    with open_index(index).searcher() as s:
        for sub, _ in s.leaf_searchers():
            reader = sub.reader()
            best = search_eval._best_file(reader)
            assert best is not None and best.block == 8
            rank = reader.column_reader("rank")
            for field in best_postings.FIELDS:
                for btext in reader.lexicon(field):
                    m = reader.postings(field, btext)
                    want, values = [], []
                    while m.is_active():
                        want.append((m.id(), m.weight()))
                        values.append(m.value())
                        m.next()
                    t = best.term(field, btext)
                    assert list(zip(t.ids.tolist(), t.weights())) == want, (field, btext)
                    if field in best_postings.POSITIONS:    # the positions Whoosh's format decodes
                        decode = reader.schema[field].format.decoder("positions")
                        assert [list(t.positions_at(i)) for i in range(len(want))] == [
                            list(decode(v)) for v in values], (field, btext)
                    else:
                        assert t.positions is None
                    if field not in best_postings.SCORED:
                        assert t.best_ids is None
                        continue
                    weight = dict(want)
                    assert sorted(t.best_ids.tolist()) == [d for d, _ in want]
                    for b, sky in enumerate(t.skylines()):
                        for d in t.best_ids[b * 8:(b + 1) * 8]:
                            point = (weight[d], reader.doc_field_length(d, field, 0), rank[d] or 100)
                            assert any(w >= point[0] and ln <= point[1] and r >= point[2] for w, ln, r in sky)
                    assert t.best_codes.tolist() == [t.codes[t.ids.tolist().index(d)] for d in t.best_ids]
            assert best.term("text", b"nowher") is None
            # each passage's key: its length byte and the place of its rank, as Whoosh's columns hold them
            from whoosh.util.numeric import byte_to_length

            for field in best_postings.SCORED:
                keys, order = best.columns(field)
                n = len(order)
                assert len(keys) == reader.doc_count_all()
                for d, key in enumerate(keys):
                    code, place = divmod(key, n)
                    assert order[place] == rank[d]
                    assert (byte_to_length(code) if code else 0) == reader.doc_field_length(d, field, 0)


def test_top_hits_are_whooshs_exhaustive_ranking(index, always_best_first):
    """Every query shape, best first from the first match: the same (score, passage)
    list as Whoosh's exhaustive search; phrases past 0 or 30 candidates counted
    as at least N."""
    _check_all(index, bounds=(None, 0, 30, 10**9))


def test_fewer_postings_read_than_the_terms_hold(index, always_best_first):
    """A top 10 of common words stops before their last blocks: a count of the
    postings read from the best-first blocks."""
    for query in ("pension", "care", "budget council", "ferry OR fares", "therap*"):
        items, total, exact, stats = _ours(index, query, SearchFilters(), 10)
        assert exact and total > 100, query
        assert 0 < stats["read"] < stats["postings"] / 3, (query, stats)


def test_a_search_reads_the_files_through_the_cli_path(index, always_best_first, monkeypatch):
    """scrutiny.search.search goes through the best-first blocks and gives Whoosh's hits."""
    calls = []
    real = search_eval._best_first
    monkeypatch.setattr(search_eval, "_best_first", lambda *a, **k: calls.append(1) or real(*a, **k))
    res = search(index, "budget council", limit=5)
    truth = _whoosh_ranking(index, "budget council", SearchFilters())
    assert calls and res["total"] == len(truth) and res["total_exact"] is True
    assert [h["score"] for h in res["hits"]] == [round(s, 4) for s, _ in truth[:5]]


def test_a_segment_without_its_file_is_searched_from_whoosh(tmp_path, always_best_first):
    passages = [p for i in range(3) for p in _doc_passages(f"d{i:02d}", 60, 7 + i)]
    link = tmp_path / "data" / "index"
    build_index(link, {f"d{i:02d}": f"D{i}" for i in range(3)}, passages, _facets(passages))
    for path in link.resolve().glob("*.best"):
        path.unlink()
    _check_all(link, limits=(10,))
    with open_index(link).searcher() as s:
        assert all(search_eval._best_file(sub.reader()) is None for sub, _ in s.leaf_searchers())


def _files(link) -> dict:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in link.resolve().glob("*.best")}


def test_one_document_added_changed_or_removed(tmp_path, small_blocks, always_best_first):
    """update_index writes the best-first file of the new segment only (the others
    are the same files), removes those of segments merged away, and the search
    still gives Whoosh's ranking; an index missing a file gets it on the next update."""
    from whoosh import index as windex

    link = tmp_path / "data" / "index"
    docs = {f"d{i:02d}": _source(f"d{i:02d}", 40, 300 + i) for i in range(12)}
    first = update_index(link, docs, content_version=1, rebuild=True)
    assert first.mode == "rebuilt" and first.best_files >= 1
    _check_all(link, limits=(10,), bounds=(None, 0))

    def step(change, version):
        before = _files(link)
        change()
        summary = update_index(link, docs, content_version=version)
        assert summary.mode == "updated"
        after = _files(link)
        segments = {f"{s.segment_id()}.best" for s in windex.open_dir(str(link.resolve()))._segments()}
        assert set(after) == segments                       # one file per segment, none left over
        new = {name for name in after if after[name] != before.get(name)}
        assert len(new) == summary.best_files                # what was written, counted
        assert new == segments - set(before)                 # only the new segments' files
        _check_all(link, limits=(10,), bounds=(None, 0))
        return summary

    added = step(lambda: docs.update(d12=_source("d12", 40, 412)), 2)
    assert added.best_files == 1
    changed = step(lambda: docs.update(d03=_source("d03", 35, 999, fingerprint="2")), 3)
    assert changed.best_files == 1 and changed.documents_deleted == 1
    removed = step(lambda: docs.pop("d05"), 4)
    assert removed.documents_deleted == 1

    victim = sorted(link.resolve().glob("*.best"))[0]
    victim.unlink()
    current = update_index(link, docs, content_version=5)
    assert current.mode == "current" and current.best_files == 1 and victim.exists()


def test_an_index_of_no_passage_has_no_file_and_finds_nothing(tmp_path):
    """A project whose documents gave no passage: the index is empty (Whoosh's empty
    reader has no segment), no best-first file is written, a search finds nothing."""
    link = tmp_path / "data" / "index"
    build_index(link, {}, [])
    assert best_postings.ensure(link.resolve()) == 0
    assert list(link.resolve().glob("*.best")) == []
    assert search(link, "pension")["total"] == 0


def test_common_terms_keep_their_bitmap(index):
    """A term in at least one passage in BITS_SHARE keeps its passages as a bitmap
    (deleted ones included, as its ids), a rarer one none."""
    with open_index(index).searcher() as s:
        for sub, _ in s.leaf_searchers():
            reader = sub.reader()
            best = search_eval._best_file(reader)
            n = reader.doc_count_all()
            kept = 0
            for field in best_postings.FIELDS:
                for btext in reader.lexicon(field):
                    t = best.term(field, btext)
                    if len(t.ids) * best_postings.BITS_SHARE >= n:
                        bits = t.bits()
                        assert [d for d in range(n) if bits >> d & 1] == t.ids.tolist(), (field, btext)
                        kept += 1
                    else:
                        assert t.bits() is None, (field, btext)
            assert kept > 10


def test_matches_are_counted_without_a_set_of_every_passage(index, monkeypatch):
    """The matches of common words (and a --page or --tag filter) are counted from the
    terms' bitmaps, not as sets of passages (_Segment.match) nor by stepping through
    Whoosh's matchers; the total and the hits are still Whoosh's."""
    def refuse(*a, **k):
        raise AssertionError("matches found as sets of passages, or by a Whoosh matcher")

    monkeypatch.setattr(search_eval._Segment, "match", refuse)
    monkeypatch.setattr(search_eval._Segment, "_whoosh_scores", refuse)
    for query, filters in [("budget council", SearchFilters()), ("ferry OR fares", SearchFilters()),
                           ("support -workers", SearchFilters()), ("review", SearchFilters(page_min=2, page_max=5)),
                           ("waiting", SearchFilters(tag=("statistic",)))]:
        truth = _whoosh_ranking(index, query, filters)
        for limit in (1, 10):
            items, total, exact, _ = _ours(index, query, filters, limit)
            assert items == truth[:limit] and exact and total == len(truth), (query, filters, limit)


def test_files_of_the_format_before_the_bitmaps_are_read_then_written_again(tmp_path, monkeypatch):
    """An index whose best-first files are of the format before the bitmaps (3) is
    searched with them (Whoosh's ranking, sets of passages), and its next
    ensure() writes them again in the current format."""
    passages = [p for i in range(3) for p in _doc_passages(f"d{i:02d}", 60, 17 + i)]
    link = tmp_path / "data" / "index"
    with monkeypatch.context() as old:
        old.setattr(best_postings, "MAGIC", best_postings.OLD_MAGIC)
        old.setattr(best_postings, "_TERM", best_postings._OLD_TERM)
        build_index(link, {f"d{i:02d}": f"D{i}" for i in range(3)}, passages, _facets(passages))
    files = sorted(link.resolve().glob("*.best"))
    assert files and all(p.read_bytes()[:8] == best_postings.OLD_MAGIC for p in files)
    monkeypatch.setattr(search_eval, "BEST_FIRST_FROM", 0)
    _check_all(link, limits=(10,), bounds=(None, 0))
    with open_index(link).searcher() as s:
        for sub, _ in s.leaf_searchers():
            best = search_eval._best_file(sub.reader())
            assert best is not None and not best.current
    assert best_postings.ensure(link.resolve()) == len(files)
    assert all(p.read_bytes()[:8] == best_postings.MAGIC for p in sorted(link.resolve().glob("*.best")))
    _check_all(link, limits=(10,), bounds=(None, 0))


def test_top_hits_with_postings_found_by_counting_bits(index, always_best_first, monkeypatch):
    """A posting's place found by counting the bits before it in its term's bitmap
    (search_eval._Segment._rank, used for many passages at a time) gives the same
    hits as the bisection of the term's ids."""
    monkeypatch.setattr(search_eval, "RANK_FROM", 0)
    calls = []
    real = search_eval._Segment._rank
    monkeypatch.setattr(search_eval._Segment, "_rank", lambda *a: calls.append(1) or real(*a))
    _check_all(index, bounds=(None, 0, 30))
    assert calls
