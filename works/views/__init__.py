"""Work pages, split by page group: listings, reading, posting, chapters."""
