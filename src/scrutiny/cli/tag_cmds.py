"""Tagging commands: tag, stakeholders, ties, claims, review, eval.

Imports only click and the CLI helpers at load time; the tagger (spaCy,
scikit-learn) is imported inside the commands that need it.
"""

from __future__ import annotations

import click

from scrutiny.cli.common import cli, emit_json, json_option, pass_project, writes
from scrutiny.pages import page_ref
from scrutiny.project import DEFAULT_CLAIM_MIN_CONFIDENCE

CLAIM_KINDS = ("statistic", "commitment", "recommendation", "assessment")
NOT_TAGGED = "not tagged yet: run `scrutiny tag` (or `scrutiny build`)"
TIE_STATUSES = ("curated", "suggested", "accepted", "rejected")


def _open(project):
    from scrutiny.kb.view import load_curated
    from scrutiny.store import Store

    store = Store(project.store_location, readonly=True)
    return store, load_curated(project)


def _check_doc(store, doc_id):
    if doc_id and store.document(doc_id) is None:
        from scrutiny.errors import ScrutinyError

        known = ", ".join(d["id"] for d in store.documents()) or "none ingested yet"
        raise ScrutinyError(f"no document {doc_id!r} in the store (known: {known})")


@cli.command()
@json_option
@pass_project
@writes("tag")
def tag(project, as_json):
    """Tag passages not tagged yet (claims, stakeholders, ties), without re-ingesting.

    Only passages whose text changed since the last run (or all of them, when
    the model, the knowledge base or the labelled data changed) are tagged.

    Example: scrutiny tag
    """
    from scrutiny.ingest import tag_and_record
    from scrutiny.store import Store, store_exists, store_shown

    if not store_exists(project):
        from scrutiny.errors import ProjectError

        raise ProjectError(f"no store at {store_shown(project)}: run `scrutiny ingest` first")
    store = Store(project.store_location)
    try:
        state = {"shown": False}

        import sys

        def progress(done, total):
            if not as_json and total and sys.stderr.isatty():
                click.echo(f"\rtagging {done}/{total} passages", nl=False, err=True)
                state["shown"] = True

        result = tag_and_record(project, store, progress=progress)
    finally:
        store.close()
    if state["shown"]:
        click.echo("", err=True)
    if as_json:
        import dataclasses

        emit_json(dataclasses.asdict(result))
        return
    mode = " (RULES ONLY: no spaCy model)" if result.rules_only else ""
    click.echo(
        f"tagged {result.passages} passage(s), {result.skipped} unchanged, with {result.model}{mode}: "
        f"{result.claims} claim sentence(s), {result.mentions} mention(s), "
        f"{result.tie_candidates} candidate tie(s); {result.stakeholders} extracted stakeholder(s) "
        f"in {result.seconds:.1f}s"
    )


min_confidence_option = click.option(
    "--min-confidence", type=click.FloatRange(0, 1), default=0.0, show_default=True,
    help="Leave out machine tags less confident than this (curated entries are always shown).")


@cli.command()
@click.option("--doc", "doc_id", help="Only stakeholders named in this document (mentions counted there).")
@min_confidence_option
@json_option
@pass_project
def stakeholders(project, doc_id, min_confidence, as_json):
    """List stakeholders: curated ones from kb/ and those the tagger found.

    Example: scrutiny stakeholders --doc fyfvmh --json
    """
    import dataclasses

    from scrutiny.tags.queries import last_run, list_stakeholders

    store, curated = _open(project)
    try:
        _check_doc(store, doc_id)
        tagged = last_run(store) is not None
        rows = list_stakeholders(store, curated, doc_id=doc_id, min_confidence=min_confidence)
    finally:
        store.close()
    if as_json:
        emit_json([dataclasses.asdict(s) for s in rows])
        return
    if not tagged:
        click.echo(NOT_TAGGED + ": the curated stakeholders only, no mentions counted", err=True)
    if not rows:
        click.echo("no stakeholders" + (f" named in {doc_id}" if doc_id else ""))
        return
    for s in rows:
        aliases = f"  (also: {', '.join(s.aliases[:4])})" if s.aliases else ""
        click.echo(f"{s.mentions:>5}  {s.id:<40} {s.kind:<12} {s.source:<9} {s.name}{aliases}")


