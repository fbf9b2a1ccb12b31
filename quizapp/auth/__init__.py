"""Logging in and out, first-login password change, language choice (blueprint `auth`
in views.py)."""
