"""The English catalogue covers every user-facing string, and the compiled file is current."""

from __future__ import annotations

import io

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.conftest import REPO

CATALOGUE = REPO / "quizapp" / "translations" / "en" / "LC_MESSAGES"


def source_messages() -> set[str]:
    method_map, options_map = parse_mapping_cfg(io.StringIO((REPO / "babel.cfg").read_text()))
    found = set()
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "_l": None,
        "N_": None,
        "lazy_gettext": None,
    }
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(REPO), method_map, options_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_has_an_english_translation():
    with (CATALOGUE / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    translated = set()
    for m in catalogue:
        if not m.id or m.fuzzy:
            continue
        # A plural message (ngettext) is keyed by its singular and needs every form.
        key, forms = (m.id, (m.string,)) if isinstance(m.id, str) else (m.id[0], m.string)
        if all(forms):
            translated.add(key)
    missing = sorted(source_messages() - translated)
    assert not missing, f"untranslated (run `make translations`, then translate): {missing}"


def messages(catalogue) -> dict:
    """Id → translation; a plural message's id and forms as tuples (the .mo reader gives
    lists, the .po reader tuples)."""

    def key(value):
        return value if isinstance(value, str) else tuple(value)

    return {key(m.id): key(m.string) for m in catalogue if m.id}


def test_compiled_catalogue_matches_the_source():
    with (CATALOGUE / "messages.po").open("rb") as po, (CATALOGUE / "messages.mo").open("rb") as mo:
        source, compiled = read_po(po), read_mo(mo)
    # Messages and plural rules, not bytes: the bytes carry the version of Babel that
    # compiled them ("Generated-By"), which differs between machines.
    assert messages(compiled) == messages(source)
    assert compiled.plural_forms == source.plural_forms