@cli.command()
@click.option("--status", type=click.Choice(TIE_STATUSES), help="Only ties with this status (rejected ones are listed only when asked for).")
@click.option("--stakeholder", help="Only ties with this stakeholder id as subject or object.")
@click.option("--doc", "doc_id", help="Only ties evidenced in this document.")
@min_confidence_option
@json_option
@pass_project
def ties(project, status, stakeholder, doc_id, min_confidence, as_json):
    """List ties between stakeholders, with the sentences that evidence them.

    Example: scrutiny ties --status suggested --stakeholder mind --json
    """
    from scrutiny.tags.queries import last_run, list_ties

    store, curated = _open(project)
    try:
        _check_doc(store, doc_id)
        tagged = last_run(store) is not None
        rows = list_ties(project, store, curated, status=status, stakeholder=stakeholder, doc_id=doc_id,
                         min_confidence=min_confidence)
        labels = _labels(store)
    finally:
        store.close()
    if as_json:
        emit_json([_tie_json(t) for t in rows])
        return
    if not tagged:
        click.echo(NOT_TAGGED + ": the curated ties only, no suggestions", err=True)
    if not rows:
        click.echo("no ties match")
        return
    for t in rows:
        _echo_tie(t, labels=labels)


def _tie_json(t):
    return {
        "id": t.id, "subject": t.subject, "subject_name": t.subject_name, "relation": t.relation,
        "object": t.object, "object_name": t.object_name, "role": t.role, "status": t.status,
        "confidence": t.confidence, "sentence": t.sentence,
        "evidence": [{"passage_id": e.passage_id, "quote": e.quote, "doc_id": e.doc_id, "page": e.page,
                      "how": e.how} for e in t.evidence],
        "sources": [s.to_dict() for s in t.sources],
    }


def _labels(store) -> dict:
    """doc id -> the printed label of each page (scrutiny.pages), for showing where a passage is."""
    return {d["id"]: d.get("page_labels") for d in store.documents()}


def _echo_tie(t, show_evidence: int = 1, labels: dict | None = None):
    role = f" ({t.role})" if t.role else ""
    click.echo(f"{t.id}  [{t.status}, {t.relation}, {t.confidence:.2f}]  {t.sentence}")
    for e in t.evidence[:show_evidence]:
        quote = e.quote if len(e.quote) <= 300 else e.quote[:297] + "..."
        click.echo(f"    {e.doc_id}, {page_ref((labels or {}).get(e.doc_id), e.page)}: \u201c{quote}\u201d")
    if len(t.evidence) > show_evidence:
        click.echo(f"    (+{len(t.evidence) - show_evidence} more)")


