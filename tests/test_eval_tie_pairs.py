"""The learned scorer of tie pairs, measured by grouped cross-validation
(scrutiny.evaluation.tie_pairs), on our own sentences and hand-made pairs."""

from __future__ import annotations

from click.testing import CliRunner
from helpers_tagging import shared_tagger

from scrutiny.evaluation.tie_pairs import Pair, doc_pairs, fit_pair_scorer, fold_pairs, grouped_pair_cv, missed_ties


def test_pairs_of_a_sentence_carry_gold_labels_rule_ties_and_parse_features():
    tagger = shared_tagger()
    doc = tagger.nlp("Dr Ada Finch, chair of the Quayside Trust, wrote to Tom Reed about the Harbour Fund.")
    gold = [("Dr Ada Finch", "position", "Quayside Trust"), ("Harbour Fund", "provides", "Tom Reed")]
    pairs, rule, mentioned = doc_pairs(doc, "x01", "x", gold)
    assert {"ada finch", "quayside trust", "tom reed", "harbour fund"} <= mentioned
    by = {(p.first, p.second): p for p in pairs}
    chair = by[("ada finch", "quayside trust")]
    assert chair.label == "position>" and chair.ruled          # the apposition pattern ties them
    assert ("ada finch", "position", "quayside trust") in rule
    assert chair.features["kinds=person_organisation"] == 1 and chair.features["between=chair"] == 1
    assert chair.features["run=, chair of the"] == 1
    fund = by[("tom reed", "harbour fund")]
    assert fund.label == "provides<" and not fund.ruled       # the second provides the first
    assert fund.features["between=about"] == 1 and any(k.startswith("path=") for k in fund.features)
    assert by[("ada finch", "tom reed")].label == "none"


def _pairs(group, n, words, label, ruled=False):
    return [Pair(f"{group}{k:02d}", group, f"a{k}", f"b{k}", {f"between={words}": 1, "kinds=person_organisation": 1},
                 label, ruled) for k in range(n)]


def test_the_grouped_cv_never_trains_the_tie_scorer_on_the_group_it_scores():
    pairs = (_pairs("x", 6, "heads", "position>") + _pairs("x", 6, "beside", "none")
             + _pairs("x", 2, "chairs", "position>", True)
             + _pairs("y", 6, "heads", "position>") + _pairs("y", 6, "beside", "none")
             + [Pair("z01", "z", "a1", "b1", {"between=heads": 1, "kinds=person_organisation": 1}, "position>"),
                Pair("z02", "z", "a2", "b2", {"between=beside": 1, "kinds=person_organisation": 1}, "none")])
    ties = {p.passage: (p.group, {(p.first, p.label[:-1], p.second)} if p.label != "none" else set(), set(), set())
            for p in pairs}
    ties["z03"] = ("z", {("c", "funded", "d")}, {("c", "funded", "d"), ("c", "part_of", "e")}, {"c", "d", "e"})
    fits = []

    def watched(train, c):
        fits.append({p.group for p in train})
        assert not any(p.ruled for p in train)      # the rules' pairs are not what it scores
        return fit_pair_scorer(train, c)

    r = grouped_pair_cv(pairs, ties, groups=["z"], fit=watched, thresholds=(0.5,))
    assert fits == [{"x", "y"}]
    assert r["trained_on"] == {"z": 24}
    assert all(p.group != "z" for p in fold_pairs(pairs, "z")) and len(fold_pairs(pairs, "x")) == 14
    alone, scored = r["groups"]["z"][0.0], r["groups"]["z"][0.5]
    assert (alone["tp"], alone["fp"], alone["fn"]) == (1, 1, 1)      # z03's rule ties; z01's tie missed
    assert (scored["added_right"], scored["added_wrong"]) == (1, 0)   # "heads" ties, "beside" does not
    assert (scored["tp"], scored["fp"], scored["fn"]) == (2, 1, 0)
    assert r["pooled"][0.5]["tp"] == 2
    assert missed_ties(pairs, {k: v for k, v in ties.items() if v[0] == "z"}) == {"both ends in one sentence": 1}


def test_eval_dev_tie_scorer_refuses_what_it_cannot_do():
    from scrutiny.cli import cli

    r = CliRunner().invoke(cli, ["eval", "dev", "--tie-scorer", "--min-confidence", "0.5"])
    assert r.exit_code == 2 and "no --min-confidence" in r.output
    r = CliRunner().invoke(cli, ["eval", "dev", "--tie-scorer", "--ids", "q"])
    assert r.exit_code == 2 and "no dev passage id starts with 'q'" in r.output
