"""What the app takes from URLs: integers in routes and query strings, and local targets to
redirect to (``next``, the Referer of an expired form).

Integers: every database id is a 32-bit signed integer (PostgreSQL ``integer``; SQLite
fails above 2^63 with an OverflowError). `init_app` makes ``<int:…>`` in every route refuse
numbers above INT_MAX (a 404, as for any id that does not exist), and `bounded_int` reads
one from a query string or a select box (a ValueError out of range, so
``request.args.get(name, default, type=bounded_int)`` falls back to the default).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

from flask import Flask, url_for
from werkzeug.routing import IntegerConverter

INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
_DECIMAL = re.compile(r"-?[0-9]{1,10}", re.ASCII)


def bounded_int(value: str) -> int:
    """A decimal integer within INT_MIN..INT_MAX (ASCII digits only), else ValueError."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise TypeError(f"not a number: {value!r}")
    text = str(value)
    if not _DECIMAL.fullmatch(text):
        raise ValueError(f"not a decimal integer: {text[:40]!r}")
    number = int(text)
    if not INT_MIN <= number <= INT_MAX:
        raise ValueError(f"out of range: {text}")
    return number


class BoundedIntConverter(IntegerConverter):
    """Werkzeug's ``int`` converter, refusing numbers above INT_MAX (below INT_MIN when
    signed) unless a route asks for a narrower range."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - Werkzeug's name
        super().__init__(map, *args, **kwargs)
        self.min = INT_MIN if self.min is None else max(self.min, INT_MIN)
        self.max = INT_MAX if self.max is None else min(self.max, INT_MAX)


# What a browser ignores or reads as a slash while parsing a URL, and what hides a
# character from the person reading it.
_BACKSLASH = "\\"


def _unsafe_character(text: str) -> bool:
    return any(
        ch == _BACKSLASH or ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Cs")
        for ch in text
    )


def _decoded(path: str) -> str:
    """The path percent-decoded until nothing changes (a few rounds at most)."""
    for _ in range(4):
        decoded = unquote(path)
        if decoded == path:
            break
        path = decoded
    return path


def is_local_target(target: object) -> bool:
    """Whether `target` is a path on this site that no browser reads as another site.

    Refused: a scheme or host; anything not starting with a single ``/``; backslashes,
    whitespace and control or invisible characters anywhere (browsers drop tabs and line
    breaks and read ``\\`` as ``/``, so ``/\\t/evil.com`` is ``//evil.com``); and the same
    in the percent-decoded path (``/%09/evil.com``, ``/%2F/evil.com``, ``/%5Cevil.com``).
    """
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return False
    if _unsafe_character(target):
        return False
    try:
        parts = urlsplit(target)
    except ValueError:
        return False
    if parts.scheme or parts.netloc:
        return False
    path = _decoded(parts.path)
    return not (path.startswith("//") or _unsafe_character(path))


def safe_next(target: str | None, default: str | None = None) -> str:
    """A local path to go back to; anything else becomes `default` (the home page)."""
    if target and is_local_target(target):
        return target
    return default or url_for("catalog.index")


def init_app(app: Flask) -> None:
    """Bound ``<int:…>`` in every route; before any blueprint is registered."""
    app.url_map.converters["int"] = BoundedIntConverter
