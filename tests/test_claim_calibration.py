"""The claim confidence calibration and the choice of the project's threshold
(scrutiny.evaluation.calibration): pure functions, no tagger."""

from __future__ import annotations

from scrutiny.evaluation.calibration import claim_pairs, lowest_threshold, shown_precision
from scrutiny.nlp.calibration import fit_points

ROWS = [
    {"gold": {"commitment"}, "kinds": {"commitment": 0.95}},
    {"gold": {"assessment"}, "kinds": {"assessment": 0.9, "commitment": 0.55}},
    {"gold": set(), "kinds": {"assessment": 0.65}},
    {"gold": {"recommendation"}, "kinds": {"recommendation": 0.7}},
]


def test_a_sentence_is_right_only_when_every_shown_kind_is():
    table = {r["threshold"]: r for r in shown_precision(ROWS, lambda c: c, thresholds=(0.5, 0.6, 0.7, 0.9))}
    assert (table[0.5]["shown"], table[0.5]["right"]) == (4, 2)   # the 0.55 commitment spoils the second
    assert (table[0.6]["shown"], table[0.6]["right"]) == (4, 3)
    assert (table[0.7]["shown"], table[0.7]["right"], table[0.7]["precision"]) == (3, 3, 1.0)
    assert table[0.9]["recall"] == 0.667                            # two of the three labelled kinds
    assert lowest_threshold(list(table.values()), 0.9) == 0.7


def test_the_lowest_threshold_holds_for_every_higher_one():
    table = [{"threshold": 0.5, "shown": 10, "precision": 0.95}, {"threshold": 0.6, "shown": 8, "precision": 0.8},
             {"threshold": 0.7, "shown": 5, "precision": 0.92}]
    assert lowest_threshold(table, 0.9) == 0.7
    assert lowest_threshold([{"threshold": 0.9, "shown": 0, "precision": 0.0}], 0.9) is None
    # calibrated confidences that never reach the top threshold: it shows nothing, and the
    # run below it is still the answer
    top_empty = [{"threshold": 0.7, "shown": 117, "precision": 0.89}, {"threshold": 0.75, "shown": 114, "precision": 0.9},
                 {"threshold": 0.9, "shown": 75, "precision": 0.93}, {"threshold": 0.95, "shown": 0, "precision": 0.0}]
    assert lowest_threshold(top_empty, 0.9) == 0.75
    assert lowest_threshold(top_empty, 0.95) is None


def test_the_claims_map_never_falls_and_follows_the_share_right():
    pairs = claim_pairs(ROWS) + [(0.95, True)] * 20 + [(0.55, False)] * 20
    points = fit_points(pairs)
    ys = [y for _x, y in points]
    assert ys == sorted(ys)
    assert dict((x, y) for x, y in points)[0.55] < 0.2 < 0.9 < dict((x, y) for x, y in points)[0.95]
