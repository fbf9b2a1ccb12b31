"""Bank variables: company facts written as {{公司名称}} in a bank's text (docs/bank-format.md).

Pure functions over text: find the references, fill them with values, tell which values
are missing. A reference is `{{名称}}` where 名称 is exactly a declared variable's name; any
other `{{…}}` is left alone (in a 填空 question it is a blank).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

# 1–20 letters (any script, CJK included), digits or '_'.
NAME_RE = re.compile(r"[^\W]{1,20}")
# Like a blank (syntax.BLANK_RE) but only what may be a name: a few characters, no '|'.
REFERENCE_RE = re.compile(r"\{\{([^\W]{1,20})\}\}")
MAX_VALUE_LENGTH = 200


def is_name(text: str) -> bool:
    """Whether `text` may name a variable."""
    return NAME_RE.fullmatch(text) is not None


def value_problem(value: str) -> str | None:
    """Why `value` cannot be a variable's value (a plain one-line text), or None.

    A value never holds '{{' or '}}': filled into a 填空 question it would make a blank.
    """
    if len(value) > MAX_VALUE_LENGTH:
        return f"longer than {MAX_VALUE_LENGTH} characters"
    if "\n" in value or "\r" in value:
        return "more than one line"
    if "{{" in value or "}}" in value:
        return "contains {{ or }}"
    return None


def references(text: str) -> list[str]:
    """The names in `{{名称}}` references of the text, in order (declared or not)."""
    return REFERENCE_RE.findall(text) if "{{" in text else []


def used(texts: Iterable[str], declared: Iterable[str]) -> tuple[str, ...]:
    """The declared names the texts use, in order of first use."""
    names = set(declared)
    seen: dict[str, None] = {}
    for text in texts:
        for name in references(text):
            if name in names:
                seen.setdefault(name)
    return tuple(seen)


def fill(text: str, values: Mapping[str, str]) -> str:
    """The text with every reference to a name in `values` replaced by its value; other
    references (and blanks) are left as they are. One pass: a value is never read again.
    """
    if "{{" not in text or not values:
        return text

    def value_of(match: re.Match) -> str:
        value = values.get(match.group(1))
        return match.group(0) if value is None else value

    return REFERENCE_RE.sub(value_of, text)


def missing(item_vars: Iterable[str], values: Mapping[str, str]) -> list[str]:
    """The names an item uses that have no value (in the item's order)."""
    return [name for name in item_vars if name not in values]


def resolve(
    names: Iterable[str],
    defaults: Mapping[str, str | None],
    organisation: Mapping[str, str],
    site: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Each name's value: the site's, else the organisation's, else the bank's default;
    names with none of the three are left out (see `missing`)."""
    site = site or {}
    found = {}
    for name in names:
        for source in (site, organisation, defaults):
            value = source.get(name)
            if value is not None:
                found[name] = value
                break
    return found
