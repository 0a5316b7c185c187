"""A record, kept between site builds, of something the site works out document by
document (the stakeholders each names, its tie candidates' located sentences).

Each document's value is kept under a key made from what it was worked out from
(its fingerprint, its rows): a build works out only the documents whose key moved,
so one document added costs that document, not the corpus. A missing, torn or older
record is not an error: every document is worked out again and the record rewritten
(atomically)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable


def per_document(cache: Path, version: int | str, keys: dict[str, str],
                 work_out: Callable[[list[str]], dict[str, list]]) -> dict[str, list]:
    """``{doc id: its value}`` for every document of ``keys`` ({doc id: key}): the
    recorded value where the record holds the same key, else ``work_out(doc ids)``'s
    (a document it leaves out has ``[]``). Values are JSON lists, as they are kept."""
    from scrutiny.atomic import write_text

    try:
        data = json.loads(Path(cache).read_text(encoding="utf-8"))
        kept = data["docs"] if data.get("version") == version else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):   # none yet, or torn: all again
        kept = {}
    if not isinstance(kept, dict):
        kept = {}
    out: dict[str, list] = {}
    todo = []
    for d, k in keys.items():
        old = kept.get(d)
        if isinstance(old, list) and len(old) == 2 and old[0] == k:
            out[d] = old[1]
        else:
            todo.append(d)
    if todo:
        fresh = work_out(todo)
        for d in todo:
            out[d] = fresh.get(d, [])
    if todo or set(kept) != set(keys):
        write_text(Path(cache), json.dumps({"version": version, "docs": {d: [keys[d], out[d]] for d in sorted(keys)}},
                                           ensure_ascii=False, separators=(",", ":")))
    return out