@cli.command()
@click.option("--doc", "doc_id", help="Only claims in this document.")
@click.option("--kind", type=click.Choice(CLAIM_KINDS), help="Only claims of this kind.")
@min_confidence_option
@json_option
@pass_project
def claims(project, doc_id, kind, min_confidence, as_json):
    """List sentences tagged as claims (statistic, commitment, recommendation, assessment).

    Example: scrutiny claims --doc fyfvmh --kind commitment --json
    """
    from scrutiny.tags.queries import last_run, list_claims
    from scrutiny.xref.queries import located_claim_passages

    store, curated = _open(project)
    try:
        _check_doc(store, doc_id)
        labels = _labels(store)
        if last_run(store) is None:
            rows = None
        else:
            # the passages the cross-references located curated claims in (none before `scrutiny xref`)
            located = located_claim_passages(store)
            rows = list_claims(store, doc_id=doc_id, kind=kind, curated=curated, located=located or {},
                               min_confidence=min_confidence)
    finally:
        store.close()
    if rows is None:
        if as_json:
            emit_json([])
        click.echo(NOT_TAGGED, err=True)
        return
    if as_json:
        emit_json([{"id": c.id, "passage_id": c.passage_id, "doc_id": c.doc_id, "page": c.page, "text": c.text,
                    "kinds": c.kinds, "confidence": c.confidence, "source": c.source,
                    **({"claim_ids": c.claim_ids} if c.claim_ids else {})} for c in rows])
        return
    if not rows:
        click.echo("no claims match")
        return
    for c in rows:
        click.echo(f"{c.doc_id}, {page_ref(labels.get(c.doc_id), c.page)}  [{', '.join(c.kinds)}; {c.confidence:.2f} {c.source}]  {c.text}")


# --- review ----------------------------------------------------------------------------

@cli.group(invoke_without_command=True)
@click.option("--limit", "-n", type=int, default=20, show_default=True, help="How many suggestions to show.")
@json_option
@click.pass_context
def review(ctx, limit, as_json):
    """The review queue: suggested ties, most confident first.

    Decisions go to kb/reviewed.yaml, so they survive re-ingest; a rejected tie
    is never suggested again.

    Example: scrutiny review && scrutiny review accept tie-1a2b3c4d5e
    """
    if ctx.invoked_subcommand is not None:
        return
    from scrutiny.cli.common import get_project
    from scrutiny.tags.queries import list_ties

    project = get_project(ctx)
    store, curated = _open(project)
    try:
        rows = list_ties(project, store, curated, status="suggested")
        labels = _labels(store)
    finally:
        store.close()
    if as_json:
        emit_json([_tie_json(t) for t in rows[:limit]])
        return
    if not rows:
        click.echo("nothing to review: no suggested ties")
        return
    click.echo(f"{len(rows)} suggested tie(s); the {min(limit, len(rows))} most confident:")
    for t in rows[:limit]:
        _echo_tie(t, show_evidence=2, labels=labels)
    click.echo("accept with `scrutiny review accept ID`, reject with `scrutiny review reject ID`")


def _decide(project, tie_id, decision, note):
    from scrutiny.errors import ScrutinyError
    from scrutiny.tags.queries import list_ties
    from scrutiny.tags.review import record

    store, curated = _open(project)
    try:
        everything = list_ties(project, store, curated) + list_ties(project, store, curated, status="rejected")
    finally:
        store.close()
    match = next((t for t in everything if t.id == tie_id), None)
    if match is None:
        raise ScrutinyError(f"no tie with id {tie_id!r}: `scrutiny review` lists the suggested ones")
    entry = record(project, match, decision, note)
    return match, entry


@review.command("accept")
@click.argument("tie_id")
@click.option("--note", help="Why (kept in kb/reviewed.yaml).")
@pass_project
@writes("review accept")
def review_accept(project, tie_id, note):
    """Accept a suggested tie.

    Example: scrutiny review accept tie-1a2b3c4d5e --note "confirmed in the annual report"
    """
    tie, _ = _decide(project, tie_id, "accepted", note)
    click.echo(f"accepted {tie_id}: {tie.subject_name} --{tie.relation}--> {tie.object_name} (kb/reviewed.yaml)")


@review.command("reject")
@click.argument("tie_id")
@click.option("--note", help="Why (kept in kb/reviewed.yaml).")
@pass_project
@writes("review reject")
def review_reject(project, tie_id, note):
    """Reject a suggested tie: it is never suggested again.

    Example: scrutiny review reject tie-1a2b3c4d5e --note "misread apposition"
    """
    tie, _ = _decide(project, tie_id, "rejected", note)
    click.echo(f"rejected {tie_id}: {tie.subject_name} --{tie.relation}--> {tie.object_name} (kb/reviewed.yaml)")


