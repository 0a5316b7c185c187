"""Natural-language tagging: stakeholders, claims and candidate ties.

One module per spaCy component, each registered with ``@Language.factory``
and a default config:

- :mod:`.curated_names`  (``scrutiny_curated_names``)  knowledge-base names and aliases, manifest titles
- :mod:`.extracted_names` (``scrutiny_extracted_names``) statistical NER + capitalised-phrase rules
- :mod:`.acronyms`       (``scrutiny_acronyms``)       "Full Name (ACR)" definitions
- :mod:`.claim_rules`    (``scrutiny_claim_rules``)    patterns for statistics, pledges, calls to act
- :mod:`.claim_model`    (``scrutiny_claim_classifier``) scikit-learn classifier over the labelled set
- :mod:`.tie_patterns`   (``scrutiny_tie_patterns``)   candidate ties from phrase and dependency patterns

:mod:`.pipeline` assembles them on top of a configurable model (see
:mod:`.model`); :mod:`.labels` holds the labelled data the classifier learns
from. Running the pipeline over the store is the tagging stage's work
(:mod:`scrutiny.tags`). Importing this package does not import spaCy.
"""
