"""Practice items derived from a 问答 item: review, edit, add them to a draft of the bank."""

from __future__ import annotations

from .views import bp  # noqa: F401  (routes of this module are registered on it)