# --- eval ----------------------------------------------------------------------------

@cli.group("eval", invoke_without_command=True)
@click.pass_context
def eval_group(ctx):
    """Measure the taggers against labelled data; alone, every figure, the blind set's apart.

    Without a subcommand: claims, stakeholders and ties on our labelled sets,
    our dev set of passages, then, each in a section of its own, the frozen
    blind sets (written by people who never saw the tagger; never tuned on).

    Example: scrutiny eval claims
    """
    if ctx.invoked_subcommand is not None:
        return
    from scrutiny.evaluation.passage_sets import BLIND_SETS, eval_blind, eval_dev
    from scrutiny.evaluation.tagger import eval_claims, eval_stakeholders, eval_ties
    from scrutiny.nlp.pipeline import build_tagger

    tagger = build_tagger(None, names=[], warn=True)
    click.echo("== claims (our labelled sentences, the reference article, the real PDFs) ==")
    _claims_report(eval_claims(), 5)
    click.echo("\n== stakeholders (names) ==")
    _simple_block(eval_stakeholders(tagger=tagger), "names")
    click.echo("\n== ties ==")
    _simple_block(eval_ties(tagger=tagger), "ties")
    click.echo("\n== our dev set of passages (written in the blind set's styles) ==")
    _passage_set_block(eval_dev(tagger=tagger))
    for which, (_path, title) in BLIND_SETS.items():
        click.echo(f"\n== {title} ==")
        _passage_set_block(eval_blind(tagger=tagger, which=which))


def _prf_line(name, m):
    return (f"  {name:<16} P {m['precision']:.2f}  R {m['recall']:.2f}  F1 {m['f1']:.2f}  "
            f"(n={m['support']}, tp={m['tp']}, fp={m['fp']}, fn={m['fn']})")


def _kinds_block(title, scores):
    click.echo(title)
    for kind in CLAIM_KINDS:
        if kind in scores:
            click.echo(_prf_line(kind, scores[kind]))


@eval_group.command("claims")
@click.option("--folds", type=int, default=5, show_default=True, help="Cross-validation folds on the training split.")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Also score the held-out sets on the kinds at least this confident (what a site with this "
                   "threshold shows unfolded).")
@json_option
def eval_claims_cmd(folds, min_confidence, as_json):
    """Claim kinds: cross-validated P/R/F1 per kind, and on held-out data that never trains.

    Example: scrutiny eval claims --min-confidence 0.6 --json
    """
    from scrutiny.evaluation.tagger import eval_claims

    r = eval_claims(folds=folds, min_confidence=min_confidence)
    if as_json:
        emit_json(r)
        return
    _claims_report(r, folds)


def _claims_report(r, folds):
    click.echo(f"model: {r['model']}; training sentences: {r['train_sentences']}; held out: {r['heldout_sentences']} "
               f"({', '.join(f'{k}: {v}' for k, v in r['by_origin'].items())})")
    _kinds_block(f"cross-validated ({folds} folds) on the training split:", r["cross_validated"])
    for name, scores in r["heldout"].items():
        _kinds_block(f"held out ({name}, {scores['_sentences']} sentences):", scores)
    _kinds_block("held out, rules alone (for comparison):", r["heldout_rules_only"])
    real = r.get("real_documents") or {}
    if "skipped" in real:
        click.echo(f"real documents: skipped ({real['skipped']})")
    elif real:
        _kinds_block(f"real government documents ({real['_units']} labelled units):", real)


SPLITS = {"dev": "our sentences seen while writing the rules", "heldout": "our held-out sentences",
          "reference": "the reference article", "real_documents": "the real government documents"}


