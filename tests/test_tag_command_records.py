"""`scrutiny tag` records what its tags were made from, as ingest does: after
it, nothing says the tags are older than the knowledge base or the passages."""

from __future__ import annotations

from conftest import run_cli

KB_STAKEHOLDERS = """\
stakeholders:
  - id: harbour-trust
    name: Harbourside Health Trust
    kind: organisation
    sources: [{source: test-source, locator: p. 1}]
"""
KB_SOURCES = '[{"id": "test-source", "type": "report", "title": "An invented source for tests"}]\n'


def stale(project) -> list[str]:
    from scrutiny.site import stages_pending
    from scrutiny.store import Store

    store = Store(project.store_location)
    try:
        return [line for line in stages_pending(project, store) if "tags are older" in line]
    finally:
        store.close()


def test_tag_command_leaves_the_tags_current(project):
    (project.root / "note.md").write_text(
        "# A synthetic note\n\nThe Harbourside Health Trust said that 42% of patients waited more than "
        "18 weeks last year.\n", encoding="utf-8")
    assert run_cli("ingest", project.root / "note.md", root=project.root).exit_code == 0
    assert stale(project) == []
    (project.kb_dir / "stakeholders.yaml").write_text(KB_STAKEHOLDERS, encoding="utf-8")
    (project.kb_dir / "sources.json").write_text(KB_SOURCES, encoding="utf-8")
    assert stale(project)                      # the knowledge base changed after tagging
    result = run_cli("tag", root=project.root)
    assert result.exit_code == 0, result.output
    assert stale(project) == []
