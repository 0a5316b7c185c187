"""The review queue: decisions on suggested ties, kept in ``kb/reviewed.yaml``.

The file lives in the knowledge base, so it survives re-ingest and deleting
``.scrutiny/``. Each decision records the tie id and, so that it still applies
if an extracted stakeholder's id changes, the subject and object names::

    decisions:
    - id: tie-1a2b3c4d5e
      decision: rejected          # or accepted
      subject: maria-okafor
      subject_name: Maria Okafor
      relation: position
      object: harbourside-health-trust
      object_name: Harbourside Health Trust
      decided_at: '2026-11-26T13:40:00+00:00'

A rejected tie is never suggested again; an accepted one is listed with status
``accepted``. Writes are atomic.
"""

from __future__ import annotations

from datetime import datetime, timezone

from scrutiny.errors import ScrutinyError
from scrutiny.nlp.normalise import key

FILE = "reviewed.yaml"
DECISIONS = ("accepted", "rejected")
HEADER = (
    "# Review decisions on ties suggested by the tagger (`scrutiny review accept|reject ID`).\n"
    "# Kept in kb/ so they survive re-ingest. A rejected tie is never suggested again.\n"
)


class ReviewError(ScrutinyError):
    """A broken reviewed file, or a decision on an unknown tie."""


def path(project):
    return project.kb_dir / FILE


def load_decisions(project) -> dict:
    """``{"by_id": {id: decision}, "by_names": {(subject key, relation, object key): decision}}``."""
    p = path(project)
    by_id, by_names = {}, {}
    if p.is_file():
        from ruamel.yaml.error import YAMLError

        from scrutiny import safeyaml

        try:
            data = safeyaml.load(safeyaml.read_text(p), typ="rt") or {}
        except safeyaml.InputLimitError as exc:
            raise ReviewError(f"{p}{f':{exc.line}' if exc.line else ''}: {exc.reason}") from None
        except YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{p}:{mark.line + 1}" if mark is not None else str(p)
            raise ReviewError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)}); fix or delete the file") from None
        items = data.get("decisions") if hasattr(data, "get") else None
        if items is None:
            items = []
        if not isinstance(items, list):
            raise ReviewError(f"{p}: 'decisions' must be a list of entries (see docs/tagging.md)")
        for n, item in enumerate(items):
            line = item.lc.line + 1 if hasattr(item, "lc") else n + 1
            if not hasattr(item, "get") or item.get("decision") not in DECISIONS or not item.get("id"):
                raise ReviewError(
                    f"{p}:{line}: each decision needs an id and 'decision: accepted' or 'decision: rejected'")
            d = dict(item)
            by_id[str(d["id"])] = d
            if d.get("subject_name") and d.get("object_name") and d.get("relation"):
                by_names[(key(d["subject_name"]), d["relation"], key(d["object_name"]))] = d
    return {"by_id": by_id, "by_names": by_names}


def match_decision(decisions: dict, tie_id: str, subject_name: str, relation: str, object_name: str,
                   subject_aliases=(), object_aliases=()):
    """The decision on a tie: by id, else by the names (or aliases) of its ends, so
    that a decision still holds when an extracted stakeholder's id changes."""
    found = decisions["by_id"].get(tie_id)
    if found:
        return found
    for s in {key(subject_name), *(key(a) for a in subject_aliases)}:
        for o in {key(object_name), *(key(a) for a in object_aliases)}:
            found = decisions["by_names"].get((s, relation, o))
            if found:
                return found
    return None


def record(project, tie, decision: str, note: str | None = None) -> dict:
    """Record ``decision`` on ``tie`` (from :func:`scrutiny.tags.queries.list_ties`)."""
    from io import StringIO

    from ruamel.yaml import YAML

    from scrutiny.atomic import write_text

    if decision not in DECISIONS:
        raise ReviewError(f"unknown decision {decision!r}: use accepted or rejected")
    if tie.status == "curated":
        raise ReviewError(f"{tie.id} is a curated tie (kb/): edit kb/ties.yaml instead of reviewing it")
    p = path(project)
    data = {}
    if p.is_file():
        from scrutiny import safeyaml

        load_decisions(project)  # validates, with file:line errors
        data = safeyaml.load(safeyaml.read_text(p), typ="rt") or {}
    items = list(data.get("decisions") or [])
    items = [i for i in items if str(i.get("id")) != tie.id]
    entry = {
        "id": tie.id, "decision": decision,
        "subject": tie.subject, "subject_name": tie.subject_name,
        "relation": tie.relation,
        "object": tie.object, "object_name": tie.object_name,
        "decided_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    if tie.role:
        entry["role"] = tie.role
    if note:
        entry["note"] = note
    items.append(entry)
    items.sort(key=lambda i: str(i.get("id")))
    out = StringIO()
    plain = YAML(typ="safe", pure=True)
    plain.default_flow_style = False
    plain.dump({"decisions": [dict(i) for i in items]}, out)
    write_text(p, HEADER + out.getvalue())
    return entry
