"""Assemble the tagging pipeline: a model (or rules alone) plus our components.

    >>> from scrutiny.nlp.pipeline import build_tagger
    >>> tagger = build_tagger(names=[("acme-trust", "organisation", "Acme Trust")])
    >>> doc = tagger.nlp("The Acme Trust (AT) published the Review of Waiting.")

``tagger.version`` changes whenever anything that decides the tags changes (our
code's version, the model and its version, the curated names, the labelled
data), so the store re-tags exactly when it must.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from pathlib import Path

# The tagger version also hashes this package's code (code_fingerprint), so any
# change to a component re-tags; bump this for changes outside it.
COMPONENTS_VERSION = "7"  # 4: claim pages from page breaks; 5: contents lines make no claim; 6: note marks are not statistics; 7: allocated sums, directives, small print, calls on nobody

OUR_COMPONENTS = (
    "scrutiny_lines",
    "scrutiny_curated_names",
    "scrutiny_extracted_names",
    "scrutiny_acronyms",
    "scrutiny_coreference",
    "scrutiny_claim_rules",
    "scrutiny_claim_classifier",
    "scrutiny_tie_patterns",
)


def _register():
    # Importing the modules registers the factories.
    from scrutiny.nlp import (  # noqa: F401
        acronyms, claim_model, claim_rules, coreference, curated_names, extracted_names, lines, spans, tie_patterns,
    )


@dataclass
class Tagger:
    nlp: object
    model_name: str
    rules_only: bool
    version: str
    names: list = field(default_factory=list)
    # the version without the curated names: when only the names change, only the
    # passages that may contain a name added or removed need tagging again
    base_version: str | None = None

    def pipe(self, texts, batch_size: int = 64, n_process: int = 1):
        return self.nlp.pipe(texts, batch_size=batch_size, n_process=n_process)


def build_tagger(model: str | None = None, names=(), warn: bool = True, cache_dir=None,
                 train: bool = True, base=None) -> Tagger:
    """``names``: ``(stakeholder_id, kind, surface)`` triples from the KB and manifest.

    ``base``: an already loaded ``(nlp, model_name)`` to build on (tests, bench).
    """
    from scrutiny.nlp.labels import data_fingerprint
    from scrutiny.nlp.model import RULES_ONLY, load_model

    _register()
    nlp, model_name = base if base is not None else load_model(model, warn=warn)
    _possessive_suffixes(nlp)
    has_ner = "ner" in nlp.pipe_names
    first_splitter = next((n for n in ("parser", "senter", "sentencizer") if n in nlp.pipe_names), None)
    nlp.add_pipe("scrutiny_lines", before=first_splitter) if first_splitter else nlp.add_pipe("scrutiny_lines", first=True)
    nlp.add_pipe("scrutiny_curated_names")
    nlp.add_pipe("scrutiny_extracted_names", config={"use_ner": has_ner})
    nlp.add_pipe("scrutiny_acronyms")
    nlp.add_pipe("scrutiny_coreference")
    nlp.add_pipe("scrutiny_claim_rules")
    nlp.add_pipe("scrutiny_claim_classifier")
    nlp.add_pipe("scrutiny_tie_patterns")
    names = sorted({(sid, kind, surface) for sid, kind, surface in names if surface})
    nlp.get_pipe("scrutiny_curated_names").add_names(names)

    model_version = nlp.meta.get("version", "") if model_name != RULES_ONLY else ""
    fingerprint = data_fingerprint()
    version = _version(model_name, model_version, fingerprint, names)
    if train:
        classifier = nlp.get_pipe("scrutiny_claim_classifier")
        classifier.model = trained_claim_model(nlp, model_name, model_version, fingerprint, cache_dir)
    return Tagger(nlp=nlp, model_name=model_name, rules_only=model_name == RULES_ONLY,
                  version=version, names=names,
                  base_version=_version(model_name, model_version, fingerprint, ()))


def with_names(tagger: Tagger, names) -> Tagger:
    """``tagger`` given other curated names, as :func:`build_tagger` would have built it
    with ``names`` on the same model, without loading the model again (a long-lived
    process: ``scrutiny watch``, where each document added is a name more). The
    tagger is changed in place and returned."""
    from scrutiny.nlp.labels import data_fingerprint
    from scrutiny.nlp.model import RULES_ONLY

    names = sorted({(sid, kind, surface) for sid, kind, surface in names if surface})
    if names == tagger.names:
        return tagger
    tagger.nlp.get_pipe("scrutiny_curated_names").set_names(names)
    model_version = tagger.nlp.meta.get("version", "") if tagger.model_name != RULES_ONLY else ""
    tagger.names = names
    tagger.version = _version(tagger.model_name, model_version, data_fingerprint(), names)
    return tagger


def code_fingerprint() -> str:
    """A hash of the tagger's own code: any change to a component re-tags."""
    h = hashlib.sha1()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def _possessive_suffixes(nlp) -> None:
    """Split "Committee‘s" like "Committee's": some PDFs set the apostrophe as a
    left quotation mark, which would otherwise glue the possessive to the name."""
    from spacy.util import compile_suffix_regex

    extra = [r"(?<=[A-Za-z])‘s", r"(?<=[A-Za-z])‘"]
    nlp.tokenizer.suffix_search = compile_suffix_regex(list(nlp.Defaults.suffixes) + extra).search


