"""Text backends: SQLite FTS5 and PostgreSQL, behind search.backends.base.TextBackend."""
