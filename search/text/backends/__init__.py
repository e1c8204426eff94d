"""Text backends: SQLite FTS5 and PostgreSQL, behind search.text.backends.base.TextBackend."""
