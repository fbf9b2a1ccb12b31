"""Markdown from banks rendered to HTML that is safe to put in a page.

Python-Markdown passes raw HTML through, so its output is always cleaned with nh3 against
an allow-list: trainers' Markdown is trusted to format, never to script.
"""

from __future__ import annotations

import re
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup, escape

from . import syntax as sx

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "code", "pre",
        "blockquote", "ul", "ol", "li", "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tr", "th", "td", "a", "sub", "sup",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})

_CHINESE_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
_CIRCLED = {chr(0x2460 + i): i + 1 for i in range(20)}
_CHINESE_LIST_RE = re.compile(
    r"^(?:(?P<arabic>\d+)[ \t]*[、．]|[(（](?P<paren>\d+)[)）]|(?P<circled>[①-⑳])"
    r"|(?P<chinese>[一二三四五六七八九十])[ \t]*、)[ \t\u3000]*+(?P<text>.*\S.*)$"
)
_MARKDOWN_LIST_RE = re.compile(r"^ {0,3}(?:[-*+]|\d+[.)])[ \t]")


def markdown_source(text: str) -> str:
    """Make Chinese-numbered lines (1、 (1) ① 一、) Markdown list items.

    Trainers number lists the Chinese way; Markdown would run them into one paragraph.
    A blank line is put before a list that follows a paragraph, which Markdown requires.
    """
    out: list[str] = []
    for line in text.split("\n"):
        match = _CHINESE_LIST_RE.match(line)
        if match:
            number = (
                match.group("arabic")
                or match.group("paren")
                or _CIRCLED.get(match.group("circled") or "")
                or _CHINESE_DIGITS.get(match.group("chinese") or "")
            )
            line = f"{number}. {match.group('text')}"
        if (
            _MARKDOWN_LIST_RE.match(line)
            and out
            and out[-1].strip()
            and not _MARKDOWN_LIST_RE.match(out[-1])
            and not out[-1].startswith((" ", "\t"))
        ):
            out.append("")
        out.append(line)
    return "\n".join(out)


def render_markdown(text: str) -> Markup:
    """Markdown → sanitised HTML.

    Text that Markdown would take too long over (longer than a Markdown field may be, or
    nested deeper than the parser allows: stored before the limits existed) is shown as
    escaped plain text instead. Python-Markdown's time grows with the square of nesting.
    """
    if not text:
        return Markup("")
    if len(text) > sx.MAX_MARKDOWN_LENGTH:
        return plain_text(text)  # not cached: the cache keeps its keys
    return Markup(_rendered(text))  # noqa: S704 - cleaned by nh3, or escaped, in _rendered


@lru_cache(maxsize=4096)
def _rendered(text: str) -> str:
    # The same answers and explanations are shown again and again: render each text once
    # per process (a pure function of the text).
    if sx.nesting_problem(text) is not None:
        return str(plain_text(text))
    html = markdown.markdown(markdown_source(text), extensions=["sane_lists", "tables"])
    return clean_html(html)


def plain_text(text: str) -> Markup:
    """Text as one escaped paragraph, line breaks kept: never Markdown."""
    lines = str(escape(text)).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return Markup('<p class="plain">' + "<br>".join(lines) + "</p>")  # noqa: S704 - escaped


def clean_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_cloze(question: str, reveal: bool = True) -> Markup:
    """A cloze question as HTML: blanks shown as underlined answers (or empty slots)."""
    parts: list[str] = []
    position = 0
    for match in sx.BLANK_RE.finditer(question):
        parts.append(str(escape(question[position : match.start()])))
        alternatives = [a for a in sx.ALTERNATIVES_RE.split(match.group(1)) if a]
        if reveal:
            shown = " / ".join(str(escape(a)) for a in alternatives)
            parts.append(f'<span class="blank">{shown}</span>')
        else:
            parts.append('<span class="blank blank-empty">\u3000\u3000\u3000</span>')
        position = match.end()
    parts.append(str(escape(question[position:])))
    return Markup("".join(parts).replace("\n", "<br>"))  # noqa: S704 - every part escaped


def render_cloze_inputs(question: str) -> Markup:
    """A cloze question with a text box in place of each blank (answers not revealed)."""
    parts: list[str] = []
    position = 0
    for number, match in enumerate(sx.BLANK_RE.finditer(question), start=1):
        parts.append(str(escape(question[position : match.start()])))
        parts.append(
            f'<input type="text" name="blank" class="blank-input" autocomplete="off" '
            f'aria-label="第 {number} 空" maxlength="200">'
        )
        position = match.end()
    parts.append(str(escape(question[position:])))
    return Markup("".join(parts).replace("\n", "<br>"))  # noqa: S704 - every part escaped
