"""`scrutiny kb check`, `scrutiny kb claims` and `scrutiny conflicts`."""

from __future__ import annotations

import click

from scrutiny.cli.common import cli, emit_json, json_option, pass_project


def _load(project):
    from scrutiny.kb import load_kb

    return load_kb(project.kb_dir, project.manifest_path)


@cli.group()
def kb():
    """Check and list the curated knowledge base in kb/.

    Example: scrutiny kb check
    """


@kb.command("check")
@json_option
@pass_project
def kb_check(project, as_json):
    """Validate kb/ against the vocabulary and the manifest.

    Prints every problem as `file:line: what is wrong (how to fix it)` on
    stderr and exits with status 1; prints a summary when all is well.

    Example: scrutiny kb check
    """
    from scrutiny.kb import KBError, KnowledgeBase, load_with_problems
    from scrutiny.kb.conflicts import find_conflicts

    knowledge, problems = KnowledgeBase(), []
    if project.kb_dir.is_dir():
        knowledge, problems = load_with_problems(project.kb_dir, project.manifest_path)
    if problems:
        if as_json:
            emit_json({"ok": False, "problems": [
                {"file": p.file, "line": p.line, "message": p.message} for p in problems]})
            for p in problems:
                click.echo(str(p), err=True)
            raise click.exceptions.Exit(1)
        raise KBError(problems)
    counts = {
        "stakeholders": len(knowledge.stakeholders),
        "ties": len(knowledge.ties),
        "claims": len(knowledge.claims),
        "sources": len(knowledge.sources),
        "essays": len(knowledge.essays),
        "conflicts": len(find_conflicts(knowledge)),
    }
    if as_json:
        emit_json({"ok": True, "problems": [], "counts": counts})
        return
    click.echo("kb/ is valid: " + ", ".join(f"{n} {what}" for what, n in counts.items()
                                             if what != "conflicts")
               + f" ({counts['conflicts']} conflicts of interest derived from the ties)")


@kb.command("claims")
@click.option("--status", help="Only claims with this status (contested, unsupported, ...).")
@click.option("--kind", help="Only claims of this kind (statistic, commitment, ...).")
@click.option("--doc", help="Only claims made by this document id.")
@json_option
@pass_project
def kb_claims(project, status, kind, doc, as_json):
    """List the claims register: each claim, its kinds, status and documents.

    JSON records are {id, statement, kinds, status, documents, critique,
    sources, evidence}; each document is {doc, locate: {search, passages}}.

    Example: scrutiny kb claims --status contested --json
    """
    from scrutiny.kb.claims import claims_register

    records = claims_register(_load(project), status=status, kind=kind, doc=doc)
    if as_json:
        emit_json(records)
        return
    for rec in records:
        docs = ", ".join(d["doc"] for d in rec["documents"])
        click.echo(f"{rec['id']}  [{', '.join(rec['kinds'])}; {rec['status']}]  in {docs}")
        click.echo(f"    {rec['statement']}")
    if not records:
        click.echo("No claims match.", err=True)


@cli.command("conflicts")
@click.option("--doc", help="Only conflicts in this document id.")
@json_option
@pass_project
def conflicts(project, doc, as_json):
    """List conflicts of interest derived from the curated ties.

    A conflict is a chain: someone who wrote, chaired or sat on the panel of
    a document is, or holds a position in, an organisation that provides
    what the document recommends. `via` lists the tie ids of the chain.

    Example: scrutiny conflicts --json
    """
    from scrutiny.kb.conflicts import find_conflicts

    found = [c for c in find_conflicts(_load(project)) if not doc or c.document == doc]
    if as_json:
        emit_json([c.to_dict() for c in found])
        return
    for c in found:
        click.echo(f"{c.document}: {c.stakeholder}  (via {', '.join(c.via)})")
        click.echo(f"    {c.explanation}")
    if not found:
        click.echo("No conflicts of interest derived from the ties.", err=True)