def _simple_block(r, what):
    click.echo(f"model: {r['model']}; curated names fed to the tagger: {r.get('curated_names', 0)}")
    for split, label in SPLITS.items():
        m = r.get(split) or {}
        if "skipped" in m:
            click.echo(f"{what} on {label}: skipped ({m['skipped']})")
        elif m:
            extra = f"  kind accuracy {m['kind_accuracy']:.2f}" if "kind_accuracy" in m else ""
            click.echo(f"{what} on {label} ({m.get('sentences', '?')} sentences):{extra}")
            click.echo(_prf_line("all", m))
            for rel, mm in (m.get("by_relation") or {}).items():
                click.echo(_prf_line(rel, mm))


with_kb_option = click.option(
    "--with-kb", is_flag=True,
    help="Feed the tagger this project's curated names (kb/ and manifest titles); default: none, "
         "as for documents the knowledge base has never seen.")


def _names_for_eval(with_kb):
    if not with_kb:
        return []
    from scrutiny.cli.common import get_project
    from scrutiny.kb.view import load_curated

    return load_curated(get_project()).names()


@eval_group.command("stakeholders")
@with_kb_option
@json_option
def eval_stakeholders_cmd(with_kb, as_json):
    """Stakeholder names: precision and recall on labelled sentences and the reference article.

    Example: scrutiny eval stakeholders --with-kb
    """
    from scrutiny.evaluation.tagger import eval_stakeholders

    r = eval_stakeholders(names=_names_for_eval(with_kb))
    if as_json:
        emit_json(r)
        return
    _simple_block(r, "names")


@eval_group.command("ties")
@with_kb_option
@json_option
def eval_ties_cmd(with_kb, as_json):
    """Ties: precision and recall per relation on labelled sentences and the reference article.

    Example: scrutiny eval ties
    """
    from scrutiny.evaluation.tagger import eval_ties

    r = eval_ties(names=_names_for_eval(with_kb))
    if as_json:
        emit_json(r)
        return
    _simple_block(r, "ties")


def _passage_set_block(r, show_errors: bool = False):
    if "skipped" in r:
        click.echo(f"skipped ({r['skipped']})")
        return
    click.echo(f"model: {r['model']}; curated names fed to the tagger: {r.get('curated_names', 0)}; "
               f"{r['passages']} passages, {r['sentences']} sentences, {r['names_gold']} names, "
               f"{r['ties_gold']} ties" + (f"; tags below confidence {r['min_confidence']:.2f} left out"
                                          if r.get("min_confidence") else ""))
    t = r["ties"]
    click.echo("ties:")
    click.echo(_prf_line("all", t))
    for rel, m in t.get("by_relation", {}).items():
        click.echo(_prf_line(rel, m))
    _kinds_block("claim kinds (per labelled sentence):", r["claims"])
    s = r["stakeholders"]
    click.echo("stakeholders (names):")
    click.echo(_prf_line("all", s))
    click.echo(f"  kind accuracy    {s['kind_accuracy']:.2f}"
               + (f"  (wrong: {', '.join(f'{k} {n}' for k, n in s['kinds_wrong'].items())})"
                  if s.get("kinds_wrong") else ""))
    if r.get("reliability"):
        _reliability_block("reliability (per confidence band: tags, mean confidence, share right):", r["reliability"])
    if show_errors:
        for what, items in r.get("errors", {}).items():
            for item in items:
                click.echo(f"  {what}: {item}")


min_confidence_eval = click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.0, show_default=True,
                                   help="Score only tags at least this confident.")


@eval_group.command("blind")
@click.option("--set", "which", type=click.Choice(["blind", "blind2", "all"]), default="all", show_default=True,
              help="Which blind set: the first (blind), the second (blind2), or each in turn.")
