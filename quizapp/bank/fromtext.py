"""Messy 应知应会 text → question/answer pairs → a draft bank for a trainer to finish.

Pure: text in, values out (reading .txt/.docx bytes is documents.py; cleaning, page
furniture and traditional characters fromtext_clean.py).

How a question is told from the rest (the text is searched as one string, so several
questions run together on one line, as pasted from a PDF, are found too):

1. A *candidate* is numbering — ``1、`` ``1.`` ``1．`` ``一、`` ``(1)`` ``（一）`` ``1)``
   ``①`` ``⑴`` ``第1题`` ``Q1`` ``问题1：`` — or ``问：`` ``问题：`` ``Q：``, at the start of a
   line or inside one; or a whole unnumbered line followed by an answer marker (``答：``
   ``答案：`` ``参考答案`` ``【答案】``; ``A：`` ``回答：`` only at a line start or after ？).
2. A candidate's *strength*: **marker** when an answer marker follows its text within 200
   characters with no full stop ``。`` before it (a question's own ？ may come first, then
   at most a short aside such as "（适用于其他接待员）"); **question mark** when a ？/? ends its
   text within 150 characters with no ``。`` before it and outside quotation marks (a ？ in
   “请问您贵姓？” is words to say); the answer then follows with no marker, on the same
   line or the next; **weak** when the rest of its line is short, has no closing
   punctuation and asks (什么、哪些、如何、怎样、多少、是否…): the answer is the next lines;
   **title** when it is such a line that does not ask ("6、早餐的供应时间和地点") followed by
   an unnumbered line: taken only as the questions' next number, with no sub-point of their
   style before it in the answer.
   A marker belongs to the innermost numbered question before it ("一、综合1、…2、…？答："
   is question 2's).
3. Numbering inside an answer is usually the answer's own sub-points, so a candidate inside
   an answer starts a new question only when: it is at the start of a line and followed by
   an answer marker (a sub-point never is); or it continues the questions' numbering — same
   style as the last question (``一、`` after ``一、``, ``1、``/``1.`` after ``1、``) and the
   next number (one skipped is tolerated), being a question by its ？ or its wording (by
   wording only if no sub-point of the questions' style came before it in the answer). Inside
   a line, only the very next number of the questions' own style splits the line (``…报修2.
   洗手间的易耗品用完该怎么换?答:``), or a numbering restart at 1 with an answer marker. So
   ``答：1、…；2、…`` inside ``一、…？`` questions stays one answer, and ``2、3、4、5层``
   inside answer 14 is not question 2. A line of a higher division (``二、``) inside a list
   lets its numbering restart at 1. A list of sentences that end in ？ ("⑵请问您有什么
   事吗？" then "⑶请稍等。") is not questions: without a marker, a numbered line whose
   unnumbered sibling is the line above, or whose "answer" is the next sibling, is not taken.
4. Headings end the current answer, restart the numbering and name the `section`: a short
   line without closing punctuation that names a list (应知应会、问答题、试题、基础知识,
   第一章…, ``# 标题``, ``【标题】``); or a short ``一、`` / ``（一）`` line followed by a
   question of another numbering style (or is the last line); a bare name of at most 12
   characters after a finished sentence and before a numbered question with a marker or ？
   ("…开门。\n消防安全\n3、…？"). Short text before the first question of a list on the
   same line ("爵士大厦客服部应知应会(销售区域)1.洗手间…") is the section too.
5. Lines of an answer are joined where a PDF broke them (no closing punctuation, a long
   line, the next neither numbered nor a heading); sub-points (``1、`` ``1)`` ``(1)`` ``①``
   ``⑴`` ``a.`` ``一、`` or bullets, numbered 1, 2, 3… in one style, at least two, none
   empty) become key points, unless the last runs on into a numbered line or a heading
   (the answer then keeps its lines); the answer is the text before them and the points.

Measured on the hand-checked lists of tests/data/fromtext/ (tests/bank/test_fromtext.py, a
pair matching when question and answer are equal but for spaces and punctuation): 联通/10010
list precision 1.00, recall 1.00 (33 pairs); sales-centre list precision 1.00, recall 1.00
(40 pairs). The prose documents 000, 002 and 003 of docs/sources give no pairs. On the 20
hand-written lists of other shapes and trades in tests/data/fromtext/shapes/
(test_fromtext_shapes.py, 99 pairs) each scores 1.00/1.00 — but 8 of them failed first
(recall 0.00–0.80) and the rules above were fixed on them (3 others scored 1.00 on first
sight), so expect less on shapes not seen.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from . import syntax as sx
from .documents import DocumentError, read_document
from .fromtext_clean import (
    ASK_PREFIX_RE,
    BULLET_PREFIX_RE,
    CLOSING,
    INTERROGATIVE_RE,
    MARKER_RE,
    NUMBER_RE,
    QMARKS,
    accept,
    clean_lines,
    draft_item,
    export_items,
    extend_question,
    heading_title,
    item_at,
    join_lines,
    key_points,
    section_title,
    short_title,
    slugify,
    style_and_number,
)
from .model import Item
from .parser import normalise_question, parse_text

__all__ = [
    "DocumentError",
    "Pair",
    "draft_bank",
    "draft_report",
    "extract_pairs",
    "read_document",
    "slugify",
]


@dataclass(frozen=True)
class Pair:
    question: str  # without its numbering
    answer: str  # without its 答：/答案：/参考答案 prefix; sub-points joined with "\n"
    key_points: tuple[str, ...] = ()  # the sub-points of the answer when it has several
    line: int = 0  # 1-based line in the input text where the question starts
    section: str = ""  # the heading the pair sits under, if any


QUESTION_WINDOW = 200  # characters after the numbering in which its answer marker may come
QUESTION_MARK_WINDOW = 150
ASIDE_AFTER_QUESTION_MARK = 25  # "？（适用于其他接待员）答："
WEAK_QUESTION_MAX = 60
TITLE_QUESTION_MAX = 30
PLAIN_HEADING_MAX = 12  # a bare section name between a finished answer and a question


@dataclass(frozen=True)
class _Cand:
    pos: int  # where the numbering starts
    end: int  # where the question text starts
    style: str
    num: int | None
    line_start: bool
    row: int  # index into the cleaned lines


@dataclass(frozen=True)
class _Probe:
    strength: str | None  # "marker", "qmark", "weak" or None
    split: int = 0  # where the question text ends
    answer: int = 0  # where the answer text starts


@dataclass
class _Open:
    cand: _Cand
    probe: _Probe
    section: str
    end: int = 0


class _Extractor:
    def __init__(self, text: str) -> None:
        self.rows = clean_lines(text)
        self.doc = "\n".join(line for _, line in self.rows)
        self.starts: list[int] = []
        offset = 0
        for _, line in self.rows:
            self.starts.append(offset)
            offset += len(line) + 1
        self.cands = self._candidates()
        self._line_start_index = [
            i for i, c in enumerate(self.cands) if c.line_start and c.style != "plain"
        ]
        self.line_start_pos = [self.cands[i].pos for i in self._line_start_index]
        # Each candidate's next number in its own style, as (style, number) → latest index.
        self._successor: list[int | None] = [None] * len(self.cands)
        latest: dict[tuple[str, int | None], int] = {}
        for index in range(len(self.cands) - 1, -1, -1):
            cand = self.cands[index]
            if cand.num is not None:
                self._successor[index] = latest.get((cand.style, cand.num + 1))
            latest[(cand.style, cand.num)] = index
        self.probes = [self._probe(i) for i in range(len(self.cands))]
        # A marker belongs to the innermost numbered question before it: in "一、综合1、…
        # 2、…？答：" it is question 2's, not 一's.
        self.claimant: dict[int, int] = {}
        for index, (cand, probe) in enumerate(zip(self.cands, self.probes, strict=True)):
            if probe.strength == "marker" and cand.num is not None:
                self.claimant[probe.split] = index
        self.headings = self._headings()

    def row_of(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos) - 1

    # -- candidates ------------------------------------------------------------------

    def _candidates(self) -> list[_Cand]:
        doc, cands = self.doc, []
        numbered_rows = set()
        for match in NUMBER_RE.finditer(doc):
            row = self.row_of(match.start())
            before = doc[self.starts[row] : match.start()]
            line_start = not before or BULLET_PREFIX_RE.fullmatch(before) is not None
            style, number = style_and_number(match)
            if style != "ask" and number is None:
                continue
            end = match.end()
            while end < len(doc) and doc[end] in " \t\u3000":
                end += 1
            cands.append(_Cand(match.start(), end, style, number, line_start, row))
            if line_start:
                numbered_rows.add(row)
        for row, start in enumerate(self.starts):  # unnumbered lines followed by 答：
            line = self.rows[row][1]
            if row in numbered_rows or MARKER_RE.match(line):
                continue
            marker_next = row + 1 < len(self.rows) and MARKER_RE.match(self.rows[row + 1][1])
            if marker_next or re.search(rf"[{QMARKS}]\s*(?:{MARKER_RE.pattern})", line):
                cands.append(_Cand(start, start, "plain", None, True, row))
        cands.sort(key=lambda c: c.pos)
        return cands

    def _window_end(self, index: int) -> int:
        """The question text ends by here: the next numbered line, or the next number of
        the candidate's own numbering, or QUESTION_WINDOW characters."""
        cand = self.cands[index]
        end = min(cand.end + QUESTION_WINDOW, len(self.doc))
        following = bisect.bisect_right(self.line_start_pos, cand.pos)
        if following < len(self.line_start_pos):
            end = min(end, self.line_start_pos[following])
        successor = self._successor[index]
        return min(end, self.cands[successor].pos) if successor is not None else end

    def _probe(self, index: int) -> _Probe:
        doc, cand = self.doc, self.cands[index]
        window = self._window_end(index)
        marker = MARKER_RE.search(doc, cand.end, window)
        if marker:
            text = doc[cand.end : marker.start()]
            core = text.rstrip(" \t\n\u3000。.")
            qmark = min((core.find(q) for q in QMARKS if q in core), default=-1)
            if (
                ASK_PREFIX_RE.sub("", core).strip()
                and "。" not in core
                and core.count("\n") <= 2
                and (qmark < 0 or len(core[qmark + 1 :].strip()) <= ASIDE_AFTER_QUESTION_MARK)
                and (cand.style != "plain" or (len(core) <= 100 and not NUMBER_RE.search(core)))
            ):
                return _Probe("marker", marker.start(), marker.end())
        if cand.style == "plain":
            return _Probe(None)
        text = doc[cand.end : min(window, cand.end + QUESTION_MARK_WINDOW)]
        qmark = min((text.find(q) for q in QMARKS if q in text), default=-1)
        quoted = sum(text[:qmark].count(q) for q in '“”"「」『』') % 2 if qmark > 0 else 0
        if (
            qmark > 0
            and not quoted  # a ？ inside quotation marks is words to say, not the question
            and "。" not in text[:qmark]
            and ASK_PREFIX_RE.sub("", text[:qmark]).strip()
        ):
            split = extend_question(doc, cand.end + qmark + 1, window)
            return _Probe("qmark", split, split)
        if cand.line_start:
            line_end = doc.find("\n", cand.end)
            line_end = len(doc) if line_end < 0 else line_end
            first = doc[cand.end : line_end].strip()
            if (
                2 <= len(first) <= WEAK_QUESTION_MAX
                and first[-1] not in CLOSING
                and INTERROGATIVE_RE.search(first)
                and line_end < len(doc)
            ):
                return _Probe("weak", line_end, line_end + 1)
            next_end = doc.find("\n", line_end + 1)
            following = doc[line_end + 1 : len(doc) if next_end < 0 else next_end]
            if (
                2 <= len(first) <= TITLE_QUESTION_MAX
                and first[-1] not in CLOSING
                and following.strip()
                and not NUMBER_RE.match(following)
                and heading_title(following) is None
            ):
                return _Probe("title", line_end, line_end + 1)
        return _Probe(None)

    # -- headings --------------------------------------------------------------------

    def _headings(self) -> dict[int, str]:
        """Row index → section title, for the rows that are headings."""
        first_cand: dict[int, int] = {}
        for index, cand in enumerate(self.cands):
            if cand.line_start:
                first_cand.setdefault(cand.row, index)
        headings = {}
        for row, (_, line) in enumerate(self.rows):
            title = heading_title(line)
            if title is None and row in first_cand:
                cand = self.cands[first_cand[row]]
                nxt = first_cand.get(row + 1)
                if (
                    cand.style in ("cn", "cp")
                    and self.probes[first_cand[row]].strength in (None, "title")
                    and short_title(line)
                    and (
                        row == len(self.rows) - 1  # a last line "二、安全知识" ends the answer
                        or (
                            nxt is not None
                            and self.cands[nxt].style != cand.style
                            and self.probes[nxt].strength in ("marker", "qmark", "weak")
                        )
                    )
                ):
                    title = line
            elif title is None and row > 0 and len(line) <= PLAIN_HEADING_MAX:
                # "…开门。\n消防安全\n3、发现烟雾应怎么做？\n答：…": a bare section name
                nxt = first_cand.get(row + 1)
                if (
                    short_title(line)
                    and line[0] not in "(（[【"  # "(见图)" belongs to the answer
                    and (self.rows[row - 1][1][-1] in "。！!" or row - 1 in headings)
                    and nxt is not None
                    and self.cands[nxt].style != "plain"
                    and self.probes[nxt].strength in ("marker", "qmark")
                ):
                    title = line
            if title is not None:
                headings[row] = title
        return headings

    # -- the pass --------------------------------------------------------------------

    def pairs(self) -> list[Pair]:
        doc, opened = self.doc, []
        current: _Open | None = None
        style: str | None = None
        last: int | None = None
        section = ""
        events = sorted(
            [(self.starts[row], 0, row) for row in self.headings]
            + [(c.pos, 1, i) for i, c in enumerate(self.cands)]
        )
        passed: dict[int, tuple[str, int | None]] = {}  # row → a numbering not taken there
        division = False  # a 一、/（一） line passed inside the current list: 1 may restart it
        for pos, kind, index in events:
            if kind == 0:
                if current is not None:
                    current.end = pos
                current, style, last, division = None, None, None, False
                section = self.headings[index]
                continue
            cand, probe = self.cands[index], self.probes[index]
            if not self._takes(cand, probe, index, current, style, last, division, passed):
                if cand.line_start and cand.num is not None:
                    passed.setdefault(cand.row, (cand.style, cand.num))
                    division |= cand.style in ("cn", "cp") and style not in ("cn", "cp")
                continue
            if current is not None:
                current.end = cand.pos
            elif not cand.line_start:
                prefix = doc[self.starts[cand.row] : cand.pos]
                inner = NUMBER_RE.search(prefix)
                prefix = (prefix[: inner.start()] if inner and inner.start() else prefix).strip()
                if prefix and short_title(prefix):
                    section = prefix
            current = _Open(cand, probe, section)
            opened.append(current)
            if cand.num is not None:
                style, last, division = cand.style, cand.num, False
        if current is not None:
            current.end = len(doc)
        return [pair for pair in map(self._pair, opened) if pair is not None]

    def _takes(self, cand, probe, index, current, style, last, division, passed) -> bool:
        """Does this candidate start a new question here? (Module docstring, rule 3.)"""
        if cand.row in self.headings or probe.strength is None:
            return False
        if current is not None and cand.pos < current.probe.answer:
            return False  # inside the current question
        if probe.strength == "marker" and self.claimant.get(probe.split, index) > index:
            return False  # the marker is an inner question's
        if probe.strength == "title":  # "6、早餐的供应时间和地点", next in the questions' numbering
            if current is None or (cand.style, cand.num) != (style, (last or 0) + 1):
                return False
            rows = range(current.cand.row + 1, cand.row)
            return not any(passed.get(row, ("",))[0] == cand.style for row in rows)
        if not accept(cand, probe.strength, current is None, style, last):
            restart = division and cand.line_start and cand.num == 1 and cand.style == style
            if not restart:
                return False
        if probe.strength == "marker" or not cand.line_start or cand.num is None:
            return True
        if probe.strength == "weak" and current is not None and current.probe.strength == "marker":
            # Answers here are marked: after "1.接听电话", "2.如何处理投诉…" is a sub-point.
            rows = range(current.cand.row + 1, cand.row)
            if any(passed.get(row, ("",))[0] == cand.style for row in rows):
                return False
        # A list of sentences that happen to end in ？ ("⑵请问您有什么事吗？" then "⑶…"):
        # the line before is its unnumbered sibling, or the answer is the next sibling.
        if passed.get(cand.row - 1) == (cand.style, cand.num - 1):
            return False
        following = bisect.bisect_left(self.line_start_pos, probe.answer)
        if following < len(self.line_start_pos):
            nxt = self.cands[self._line_start_index[following]]
            if (nxt.style, nxt.num) == (cand.style, cand.num + 1):
                return bool(self.doc[probe.answer : nxt.pos].strip())
        return True

    def _pair(self, item: _Open) -> Pair | None:
        doc = self.doc
        question = join_lines(doc[item.cand.end : item.probe.split], one_line=True)
        question = ASK_PREFIX_RE.sub("", question).strip()
        answer = doc[item.probe.answer : item.end] if item.probe.answer < item.end else ""
        answer = (
            MARKER_RE.sub("", answer.lstrip(), count=1)
            if MARKER_RE.match(answer.lstrip())
            else answer
        )
        answer = join_lines(answer).strip().lstrip(":：").strip()
        if not question or not answer:
            return None
        preamble, points = key_points(answer)
        if points:
            answer = "\n".join(([preamble] if preamble else []) + list(points))
        return Pair(question, answer, points, self.rows[item.cand.row][0], item.section)


