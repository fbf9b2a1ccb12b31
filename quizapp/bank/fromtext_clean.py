"""Clean pasted 应知应会 text before pairs are looked for (see fromtext.py).

- Traditional characters become simplified (OpenCC, when the text is
  noticeably traditional), so a Taiwan or Hong Kong document drafts a simplified bank.
- U+FFFD (a character lost when the text was cut or mis-decoded) and zero-width characters
  are removed.
- Page furniture is dropped, a whole line at a time: what document-sharing sites wrap around
  a document (download notices, "本文档共13页", "原创力文档", "相关推荐", "相关文章", view
  counts, "我要投稿", breadcrumbs), page numbers ("第 3 页 共 13 页", "- 3 -", "3/13", a
  line of one to three digits), date lines, quotations ("…。——雨果") and headers or footers
  repeated on every page (a short line seen three times or more).
- A Word table's 序号 cells (numbers alone, 1, 2, 3… from 1, a few lines apart, each before
  a line seen once) are not page numbers: each numbers the next line ("1\n几点上班？" →
  "1、几点上班？").

Line numbers are those of the input, so a pair can name the line it came from.

The module also holds the text shapes fromtext.py reads (numbering, answer markers,
headings, PDF line joins, sub-points) and the small rules it decides with, so that each
module stays short (and the draft bank's export); the heuristics are described in
fromtext.py's docstring.
"""

from __future__ import annotations

import re
from collections import Counter

from ..grading.normalise import to_simplified as simplified
from . import syntax as sx
from .export import export_bank
from .model import Bank, Item, Section
from .parser import extract_key_points, split_lines

_INVISIBLE_RE = re.compile("[\ufffd\ufeff\u200b\u200c\u200d\u2060\u00ad]")

# Words only a document-sharing site writes: a line holding one is furniture.
_SITE_WORDS_RE = re.compile(
    r"本文档共\s*\d+\s*页|原创力文档|book118|文档一经付费|本站所有内容|本站不对|本站不退款"
    r"|下载文档前|仅部分预览|如文档侵犯|侵权必究|版权申诉|举报电话|付费前请自行|文档评论"
    r"|实名认证|内容提供者|该用户很懒|VIP精品文档|相关推荐|相关文章|相关文档|相关阅读|查看更多"
    r"|猜你喜欢|我要投稿|当前位置[:：]|热门专题|热门推荐|分类导航|本文关键字|点击下载|免费下载"
    r"|下载积分|上传者|下载此文档|收藏此文档|加入VIP|开通VIP|扫码|二维码|在线预览"
    r"|共\s*\d+\s*页\s*(?:文档|PPT)|^\s*源\s*自\S{0,8}$|来源[:：]\s*https?://",
    re.IGNORECASE,
)
_SITE_LINE_MAX = 320  # a site notice is short; a longer line is content that mentions one
_PAGE_RE = re.compile(
    r"^[\s\-—–_·.]*(?:"
    r"第\s*\d+\s*页(?:\s*[,，/、]?\s*共\s*\d+\s*页)?"
    r"|共\s*\d+\s*页(?:\s*[,，/、]?\s*第\s*\d+\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|page\s*\d+(?:\s*(?:of|/)\s*\d+)?"
    r"|\d{1,3}"
    r")[\s\-—–_·.]*$",
    re.IGNORECASE,
)
_COUNT_RE = re.compile(
    r"(?:浏览|阅读|下载|收藏|点赞|评论|播放)(?:量|次数|数)?\s*[:：]?\s*\d+"
    r"|\d+\s*(?:次浏览|人阅读|次阅读|次下载|人已下载|人浏览)"
)
_COUNT_LINE_MAX = 120
_DATE_RE = re.compile(
    r"^(?:(?:发布|更新|上传)?(?:时间|日期)\s*[:：]?\s*)?"
    r"\d{2,4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s*$"
)
# "…。——雨果": a saying and its author, the filler of shared slide decks.
_QUOTATION_RE = re.compile(r"[。！!？?…”\"]\s*[—－-]{2}\s*[^\s。！？!?，,；;]{1,12}(?:\s\S{1,8})?$")
_REPEAT_MIN = 3
_REPEAT_LEN = (5, 50)
_TERMINAL = "。！!？?：:；;，,"
_NUMBERED_START_RE = re.compile(r"^(?:\d+|[一二三四五六七八九十]+|[(（][^)）]{1,3}[)）]|[①-⑳])")


