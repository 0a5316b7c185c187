"""Grouped cross-validation on passage sets (scrutiny.evaluation.grouped) and the dev
passages as claim-model training data (scrutiny.nlp.labels), on our own passages."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from helpers_tagging import shared_tagger

from scrutiny.evaluation.grouped import fold_indices, grouped_cv
from scrutiny.nlp import labels
from scrutiny.nlp.labels import dev_claim_examples, example_group, training_examples


def _passage(pid, doc, sentences, names=None, ties=()):
    return {"id": pid, "doc": doc, "style": "briefing", "text": " ".join(t for t, _k in sentences),
            "names": names or {}, "ties": [list(t) for t in ties],
            "sentences": [{"text": t, "kinds": list(k)} for t, k in sentences]}


ROWS = [
    _passage("x01", "doc-x", [("The Lantern Trust will open 4 new crisis cafes by 2031.", ["commitment", "statistic"]),
                              ("Waiting lists in Marlow Vale were far too long.", ["assessment"])],
             names={"Lantern Trust": "organisation"}),
    _passage("x02", "doc-x", [("Ministers should fund the cafes for ten years.", ["recommendation"]),
                              ("Contents", [])]),
    _passage("y01", "doc-y", [("Dr Ada Finch, chair of the Quayside Board, opened the meeting.", []),
                              ("Some 38% of referrals were closed without contact.", ["statistic"])],
             names={"Dr Ada Finch": "person", "Quayside Board": "organisation"},
             ties=[("Dr Ada Finch", "position", "Quayside Board")]),
    _passage("y02", "doc-y", [("We urge the board to publish its waiting times.", ["recommendation"])]),
]


def _write(tmp_path, rows=ROWS):
    path = tmp_path / "passages.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_dev_sentences_are_examples_with_their_group(tmp_path):
    examples = dev_claim_examples(_write(tmp_path))
    assert [e.text for e in examples][:2] == ["The Lantern Trust will open 4 new crisis cafes by 2031.",
                                              "Waiting lists in Marlow Vale were far too long."]
    assert examples[0].kinds == {"commitment", "statistic"} and examples[3].kinds == frozenset()
    assert {e.origin for e in examples} == {"dev"} and {e.split for e in examples} == {"train"}
    assert [example_group(e) for e in examples] == ["x", "x", "x", "x", "y", "y", "y"]


def test_a_broken_dev_line_names_the_file_and_line(tmp_path):
    path = _write(tmp_path)
    path.write_text(path.read_text(encoding="utf-8") + '{"id": "z01", "doc": "d"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"passages.jsonl:5: not a labelled passage"):
        dev_claim_examples(path)


def test_training_leaves_out_one_group_and_keeps_the_held_out_sets_out(tmp_path):
    path = _write(tmp_path)
    every = training_examples(dev_path=path)
    without_x = training_examples(leave_out="x", dev_path=path)
    assert {example_group(e) for e in every} == {None, "x", "y"}
    assert {example_group(e) for e in without_x} == {None, "y"}
    assert len(every) - len(without_x) == 4
    assert all(e.split == "train" for e in every)      # claims_heldout.tsv and the article's second half never train
    heldout = {e.text for e in labels.claim_examples() if e.split == "heldout"}
    assert heldout and not heldout & {e.text for e in every}


def test_the_real_dev_groups_fold_apart():
    examples = training_examples()
    groups = {example_group(e) for e in examples} - {None}
    assert groups == {"d", "e", "g", "h", "k", "m", "n", "p"}
    for group in groups:
        fold = [examples[i] for i in fold_indices(examples, group)]
        assert not any(e.ref.startswith(f"dev:{group}") for e in fold)
        assert len(fold) == len(examples) - sum(example_group(e) == group for e in examples)


def test_the_dev_passages_change_the_claim_model_cache_key(tmp_path, monkeypatch):
    from scrutiny.nlp.pipeline import claim_model_file

    path = _write(tmp_path)
    monkeypatch.setattr(labels, "DEV_PASSAGES", path)
    before = labels.data_fingerprint()
    name = claim_model_file("xx_model", "1.0", before)
    path.write_text(path.read_text(encoding="utf-8").replace("far too long", "too long"), encoding="utf-8")
    after = labels.data_fingerprint()
    assert after != before and claim_model_file("xx_model", "1.0", after) != name


def test_grouped_cv_never_trains_on_the_group_it_scores(tmp_path):
    from scrutiny.nlp.pipeline import fit_claim_model

    path = _write(tmp_path)
    tagger = shared_tagger()
    kept = tagger.nlp.get_pipe("scrutiny_claim_classifier").model
    fits = []

    def watched_fit(examples, inputs, parse):
        fits.append({example_group(e) for e in examples})
        return fit_claim_model(examples, inputs, parse)

    r = grouped_cv(path=path, tagger=tagger, fit=watched_fit)
    assert fits == [{None, "y"}, {None, "x"}]           # fold x trained without x, fold y without y
    assert list(r["groups"]) == ["x", "y"] and r["trained_on"]["y"] == r["trained_on"]["x"] + 1  # x has 4 sentences, y 3
    assert r["groups"]["x"]["sentences"] == 4 and r["groups"]["y"]["sentences"] == 3
    assert r["pooled"]["sentences"] == 7 and r["pooled"]["names_gold"] == 3
    assert r["groups"]["y"]["claims"]["statistic"]["tp"] == 1     # "38%" is scored through the tagger
    assert tagger.nlp.get_pipe("scrutiny_claim_classifier").model is kept   # the shipped model is put back
    only_y = grouped_cv(path=path, tagger=tagger, groups=["y"], fit=watched_fit)
    assert list(only_y["groups"]) == ["y"] and fits[-1] == {None, "x"}
    with pytest.raises(ValueError, match="no passage id starts with 'z'"):
        grouped_cv(path=path, tagger=tagger, groups=["z"])


def test_eval_dev_grouped_refuses_what_it_cannot_do():
    from scrutiny.cli import cli

    r = CliRunner().invoke(cli, ["eval", "dev", "--grouped", "--min-confidence", "0.5"])
    assert r.exit_code == 2 and "no --min-confidence" in r.output
    r = CliRunner().invoke(cli, ["eval", "dev", "--grouped", "--ids", "q"])
    assert r.exit_code == 2 and "no passage id starts with 'q'" in r.output


def test_eval_dev_grouped_prints_every_group_and_the_pooled_figures(monkeypatch, tmp_path):
    """The command's report, on scores of our own passages with tagger output written by hand."""
    from scrutiny.cli import cli
    from scrutiny.evaluation import grouped
    from scrutiny.evaluation.passage_sets import TaggedPassage, read_set, score_set

    rows = read_set(_write(tmp_path))
    tagged = {"x01": TaggedPassage(names={"lantern trust": "organisation"},
                                   claims=[(0, 55, {"commitment": 0.9, "statistic": 0.8})])}
    seen = {}

    def fake(groups=None, errors=False):
        seen["groups"] = groups
        by = {g: dict(score_set([r for r in rows if r["id"][0] == g], tagged), model="xx_model", curated_names=0)
              for g in "xy"}
        return {"model": "xx_model", "groups": by, "pooled": score_set(rows, tagged), "trained_on": {"x": 980, "y": 981}}

    monkeypatch.setattr(grouped, "grouped_cv", fake)
    r = CliRunner().invoke(cli, ["eval", "dev", "--grouped", "--ids", "xy"])
    assert r.exit_code == 0, r.output
    assert seen["groups"] == ["x", "y"]
    assert "== group x: claim model trained on 980 sentences, none of group x ==" in r.output
    assert "== group y: claim model trained on 981 sentences, none of group y ==" in r.output
    assert "== pooled over the groups scored (x, y) ==" in r.output
    pooled = r.output.split("== pooled")[1]
    assert "commitment       P 1.00  R 1.00" in pooled and "7 sentences" in pooled
