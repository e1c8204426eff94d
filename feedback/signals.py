"""Receivers of works' posting signals (works.signals): only schedule, never do the work here."""
