"""The tables of the tagging stage (component ``nlp`` of the store).

Only the ``scrutiny.tags`` package runs SQL on them: :mod:`.write` fills them,
:mod:`.queries` reads them for everyone else.

- ``nlp_tagged``: which passages are tagged, by which tagger version;
- ``nlp_mentions``: names of stakeholders in a passage (``stakeholder_id`` set
  by resolution over the whole corpus), with their document;
- ``nlp_acronyms``: acronyms a passage defines ("Full Name (FN)");
- ``nlp_stakeholders``: names nobody curated, as extracted stakeholders;
- ``nlp_sentences``: every sentence's span;
- ``nlp_claims``: sentences tagged with claim kinds;
- ``nlp_tie_candidates``: ties the patterns found, their ends resolved;
- ``nlp_state``: the last run (model, tagger version, time);
- ``nlp_lower_grams``, ``nlp_lower_docs``, ``nlp_lower_checked``: the lower-case uses
  of the words of short names, per document (:func:`.write._common_words`);
- ``nlp_clusters``: the clusters of uncurated mentions and their ids (:mod:`.resolution`);
- ``nlp_doc_fingerprints``: each document's tag fingerprints (:mod:`.fingerprints`).
"""

from __future__ import annotations

import hashlib


NLP_MIGRATIONS = [
    """
    CREATE TABLE nlp_tagged (
        passage_id     TEXT PRIMARY KEY,
        tagger_version TEXT NOT NULL,
        tagged_at      TEXT NOT NULL
    );
    CREATE TABLE nlp_mentions (
        passage_id     TEXT NOT NULL,
        start          INTEGER NOT NULL,
        end            INTEGER NOT NULL,
        text           TEXT NOT NULL,
        kind           TEXT NOT NULL,
        source         TEXT NOT NULL,              -- curated | model | rule
        confidence     REAL NOT NULL,
        curated_id     TEXT,                       -- set by the curated-names component
        stakeholder_id TEXT,                       -- set by resolution over the corpus
        PRIMARY KEY (passage_id, start, end)
    );
    CREATE INDEX nlp_mentions_sid ON nlp_mentions(stakeholder_id);
    CREATE TABLE nlp_acronyms (
        passage_id TEXT NOT NULL,
        short      TEXT NOT NULL,
        long       TEXT NOT NULL
    );
    CREATE INDEX nlp_acronyms_pid ON nlp_acronyms(passage_id);
    CREATE TABLE nlp_stakeholders (
        id        TEXT PRIMARY KEY,
        name      TEXT NOT NULL,
        kind      TEXT NOT NULL,
        aliases   TEXT NOT NULL DEFAULT '[]',      -- JSON list
        mentions  INTEGER NOT NULL DEFAULT 0,
        confidence REAL NOT NULL DEFAULT 0
    );
    CREATE TABLE nlp_claims (
        id         TEXT PRIMARY KEY,               -- <passage id>@<start>
        passage_id TEXT NOT NULL,
        doc_id     TEXT NOT NULL,
        page       INTEGER,
        start      INTEGER NOT NULL,
        end        INTEGER NOT NULL,
        text       TEXT NOT NULL,                  -- the sentence as it stands in the passage
        kinds      TEXT NOT NULL,                  -- JSON list
        details    TEXT NOT NULL,                  -- JSON {kind: {confidence, source}}
        confidence REAL NOT NULL,
        source     TEXT NOT NULL
    );
    CREATE INDEX nlp_claims_pid ON nlp_claims(passage_id);
    CREATE INDEX nlp_claims_doc ON nlp_claims(doc_id);
    CREATE TABLE nlp_tie_candidates (
        passage_id    TEXT NOT NULL,
        sent_start    INTEGER NOT NULL,
        sent_end      INTEGER NOT NULL,
        relation      TEXT NOT NULL,
        role          TEXT,
        confidence    REAL NOT NULL,
        pattern       TEXT NOT NULL,
        subject_start INTEGER NOT NULL,
        subject_end   INTEGER NOT NULL,
        subject_text  TEXT NOT NULL,
        subject_kind  TEXT NOT NULL,
        object_start  INTEGER NOT NULL,
        object_end    INTEGER NOT NULL,
        object_text   TEXT NOT NULL,
        object_kind   TEXT NOT NULL,
        subject_id    TEXT,
        object_id     TEXT,
        tie_id        TEXT
    );
    CREATE INDEX nlp_ties_pid ON nlp_tie_candidates(passage_id);
    CREATE INDEX nlp_ties_tid ON nlp_tie_candidates(tie_id);
    CREATE TABLE nlp_state (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    """
    -- Every sentence's span, so that a curated tie can show the sentences naming both ends.
    CREATE TABLE nlp_sentences (
        passage_id TEXT NOT NULL,
        start      INTEGER NOT NULL,
        end        INTEGER NOT NULL
    );
    CREATE INDEX nlp_sentences_pid ON nlp_sentences(passage_id);
    -- Tag rows written before sentences were recorded are re-tagged.
    DELETE FROM nlp_tagged;
    """,
    """
    -- The document of each mention and acronym, so that a document's tags are
    -- read without another stage's table. Rows made before are tagged again.
    ALTER TABLE nlp_mentions ADD COLUMN doc_id TEXT;
    ALTER TABLE nlp_acronyms ADD COLUMN doc_id TEXT;
    CREATE INDEX nlp_mentions_doc ON nlp_mentions(doc_id);
    DELETE FROM nlp_tagged;
    """,
    """
    -- A back-reference ("the review") names no one itself: it stands for the name at
    -- these offsets of the same passage, and takes that name's stakeholder.
    ALTER TABLE nlp_mentions ADD COLUMN refers_start INTEGER;
    ALTER TABLE nlp_mentions ADD COLUMN refers_end INTEGER;
    DELETE FROM nlp_tagged;
    """,
    """
    -- How often each document writes, in lower case, the words of a one- to three-word
    -- name ("convention", "lose out"): a name the corpus also uses as plain words is no
    -- stakeholder. Kept per document (with the document's stamp, and the words counted
    -- in every document) so that one document added reads that document, not the corpus.
    CREATE TABLE nlp_lower_grams (
        gram   TEXT NOT NULL,
        doc_id TEXT NOT NULL,
        n      INTEGER NOT NULL,
        PRIMARY KEY (gram, doc_id)
    );
    CREATE INDEX nlp_lower_grams_doc ON nlp_lower_grams(doc_id);
    CREATE TABLE nlp_lower_docs (
        doc_id TEXT PRIMARY KEY,
        stamp  TEXT NOT NULL
    );
    CREATE TABLE nlp_lower_checked (
        gram TEXT PRIMARY KEY
    );
    """,
    """
    -- What resolution looks each mention up by (scrutiny.tags.resolution), so that one
    -- document changed resolves the mentions it reaches, not the corpus's: its display
    -- name, key and short name, a person's surname and full-name key, the full name it
    -- lends to surname-only mentions, its cluster (NULL when it names someone directly).
    -- A store made before is resolved whole once (nlp_state has no 'resolution').
    ALTER TABLE nlp_mentions ADD COLUMN name TEXT;
    ALTER TABLE nlp_mentions ADD COLUMN nkey TEXT;
    ALTER TABLE nlp_mentions ADD COLUMN plain TEXT;
    ALTER TABLE nlp_mentions ADD COLUMN surname TEXT;
    ALTER TABLE nlp_mentions ADD COLUMN pkey TEXT;
    ALTER TABLE nlp_mentions ADD COLUMN lends TEXT;
    ALTER TABLE nlp_mentions ADD COLUMN ckey TEXT;
    CREATE INDEX nlp_mentions_name ON nlp_mentions(name);
    CREATE INDEX nlp_mentions_nkey ON nlp_mentions(nkey);
    CREATE INDEX nlp_mentions_plain ON nlp_mentions(plain);
    CREATE INDEX nlp_mentions_surname ON nlp_mentions(surname);
    CREATE INDEX nlp_mentions_person ON nlp_mentions(pkey);
    CREATE INDEX nlp_mentions_ckey ON nlp_mentions(ckey);
    -- Each cluster of uncurated mentions: the slug of its display name, the slug's root
    -- (ids collide only within one root) and the stakeholder id it was given.
    CREATE TABLE nlp_clusters (
        ckey TEXT PRIMARY KEY,
        base TEXT NOT NULL,
        root TEXT NOT NULL,
        sid  TEXT NOT NULL
    );
    CREATE INDEX nlp_clusters_root ON nlp_clusters(root);
    DELETE FROM nlp_state WHERE key = 'resolution';
    -- Each document's tag fingerprints (scrutiny.tags.fingerprints), written again for
    -- the documents a tagging run touched.
    CREATE TABLE nlp_doc_fingerprints (
        doc_id TEXT PRIMARY KEY,
        doc    TEXT,
        facets TEXT
    );
    """,
    """
    -- A cluster's stakeholder is made from its mentions counted by name, kind and
    -- confidence (scrutiny.tags.resolution.cluster_of): counted from this index alone,
    -- without reading each of a large cluster's rows (19,000 at 10,000 documents).
    CREATE INDEX nlp_mentions_cluster ON nlp_mentions(ckey, name, kind, confidence);
    DROP INDEX nlp_mentions_ckey;
    """,
    """
    -- Each document's stamp (the store's sha256, passages and time of storing) when a
    -- tagging run left every one of its passages tagged and no tags of its old ones
    -- (scrutiny.tags.write): a run after one document was added looks at the documents
    -- whose stamp moved, not at every passage id of the corpus. Filled by the next run.
    CREATE TABLE nlp_doc_tagged (
        doc_id TEXT PRIMARY KEY,
        stamp  TEXT NOT NULL
    );
    """,
    """
    -- A surname's mentions in one document, and whether some mention lends it a full
    -- name (scrutiny.tags.resolution._alone, _lending), found by an index seek: a
    -- surname a corpus names 16,000 times is not read whole for each document added.
    CREATE INDEX nlp_mentions_surname_doc ON nlp_mentions(surname, doc_id);
    CREATE INDEX nlp_mentions_surname_lends ON nlp_mentions(surname, lends);
    DROP INDEX nlp_mentions_surname;
    """,
    """
    -- Each document's resolved tie candidates as one hash (scrutiny.tags.fingerprints):
    -- the site locates the candidates of the documents whose hash moved, not every
    -- candidate of the corpus. The rows are written again whole by the next run.
    ALTER TABLE nlp_doc_fingerprints ADD COLUMN ties TEXT;
    DELETE FROM nlp_state WHERE key = 'doc_fingerprints';
    """,
    """
    -- How often the corpus names each short name a new document names, counted from this
    -- index alone (scrutiny.tags.resolution, step 2): a name written 19,000 times in a
    -- corpus of 10,000 documents was read row by row for each document added (0.4 s).
    CREATE INDEX nlp_mentions_plain_source ON nlp_mentions(plain, source);
    DROP INDEX nlp_mentions_plain;
    """,
]

TAG_TABLES = ("nlp_mentions", "nlp_acronyms", "nlp_claims", "nlp_tie_candidates", "nlp_sentences", "nlp_tagged")


def ensure_schema(store) -> None:
    """Create or migrate the tagging tables (a writable store)."""
    store.ensure_schema("nlp", NLP_MIGRATIONS)


def schema_state(store) -> bool:
    """Whether the store holds the tagging tables at the current schema: False when
    it was never tagged; a ScrutinyError when another scrutiny made them."""
    return store.schema_current("nlp", NLP_MIGRATIONS, made=("the tags", "tag schema"),
                                again="run `scrutiny tag` (or `scrutiny build`) to tag again")


def tie_id(subject: str, relation: str, obj: str) -> str:
    """The id of a tie between two stakeholders (the same for a suggestion and a curated tie)."""
    digest = hashlib.sha1(f"{subject}\x00{relation}\x00{obj}".encode("utf-8")).hexdigest()[:10]
    return f"tie-{digest}"
