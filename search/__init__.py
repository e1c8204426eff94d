"""Finding works and bookmarks. `search.text`: full-text search inside works (the query language,
the document builder, the SQLite FTS5 and PostgreSQL backends). `search.filters`: the in-memory
filter index. `search.listing`: every listing, form → query → results."""
