"""Feedback pages, one module per area; each module's `urlpatterns` joins feedback/urls.py."""
