"""Synthetic policy-style text for benchmarks (our own words, seeded, repeatable)."""

from __future__ import annotations

import random

SUBJECTS = [
    "The department", "The regulator", "Local services", "The review panel", "Commissioners",
    "The taskforce", "Employers", "The programme board", "Providers", "The committee",
    "Trusts", "The inspectorate", "Community teams", "The working group", "Councils",
]
VERBS = [
    "will expand", "should review", "has improved", "must publish", "aims to reduce",
    "recommends funding for", "agrees to monitor", "plans to recruit", "will evaluate",
    "has committed to", "proposes changes to", "reported delays in", "intends to simplify",
]
OBJECTS = [
    "waiting times for talking therapies", "the workforce plan", "access to crisis care",
    "outcome measures", "the training budget", "peer support roles", "digital referral routes",
    "pension communications", "the appeals process", "employment support", "data quality",
    "school counselling", "housing advice", "assessment contracts", "recovery targets",
]
TAILS = [
    "by 2021", "over the next five years", "in every region", "where evidence supports it",
    "subject to funding", "with a 12 per cent increase", "for 40,000 more people",
    "after consultation", "at a cost of £250 million", "within existing budgets", "",
]


def sentence(rng: random.Random) -> str:
    tail = rng.choice(TAILS)
    s = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    return f"{s} {tail}.".replace(" .", ".") if tail else f"{s}."


def paragraph(rng: random.Random, sentences: tuple[int, int] = (2, 6)) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(*sentences)))


def heading(rng: random.Random, n: int) -> str:
    return f"{n}. {rng.choice(OBJECTS).capitalize()}"
