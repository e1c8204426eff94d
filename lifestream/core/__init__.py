"""The bottom layer: what every app may use and that imports no app (stdlib and Django only)."""