def _version(model_name, model_version, fingerprint, names) -> str:
    h = hashlib.sha1()
    for part in (COMPONENTS_VERSION, code_fingerprint(), model_name, model_version, fingerprint, repr(names)):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:16]


def expected_version(model: str | None, names=()) -> str | None:
    """The version :func:`build_tagger` would give, without importing spaCy.

    Found from the installed model packages' metadata; None when that cannot
    be known cheaply (the caller then builds the tagger).
    """
    planned = planned_tagger(model, names)
    return planned.version if planned is not None else None


class PlannedTagger:
    """A :class:`Tagger` known before it is built: its version, base version, model
    name and names come from the installed packages' metadata (no spaCy import);
    the pipeline is built (``build``, called with no argument) the first time ``nlp``
    is asked for, so a run with nothing to tag never loads the model."""

    def __init__(self, version: str, base_version: str, model_name: str, names: list, build):
        self.version, self.base_version, self.model_name, self.names = version, base_version, model_name, names
        self.rules_only = False
        self._build, self._tagger = build, None

    @property
    def built(self) -> bool:
        return self._tagger is not None

    @property
    def nlp(self):
        if self._tagger is None:
            tagger = self._build()
            if (tagger.version, tagger.model_name) != (self.version, self.model_name):
                raise RuntimeError(f"the tagger built is version {tagger.version} of {tagger.model_name}, "
                                   f"not the {self.version} of {self.model_name} its packages announced")
            self._tagger = tagger
        return self._tagger.nlp

    def pipe(self, texts, batch_size: int = 64, n_process: int = 1):
        return self.nlp.pipe(texts, batch_size=batch_size, n_process=n_process)


def planned_tagger(model: str | None, names=(), build=None) -> PlannedTagger | None:
    """The tagger :func:`build_tagger` would give for ``model`` and ``names``, not built
    yet (``build()`` builds it when its pipeline is first used); None when its version
    cannot be known without loading spaCy (no model package installed)."""
    from importlib import metadata

    from scrutiny.nlp.labels import data_fingerprint
    from scrutiny.nlp.model import candidates

    names = sorted({(sid, kind, surface) for sid, kind, surface in names if surface})
    for name in candidates(model):
        try:
            dist = metadata.distribution(name.replace("_", "-"))
        except metadata.PackageNotFoundError:
            try:
                dist = metadata.distribution(name)
            except metadata.PackageNotFoundError:
                continue
        fingerprint = data_fingerprint()
        return PlannedTagger(_version(name, dist.version, fingerprint, names),
                             _version(name, dist.version, fingerprint, ()), name, names, build)
    return None


def rule_features(nlp, texts: list[str]) -> list[dict]:
    """Rule hits of each text taken as one sentence (as the classifier sees it)."""
    return [hits for hits, _parse in claim_inputs(nlp, texts)]


