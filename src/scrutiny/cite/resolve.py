"""Find what an id cites: the passage (following redirects) and its document record."""

from __future__ import annotations

from dataclasses import dataclass

from scrutiny.cite.styles import CitationError
from scrutiny.passages import Passage
from scrutiny.store import Redirect


@dataclass
class Resolved:
    """What an id cites now. ``passage`` is what to cite: the stored passage, or,
    for an old id whose text now stands elsewhere, the first passage of that span
    (its id and permalink) carrying the span's current text and pages (``span``
    lists the passage ids)."""

    passage: Passage
    document: dict
    redirect: Redirect | None = None   # the redirect followed, if any
    span: object | None = None     # scrutiny.anchor.Span of the old text, for a redirect

    @property
    def wording_changed(self) -> bool:
        """The old id's words were edited since (a fuzzy re-anchoring): what it
        cited (``redirect.old_text``) is not what the passage says now."""
        return self.redirect is not None and self.redirect.method == "fuzzy"

    @property
    def notice(self) -> str | None:
        """A one-line notice for stderr when an old id was followed to a new passage."""
        r = self.redirect
        if not r:
            return None
        if self.wording_changed:
            ids = ", ".join(self.span.ids) if self.span is not None else self.passage.id
            score = f", similarity {r.score:.2f}" if r.score is not None else ""
            return (
                f"note: the wording of passage {r.old_id} has changed since a revision of {r.doc_id} "
                f"(re-anchored by a fuzzy match{score}, on {ids}): it read \u201c{r.old_text}\u201d; "
                f"it now reads \u201c{self.passage.text}\u201d; the citation gives the current wording")
        how = self.span.describe() if self.span is not None else "re-anchored"
        return (
            f"note: passage {r.old_id} was re-anchored after a revision of {r.doc_id}; "
            f"citing {self.passage.id}: {how}"
        )


def document_record(project, store, doc_id: str) -> dict:
    """The document as the manifest describes it (the one source of its title,
    authors, date...: :func:`scrutiny.metadata.merged`), with what the store
    adds (pages, page labels, sha256)."""
    doc = store.document(doc_id)
    if doc is None:
        raise CitationError(f"document {doc_id!r} is not in the store: run `scrutiny ingest`")
    if project is not None:
        from scrutiny.manifest import read_manifest
        from scrutiny.metadata import merged

        entry = read_manifest(project.manifest_path).documents.get(doc_id)
        if entry is not None:
            doc = merged({k: v for k, v in entry.to_dict().items() if k not in ("source", "sha256")}, doc)
    return doc


def resolve(project, store, passage_id: str) -> Resolved:
    """The passage an id cites now. Raises CitationError for an unknown id or an orphan."""
    passage, redirect = store.resolve_passage(passage_id)
    if passage is None and redirect is None:
        raise CitationError(
            f"no passage with id {passage_id!r}: check the id (`scrutiny search` finds passages)"
        )
    if passage is None and redirect.method == "removed":
        raise CitationError(
            f"passage {passage_id} belonged to document {redirect.doc_id}, which has been removed "
            "from the manifest: its text is no longer in the corpus; cite the document's own copy instead")
    if passage is None:
        from scrutiny.versions import old_page_label, version_at

        old = old_page_label(store, redirect)
        page = f" (it was on page {old})" if old else ""
        version = version_at(store, redirect.doc_id, redirect.created_at)
        kept = (f"; the earlier file is kept as {version.kept_as}" if version is not None and version.kept_as
                else "")
        raise CitationError(
            f"passage {passage_id} is orphaned: its text is gone from the current version of "
            f"{redirect.doc_id}{page} and no passage there says the same thing; "
            f"cite an archived copy of the earlier version instead{kept} "
            f"(`scrutiny show {passage_id}` shows what it said)"
        )
    span = None
    if redirect is not None:
        from scrutiny.anchor import redirect_span

        span = redirect_span(store, redirect)
        if span is None:
            raise CitationError(
                f"passage {passage_id} needs review: it was re-anchored to {passage.id} "
                f"({redirect.method}), but its old text is no longer there word for word "
                f"(the document changed again); find the passage with `scrutiny search` and cite "
                "that id instead, or run `scrutiny ingest` to re-anchor it"
            )
        passage = span.as_passage()
    return Resolved(passage=passage, document=document_record(project, store, passage.doc_id),
                    redirect=redirect, span=span)
