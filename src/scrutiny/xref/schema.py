"""The store tables cross-references live in (component ``xref``; rebuilt whole by build_xrefs)."""

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
]
