"""Dates in the knowledge base: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""

from __future__ import annotations

import datetime as _dt
import re

DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
DATE_HELP = "write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2017-07 or 2016-02-15"


def parse_date(value) -> str:
    """Return the date as an ISO string (keeping its precision) or raise ValueError."""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    text = str(value).strip()
    m = DATE_RE.match(text)
    if not m:
        raise ValueError(f"{text!r} is not a date")
    year, month, day = m.groups()
    if month and not 1 <= int(month) <= 12:
        raise ValueError(f"{text!r} has no month {month}")
    if day:
        try:
            _dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError(f"{text!r} is not a day of the calendar") from None
    return text


def date_key(text: str) -> tuple:
    """Sort key comparing dates of different precision by their earliest day."""
    parts = [int(p) for p in text.split("-")]
    return tuple(parts + [1] * (3 - len(parts)))
