"""Numbers in text, normalised so that the same figure matches however it is written.

    >>> [q.key for q in quantities("21,000 posts, 21k posts, twenty-one thousand posts")]
    [('number', 21000.0), ('number', 21000.0), ('number', 21000.0)]
    >>> [q.key for q in quantities("50 per cent, 50%, half")]
    [('percent', 50.0), ('percent', 50.0), ('percent', 50.0)]

A :class:`Quantity` has a value, a kind (``number`` or ``percent``), a
currency when one is written (``GBP``, ``USD``, ``EUR``), and where it stands
in the text. Years (1800-2100 written bare), financial years ("2020/21") and
numbered paragraphs ("8.2.") are not quantities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000}
_SHORT_SCALES = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000, "b": 1_000_000_000,
                 "tn": 1_000_000_000_000}
_FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
              "fifth": 5, "fifths": 5, "tenth": 10, "tenths": 10}
_CURRENCY = {"\u00a3": "GBP", "$": "USD", "\u20ac": "EUR"}

_NUMWORD = "|".join(sorted([*_UNITS, *_TENS, *_SCALES], key=len, reverse=True))
_PERCENT = r"(?:\s*%|\s*per\s*cent\b|\s*percent\b|\s*pc\b)"
_SCALE = r"(?:\s*(?:thousand|million|billion|trillion)\b|(?:k|m|mn|bn|b|tn)\b)"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"

_PATTERNS = [
    # "one in four", "1 in 4"
    ("ratio", re.compile(
        rf"\b(?P<num>{_DIGITS}|{_NUMWORD})\s+in(?:\s+every)?\s+(?P<den>{_DIGITS}|{_NUMWORD})\b", re.I)),
    # "half a million", "a quarter of a billion"
    ("fraction_of_scale", re.compile(
        r"\b(?:a\s+|one\s+)?(?P<frac>half|third|quarter)\s+(?:of\s+)?an?\s+(?P<scale>million|billion|thousand)\b",
        re.I)),
    # £1.8 billion, 21,000, 21k, 50 per cent, 1.4%
    ("digits", re.compile(
        rf"(?P<cur>[\u00a3$\u20ac])?\s?(?<![\d.,/])(?P<num>{_DIGITS})(?![\d/])(?P<scale>{_SCALE})?(?P<pct>{_PERCENT})?",
        re.I)),
    # "two thirds", "a quarter", "half"
    ("fraction", re.compile(
        rf"\b(?:(?P<count>a|an|one|two|three|four|{'|'.join(_UNITS)})[\s-]+)?(?P<frac>half|halves|thirds?|quarters?|fifths?|tenths?)\b",
        re.I)),
    # twenty-one thousand, eleven thousand, one hundred and fifty, fifty per cent
    ("words", re.compile(
        rf"(?P<cur>[\u00a3$\u20ac])?\b(?P<words>(?:{_NUMWORD})(?:(?:[\s-]+|\s+and\s+)(?:{_NUMWORD}))*)\b(?P<pct>{_PERCENT})?",
        re.I)),
]


@dataclass(frozen=True)
class Quantity:
    value: float
    kind: str               # number | percent
    currency: str | None
    start: int
    end: int
    text: str               # the characters of the source text it was read from

    @property
    def key(self) -> tuple[str, float]:
        return (self.kind, round(self.value, 2))

    def same(self, other: "Quantity", tolerance: float = 0.005) -> bool:
        """The same figure: same kind, values within 0.5%, no conflicting currency."""
        if self.kind != other.kind:
            return False
        if self.currency and other.currency and self.currency != other.currency:
            return False
        a, b = self.value, other.value
        return a == b or abs(a - b) <= tolerance * max(abs(a), abs(b))


def words_to_number(words: str) -> float | None:
    """'twenty-one thousand' -> 21000; 'one hundred and fifty' -> 150; None if not a number."""
    total, current, seen = 0, 0, False
    for w in re.split(r"[\s-]+", words.lower()):
        if not w or w == "and":
            continue
        if w in _UNITS:
            current += _UNITS[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w == "hundred":
            current = (current or 1) * 100
        elif w in _SCALES:
            total += (current or 1) * _SCALES[w]
            current = 0
        else:
            return None
        seen = True
    return float(total + current) if seen else None


def _number(text: str) -> float | None:
    text = text.strip().lower()
    if re.fullmatch(_DIGITS, text):
        return float(text.replace(",", ""))
    return words_to_number(text)


def _is_year(m: re.Match, text: str) -> bool:
    raw = m.group("num")
    if m.group("cur") or m.group("scale") or m.group("pct") or "," in raw or "." in raw:
        return False
    if len(raw) == 4 and 1800 <= int(raw) <= 2100:
        return True
    after = text[m.end():m.end() + 3]
    return bool(re.match(r"/\d", after))  # 2020/21


_LABEL_WORDS = re.compile(
    r"(?:\b(?:pages?|pp?\.|paragraphs?|paras?\.?|sections?|chapters?|recommendations?|figures?|fig\.|"
    r"tables?|annex(?:es)?|appendix|footnotes?|notes?|items?|articles?|clauses?|parts?|volumes?|vol\.|no\.)\s*)$")


def _is_section_number(m: re.Match, text: str) -> bool:
    """A label, not a quantity: '8.2.' at the start of a numbered paragraph, or a
    number after 'page', 'paragraph', 'section', 'table', 'note'... ('page 12')."""
    raw = m.group("num")
    if m.group("pct") or m.group("cur") or m.group("scale"):
        return False
    before = text[max(0, m.start() - 16):m.start()].lower()
    if _LABEL_WORDS.search(before):
        return True
    return "." in raw and text[m.end():m.end() + 1] == "."


def quantities(text: str) -> list[Quantity]:
    """Every quantity in ``text``, left to right, none overlapping."""
    taken: list[tuple[int, int]] = []
    out: list[Quantity] = []

    def free(a, b):
        return all(b <= s or a >= e for s, e in taken)

    def add(value, kind, currency, a, b):
        # trim the white space a pattern may have eaten at either end
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        taken.append((a, b))
        out.append(Quantity(float(value), kind, currency, a, b, text[a:b]))

    for name, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            a, b = m.span()
            if a == b or not free(a, b):
                continue
            if name == "ratio":
                num, den = _number(m.group("num")), _number(m.group("den"))
                if num is None or not den or num > den:
                    continue
                add(100.0 * num / den, "percent", None, a, b)
            elif name == "fraction_of_scale":
                add(_SCALES[m.group("scale").lower()] / _FRACTIONS[m.group("frac").lower()],
                    "number", None, a, b)
            elif name == "digits":
                if _is_year(m, text) or _is_section_number(m, text):
                    taken.append((a, b))
                    continue
                value = float(m.group("num").replace(",", ""))
                scale = (m.group("scale") or "").strip().lower()
                if scale:
                    value *= _SCALES.get(scale) or _SHORT_SCALES[scale]
                cur = _CURRENCY.get(m.group("cur") or "")
                add(value, "percent" if m.group("pct") else "number", cur, a, b)
            elif name == "fraction":
                count = (m.group("count") or "a").lower()
                n = 1 if count in ("a", "an", "one") else _UNITS.get(count)
                if n is None:
                    continue
                frac = m.group("frac").lower()
                if not m.group("count") and frac not in ("half",):
                    continue  # a bare "third" or "quarter" is usually an ordinal or a period
                add(100.0 * n / _FRACTIONS[frac], "percent", None, a, b)
            elif name == "words":
                value = words_to_number(m.group("words"))
                if value is None:
                    continue
                cur = _CURRENCY.get(m.group("cur") or "")
                add(value, "percent" if m.group("pct") else "number", cur, a, b)
    out.sort(key=lambda q: q.start)
    return out
