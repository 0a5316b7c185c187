"""The labelled data: size, our own words, references that still hold, and quality floors."""

from __future__ import annotations

import re

import pytest

from scrutiny.nlp.labels import DATA, claim_examples, names_ties_examples, read_tsv_claims

KINDS = {"statistic", "commitment", "recommendation", "assessment"}


def test_at_least_600_sentences_of_our_own_writing():
    own = read_tsv_claims(DATA / "claims_train.tsv", "train") + read_tsv_claims(DATA / "claims_heldout.tsv", "heldout")
    assert len(own) >= 600
    assert all(e.kinds <= KINDS for e in own)
    held = [e for e in own if e.split == "heldout"]
    assert len(held) >= 100
    for kind in KINDS:  # every kind is represented in the held-out set
        assert sum(kind in e.kinds for e in held) >= 20
    # The held-out sentences never appear in the training set.
    train_texts = {e.text.casefold() for e in own if e.split == "train"}
    assert not any(e.text.casefold() in train_texts for e in held)


def test_no_sentence_of_the_reference_article_is_copied(reference_article):
    text = re.sub(r"\s+", " ", reference_article.read_text(encoding="utf-8")).casefold()
    words = re.findall(r"[\w']+", text)
    shingles = {" ".join(words[i:i + 9]) for i in range(len(words) - 8)}
    for path in DATA.iterdir():
        data = re.findall(r"[\w']+", path.read_text(encoding="utf-8").casefold())
        for i in range(len(data) - 8):
            assert " ".join(data[i:i + 9]) not in shingles, f"{path.name} copies the reference article"


def test_reference_rows_resolve_by_offsets(reference_article):
    ref = [e for e in claim_examples() if e.origin == "reference"]
    assert len(ref) >= 250  # every row's hash still matches the article
    assert {e.split for e in ref} == {"train", "heldout"}


def test_names_and_ties_labels_are_well_formed():
    from scrutiny.schema import vocabulary

    vocab = vocabulary()
    rows = names_ties_examples()
    assert len(rows) >= 80 and {r["split"] for r in rows} == {"dev", "heldout"}
    for r in rows:
        assert set(r["names"].values()) <= set(vocab.stakeholder_kinds)
        for s, rel, o in r["ties"]:
            assert rel in vocab.relations and s in r["names"] and o in r["names"]
            assert s in r["text"] and o in r["text"]


@pytest.mark.slow
def test_quality_floors_on_held_out_data():
    """The issue's floors, on text that never trained the classifier."""
    from scrutiny.evaluation.tagger import eval_claims, eval_stakeholders, eval_ties

    from helpers_tagging import shared_tagger

    tagger = shared_tagger(())
    claims = eval_claims(tagger=tagger, real_documents=False)
    own = claims["heldout"]["own"]
    assert own["statistic"]["f1"] >= 0.85
    assert own["recommendation"]["f1"] >= 0.85
    assert own["commitment"]["f1"] >= 0.75
    names = eval_stakeholders(tagger=tagger, real_documents=False)["heldout"]
    assert names["precision"] >= 0.85 and names["recall"] >= 0.85
    ties = eval_ties(tagger=tagger, real_documents=False)["heldout"]
    assert ties["precision"] >= 0.6 and ties["recall"] >= 0.6


def test_real_document_labels_refer_by_hash_only():
    from scrutiny.evaluation.real_documents import read_labels, read_name_labels
    from scrutiny.schema import vocabulary

    kinds = set(vocabulary().stakeholder_kinds)
    for row in read_name_labels():
        assert re.fullmatch(r"[0-9a-f]{12}", row["sentence"])
        assert set(row["names"].values()) <= kinds
    claims = read_labels()
    assert sum(r["unit"] == "numbered" and "recommendation" in r["kinds"] for r in claims) >= 25
    assert all(re.fullmatch(r"[0-9a-f]{12}", r["ref"]) for r in claims if r["unit"] == "sentence")


def test_real_documents_every_numbered_recommendation_is_tagged(real_pdfs):
    """The floor: every numbered recommendation of the real response is tagged recommendation."""
    from scrutiny.nlp.labels import real_documents_dir
    from scrutiny.evaluation.real_documents import numbered_units, pdf_text, read_labels

    from helpers_tagging import shared_tagger

    tagger = shared_tagger(())
    rows = [r for r in read_labels() if r["unit"] == "numbered" and "recommendation" in r["kinds"]]
    by_file = {}
    missed = []
    for r in rows:
        if r["file"] not in by_file:
            by_file[r["file"]] = numbered_units(pdf_text(real_documents_dir() / r["file"]))
        doc = tagger.nlp(by_file[r["file"]][r["ref"]])
        if not any("recommendation" in c["kinds"] for c in doc._.claims):
            missed.append(r["ref"])
    assert len(missed) <= 0.1 * len(rows), f"recommendations not tagged: {missed}"
