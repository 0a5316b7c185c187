"""The parse's tokens the claim model reads (scrutiny.nlp.claim_parse), on our own sentences."""

from __future__ import annotations

from helpers_tagging import shared_tagger

from scrutiny.nlp.claim_model import featurise
from scrutiny.nlp.claim_parse import parse_tokens


def _tokens(text):
    nlp = shared_tagger().nlp
    with nlp.select_pipes(enable=[n for n in nlp.pipe_names if not n.startswith("scrutiny_") and n != "ner"]):
        doc = nlp(text)
    return parse_tokens(doc[:])


def test_a_pledge_in_the_first_person_plural():
    toks = _tokens("We will open four new walk-in clinics in Harrowfield by 2031.")
    assert "p_we" in toks and "p_modal_will" in toks and "p_finite" in toks
    assert "p_root_open" in toks and "p_roottag_VB" in toks and "p_number" in toks


def test_a_judgement_and_a_past_tense_report():
    toks = _tokens("The support offered to carers in the valley was inadequate.")
    assert "p_eval_root" in toks and "p_eval" in toks and "p_finite" in toks
    assert "p_we" not in toks and not any(t.startswith("p_modal_") for t in toks)
    past = _tokens("The panel visited nine depots last spring.")
    assert "p_roottag_VBD" in past and "p_root_visited" in past and "p_eval" not in past


def test_a_heading_has_no_finite_verb():
    toks = _tokens("Annual review of ferry services")
    assert "p_nofinite" in toks and "p_finite" not in toks and "p_number" not in toks


def test_a_comparative_is_evaluative():
    assert "p_eval" in _tokens("Rural families now wait longer than families in the towns.")


def test_no_parse_gives_no_tokens():
    import spacy

    doc = spacy.blank("en")("We will build a bridge.")
    assert parse_tokens(doc[:]) == []


def test_featurise_puts_the_parse_tokens_with_the_rule_tokens():
    feature = featurise("We will build 3 bridges.", {"commitment": ["we_will"]}, ["p_we", "p_modal_will", "bad token"])
    text, _, rules = feature.rpartition(" || ")
    assert "_num_" in text and "p_we" not in text
    assert rules.split() == ["r_commitment_we_will", "r_commitment", "p_we", "p_modal_will"]
    assert featurise("We will build 3 bridges.", {"commitment": ["we_will"]}) == \
        featurise("We will build 3 bridges.", {"commitment": ["we_will"]}, ())
