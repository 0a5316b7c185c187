"""scrutiny.search_eval (a query evaluated a posting list at a time) gives Whoosh's own
exhaustive ranking: the same passages, the same scores, the same order, on a
synthetic index of several segments with deleted passages; a phrase query past
EXACT_TOTAL candidates keeps its top hits and says its total is a lower bound."""

import json
import random

import pytest

import scrutiny.search_eval as search_eval
from scrutiny.index import build_index, open_index
from scrutiny.passages import Passage
from scrutiny.query import parse, to_whoosh
from scrutiny.search import SearchFilters, _filter_query, search, weighting
from scrutiny.tags.queries import PassageTags

from conftest import run_cli

WORDS = ("pension", "letters", "notices", "ferry", "fares", "timetable", "budget", "council", "housing",
         "advice", "waiting", "times", "support", "workers", "crisis", "care", "plan", "review", "therapy",
         "therapies", "therapist")
N = 900


def _passages(start=0, n=N, seed=15):
    """Our own synthetic passages: words drawn at random (fixed seed), the phrase
    "crisis care" put in every seventh, lengths from 3 to 50 words, kinds ranked
    differently (a figure counts less), headings that share the words."""
    rng = random.Random(seed)
    out = []
    for i in range(start, start + n):
        doc = ("alpha", "beta", "gamma")[i % 3]
        words = [rng.choice(WORDS) for _ in range(rng.randint(3, 50))]
        if i % 7 == 0:
            k = rng.randrange(len(words))
            words[k:k] = ["crisis", "care"]
        kind = "list_item" if i % 5 == 0 else ("figure" if i % 11 == 0 else "paragraph")
        heading = rng.choice(["Pension review", "Ferry timetable", "Housing advice", "Crisis care plan"])
        out.append(Passage(id=f"{doc}-{i:04d}", doc_id=doc, ord=i, kind=kind, page=1 + i // 30,
                           page_end=1 + i // 30, heading_path=["Title", heading], text=" ".join(words) + "."))
    return out


def _facets(passages):
    return {p.id: PassageTags(tags=["statistic"] if p.ord % 4 == 0 else [],
                              stakeholders=["org-1"] if p.ord % 6 == 0 else []) for p in passages}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """Three segments (a first index, passages added twice) and deleted passages."""

    link = tmp_path_factory.mktemp("eval") / "data" / "index"
    first = _passages()
    build_index(link, {"alpha": "Alpha", "beta": "Beta", "gamma": "Gamma"}, first, _facets(first))
    return link


QUERIES = [
    ("pension", SearchFilters()),
    ("budget council", SearchFilters()),
    ("budget council housing advice", SearchFilters()),
    ('"crisis care"', SearchFilters()),
    ('"crisis care" housing', SearchFilters()),
    ('heading:"crisis care" plan', SearchFilters()),
    ("ferry OR fares", SearchFilters()),
    ("(ferry OR fares) (pension OR notices)", SearchFilters()),
    ("support -workers", SearchFilters()),
    ('support -"crisis care"', SearchFilters()),
    ("heading:pension letters", SearchFilters()),
    ("therap*", SearchFilters()),
    ("tim* care", SearchFilters()),
    ("advice", SearchFilters(kind=("paragraph",))),
    ("waiting", SearchFilters(tag=("statistic",), doc=("alpha", "beta"))),
    ("plan", SearchFilters(stakeholder=("org-1",))),
    ("review", SearchFilters(page_min=5, page_max=20)),
    ('"crisis care"', SearchFilters(doc=("gamma",))),
    ("nowhere", SearchFilters()),
]


def _whoosh_ranking(link, query, filters):
    """Whoosh's own search, every match scored (its unlimited collector): (score, docnum), best first."""
    from whoosh import query as Q

    q = to_whoosh(parse(query))
    fq = _filter_query(filters)
    with open_index(link).searcher(weighting=weighting()) as s:
        r = s.search(Q.Require(q, fq) if fq is not None else q, limit=None)
        return [(hit.score, hit.docnum) for hit in r]


def _ours(link, query, filters, limit):
    q = to_whoosh(parse(query))
    with open_index(link).searcher(weighting=weighting()) as s:
        items, total, exact, _ = search_eval.top(s, q, _filter_query(filters), limit)
    return items, total, exact


@pytest.mark.parametrize("query,filters", QUERIES)
def test_top_hits_are_whooshs_exhaustive_ranking(index, query, filters):
    truth = _whoosh_ranking(index, query, filters)
    for limit in (1, 10, 50):
        for bound in (0, 30, 10**9):   # phrases: checked lazily past `bound` candidates
            items, total, exact = _ours_bound(index, query, filters, limit, bound)
            assert items == truth[:limit], (query, limit, bound)   # the same floats, the same order
            if exact:
                assert total == len(truth)
            else:
                assert '"' in query and min(bound, len(truth)) <= total < len(truth)


def _ours_bound(link, query, filters, limit, bound):
    q = to_whoosh(parse(query))
    with open_index(link).searcher(weighting=weighting()) as s:
        items, total, exact, _ = search_eval.top(s, q, _filter_query(filters), limit, exact_up_to=bound)
    return items, total, exact


def test_totals_without_a_phrase_are_exact_and_with_one_a_lower_bound_past_the_limit(index, monkeypatch):
    truth = len(_whoosh_ranking(index, "pension", SearchFilters()))
    res = search(index, "pension")
    assert res["total_exact"] is True and res["total"] == truth
    phrase_truth = len(_whoosh_ranking(index, '"crisis care"', SearchFilters()))
    assert phrase_truth > 60
    monkeypatch.setattr(search_eval, "EXACT_TOTAL", 20)
    res = search(index, '"crisis care"')
    assert res["total_exact"] is False and 20 <= res["total"] < phrase_truth
    monkeypatch.setattr(search_eval, "EXACT_TOTAL", 10**9)
    res = search(index, '"crisis care"')
    assert res["total_exact"] is True and res["total"] == phrase_truth


def test_segments_and_deleted_passages(tmp_path):
    """Passages added in later segments and passages deleted: Whoosh's ranking still."""
    from whoosh import index as windex

    link = tmp_path / "data" / "index"
    first = _passages(0, 300)
    build_index(link, {"alpha": "Alpha", "beta": "Beta", "gamma": "Gamma"}, first, _facets(first))
    ix = windex.open_dir(str(link.resolve()))
    for start, seed in ((300, 16), (450, 17)):
        w = ix.writer()
        for p in _passages(start, 150, seed):
            w.add_document(passage_id=p.id, doc_id=p.doc_id, doc_label=p.doc_id, paged=True, ord=p.ord, kind=p.kind,
                           rank=35 if p.kind == "figure" else 100, page=p.page, page_end=p.page,
                           page_label=str(p.page), page_end_label=str(p.page), printed=p.page,
                           heading=p.heading_path[-1], text=p.text, tags="", stakeholders="")
        w.commit(merge=False)
    w = ix.writer()
    for i in range(0, 600, 9):
        w.delete_by_term("passage_id", f"{('alpha', 'beta', 'gamma')[i % 3]}-{i:04d}")
    w.commit(merge=False)
    assert len(ix.reader().leaf_readers()) >= 3 and ix.reader().has_deletions()
    for query, filters in QUERIES:
        truth = _whoosh_ranking(link, query, filters)
        items, total, exact = _ours(link, query, filters, 10)
        assert items == truth[:10], query
        assert (total == len(truth)) if exact else (total < len(truth))


def test_cli_and_json_say_at_least(tmp_path, monkeypatch):
    from scrutiny.init import init_project
    from scrutiny.project import Project

    root = tmp_path / "proj"
    init_project(root, name="Eval")
    project = Project(root)
    project.ensure_data_dir()
    passages = _passages()
    build_index(project.index_path, {"alpha": "Alpha", "beta": "Beta", "gamma": "Gamma"}, passages, {})
    monkeypatch.setattr(search_eval, "EXACT_TOTAL", 20)
    out = run_cli("search", '"crisis care"', root=root).output
    first = out.splitlines()[0]
    assert first.startswith("At least ") and first.endswith("passages match '\"crisis care\"'; showing 10")
    data = json.loads(run_cli("search", '"crisis care"', "--json", root=root).output)
    assert data["total_exact"] is False and data["total"] >= 20
    data = json.loads(run_cli("search", "pension", "--json", root=root).output)
    assert data["total_exact"] is True
    first = run_cli("search", "pension", root=root).output.splitlines()[0]
    assert first == f"{data['total']} passages match 'pension'; showing 10"


class _Leaf:
    """What _ids_and_weights reads of a W3 posting block."""

    def __init__(self, data, compression=3):
        import pickle
        import zlib

        raw = pickle.dumps(data, 2)
        self.raw = zlib.compress(raw, compression) if compression else raw

        class File:
            def get(_, pos, length):
                return self.raw[pos:pos + length]

        self._postfile, self._dataoffset, self._nextoffset = File(), 0, len(self.raw)
        self._compression, self._blocklength = compression, len(data[0])


def test_a_blocks_ids_and_weights_without_its_positions():
    """Every shape of weights Whoosh writes (a tuple, None, one float), values of
    positions, and ids whose bytes hold what the cut looks for: the cut pickle gives
    what the whole one gives, or the whole one is read."""
    import pickle

    positions = tuple(pickle.dumps([i, 3], 2)[2:] for i in range(40))
    ids = tuple(range(1, 41))
    weights = tuple(float(1 + i % 3) for i in range(40))
    tricky = (0x01717400,) + ids[1:]          # a 4-byte id holding b"tq\x01" and b"tq\x00"
    tricky0 = (0x00717400,) + ids[1:]
    for data in ((ids, weights, positions), (ids, None, positions), (ids, 2.0, positions), (ids, weights, None),
                 (tricky, weights, positions), (tricky, None, positions), (tricky0, 2.0, positions),
                 (ids[:2], weights[:2], positions[:2]), (ids, weights, b"packed" * 40)):
        for compression in (0, 3):
            got = search_eval._ids_and_weights(_Leaf(data, compression))
            assert tuple(got[:2]) == data[:2], data[:2]


def test_a_wrong_cut_reads_the_whole_block(monkeypatch):
    """A cut that does not give the block's ids and weights is not used."""
    import pickle

    ids = (0x01717400, 5, 6)
    data = (ids + tuple(range(7, 50)), tuple(1.0 + (i % 2) for i in range(46)), None)
    leaf = _Leaf(data, 0)
    assert leaf.raw.find(b"tq\x01") < 12   # the first match is inside the first id (J 00 74 71 01)
    calls = []
    real = search_eval.loads
    monkeypatch.setattr(search_eval, "loads", lambda b: calls.append(len(b)) or real(b))
    assert search_eval._ids_and_weights(leaf)[:2] == data[:2]
    assert len(calls) == 2 and calls[0] < len(leaf.raw) == calls[1]   # the cut refused, then the whole
    assert pickle.loads(leaf.raw)[:2] == data[:2]


def _check_postings(link):
    with open_index(link).searcher(weighting=weighting()) as s:
        for sub, _ in s.leaf_searchers():
            reader = sub.reader()
            for field in ("text", "heading", "tags", "kind", "doc_id"):
                for btext in reader.lexicon(field):
                    m = reader.postings(field, btext)
                    want = []
                    while m.is_active():
                        want.append((m.id(), m.weight(), m.value()))
                        m.next()
                    seg = search_eval._Segment(sub)
                    ids, weights, none = seg.postings(field, btext)
                    assert none is None
                    assert list(zip(ids, weights)) == [w[:2] for w in want], (field, btext)
                    # values of postings read first without them (their blocks read again)
                    # and of postings read for a phrase (their blocks' bytes kept)
                    for seg in (seg, search_eval._Segment(sub)):
                        ids2, weights2, vals = seg.postings(field, btext, values=True)
                        got = [(d, w, vals[i]) for i, (d, w) in enumerate(zip(ids2, weights2))]
                        assert got == want, (field, btext)
                        assert [vals[i] for i in reversed(range(len(ids2)))] == [w[2] for w in reversed(want)]


def test_postings_are_whooshs(index):
    """Every term's postings in every field as Whoosh's own matcher reads them, the
    positions read only when asked for."""
    _check_postings(index)


def test_postings_with_deleted_passages_are_whooshs(tmp_path):
    from whoosh import index as windex

    link = tmp_path / "data" / "index"
    first = _passages(0, 400)
    build_index(link, {"alpha": "Alpha", "beta": "Beta", "gamma": "Gamma"}, first, _facets(first))
    ix = windex.open_dir(str(link.resolve()))
    w = ix.writer()
    for i in list(range(0, 300)) + list(range(301, 400, 7)):   # whole blocks and single passages
        w.delete_by_term("passage_id", f"{('alpha', 'beta', 'gamma')[i % 3]}-{i:04d}")
    w.commit(merge=False)
    assert ix.reader().has_deletions()
    _check_postings(link)