def to_simplified(text: str) -> str:
    """The text in simplified characters, if it is noticeably traditional. A few
    characters changed in a simplified text are left alone: OpenCC's phrase rules touch
    some simplified words too."""
    if not text:
        return text
    converted = simplified(text)  # OpenCC, through grading (which owns the text libraries)
    if converted.count("\n") != text.count("\n"):
        return text  # keep line numbers true
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    changed = sum(1 for a, b in zip(text, converted, strict=False) if a != b)
    return converted if changed >= max(2, cjk // 200) else text


def is_furniture(line: str) -> bool:
    """Is this (stripped) line page furniture rather than content?"""
    if _PAGE_RE.match(line) or _DATE_RE.match(line):
        return True
    if len(line) <= _SITE_LINE_MAX and _SITE_WORDS_RE.search(line):
        return True
    if len(line) <= _COUNT_LINE_MAX and _COUNT_RE.search(line):
        return True
    return len(line) <= 160 and _QUOTATION_RE.search(line) is not None


def clean_lines(text: str) -> list[tuple[int, str]]:
    """(1-based line number, stripped text) of each non-empty line that is content."""
    text = to_simplified(_INVISIBLE_RE.sub("", text))
    lines = [(number, line.strip()) for number, line in enumerate(split_lines(text), start=1)]
    rows = _row_numbers(lines)
    kept: list[tuple[int, str]] = []
    for index, (number, line) in enumerate(lines):
        if index in rows:
            continue
        if index - 1 in rows:  # a Word table's 序号 cell, then the question's cell
            line = f"{lines[index - 1][1]}、{line}"
        # A number alone is a page number, unless it answers the line above ("答：\n120").
        answers = line.isdigit() and kept and kept[-1][1][-1] in "？?：:"
        if line and (answers or not is_furniture(line)):
            kept.append((number, line))
    counts = Counter(line for _, line in kept if _may_repeat(line))
    repeated = {line for line, count in counts.items() if count >= _REPEAT_MIN}
    return [(number, line) for number, line in kept if line not in repeated]


_ROW_GAP = 6  # a table's numbered rows are this close; pages are further apart


def _row_numbers(lines: list[tuple[int, str]]) -> set[int]:
    """Indexes of the lines that are a number alone numbering the rows of a table (1, 2,
    3… from 1, a few lines apart, each followed by a line of text that is not a running
    header), not page numbers."""
    counts = Counter(line for _, line in lines)
    alone = [
        (index, int(line))
        for index, (_, line) in enumerate(lines)
        if line.isdigit()
        and len(line) <= 3
        and index + 1 < len(lines)
        and not lines[index + 1][1].isdigit()
        and counts[lines[index + 1][1]] == 1
    ]
    rows: set[int] = set()
    run: list[int] = []
    for index, number in alone:
        if run and number == len(run) + 1 and index - run[-1] <= _ROW_GAP:
            run.append(index)
            continue
        if len(run) >= 2:
            rows.update(run)
        run = [index] if number == 1 else []
    if len(run) >= 2:
        rows.update(run)
    return rows


def _may_repeat(line: str) -> bool:
    """Could this line be a running header or footer? (Short, not a sentence, not a
    numbered item, not a label such as "注意事项：".)"""
    low, high = _REPEAT_LEN
    return (
        low <= len(line) <= high
        and line[-1] not in _TERMINAL
        and not _NUMBERED_START_RE.match(line)
        and not MARKER_RE.match(line)
    )


# -- the shapes of numbered text, shared with fromtext.py ---------------------------------

NUMBER_RE = re.compile(
    r"(?P<ti>第\s*(?P<ti_n>\d{1,3})\s*题[、.．:：]?)"
    r"|(?P<q>(?<![A-Za-z])[Qq]\s*(?P<q_n>\d{1,3})\s*[、.．:：])"
    r"|(?P<wt>(?<![\u4e00-\u9fff])问题\s*(?P<wt_n>\d{1,3})\s*[、.．:：]?)"
    r"|(?P<ar>(?<![\d.．])(?P<ar_n>\d{1,3})\s*(?:、|[.．](?!\d)))"
    r"|(?P<rp>(?<![\d.．(（])(?P<rp_n>\d{1,2})[)）])"
    r"|(?P<pa>[(（]\s*(?P<pa_n>\d{1,2})\s*[)）])"
    r"|(?P<cp>[(（]\s*(?P<cp_n>[一二三四五六七八九十]{1,3})\s*[)）])"
    r"|(?P<cn>(?<![一二三四五六七八九十百千零〇两])(?P<cn_n>[一二三四五六七八九十百]{1,4})[、.．])"
    r"|(?P<ci>[①-⑳])"
    r"|(?P<pc>[⑴-⒇])"
    r"|(?P<ask>(?<![\u4e00-\u9fff])问题?\s*[:：]|(?<![A-Za-z])Q\s*[:：])"
)
CLOSING = "。！!？?；;：:，,、）)】」』”\"’'…"
BULLET_PREFIX_RE = re.compile(r"[-•·*▪●○◆◇■□]\s+")

HEADING_MAX = 40
SHORT_LINE = 15  # a line shorter than this was ended on purpose, not broken by a PDF


_STYLES = ("ti", "q", "wt", "ar", "rp", "pa", "cp", "cn", "ci", "pc", "ask")


def style_and_number(match: re.Match) -> tuple[str, int | None]:
    """A NUMBER_RE match's numbering style and number (第1题, Q1, 问题1 count as 1、)."""
    style = next(name for name in _STYLES if match.group(name) is not None)
    if style == "ask":
        return style, None
    if style == "ci":
        return style, ord(match.group("ci")) - ord("①") + 1
    if style == "pc":
        return style, ord(match.group("pc")) - ord("⑴") + 1
    raw = match.group(f"{style}_n")
    number = int(raw) if raw.isdigit() else chinese_number(raw)
    return ("ar" if style in ("ti", "q", "wt") else style), number


def chinese_number(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 三十三 → 33, 一百 → 100; None if not a numeral."""
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    if text == "十":
        return 10
    if "百" in text:
        head, _, tail = text.partition("百")
        hundreds = digits.get(head, 0) if head else 1
        rest = chinese_number(tail.lstrip("零")) if tail else 0
        return None if rest is None else hundreds * 100 + rest
    if "十" in text:
        head, _, tail = text.partition("十")
        tens = digits.get(head) if head else 1
        ones = digits.get(tail) if tail else 0
        return None if tens is None or ones is None or len(tail) > 1 else tens * 10 + ones
    return digits.get(text) if len(text) == 1 else None


def join_lines(text: str, one_line: bool = False) -> str:
    """Join the lines of a question or an answer, mending lines a PDF broke."""
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return ""
    out = lines[0]
    for prev, line in zip(lines, lines[1:], strict=False):
        broken = (
            prev[-1] not in CLOSING
            and (len(prev) >= SHORT_LINE or any(ch in _body(prev) for ch in "：:，,；;、"))
            and not NUMBER_RE.match(line)
            and not BULLET_PREFIX_RE.match(line)
            and heading_title(line) is None
        ) or line[0] in "。，,；;：:）)”’」』"
        if broken or one_line:
            ascii_gap = prev[-1].isascii() and prev[-1].isalnum() and line[0].isascii()
            out += (" " if ascii_gap else "") + line
        else:
            out += "\n" + line
    return out


def _body(line: str) -> str:
    """The line without its numbering (the 、 of "2、晚班时间" is not a comma)."""
    match = NUMBER_RE.match(line)
    return line[match.end() :] if match else line


_SUB_RE = re.compile(
    r"(?P<ar>(?<![\d.．])(?P<ar_n>\d{1,2})\s*(?:、|[.．](?!\d)))"
    r"|(?P<rp>(?<![\d.．(（])(?P<rp_n>\d{1,2})[)）])"
    r"|(?P<pa>[(（]\s*(?P<pa_n>\d{1,2})\s*[)）][、.．]?)"
    r"|(?P<cn>(?<![一二三四五六七八九十百千零〇两])(?P<cn_n>[一二三四五六七八九十]{1,3})[、.．])"
    r"|(?P<ci>[①-⑳])|(?P<pc>[⑴-⒇])"
    r"|(?P<lt>(?<![A-Za-z0-9])(?P<lt_n>[A-Za-z])[.、)）](?![A-Za-z0-9]))"
    r"|(?P<bu>(?:^|(?<=\n))[-•·*▪●][ \t]+)"
)
MARKER_RE = re.compile(
    r"【\s*(?:参考)?答案?\s*】|\[\s*(?:参考)?答案?\s*\]"
    r"|参考答案(?:要点)?[ \t\u3000]*(?:[:：]|(?=\n)|$)"
    r"|(?<![回解问应作])答(?:案要点|案)?[ \t\u3000]*[:：]"
    r"|(?<![^\n？?])(?:A|回答)[ \t]*[:：]"  # "Q1：…？\nA：…" (at a line start or after ？)
)
ASK_PREFIX_RE = re.compile(r"^(?:问题?|Q)\s*[:：]\s*")
QMARKS = "？?"
INTERROGATIVE_RE = re.compile(
    r"什么|哪些|哪个|哪里|哪儿|哪几|如何|怎样|怎么|为什么|为何|多少|几[个种项条类点天次]"
    r"|是否|能否|可否|有无|有没有|何[时处种为谓]|吗$|呢$"
)
_HEADING_WORDS_RE = re.compile(
    r"应知|应会|问答题?|试题|题库|习题|复习题|考试题|知识问答|基础知识|基本知识|业务知识"
    r"|第[一二三四五六七八九十\d]+(?:章|节|部分|篇|单元)"
)
_BRACKET_HEADING_RE = re.compile(r"^【([^】]{1,30})】$")
_MD_HEADING_RE = re.compile(r"^#{1,6}\s+(\S.{0,60})$")


def short_title(line: str) -> bool:
    return (
        0 < len(line) <= HEADING_MAX
        and line[-1] not in "。！!？?；;：:，,、"
        and not MARKER_RE.search(line)
        and not any(q in line for q in QMARKS)
    )


def heading_title(line: str) -> str | None:
    """The title if the line is a heading on its own (rule 4), else None."""
    if MARKER_RE.match(line):
        return None  # "【答案】" alone on its line
    for pattern in (_MD_HEADING_RE, _BRACKET_HEADING_RE):
        match = pattern.match(line)
        if match:
            return match.group(1).strip()
    if short_title(line) and line[0] not in "(（[" and _HEADING_WORDS_RE.search(line):
        return line
    return None


MAX_CHAIN_STARTS = 4  # sub-point lists tried, from the first "1" of the answer on
_POINT_TRIM = " \t\n\u3000；;，,、"


def key_points(answer: str) -> tuple[str, tuple[str, ...]]:
    """The text before an answer's sub-points, and the sub-points (rule 5); ("", ()) when
    the answer has fewer than two."""
    tokens = []
    bullets = 0
    for match in _SUB_RE.finditer(answer):
        style = match.lastgroup if match.lastgroup in ("ci", "pc", "bu") else None
        if style is None:
            style = next(n for n in ("ar", "rp", "pa", "cn", "lt") if match.group(n) is not None)
        if style == "ci":
            number = ord(match.group("ci")) - ord("①") + 1
        elif style == "pc":
            number = ord(match.group("pc")) - ord("⑴") + 1
        elif style == "bu":
            bullets += 1
            number = bullets
        elif style == "lt":
            number = ord(match.group("lt_n").lower()) - ord("a") + 1
        else:
            raw = match.group(f"{style}_n")
            number = int(raw) if raw.isdigit() else chinese_number(raw)
        tokens.append((match.start(), match.end(), style, number))
    starts = [index for index, token in enumerate(tokens) if token[3] == 1]
    for index in starts[:MAX_CHAIN_STARTS]:
        style = tokens[index][2]
        chain = [tokens[index]]
        for token in tokens[index + 1 :]:
            if token[2] == style and token[3] == chain[-1][3] + 1:
                chain.append(token)
        if len(chain) < 2 or _runs_on(answer[chain[-1][1] :]):
            continue
        ends = [start for start, *_ in chain[1:]] + [len(answer)]
        points = tuple(
            join_lines(answer[token[1] : end], one_line=True).strip(_POINT_TRIM)
            for token, end in zip(chain, ends, strict=True)
        )
        if all(len(point) >= 2 for point in points):
            return answer[: chain[0][0]].strip(), points
    return "", ()


def _runs_on(last: str) -> bool:
    """Does the last sub-point's text run on into a numbered line or a heading? Then the
    answer keeps its lines rather than gluing them to the point."""
    return any(
        NUMBER_RE.match(line) or BULLET_PREFIX_RE.match(line) or heading_title(line)
        for line in (row.strip() for row in last.split("\n")[1:])
        if line
    )


# -- deciding, and writing the draft (fromtext.py) ----------------------------------------

_SLUG_RE = re.compile(r"[^a-z0-9]+")
DEFAULT_SECTION = "未分组"


def accept(cand, strength: str, top: bool, style: str | None, last: int | None) -> bool:
    """Does this candidate start a new question? (See the module docstring, rule 3.)"""
    if cand.style in ("ask", "plain"):
        return strength == "marker" or (cand.style == "ask" and (top or cand.line_start))
    same = style is not None and cand.style == style and last is not None
    if cand.line_start:
        if strength == "marker" or top:
            return True
        return same and cand.num in (last + 1, last + 2)
    if strength == "marker":
        if top or last is None:
            return True
        if cand.style != style:
            return cand.num == 1
        return cand.num in (1, last + 1, last + 2)
    if strength == "qmark":
        if same:
            return cand.num == last + 1
        return last is None and cand.num in (1, 2)
    return False


def slugify(name: str, default: str = "draft") -> str:
    """A bank id (lower-case letters, digits and "-", at most 64) made from a name."""
    slug = _SLUG_RE.sub("-", name.lower()).strip("-")[:64].strip("-")
    return slug if sx.BANK_ID_RE.match(slug) else default


def section_title(section: str) -> str:
    title = " ".join(section.split())[: sx.MAX_TITLE_LENGTH].strip()
    return title or DEFAULT_SECTION


def defuse(text: str) -> str:
    """{{…}} would be a 填空 blank or a bank variable: keep the braces apart."""
    if "{{" not in text and "}}" not in text:
        return text
    return re.sub(r"\}(?=\})", "} ", re.sub(r"\{(?=\{)", "{ ", text))


def item_at(text: str, line: int, order: list[int]) -> int | None:
    """The index (into the drafted items) of the item written around a line, or None."""
    count = 0
    for number, row in enumerate(split_lines(text), start=1):
        if number > line:
            break
        if row.startswith("## "):
            count += 1
    return order[count - 1] if count else None


def draft_item(pair, title: str) -> tuple[Item | None, str]:
    """The 问答 item for a fromtext.Pair, or None and why not."""
    question = defuse(" ".join(pair.question.split()))
    if not question:
        return None, "empty question"
    if len(question) > sx.MAX_QUESTION_LENGTH:
        return None, "question too long"
    points = [defuse(" ".join(p.split())) for p in pair.key_points]
    points = [p for p in points if p]
    lines = [defuse(line.strip()) for line in split_lines(pair.answer)]
    if len(points) >= 2:
        lines = lines[: max(len(lines) - len(pair.key_points), 0)]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    # A line the bank would read as a key point ("一、…") stays text: two spaces in front
    # change nothing in Markdown.
    lines = [f"  {line}" if sx.KEY_POINT_RE.match(line) else line for line in lines]
    if len(points) >= 2:
        lines += [""] * bool(lines) + [f"{i}. {p}" for i, p in enumerate(points, 1)]
    answer = "\n".join(lines)
    if not answer.strip():
        return None, "empty answer"
    if len(answer) > sx.MAX_FIELD_LENGTH["answer"]:
        return None, "answer too long"
    if sx.nesting_problem(answer) is not None:
        return None, "answer nests Markdown too deep"
    source = defuse(f"{title}，第{pair.line}行" if pair.line else title)
    return Item(
        type="qa",
        question=question,
        answer=answer,
        key_points=extract_key_points(answer),
        source=source[: sx.MAX_FIELD_LENGTH["source"]],
        line=pair.line,
    ), ""


def extend_question(doc: str, pos: int, window: int) -> int:
    """After a question's ？: take in a short second question ("够卖吗？") and closing
    brackets or quotes, so the answer starts where it does."""
    while True:
        rest = doc[pos : min(window, pos + 16)]
        qmark = min((rest.find(q) for q in QMARKS if q in rest), default=-1)
        if qmark < 0 or re.search(r"[。\n]", rest[:qmark]) or NUMBER_RE.search(rest[:qmark]):
            break
        pos += qmark + 1
    while pos < len(doc) and doc[pos] in '”"’」』）)':
        pos += 1
    return pos


def export_items(
    bank_id: str, title: str, roles: tuple[str, ...], items: list[tuple[str, Item, object]]
) -> tuple[str, list[int]]:
    """The bank text, and the index into `items` of each item in the order written."""
    groups: dict[str, list[int]] = {}
    for index, (section, _, _) in enumerate(items):
        if section not in groups and len(groups) >= sx.MAX_BANK_SECTIONS - 1:
            section = DEFAULT_SECTION
        groups.setdefault(section, []).append(index)
    sections = tuple(
        Section(name, roles, tuple(items[i][1] for i in indexes))
        for name, indexes in groups.items()
    )
    bank = Bank(id=bank_id, title=title, roles=roles, sections=sections)
    return export_bank(bank), [i for indexes in groups.values() for i in indexes]