@min_confidence_eval
@json_option
def eval_blind_cmd(which, min_confidence, as_json):
    """The frozen blind sets: ties, claim kinds, stakeholders and kinds, without the knowledge base.

    Each set (scrutiny/evaluation/data/blind, blind2) was written by someone
    who never saw the tagger, and is never tuned on: only its aggregate
    figures are shown, never the passages behind them, and each is reported
    apart. --json prints an object keyed by set.

    Example: scrutiny eval blind --set blind2 --json
    """
    from scrutiny.evaluation.passage_sets import BLIND_SETS, eval_blind
    from scrutiny.nlp.pipeline import build_tagger

    names = list(BLIND_SETS) if which == "all" else [which]
    tagger = build_tagger(None, names=[], warn=True) if len(names) > 1 else None
    results = {w: eval_blind(tagger=tagger, min_confidence=min_confidence, which=w) for w in names}
    if as_json:
        emit_json(results)
        return
    for i, (w, r) in enumerate(results.items()):
        click.echo(("\n" if i else "") + BLIND_SETS[w][1])
        _passage_set_block(r)


@eval_group.command("dev")
@min_confidence_eval
@click.option("--errors", is_flag=True, help="Also list the sentences, names and ties scored wrong.")
@click.option("--ids", default="", metavar="PREFIX",
              help="Only the passages whose id starts with PREFIX ('d': ours, 'e': the third annotator's).")
@click.option("--grouped", is_flag=True,
              help="Grouped cross-validation: score each group of passages (an id's first letter) with a claim "
                   "model trained without that group (the shipped model trains on every dev passage); with --ids, "
                   "those groups only (e.g. --ids g, --ids eg).")
@click.option("--tie-scorer", is_flag=True,
              help="Measure a learned scorer of the mention pairs the tie rules left untied, by grouped "
                   "cross-validation (each group scored by a scorer trained without it): the ties it would add "
                   "at each threshold, per group and pooled. Not part of the tagger.")
@json_option
def eval_dev_cmd(min_confidence, errors, ids, grouped, tie_scorer, as_json):
    """Our own dev set of passages, in the blind set's styles and format.

    Example: scrutiny eval dev --ids e --errors
    """
    if tie_scorer:
        _tie_scorer_dev(min_confidence, errors, ids, as_json)
        return
    if grouped:
        _grouped_dev(min_confidence, errors, ids, as_json)
        return
    from scrutiny.evaluation.passage_sets import eval_dev

    try:
        r = eval_dev(min_confidence=min_confidence, errors=errors, ids=ids)
    except ValueError as e:
        raise click.UsageError(str(e)) from None
    if as_json:
        emit_json(r)
        return
    _passage_set_block(r, show_errors=errors)


def _grouped_dev(min_confidence, errors, ids, as_json):
    from scrutiny.evaluation.grouped import grouped_cv

    if min_confidence:
        raise click.UsageError("--grouped scores every tag: it takes no --min-confidence")
    try:
        r = grouped_cv(groups=list(ids) or None, errors=errors)
    except ValueError as e:
        raise click.UsageError(str(e)) from None
    if as_json:
        emit_json(r)
        return
    for group, scores in r["groups"].items():
        click.echo(f"== group {group}: claim model trained on {r['trained_on'][group]} sentences, none of group "
                   f"{group} ==")
        _passage_set_block(scores, show_errors=errors)
        click.echo("")
    click.echo(f"== pooled over the groups scored ({', '.join(r['groups'])}) ==")
    pooled = dict(r["pooled"], model=r["model"])
    _passage_set_block(pooled)


