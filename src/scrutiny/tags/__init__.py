"""The tagging stage: claims, stakeholder mentions and candidate ties, in the store.

- :mod:`.schema`: its tables (component ``nlp`` of the store), which only this
  package reads and writes;
- :mod:`.write`: ``tag_store`` runs the spaCy pipeline of :mod:`scrutiny.nlp`
  over the passages not tagged yet and resolves names across the corpus
  (:mod:`.resolve`);
- :mod:`.queries`: the read API every other stage uses, returning dataclasses;
- :mod:`.review`: decisions on suggested ties, kept in ``kb/reviewed.yaml``.

The curated knowledge base comes in as :class:`scrutiny.kb.view.Curated`.
"""
