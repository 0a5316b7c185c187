"""A short name the corpus also writes as plain lower-case words ("Lose Out" beside
"lose out") is no stakeholder. Those lower-case uses are kept per document, so
that one document added reads that document and the passages the search index
says hold a new name's words, not the whole corpus; and the counts are those a
reading of every passage gives."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from scrutiny.ingest import ingest
from scrutiny.init import init_project
from scrutiny.project import Project
from scrutiny.store import Store
from scrutiny.tags.write import _common_words, _LowerUses

FILLER = ["harbour", "meadow", "lantern", "orchard", "quarry", "willow", "beacon", "thistle"]


def _doc(n: int) -> str:
    w = FILLER[n % len(FILLER)]
    extra = "Tenants who fall behind lose out twice, the advisers said." if n % 3 == 0 else \
        "The tide tables were printed late again."
    # a name in every paper: its lower-case uses are counted when the paper is tagged
    return (f"# Synthetic paper {n}\n\nAnn Pellow said the {w} programme will fund {n + 3} new advisers in every "
            f"district.\n\n"
            f"{extra}\n\nA fair offer was made to the {w} group in the spring.\n")


def _counts_by_reading_everything(store, grams) -> Counter:
    """The oracle: every passage read, every lower-case use of the words counted."""
    out = Counter()
    for doc_id in store.document_ids():
        for p in store.passages(doc_id):
            words = re.findall(r"[A-Za-z][A-Za-z'-]*|[^\sA-Za-z]", p.text)
            for g in grams:
                parts = g.split()
                for i in range(len(words) - len(parts) + 1):
                    if words[i:i + len(parts)] == parts:
                        out[g] += 1
    return out


def _index_written_later(project) -> None:
    """As if the index had been written two seconds after the documents were stored: an
    index written in the same second (times are kept to the second) cannot vouch for
    them, and they are read whole (see the test of that below)."""
    import os
    import time

    from scrutiny.index import DOCS_FILE

    target = project.index_path.resolve() / DOCS_FILE
    later = time.time() + 2
    os.utime(target, (later, later))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lower")
    init_project(tmp / "p")
    project = Project(tmp / "p")
    incoming = tmp / "in"
    incoming.mkdir()
    files = []
    for i in range(9):
        f = incoming / f"paper-{i}.md"
        f.write_text(_doc(i), encoding="utf-8")
        files.append(f)
    assert ingest(project, files).ok
    _index_written_later(project)
    return project, tmp


GRAMS = {"lose out", "fair offer", "tide tables", "advisers", "kestrel watch"}


def test_counts_equal_a_reading_of_every_passage_with_and_without_the_index(built):
    project, _tmp = built
    with Store(project.store_path) as store:
        oracle = _counts_by_reading_everything(store, GRAMS)
        assert oracle["lose out"] == 3 and oracle["fair offer"] == 9 and oracle["kestrel watch"] == 0
        with store.transaction():
            # the grams were never counted: through the index (documents ingested before it was written)
            uses = _LowerUses(store, project.index_location)
            assert dict(uses.counts(GRAMS)) == {g: n for g, n in oracle.items() if n}
            assert uses.read["documents"] == 0, "the index narrows the search: no document read whole"
            assert 0 < uses.read["passages"] <= 9 * 3
            # asked again: nothing to read
            again = _LowerUses(store, project.index_location)
            assert dict(again.counts(GRAMS)) == {g: n for g, n in oracle.items() if n}
            assert sum(again.read.values()) == 0
        # the same counts with no index to ask (a shared store, or a first build): every document read
        with store.transaction():
            for t in ("nlp_lower_grams", "nlp_lower_docs", "nlp_lower_checked"):
                store.db.execute(f"DELETE FROM {t}")
            blind = _LowerUses(store, None)
            assert dict(blind.counts(GRAMS)) == {g: n for g, n in oracle.items() if n}
            assert blind.read["documents"] == 9


def test_one_document_added_reads_that_document_and_the_passages_of_new_words(built, tmp_path):
    project, tmp = built
    new = tmp_path / "kestrel.md"
    new.write_text("# Kestrel notes\n\nThe kestrel watch volunteers lose out when the fair offer is late.\n\n"
                   "The Kestrel Watch reported twice.\n", encoding="utf-8")
    assert ingest(project, [new]).ok
    _index_written_later(project)
    with Store(project.store_path) as store, store.transaction():
        oracle = _counts_by_reading_everything(store, GRAMS | {"tenants"})
        uses = _LowerUses(store, project.index_location)
        got = uses.counts(GRAMS | {"tenants"})
        assert dict(got) == {g: n for g, n in oracle.items() if n}
        # the new document was counted when it was tagged; "tenants" is new: only the
        # passages holding the word are read (three documents write it), no document whole
        assert uses.read["documents"] == 0
        assert uses.read["passages"] == 3


def test_a_changed_or_removed_document_is_counted_again(built):
    project, _tmp = built
    src = project.sources_dir / "paper-1.md"
    with src.open("a", encoding="utf-8") as fh:
        fh.write("\nThose on short contracts lose out as well.\n")
    assert ingest(project).ok
    manifest = project.manifest_path.read_text(encoding="utf-8")
    start = manifest.index("[documents.paper-0]")
    end = manifest.find("\n[", start + 1)
    project.manifest_path.write_text(manifest[:start] + (manifest[end + 1:] if end != -1 else ""), encoding="utf-8")
    (project.sources_dir / "paper-0.md").unlink()
    assert ingest(project).ok
    with Store(project.store_path) as store, store.transaction():
        oracle = _counts_by_reading_everything(store, GRAMS)
        # an index written in the second a document was stored may not hold it as it is:
        # a new word ("short contracts") is looked for by reading that document whole
        import os
        from datetime import datetime

        from scrutiny.index import DOCS_FILE

        stored = datetime.fromisoformat(store.document("paper-1")["ingested_at"]).timestamp()
        os.utime(project.index_path.resolve() / DOCS_FILE, (stored + 0.5, stored + 0.5))
        uses = _LowerUses(store, project.index_location)
        plain = _counts_by_reading_everything(store, {"short contracts"})["short contracts"]
        assert plain == 1 and dict(uses.counts({"short contracts"})) == {"short contracts": 1}
        assert uses.read["documents"] >= 1
        got = _LowerUses(store, project.index_location).counts(GRAMS)
        assert dict(got) == {g: n for g, n in oracle.items() if n}


def test_a_name_the_corpus_writes_in_lower_case_as_often_is_common(built):
    project, _tmp = built
    names = [{"text": "Lose Out", "source": "model"}, {"text": "Fair Offer", "source": "rule"},
             {"text": "Kestrel Watch", "source": "model"}, {"text": "Tide Tables", "source": "model"}]
    names += [{"text": "Tide Tables", "source": "model"}] * 20      # named far more often than written plain
    with Store(project.store_path) as store, store.transaction():
        common = _common_words(store, names, project.index_location)
    assert "lose out" in common and "fair offer" in common
    assert "kestrel watch" not in common and "tide tables" not in common


def _definition(text: str, grams: set[str], lengths: set[int]) -> Counter:
    """What a lower-case use is, by tokens: consecutive words of the tokeniser's tokens,
    each beginning with a lower-case letter, joined by one space."""
    toks = re.findall(r"[A-Za-z][A-Za-z'-]*|[^\sA-Za-z]", text)
    out = Counter()
    for n in lengths:
        for i in range(len(toks) - n + 1):
            gram = toks[i:i + n]
            if all(t[:1].islower() and t[:1].isalpha() for t in gram) and " ".join(gram) in grams:
                out[" ".join(gram)] += 1
    return out


def test_lower_grams_by_pattern_count_what_the_tokens_count():
    """The uses counted by a pattern per name (no tokenising) are those the tokens give, on
    texts made of what could fool a pattern: hyphens and apostrophes before, inside and
    after the words, capitals, digits, repeated words that overlap, line breaks and other
    white space, letters outside ASCII."""
    import random

    from scrutiny.tags.write import _lower_grams

    pieces = ["peer", "support", "Peer", "Support", "peers", "supports", "lose", "out", "lose out", "peer support",
              "-", "'", "--", "'-", "x-", "-x", "5", "(", ")", ".", ",", "é", "café", "\u00a0", "\n", "  ", " ", "\t",
              "support's", "peer-support", "out-", "'out", "\u200b", "ß", "über"]
    grams = {"peer support", "support", "lose out", "peer", "out out", "peer peer", "über", "café support", "ss"}
    rng = random.Random(15)
    total = Counter()
    for _ in range(4000):
        text = "".join(rng.choice(pieces) + rng.choice(["", " ", " ", "\n"]) for _ in range(rng.randint(1, 30)))
        for chosen, lengths in ((grams, {1, 2}), ({"peer support", "lose out"}, {2}), ({"peer support", "out"}, {2})):
            got = Counter()
            _lower_grams(text, set(chosen), lengths, got)
            want = _definition(text, set(chosen), lengths)
            assert got == want, text
            total.update(want)
    # the texts did hold uses of every kind of gram, overlapping ones included
    assert total["peer support"] > 100 and total["peer peer"] > 10 and total["out out"] > 10


def test_words_in_many_passages_are_counted_by_one_scan_of_the_store(built, monkeypatch):
    """A new word the index finds in more passages than is worth reading their stored
    fields for (here: any at all) is counted from one scan of the store: the same counts,
    no document read whole, only the passages that write its words read."""
    import scrutiny.tags.write as write

    project, _tmp = built
    monkeypatch.setattr(write, "MANY_PASSAGES", 0)
    grams = {"lose out", "fair offer", "kestrel watch", "the"}   # "the": no word the index keeps
    with Store(project.store_path) as store, store.transaction():
        oracle = _counts_by_reading_everything(store, grams)
        assert oracle["the"] > 9 and oracle["fair offer"] >= 9
        for t in ("nlp_lower_grams", "nlp_lower_checked"):
            store.db.execute(f"DELETE FROM {t} WHERE gram IN ({', '.join('?' * len(grams))})", sorted(grams))
        _index_written_later(project)
        uses = _LowerUses(store, project.index_location)
        assert dict(uses.counts(grams)) == {g: n for g, n in oracle.items() if n}
        assert uses.read["documents"] == 0
        holding = sum(1 for g in grams for _ in store.texts_holding(g.split()))
        assert 0 < uses.read["passages"] <= holding
