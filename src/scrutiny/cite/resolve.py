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
    def notice(self) -> str | None:
        """A one-line notice for stderr when an old id was followed to a new passage."""
        r = self.redirect
        if not r:
            return None
        how = self.span.describe() if self.span is not None else "re-anchored"
        if r.method == "fuzzy" and r.score is not None:
            how += f" (score {r.score:.2f})"
        return (
            f"note: passage {r.old_id} was re-anchored after a revision of {r.doc_id}; "
            f"citing {self.passage.id}: {how}"
        )


def document_record(project, store, doc_id: str) -> dict:
    """The stored document, plus manifest fields the store does not keep
    (csl_type, container_title, publisher_place...)."""
    doc = store.document(doc_id)
    if doc is None:
        raise CitationError(f"document {doc_id!r} is not in the store: run `scrutiny ingest`")
    if project is not None:
        from scrutiny.manifest import load_manifest

        entry = load_manifest(project.manifest_path).documents.get(doc_id)
        if entry is not None:
            for key, value in entry.extra.items():
                doc.setdefault(key, value)
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
        page = f" (it was on page {redirect.old_page})" if redirect.old_page else ""
        raise CitationError(
            f"passage {passage_id} is orphaned: its text is gone from the current version of "
            f"{redirect.doc_id}{page} and no passage there says the same thing; "
            "cite an archived copy of the earlier version instead"
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