def _tie_scorer_dev(min_confidence, errors, ids, as_json):
    from scrutiny.evaluation.passage_sets import DEV, read_set
    from scrutiny.evaluation.tie_pairs import dev_pairs, grouped_pair_cv, missed_ties
    from scrutiny.nlp.pipeline import build_tagger

    if min_confidence or errors:
        raise click.UsageError("--tie-scorer counts ties only: it takes no --min-confidence nor --errors")
    present = {r["id"][:1] for r in read_set(DEV)}
    unknown = [g for g in ids if g not in present]
    if unknown:
        raise click.UsageError(f"no dev passage id starts with {', '.join(map(repr, unknown))}")
    pairs, ties = dev_pairs(build_tagger(None, names=[], warn=True))
    r = grouped_pair_cv(pairs, ties, groups=list(ids) or None)
    r["missed"] = dict(missed_ties(pairs, {pid: t for pid, t in ties.items() if not ids or t[0] in ids}))
    if as_json:
        emit_json(r)
        return
    click.echo("gold ties the rules miss: " + ", ".join(f"{k} {v}" for k, v in r["missed"].items()))
    for name, rows in [*((f"group {g}", v) for g, v in r["groups"].items()), ("pooled", r["pooled"])]:
        click.echo(f"== {name} ==")
        for th, s in rows.items():
            what = ("the rules alone" if not th
                    else f"threshold {th:.1f}: +{s['added_right']} right, +{s['added_wrong']} wrong")
            click.echo(f"  {what:<40} ties P {s['precision']:.3f} R {s['recall']:.3f} "
                       f"(tp {s['tp']}, fp {s['fp']}, fn {s['fn']})")


def _reliability_block(title, tables):
    click.echo(title)
    for what, rows in tables.items():
        if not rows:
            continue
        cells = ", ".join(f"{r['from']:.1f}-{r['to']:.1f}: n={r['n']} conf {r['mean_confidence']:.2f} right {r['right']:.2f}"
                          for r in rows)
        click.echo(f"  {what:<7} {cells}")


@eval_group.command("calibrate")
@click.option("--write", is_flag=True, help="Write the fitted maps to scrutiny/nlp/data/calibration.json.")
@json_option
def eval_calibrate_cmd(write, as_json):
    """Calibrate the confidences of names, ties and claims on our labelled data, and show reliability.

    Tags our dev passages and labelled sentences with raw confidences, fits a
    map from raw confidence to the share of tags that were right, and prints,
    per confidence band, how many tags there were, their mean confidence and the
    share right, before and after. Claim kinds are fitted on our labelled
    sentences of the real government documents (when ../shared/real-documents
    is present), with the precision of the claim sentences shown at each
    threshold. Never fitted on the blind set nor on a judged sample.

    Example: scrutiny eval calibrate --write
    """
    from scrutiny.evaluation.calibration import fit

    r = fit(write=write)
    if as_json:
        emit_json(r)
        return
    click.echo(f"fitted on {r['fitted_on']}")
    _reliability_block("raw confidences (per band: tags, mean confidence, share right):", r["raw"])
    _reliability_block("calibrated:", r["calibrated"])
    claims = r.get("claims") or {}
    if claims:
        click.echo(f"claim sentences of the real government documents ({claims['sentences']} labelled), "
                   "shown at each threshold: sentences shown, share with every shown kind right, share of kinds found")
        for raw, cal in zip(claims["shown_raw"], claims["shown"]):
            click.echo(f"  >= {cal['threshold']:.2f}: calibrated {cal['shown']:>3} shown, precision {cal['precision']:.2f}, "
                       f"recall {cal['recall']:.2f}   (raw: {raw['shown']:>3}, {raw['precision']:.2f}, {raw['recall']:.2f})")
        t = claims.get("threshold_for_0.90")
        click.echo("lowest threshold keeping shown claims at least 0.90 precise: "
                   + (f"{t:.2f}" if t is not None else "none"))
    if write:
        click.echo("written: scrutiny/nlp/data/calibration.json")


@eval_group.command("sample-claims")
@click.option("--n", "n", type=click.IntRange(1), default=100, show_default=True, help="How many claim sentences.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the draw (the same tags and seed give the same rows).")
@click.option("--doc", "doc_ids", multiple=True, help="Only claims in this document (repeatable); default: every document.")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=None,
              help="Draw only from tags at least this confident (default: the project's [site] "
                   "claim_min_confidence, so the sample is of the claims the site shows unfolded; 0 draws from "
                   "every tag).")
