"""The passages a changed curated name may be in (the carry-over tags them again) are
found by the store's filter on all the name's words, not its longest alone; the set
is the one the filter on the longest word gave, then tested word by word in the
passage's lower-cased text, with letters whose lower case is ASCII though they are
not (the Kelvin sign, a dotted I)."""

from __future__ import annotations

from helpers_tagging import add_document

from scrutiny.store import Store
from scrutiny.tags.write import _WORDS, passages_naming

TEXTS = [
    "The Harbour Wellbeing Board met on Monday.",
    "the harbour wellbeing board met again",
    "HARBOUR WELLBEING BOARD",
    "The Harbour Board met; wellbeing was not discussed.",
    "Harbour-Wellbeing-Board minutes",
    "Kestrel Watch and the \u212aestrel Watch (a Kelvin sign) met.",
    "\u212aESTREL WATCH",
    "\u0130stanbul Link met the Istanbul link.",
    "The \u0130STANBUL LINK",
    "Crisis care (2025) review: crisis care_review",
    "Nothing to see here.",
    "HARBOUR LIN\u212a (a Kelvin sign)",
    "Caf\u00e9 Society and CAF\u00c9 SOCIETY",
]
NAMES = ["Harbour Link", "Harbour Wellbeing Board", "Kestrel Watch", "Istanbul Link", "crisis care_review", "Café Society",
         "Board", "Nobody Here At All"]


def test_passages_naming_is_its_definition(tmp_path):
    with Store(tmp_path / "s.db") as store:
        with store.transaction():
            ids = add_document(store, "d", TEXTS)
        by_id = dict(zip(ids, TEXTS))
        found_any = 0
        for name in NAMES:
            words = _WORDS.findall(name.lower())
            longest = max((w for w in words if w.isascii()), key=len)
            want = {pid for pid, text in by_id.items()
                    if longest.lower() in text.encode("ascii", "replace").decode().lower()
                    and all(w in text.lower() for w in words)}
            assert passages_naming(store, name) == want, name
            found_any += bool(want)
        assert found_any >= 5
        # a word other than the longest written with a Kelvin sign: still found
        assert {by_id[p] for p in passages_naming(store, "Harbour Link")} == {"HARBOUR LIN\u212a (a Kelvin sign)"}


def test_many_names_are_found_in_one_pass_as_one_by_one(tmp_path, monkeypatch):
    """Past a few changed names (a batch of documents added: a title each), one pass over
    the texts finds the passages of all of them: every passage the names' own filtered
    scans find, and exactly those whose lower-cased text holds every word of a name."""
    from scrutiny.tags import write

    fillers = [f"Review of Crisis Beds {i}" for i in range(30)] + ["Wellbeing", "ard", "met on", "Link"]
    names = NAMES + fillers
    with Store(tmp_path / "s.db") as store:
        with store.transaction():
            ids = add_document(store, "d", TEXTS + ["The Review of Crisis Beds 7 and beds 12 of the review",
                                                    "Standard wards"])
        by_id = dict(zip(ids, TEXTS))
        one_by_one = set().union(*(passages_naming(store, n) for n in names))
        assert len(names) > write._NAMES_ONE_BY_ONE
        batch = write.passages_naming_any(store, names)
        assert one_by_one <= batch
        rows = dict(store.texts_containing(""))
        assert batch == {pid for pid, text in rows.items()
                         if any(all(w in text.lower() for w in _WORDS.findall(n.lower())) for n in names)}
        assert {by_id.get(p) for p in batch - one_by_one} <= {"\u212aESTREL WATCH",
                                                              "Kestrel Watch and the \u212aestrel Watch (a Kelvin sign) met."}
        assert len(batch) >= 10 and rows[ids[-1]] == "Standard wards" and ids[-1] in batch   # "ard" inside a word
        monkeypatch.setattr(write, "_NAMES_ONE_BY_ONE", 1000)   # the few-names path gives the union
        assert write.passages_naming_any(store, names) == one_by_one
