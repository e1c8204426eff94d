"""Who may see what: the archive's one visibility policy and the permission-checked getters."""