@click.option("--exclude", "exclude", multiple=True, type=click.Path(dir_okay=False, path_type=str),
              help="An earlier sample (judged or not) whose sentences are not drawn again, by id or by "
                   "document and sentence (repeatable).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=str), required=True,
              help="The tab-separated file to write.")
@pass_project
def eval_sample_claims_cmd(project, n, seed, doc_ids, min_confidence, exclude, out):
    """Draw a random sample of this project's machine-tagged claim sentences for judging by hand.

    Writes tab-separated columns id, document, page (of the file, 1 = first),
    kind (the kinds the tagger gave, comma-separated), confidence, sentence (the
    text as ingested) and an empty judge column: a judge writes yes when the
    sentence really is a claim of every kind listed, no otherwise; `scrutiny
    eval judged FILE` scores the copy.

    Example: scrutiny eval sample-claims --seed 13 --exclude claims-sample.tsv --out claims-sample-2.tsv
    """
    from pathlib import Path

    from scrutiny.evaluation.claim_sample import sample_claims, write_sample
    from scrutiny.tags.queries import last_run

    store, _ = _open(project)
    try:
        for doc_id in doc_ids:
            _check_doc(store, doc_id)
        if last_run(store) is None:
            from scrutiny.errors import ScrutinyError

            raise ScrutinyError(NOT_TAGGED)
        if min_confidence is None:
            min_confidence = project.claim_min_confidence
        rows = sample_claims(store, n=n, seed=seed, doc_ids=list(doc_ids) or None, min_confidence=min_confidence,
                            exclude=[Path(p) for p in exclude])
    finally:
        store.close()
    write_sample(rows, Path(out))
    docs = sorted({r["document"] for r in rows})
    click.echo(f"wrote {len(rows)} claim sentence(s) at confidence >= {min_confidence:.2f} from {len(docs)} "
               f"document(s) to {out}" + (f" (only {len(rows)} tagged; asked for {n})" if len(rows) < n else ""))


@eval_group.command("judged")
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=DEFAULT_CLAIM_MIN_CONFIDENCE, show_default=True,
              help="Also the precision of the rows at least this confident (the site's default [site] "
                   "claim_min_confidence).")
@json_option
def eval_judged_cmd(file, min_confidence, as_json):
    """Claim precision from a judged copy of `scrutiny eval sample-claims`: the share of rows judged yes.

    Rows with an empty judge cell are left out (and counted); any value other
    than yes or no is an error naming its line. Shown overall, per kind and per
    document, with a 95% Wilson interval; then among the rows at or above
    --min-confidence (what the site shows unfolded) and per confidence band beside
    the band's mean confidence (are the confidences calibrated?).

    Example: scrutiny eval judged claims-sample-judged.tsv
    """
    from scrutiny.evaluation.claim_sample import score_judged

    r = score_judged(file, min_confidence=min_confidence)
    if as_json:
        emit_json(r)
        return

    def line(name, m):
        lo, hi = m["interval_95"]
        return f"  {name:<40} precision {m['precision']:.2f}  ({m['yes']}/{m['judged']} yes; 95% {lo:.2f}-{hi:.2f})"

    click.echo(f"{r['file']}: {r['judged']} row(s) judged, {r['unjudged']} not judged")
    click.echo(line("all", r))
    click.echo("per kind (a row counts once for each kind it lists):")
    for kind, m in r["by_kind"].items():
        click.echo(line(kind, m))
    click.echo("per document:")
    for doc, m in r["by_document"].items():
        click.echo(line(doc, m))
    click.echo(line(f"confidence >= {r['min_confidence']:.2f} (shown)", r["at_or_above_min_confidence"]))
    click.echo("per confidence band (mean confidence against the share judged yes):")
    for band, m in r["by_confidence"].items():
        click.echo(line(f"{band} (mean {m['mean_confidence']:.2f})", m))
