"""Which characters stored text may hold: one rule for the roster import, every form that
takes free text, and the exports (pure: no Flask, no database).

Refused:

- control characters (Unicode category Cc: U+0000–U+001F and U+007F–U+009F), except tab,
  line feed and carriage return in a field that allows several lines;
- noncharacters: U+FDD0–U+FDEF and the last two code points of every plane (U+FFFE,
  U+FFFF, U+1FFFE, U+1FFFF … U+10FFFE, U+10FFFF); XML, and so Excel, cannot hold some;
- surrogates (U+D800–U+DFFF): in a Python string they are always unpaired, and cannot be
  written as UTF-8;
- bidirectional controls, which reorder what staff see on screen: embeddings and overrides
  U+202A–U+202E, isolates U+2066–U+2069, the marks U+200E, U+200F and U+061C.

Everything else is allowed, zero-width joiners inside emoji included. Forms and the roster
import refuse such text (never silently drop characters); exports, which must write
whatever was stored before the rule existed, replace each refused character.
"""

from __future__ import annotations

import re
import unicodedata

BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e"  # LRE, RLE, PDF, LRO, RLO
    "\u2066\u2067\u2068\u2069"  # LRI, RLI, FSI, PDI
    "\u200e\u200f\u061c"  # LRM, RLM, ALM
)
#: The controls a field of several lines may hold.
LINE_CONTROLS = frozenset("\t\n\r")
#: What exports write instead of a refused character.
REPLACEMENT = "\ufffd"

_PLANE_ENDS = "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17))
_COMMON = "\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef" + _PLANE_ENDS + "".join(sorted(BIDI_CONTROLS))
_REFUSED = re.compile(f"[\x00-\x1f{_COMMON}]")
_REFUSED_MULTILINE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_COMMON}]")


def _pattern(multiline: bool) -> re.Pattern[str]:
    return _REFUSED_MULTILINE if multiline else _REFUSED


def is_noncharacter(ch: str) -> bool:
    """Whether `ch` is one of Unicode's 66 noncharacters."""
    code = ord(ch)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def bad_character(text: str, *, multiline: bool = False) -> str | None:
    """The first character of `text` the rule refuses, or None when all are allowed.

    With ``multiline``, tab, line feed and carriage return are allowed.
    """
    match = _pattern(multiline).search(text)
    return match.group() if match else None


def replace_refused(text: str, replacement: str = REPLACEMENT, *, multiline: bool = True) -> str:
    """`text` with every refused character replaced (by U+FFFD unless told otherwise).

    Exports use this on stored text; by default tab and line breaks are kept, as a
    spreadsheet cell holds several lines.
    """
    return _pattern(multiline).sub(replacement, text)


def describe_character(ch: str) -> str:
    """Name a refused character for a person: its code point and, when known, its name."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")
