"""Full-text search inside works: the query language, the document builder and the text
backends (SQLite FTS5, PostgreSQL tsvector). The public interface is `search.text`."""
