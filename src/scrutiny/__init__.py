"""scrutiny: turn public policy documents into a searchable, citable critique.

The pipeline, stage by stage (each a module or package named after what it does)::

    manifest -> fetch -> readers -> passages -> nlp (tagging) -> kb -> xref
             -> store (SQLite) + index (Whoosh) -> site -> cite / export

Keep this module free of heavy imports: ``scrutiny search`` must start fast.
"""

__version__ = "0.1.0"
