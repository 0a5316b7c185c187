"""The revision scenario end to end through `scrutiny ingest`: a source file is
revised (paragraphs moved, edited, split, merged, deleted), re-ingested, and
every old permalink resolves to the right passage or is reported an orphan."""

from __future__ import annotations

import json

from test_anchor import V1, V2

from scrutiny.passages import normalise
from scrutiny.readers.base import HEADING
from scrutiny.store import Store


def _markdown(spec) -> str:
    parts = []
    for kind, _page, text in spec:
        parts.append(("## " if kind == HEADING else "") + text)
    return "\n\n".join(parts) + "\n"


def _ingest(cli_runner, project, path):
    from scrutiny.ingest import ingest

    # tagging is not what is under test here (and loads spaCy): the library call skips it
    report = ingest(project, [path], kind="policy", tag=False)
    assert not report.failed, [d.message for d in report.failed]
    return report


def test_revision_through_ingest(project, cli_runner, tmp_path):
    source = project.sources_dir / "council-report.md"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(_markdown(V1), encoding="utf-8")
    _ingest(cli_runner, project, source)
    with Store(project.store_path, readonly=True) as store:
        (doc,) = store.documents()
        old = store.passages(doc["id"])
    assert len(old) == len(V1)

    source.write_text(_markdown(V2), encoding="utf-8")
    _ingest(cli_runner, project, source)

    with Store(project.store_path, readonly=True) as store:
        new = {p.id: p for p in store.passages(doc["id"])}
        results = [(p, *store.resolve_passage(p.id)) for p in old]

    def outcome(start):
        """(old passage, the passage its id resolves to now, the redirect followed)."""
        return next(r for r in results if r[0].text.startswith(start))

    # unchanged and moved passages keep their id: no redirect
    for start in ("Introduction", "The council", "Waiting lists"):
        p, target, redirect = outcome(start)
        assert redirect is None and target.id == p.id
    # changed figures, a changed quantifier, a rewrite and a deletion: orphans, never other text
    for start in ("We will", "Providers will", "Training places", "The pilot"):
        p, target, redirect = outcome(start)
        assert target is None and redirect.method == "orphan", (start, redirect)
        assert redirect.old_text == p.text
    # merged paragraphs: the old text is inside the new passage
    for start in ("Rural clinics", "Referral letters"):
        p, target, redirect = outcome(start)
        assert redirect.method == "merged"
        assert normalise(p.text) in normalise(target.text)
    # split paragraph: points at its first half, and is recorded as a split
    p, target, redirect = outcome("The board")
    assert redirect.method == "split" and normalise(p.text).startswith(normalise(target.text))
    # a small wording edit: fuzzy, to the edited passage
    p, target, redirect = outcome("Peer support")
    assert redirect.method == "fuzzy" and target.text.startswith("Peer support workers bring their")
    # every redirect target exists in the new version
    assert all(t is None or t.id in new for _, t, _ in results)

    # old permalinks through the CLI: cite follows a redirect, refuses an orphan
    p, target, _ = outcome("Rural clinics")
    res = cli_runner("cite", p.id, "--accessed", "2026-11-26", "--json", root=project.root)
    assert res.exit_code == 0
    assert json.loads(res.stdout)["passage_id"] == target.id
    assert "re-anchored" in res.stderr
    p, _, _ = outcome("We will")
    res = cli_runner("cite", p.id, root=project.root)
    assert res.exit_code == 1 and "orphaned" in res.output

    # the split paragraph: `cite --quote` quotes the whole old text from the two
    # passages it now spans and says so; it is not "the same text"
    p, target, _ = outcome("The board")
    res = cli_runner("cite", p.id, "--quote", "--accessed", "2026-11-26", root=project.root)
    assert res.exit_code == 0, res.output
    halves = [q for q in new.values() if q.text.startswith(("The board", "with the figures"))]
    halves.sort(key=lambda q: q.ord)
    assert res.stdout.startswith("\u201c" + " ".join(q.text for q in halves) + "\u201d ")
    assert f"/p/{target.id}/" in res.stdout
    assert "the same text" not in res.stderr
    assert "split" in res.stderr and all(q.id in res.stderr for q in halves)
    data = json.loads(cli_runner("cite", p.id, "--json", root=project.root).stdout)
    assert data["span"] == [q.id for q in halves] and data["passage_id"] == halves[0].id
    # a merged paragraph: the quote is its own words, not the whole longer passage
    p, target, _ = outcome("Referral letters")
    res = cli_runner("cite", p.id, "--quote", root=project.root)
    assert res.stdout.startswith("\u201c" + p.text + "\u201d ")
    assert "the same text" not in res.stderr and "part of the longer passage" in res.stderr

    # a third version restores the deleted paragraph (its old id is live again, not a
    # redirect) and retouches the passage an old id was redirected to (the redirect follows)
    peer_old, peer_v2, _ = outcome("Peer support")
    v3 = [(k, pg, t.replace("deliver care.", "deliver care!")) for k, pg, t in V2] + [V1[7]]
    source.write_text(_markdown(v3), encoding="utf-8")
    _ingest(cli_runner, project, source)
    with Store(project.store_path, readonly=True) as store:
        p, _, _ = outcome("The pilot")
        target, redirect = store.resolve_passage(p.id)
        assert redirect is None and target.id == p.id
        target, redirect = store.resolve_passage(peer_old.id)
        assert target.text.endswith("deliver care!") and target.id != peer_v2.id
        assert redirect.method == "fuzzy"