def extract_pairs(text: str) -> list[Pair]:
    """The question/answer pairs of a pasted 应知应会 text, in document order."""
    return _Extractor(text).pairs()


# -- the draft bank ------------------------------------------------------------------------

DEFAULT_ROLE = "全员"  # sections need job roles: the trainer replaces this one
DEFAULT_TITLE = "草稿题库"


@dataclass(frozen=True)
class Draft:
    """A draft bank's text, and the pairs left out of it with the reason."""

    text: str
    items: int
    skipped: tuple[tuple[Pair, str], ...] = ()


def draft_bank(
    pairs: Sequence[Pair], *, bank_id: str, title: str, roles: Sequence[str] = ()
) -> str:
    """A Markdown bank (docs/bank-format.md) of 问答 items, one per pair, that parses with
    no errors when at least one pair makes an item. Pairs that cannot make a valid item are
    left out (see `draft_report`); with none left the bank has no section (not a bank)."""
    return draft_report(pairs, bank_id=bank_id, title=title, roles=roles).text


def draft_report(
    pairs: Sequence[Pair], *, bank_id: str, title: str, roles: Sequence[str] = ()
) -> Draft:
    """`draft_bank`, saying which pairs were left out and why.

    Items are grouped by section in order of first appearance (no title twice); each names
    its document line in 来源. The exporter escapes what the format would read as structure;
    what it cannot keep (a question or answer over the length limits, Markdown nested too
    deep, an exact duplicate) is left out, and any item the parser still refuses is too.
    """
    title = " ".join(title.split())[: sx.MAX_TITLE_LENGTH].strip() or DEFAULT_TITLE
    bank_id = bank_id if sx.BANK_ID_RE.match(bank_id) else slugify(bank_id)
    clean_roles = sx.split_list("、".join(" ".join(r.split()) for r in roles))
    clean_roles = tuple(r[: sx.MAX_ROLE_LENGTH].strip() for r in clean_roles) or (DEFAULT_ROLE,)
    skipped: list[tuple[Pair, str]] = []
    items: list[tuple[str, Item, Pair]] = []
    questions: set[str] = set()
    written: set[tuple[str, str]] = set()
    ids: set[str] = set()
    for pair in pairs:
        if len(items) >= sx.MAX_BANK_ITEMS:
            skipped.append((pair, "too many items for one bank"))
            continue
        item, problem = draft_item(pair, title)
        if item is None:
            skipped.append((pair, problem))
            continue
        if (item.question, item.answer) in written:
            skipped.append((pair, "the same question and answer again"))
            continue
        written.add((item.question, item.answer))
        key = normalise_question(item.question)
        if key in questions:  # the same question twice needs an 编号 to tell them apart
            item_id, count = f"line-{pair.line}", 1
            while item_id in ids:
                count += 1
                item_id = f"line-{pair.line}-{count}"
            ids.add(item_id)
            item = replace(item, id=item_id)
        questions.add(key)
        items.append((section_title(pair.section), item, pair))
    for _ in range(10):
        text, order = export_items(bank_id, title, clean_roles, items)
        result = parse_text(text)
        if not result.errors:
            return Draft(text, len(items), tuple(skipped))
        bad: dict[int | None, str] = {}
        for problem in result.errors:
            bad.setdefault(item_at(text, problem.line, order), problem.message)
        if None in bad:
            break
        for index in sorted(bad, reverse=True):
            skipped.append((items[index][2], f"not accepted: {bad[index]}"))
            del items[index]
    text, _ = export_items(bank_id, title, clean_roles, [])
    skipped.extend((pair, "left out") for _, _, pair in items)
    return Draft(text, 0, tuple(skipped))