def claim_inputs(nlp, texts: list[str]) -> list[tuple[dict, list[str]]]:
    """Rule hits and parse tokens (:func:`scrutiny.nlp.claim_parse.parse_tokens`) of each
    text taken as one sentence, from one parse of it."""
    from scrutiny.nlp.claim_parse import parse_tokens
    from scrutiny.nlp.claim_rules import rule_hits

    keep = [n for n in nlp.pipe_names if n not in OUR_COMPONENTS and n not in ("ner",)]
    with nlp.select_pipes(enable=keep):
        return [(rule_hits(doc[:]), parse_tokens(doc[:])) for doc in nlp.pipe(texts, batch_size=128)]


# Whether the claim model reads the parse's tokens (measured by grouped cross-validation
# on the dev passages: docs/tagging.md, "Ninth round").
CLAIM_MODEL_PARSE = False


def fit_claim_model(examples, inputs, parse: bool | None = None):
    """A :class:`~scrutiny.nlp.claim_model.ClaimModel` fitted on ``examples`` (each with its
    ``(rule hits, parse tokens)`` of :func:`claim_inputs`), as the tagger applies it."""
    from scrutiny.nlp.claim_model import AppliedClaimModel, ClaimModel, featurise

    parse = CLAIM_MODEL_PARSE if parse is None else parse
    features = [featurise(e.text, h, p if parse else ()) for e, (h, p) in zip(examples, inputs)]
    return AppliedClaimModel(ClaimModel(parse=parse).fit(features, [set(e.kinds) for e in examples]))


def claim_model_file(model_name: str, model_version: str, fingerprint: str) -> str:
    """The file name a trained claim model is cached under: a hash of everything it is made from
    (scikit-learn's version read from its package's metadata: applying the model does not
    import it)."""
    from importlib import metadata

    sklearn_version = metadata.version("scikit-learn")
    tag = hashlib.sha1(f"{COMPONENTS_VERSION}|{code_fingerprint()}|{model_name}|{model_version}|{fingerprint}|{sklearn_version}|"
                       f"parse={CLAIM_MODEL_PARSE}"
                       .encode()).hexdigest()[:16]
    return f"claim-model-{tag}.pickle"


def trained_claim_model(nlp, model_name: str, model_version: str, fingerprint: str, cache_dir=None):
    """Train the claim classifier on the training split, cached on disk by fingerprint in
    ``cache_dir`` (the project's) and in :func:`user_cache_dir` (shared by every project
    of this user, so that a new project does not train it again)."""
    from scrutiny.nlp.labels import training_examples

    cache = None
    name = claim_model_file(model_name, model_version, fingerprint)
    caches = [Path(d) / name for d in (cache_dir, user_cache_dir()) if d is not None]
    if cache_dir is not None:
        cache = caches[0]
    for candidate in caches:
        if candidate.is_file():
            try:
                with candidate.open("rb") as fh:
                    model = pickle.load(fh)
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError,
                    ValueError):  # a torn cache, or one made by other code: rebuilt
                continue
            if cache is not None and candidate != cache and not cache.is_file():
                from scrutiny.atomic import write_bytes

                write_bytes(cache, candidate.read_bytes())
            return model
    examples = training_examples()
    # kept and used as its numbers alone: loading it does not import scikit-learn
    model = fit_claim_model(examples, claim_inputs(nlp, [e.text for e in examples]))
    from scrutiny.atomic import write_bytes

    data = pickle.dumps(model)
    for target in caches:
        try:
            write_bytes(target, data)
        except OSError:
            if target == cache:
                raise
            # the shared cache is a convenience: a read-only home is not an error
    return model


def user_cache_dir() -> Path | None:
    """Where a trained claim model is kept for every project of this user (the model
    depends only on the tagger's code and data, not on the project): $SCRUTINY_CACHE_DIR,
    else $XDG_CACHE_HOME/scrutiny, else ~/.cache/scrutiny; None when SCRUTINY_CACHE_DIR is "off"."""
    import os

    configured = os.environ.get("SCRUTINY_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    return Path(base) / "scrutiny"
