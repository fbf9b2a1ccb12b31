"""Bank content rendered into pages can format but never script, and never hang.

Every string of the Big List of Naughty Strings and a set of XSS vectors is put in every
field of a bank; the bank page must contain no disallowed tag, attribute or URL scheme.
Text Markdown would take too long over is shown as escaped plain text.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from markupsafe import escape

from quizapp.bank.loader import import_banks
from quizapp.bank.model import ITEM_TYPES, Bank, Choice, Item, Section
from quizapp.bank.render import ALLOWED_TAGS, render_cloze, render_markdown
from quizapp.bank.syntax import MAX_MARKDOWN_LENGTH
from quizapp.extensions import db
from quizapp.models.types import utcnow
from tests.bank.hostile import (
    bracket_bomb,
    bracket_bomb_of_size,
    hidden_closers,
    nested_list,
    nested_quotes,
)
from tests.factories import login, make_person

XSS_VECTORS = [
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "<scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    "<img src=x onerror=alert(1)>",
    "![x](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    "<svg onload=alert(1)><circle/></svg>",
    "<svg><script>alert(1)</script></svg>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click]( javascript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href="http://example.com" onmouseover="alert(1)">x</a>',
    '<p onclick="alert(1)">x</p>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<iframe src="https://example.com"></iframe>',
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel=stylesheet href="javascript:alert(1)">',
    "<style>body{background:red}</style>",
    "<!--<script>alert(1)</script>-->",
    "<details open ontoggle=alert(1)>",
    '<video><source onerror="alert(1)"></video>',
    "<body onload=alert(1)>",
    "<textarea></textarea><script>alert(1)</script>",
    "<a href='x' style='position:fixed'>x</a>",
    "`<script>alert(1)</script>`",
    "<table><tr><td onmouseover=alert(1)>x</td></tr></table>",
    "{{7*7}} ${7*7} <%= 7*7 %>",
    '[x](https://example.com "t" onclick="alert(1)")',
]

# Tags the page layout itself uses, and the attributes any tag may carry on the page.
LAYOUT_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "link",
    "body",
    "header",
    "main",
    "section",
    "h1",
    "h2",
    "span",
    "div",
}
HEAD_ONLY_TAGS = {"html", "head", "meta", "title", "link", "body"}
# Tags only the layout may contain: content must not add a single one.
LAYOUT_ONLY_TAGS = {
    *HEAD_ONLY_TAGS,
    "nav",
    "form",
    "input",
    "button",
    "footer",
    "details",
    "summary",
}
LAYOUT_ATTRIBUTES = {"method", "action", "type", "value", "maxlength", "placeholder", "open"}
SAFE_ATTRIBUTES = {
    "class",
    "id",
    "href",
    "rel",
    "lang",
    "charset",
    "name",
    "content",
    "start",
    "title",
    "align",
    "value",  # a list item's number
    "aria-label",
}
SAFE_SCHEMES = {"http", "https", "mailto"}
C0_AND_SPACE = "".join(map(chr, range(0x21)))


class PageChecker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.tags: Counter[str] = Counter()

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        if tag not in ALLOWED_TAGS | LAYOUT_TAGS | LAYOUT_ONLY_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name not in SAFE_ATTRIBUTES and not (
                tag in LAYOUT_ONLY_TAGS and name in LAYOUT_ATTRIBUTES
            ):
                self.problems.append(f"attribute {name} on <{tag}>")
            if name in ("href", "src") and value is not None:
                # As browsers read URLs: outer controls and spaces dropped, tabs and newlines removed.
                compact = re.sub(r"[\t\n\r]", "", value.strip(C0_AND_SPACE)).lower()
                scheme = (
                    compact.split(":", 1)[0] if re.match(r"^[a-z][a-z0-9+.-]*:", compact) else None
                )
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    self.problems.append(f"URL scheme {scheme}: in {name} on <{tag}>")

    handle_startendtag = handle_starttag


def check_html(html: str) -> PageChecker:
    checker = PageChecker()
    checker.feed(html)
    checker.close()
    return checker


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_markdown_rendering_removes_every_xss_vector(vector):
    for text in (vector, f"- {vector}\n- 第二点", f"说明：\n\n> {vector}", f"1、{vector}\n2、正常"):
        checker = check_html(str(render_markdown(text)))
        assert checker.problems == [], (text, checker.problems)
        assert not checker.tags.keys() & HEAD_ONLY_TAGS


def test_markdown_rendering_of_every_naughty_string(blns):
    for value in blns:
        html = str(render_markdown(value))
        checker = check_html(html)
        assert checker.problems == [], (value, checker.problems)


def test_cloze_rendering_escapes_everything(blns):
    for value in [*blns, *XSS_VECTORS]:
        safe = value.replace("{", "").replace("}", "")
        html = str(render_cloze(f"{safe}{{{{{safe or 'x'}}}}}{safe}"))
        assert check_html(html).problems == [], value
        assert "<script" not in html.lower()


def test_safe_markdown_keeps_its_formatting():
    html = str(render_markdown("**重点**\n\n1、登记\n2、派单\n\n[制度](https://example.com/rules)"))
    assert "<strong>重点</strong>" in html
    assert "<ol>\n<li>登记</li>\n<li>派单</li>\n</ol>" in html
    assert '<a href="https://example.com/rules" rel="noopener noreferrer nofollow">制度</a>' in html


def naughty_item(index: int, value: str) -> Item:
    """One item per string, cycling through the types so every field gets it."""
    single_line = " ".join(value.split()) or "空"
    kind = ITEM_TYPES[index % 5]
    common = {
        "id": f"n{index}",
        "tags": (single_line,),
        "explanation": value,
        "source": single_line,
        "passage": value,
        "red_line": index % 2 == 0,
        "synonyms": ((single_line, "同义"),),
    }
    question = f"{index}: {value}"
    if kind == "qa":
        return Item(
            type="qa", question=question, answer=value or "空", key_points=(single_line,), **common
        )
    if kind in ("single", "multi"):
        choices = (Choice(single_line, True), Choice(f"不是{single_line}", kind == "multi"))
        return Item(type=kind, question=question, choices=choices, **common)
    if kind == "judge":
        return Item(type="judge", question=question, verdict=True, **common)
    blank = single_line.replace("{", "").replace("}", "").replace("|", "") or "空"
    return Item(
        type="cloze",
        question=f"{question.replace('{', '').replace('}', '')}{{{{{blank}}}}}",
        blanks=((blank,),),
        **common,
    )


def test_bank_page_with_naughty_content_in_every_field(app, client, blns):
    values = [*blns, *XSS_VECTORS]
    sections = tuple(
        Section(
            title=f"{values[i] or '空'}-{i}",
            roles=(f"{values[i][:80]}岗位{i}",),
            items=tuple(naughty_item(j, values[j]) for j in range(i, min(i + 60, len(values)))),
        )
        for i in range(0, len(values), 60)
    )
    bank = Bank(id="naughty", title=XSS_VECTORS[0], version=XSS_VECTORS[5], sections=sections)
    # A plain bank of two pages, to compare the layout with.
    plain = Bank(
        id="plain",
        title="普通",
        sections=(
            Section("章", ("客服前台",), tuple(naughty_item(n, f"普通{n}") for n in range(60))),
        ),
    )
    import_banks(db.session, [(plain, "plain.md")], now=utcnow())
    db.session.commit()
    make_person("A1", roles=("admin",))
    login(client, "A1")
    baselines = {
        "/": check_html(client.get("/").get_data(as_text=True)),
        "page": check_html(client.get("/banks/plain?page=2").get_data(as_text=True)),
        "q": check_html(client.get("/banks/plain?q=普通1").get_data(as_text=True)),
    }
    import_banks(db.session, [(bank, "naughty.md"), (plain, "plain.md")], now=utcnow())
    db.session.commit()

    pages = -(-len(values) // 50)
    urls = ["/", *(f"/banks/naughty?page={n}" for n in range(1, pages + 1))]
    urls += [f"/banks/naughty?q={quote(vector)}" for vector in XSS_VECTORS[:5]]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        checker = check_html(html)
        assert checker.problems == [], (url, checker.problems[:10])
        # The layout's own tags appear as often as on a plain page; content added none.
        baseline = baselines["/" if url == "/" else "q" if "q=" in url else "page"]
        for tag in LAYOUT_ONLY_TAGS:
            assert checker.tags[tag] == baseline.tags[tag], (url, tag)
    # Every item was on a page.
    assert client.get(f"/banks/naughty?page={pages + 1}").status_code == 404


HOSTILE = {
    "bracket bomb, 4,000 levels": bracket_bomb(4000),
    "bracket bomb, 150 KB": bracket_bomb_of_size(150_000),
    "nested list, 3,000 levels": nested_list(3000),
    "nested block quotes, 3,000 levels": nested_quotes(3000),
    "bracket bomb, 9 levels": bracket_bomb(9),
    "nested list, 9 levels": nested_list(9),
    "over-long plain text": "说" * (MAX_MARKDOWN_LENGTH + 1),
    **hidden_closers(),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_text_markdown_would_be_slow_on_is_shown_as_escaped_plain_text(name):
    # Content stored before the limits existed: the renderer refuses it on its own.
    text = HOSTILE[name]
    html = str(render_markdown(text))
    assert html.startswith('<p class="plain">') and html.endswith("</p>")
    assert not re.search(r"<(?!/?p\b|br>)", html), html[:200]  # no tag but <p> and <br>
    assert html.count("<br>") == text.count("\n")
    assert html[len('<p class="plain">') : -len("</p>")].replace("<br>", "\n") == str(escape(text))


def test_plain_text_is_escaped():
    html = str(render_markdown("<script>alert(1)</script>\n" + "[" * 9 + "&"))
    assert html == ('<p class="plain">&lt;script&gt;alert(1)&lt;/script&gt;<br>[[[[[[[[[&amp;</p>')


def test_markdown_up_to_the_limits_is_still_formatted():
    assert str(render_markdown(nested_list(8))).count("<ul>") == 8
    assert str(render_markdown(nested_quotes(8))).count("<blockquote>") == 8
    longest = "- 要点\n\n" + "说" * (MAX_MARKDOWN_LENGTH - len("- 要点\n\n"))
    assert len(longest) == MAX_MARKDOWN_LENGTH
    assert str(render_markdown(longest)).startswith("<ul>\n<li>要点</li>\n</ul>\n<p>说")
    assert str(render_markdown(longest + "说")).startswith('<p class="plain">- 要点<br><br>说')
