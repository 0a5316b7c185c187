"""Cross-references: critique -> passages, the same claim across documents,
stakeholders -> documents. Derived data: built whole, then only for the
documents added, changed or removed (:mod:`.update`; the same rows a whole build gives).

    >>> summary = build_xrefs(project, store)          # an XrefSummary; `scrutiny build` / `scrutiny xref`
    >>> pending(project, store)                        # None, or why the cross-references are behind
    >>> queries.related_passages(store, critique_passage_id)
    >>> queries.claim_recurrences(store, "iapt-recovery-rate")

Modules: :mod:`.schema` (its tables), :mod:`.build` (:func:`build_xrefs`,
:func:`pending`), :mod:`.update` (the incremental build), :mod:`.rows` (the rows
and the figure cache), :mod:`.queries` (the read API every other stage uses),
:mod:`.numbers` (the number normaliser), :mod:`.similarity` (TF-IDF and the
calibrated threshold), :mod:`.calibrate` (precision/recall on labelled pairs),
:mod:`.critique`, :mod:`.claims`, :mod:`.stakeholders`.
"""

from __future__ import annotations

from scrutiny.xref.build import INPUTS_KEY, XrefSummary, build_xrefs, inputs_fingerprint, pending

__all__ = ["build_xrefs", "XrefSummary", "pending", "inputs_fingerprint", "INPUTS_KEY"]
