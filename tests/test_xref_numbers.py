"""The number normaliser: the same figure however it is written."""

from __future__ import annotations

import pytest

from scrutiny.xref.numbers import quantities, words_to_number


def keys(text):
    return [q.key for q in quantities(text)]


@pytest.mark.parametrize("text", ["21,000", "21000", "21k", "21K", "21 thousand", "twenty-one thousand",
                                  "twenty one thousand"])
def test_twenty_one_thousand(text):
    assert keys(f"about {text} new posts") == [("number", 21000.0)]


@pytest.mark.parametrize("text", ["50 per cent", "50 percent", "50%", "50 %", "half", "fifty per cent",
                                  "one in two"])
def test_fifty_per_cent(text):
    assert keys(f"{text} of people recover") == [("percent", 50.0)]


def test_money_keeps_its_currency():
    a, b = quantities("a fund of £1.8 billion, later £1.8bn")
    assert a.value == b.value == 1.8e9 and a.currency == b.currency == "GBP"
    (c,) = quantities("$1.8bn")
    assert not a.same(c)            # pounds are not dollars
    (d,) = quantities("1.8 billion")
    assert a.same(d)                # a currency left unsaid does not conflict


def test_decimals_and_small_percentages():
    assert keys("a 1.4 per cent increase; 37.3 per cent in 2010; 49.3%") == [
        ("percent", 1.4), ("percent", 37.3), ("percent", 49.3)]


def test_fractions_and_ratios():
    assert keys("two thirds of staff") == [("percent", 66.67)]
    assert keys("one in four adults") == [("percent", 25.0)]
    assert keys("a quarter of clinics") == [("percent", 25.0)]
    assert keys("half a million people") == [("number", 500000.0)]


def test_years_sections_and_ordinals_are_not_quantities():
    assert keys("published in 2016 for 2020/21") == []
    assert keys("8.2. There is a lack of research (paragraph 2.20)") == []
    assert keys("the third sector") == []


def test_surface_text_and_offsets():
    text = "It promised 11,000 clinical and eight thousand other posts."
    a, b = quantities(text)
    assert (a.text, text[a.start:a.end]) == ("11,000", "11,000")
    assert b.text == "eight thousand" and b.value == 8000


def test_same_tolerates_rounding_only():
    (a,) = quantities("21,000")
    (b,) = quantities("21,050")
    (c,) = quantities("22,000")
    assert a.same(b) and not a.same(c)
    (p,) = quantities("21%")
    assert not a.same(p)


def test_words_to_number():
    assert words_to_number("one hundred and fifty") == 150
    assert words_to_number("two million three hundred thousand") == 2_300_000
    assert words_to_number("seven dwarves") is None


def test_page_and_section_labels_are_not_quantities():
    from scrutiny.xref.numbers import quantities

    assert quantities("as set out on page 12 and in table 3") == []
    assert quantities("see paragraph 2.20 and note 14") == []
    got = quantities("page 12 shows 40,000 more people")
    assert [q.value for q in got] == [40000.0]
