"""Measuring code: how well the tagger does against labelled data (``scrutiny eval``).

- :mod:`.scores`: precision, recall and F1, per claim kind, and the name key
  names are scored by;
- :mod:`.tagger`: claim kinds (cross-validated and held out), stakeholder
  names and ties on our labelled sentences and the reference article;
- :mod:`.real_documents`: the same on the real government PDFs in
  ``../shared/real-documents`` (labels refer to their text by reference);
- :mod:`.tie_pairs`: a learned scorer of the mention pairs the tie rules left
  untied, measured by grouped cross-validation on the dev passages (not shipped);
- ``data/blind/``: a frozen blind set written without seeing the tagger.

Nothing in the pipeline imports this package.
"""
