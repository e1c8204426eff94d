"""Tag filters, facet counts and sorting for listings, from memory (`index`)."""
