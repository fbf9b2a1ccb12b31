"""Studying: the employee's pages (blueprint `study` in views.py) and the study services,
one room per concern (see docs/architecture.md)."""
