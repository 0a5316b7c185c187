"""The store tables cross-references live in (component ``xref``; written by build_xrefs, whole or
for the documents that changed).

Only ``scrutiny.xref`` runs SQL on them: :mod:`.build` writes them,
:mod:`.queries` reads them for everyone else.
"""

from __future__ import annotations


XREF_MIGRATIONS = [
    """
    -- critique paragraph -> passage / claim / stakeholder / document
    CREATE TABLE xref_links (
        source_kind TEXT NOT NULL,     -- passage (an ingested critique passage) | essay (a kb essay line)
        source_id   TEXT NOT NULL,     -- passage id, or <essay id>:L<line>
        essay_id    TEXT,              -- the kb essay, when the link comes from one
        target_kind TEXT NOT NULL,     -- passage | claim | stakeholder | doc
        target_id   TEXT NOT NULL,
        method      TEXT NOT NULL,     -- markup | tfidf
        score       REAL,              -- cosine similarity for tfidf; NULL for markup
        file        TEXT,              -- where the markup is (kb/critique/x.md)
        line        INTEGER,
        PRIMARY KEY (source_id, target_kind, target_id, method)
    );
    CREATE INDEX xref_links_target ON xref_links(target_kind, target_id);
    -- the same claim in several documents (numbers normalised)
    CREATE TABLE xref_claims (
        group_id    TEXT NOT NULL,     -- a curated claim id, or q:<kind>:<value> for an uncurated figure
        claim_id    TEXT,              -- the curated claim, when there is one
        passage_id  TEXT NOT NULL,
        doc_id      TEXT NOT NULL,
        origin      TEXT NOT NULL,     -- located (kb locator) | figure (same number) | similar (tfidf)
        kind        TEXT,              -- number | percent (for figure matches)
        value       REAL,
        surface     TEXT,              -- the figure as written in the passage
        score       REAL,
        PRIMARY KEY (group_id, passage_id, origin)
    );
    CREATE INDEX xref_claims_pid ON xref_claims(passage_id);
    -- stakeholders and the documents they are named in
    CREATE TABLE xref_stakeholder_docs (
        stakeholder_id TEXT NOT NULL,
        doc_id         TEXT NOT NULL,
        mentions       INTEGER NOT NULL,
        passages       INTEGER NOT NULL,
        source         TEXT NOT NULL,  -- nlp_mentions | names (kb names and aliases matched in the text)
        PRIMARY KEY (stakeholder_id, doc_id)
    );
    """,
    """
    -- The documents of a link's passages (a passage id always belongs to one
    -- document), so that a document's links are read without another stage's
    -- table. Everything is rebuilt.
    ALTER TABLE xref_links ADD COLUMN source_doc TEXT;
    ALTER TABLE xref_links ADD COLUMN target_doc TEXT;
    CREATE INDEX xref_links_source_doc ON xref_links(source_doc);
    CREATE INDEX xref_links_target_doc ON xref_links(target_doc);
    DELETE FROM xref_links;
    DELETE FROM xref_claims;
    DELETE FROM xref_stakeholder_docs;
    """,
    """
    -- The significant figures of each passage and the content words of the
    -- sentence each stands in (JSON), kept by passage id (a hash of the text):
    -- a build reads the figures of new passages only, not the whole corpus.
    CREATE TABLE xref_figures (
        passage_id TEXT PRIMARY KEY,
        figures    TEXT NOT NULL
    );
    """,
    """
    -- Incremental builds: the cache of figures knows each passage's document,
    -- and each figure is indexed by its value, so that a build after one
    -- document changed reads the figures of the values it states (or stated),
    -- not the whole corpus. The cache is filled again by the next build (a
    -- whole one: it has no record of the documents it was made from yet).
    DELETE FROM xref_figures;
    ALTER TABLE xref_figures ADD COLUMN doc_id TEXT;
    CREATE INDEX xref_figures_doc ON xref_figures(doc_id);
    CREATE TABLE xref_figure_values (
        kind       TEXT NOT NULL,     -- number | percent
        value      REAL NOT NULL,
        gkey       TEXT NOT NULL,     -- <kind>:<value to 3 significant figures> (claims.group_key)
        passage_id TEXT NOT NULL,
        doc_id     TEXT NOT NULL
    );
    CREATE INDEX xref_figure_values_value ON xref_figure_values(kind, value);
    CREATE INDEX xref_figure_values_gkey ON xref_figure_values(gkey);
    CREATE INDEX xref_figure_values_doc ON xref_figure_values(doc_id);
    CREATE INDEX xref_claims_doc ON xref_claims(doc_id);
    CREATE INDEX xref_stakeholder_docs_doc ON xref_stakeholder_docs(doc_id);
    """,
    """
    -- Incremental builds, the figure groups: each statement of a figure knows
    -- the words of its sentence and its place, and each distinct word set of a
    -- figure value keeps its documents, first statement and group
    -- (figure_sets.py), so that a build after one document changed groups the
    -- sentences of the values it states, not every statement of them. Filled
    -- again by the next build (a whole one: the code changed).
    DELETE FROM xref_figure_values;
    ALTER TABLE xref_figure_values ADD COLUMN words TEXT;
    ALTER TABLE xref_figure_values ADD COLUMN ord INTEGER;
    ALTER TABLE xref_figure_values ADD COLUMN start INTEGER;
    ALTER TABLE xref_figure_values ADD COLUMN surface TEXT;
    CREATE INDEX xref_figure_values_set ON xref_figure_values(gkey, words);
    CREATE INDEX xref_figure_values_pid ON xref_figure_values(passage_id);
    CREATE TABLE xref_figure_sets (
        gkey        TEXT NOT NULL,     -- <kind>:<value to 3 significant figures>
        words       TEXT NOT NULL,     -- the sentence's content words, sorted, space-separated
        ndocs       INTEGER NOT NULL,  -- documents stating the value in such a sentence (curated passages aside)
        doc_id      TEXT,              -- the document, when one
        first_doc   TEXT NOT NULL,     -- the first statement: document, passage ord, start
        first_ord   INTEGER NOT NULL,
        first_start INTEGER NOT NULL,
        group_id    TEXT,              -- q:<kind>:<value>[:n], NULL when in no group
        PRIMARY KEY (gkey, words)
    );
    """,
    """
    -- Counting a word set's documents and finding its first statement
    -- (figure_sets._count) read this index alone, not the rows: a figure stated
    -- in thousands of documents is counted in milliseconds, not tens of them.
    DROP INDEX xref_figure_values_set;
    CREATE INDEX xref_figure_values_count ON xref_figure_values(gkey, words, doc_id, ord, start, passage_id);
    """,
    """
    -- What an update after one document reads of the whole tables, from indexes: the curated
    -- claims' rows (update: a few, among 400,000 figure rows at 10,000 documents, which were
    -- scanned twice), the uncurated groups counted, and whether other documents' rows of who
    -- is named where come from the tags or from the names (update.py, step 1).
    CREATE INDEX xref_claims_curated ON xref_claims(claim_id, passage_id) WHERE claim_id IS NOT NULL;
    CREATE INDEX xref_claims_groups ON xref_claims(group_id) WHERE claim_id IS NULL;
    CREATE INDEX xref_stakeholder_docs_source ON xref_stakeholder_docs(source, doc_id);
    """,
]


def ensure_schema(store) -> None:
    """Create or migrate the cross-reference tables (a writable store)."""
    store.ensure_schema("xref", XREF_MIGRATIONS)


def schema_state(store) -> bool:
    """Whether the store holds the cross-reference tables at the current schema:
    False when they were never built; a ScrutinyError when another scrutiny made them."""
    return store.schema_current("xref", XREF_MIGRATIONS, made=("the cross-references", "schema"),
                                again="run `scrutiny xref` (or `scrutiny build`) to build them again")
