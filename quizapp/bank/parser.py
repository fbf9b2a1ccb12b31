"""Parse a Markdown question bank (docs/bank-format.md) into a `Bank`.

Pure Python: text in, dataclasses out. Every problem in the file is collected and
reported with its line number, so a trainer fixes a whole file in one pass.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from . import syntax as sx
from . import variables as vx
from .model import Bank, Choice, Item, ParseResult, Problem, Section, Variable

_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")


def parse_file(path: str | Path) -> ParseResult:
    """Read and parse one bank file."""
    path = Path(path)
    try:
        with path.open("rb") as file:
            # One byte over the limit is enough to refuse the file; never read a huge one.
            data = file.read(sx.MAX_BANK_BYTES + 1)
    except OSError as exc:
        return ParseResult(
            None, [Problem(0, f"cannot read file: {exc.strerror}")], filename=str(path)
        )
    return parse_bytes(data, filename=str(path))


def parse_bytes(data: bytes, filename: str = "<text>") -> ParseResult:
    """Decode (UTF-8, with or without a byte-order mark) and parse."""
    if len(data) > sx.MAX_BANK_BYTES:
        return ParseResult(None, [_too_big(data)], filename=filename)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = (
            f"the file is not UTF-8 (byte 0x{data[exc.start]:02x} cannot be decoded); "
            "save it as UTF-8 (在编辑器中另存为 UTF-8 编码)"
        )
        return ParseResult(None, [Problem(line, message)], filename=filename)
    return parse_text(text, filename=filename)


def parse_text(text: str, filename: str = "<text>") -> ParseResult:
    """Parse bank text. Returns the bank, or every error found (and warnings either way)."""
    # At most 4 bytes a character: only a long text needs encoding to be measured.
    if len(text) > sx.MAX_BANK_BYTES // 4:
        data = text.encode("utf-8", "surrogatepass")
        if len(data) > sx.MAX_BANK_BYTES:
            return ParseResult(None, [_too_big(data)], filename=filename)
    parser = _Parser(text.removeprefix("\ufeff"))
    bank = parser.parse()
    result = ParseResult(
        bank if not parser.errors else None,
        sorted(parser.errors, key=lambda p: p.line),
        sorted(parser.warnings, key=lambda p: p.line),
        filename=filename,
    )
    return result


def _too_big(data: bytes) -> Problem:
    """The bank is over the size limit: say so at the line that crosses it."""
    breaks = data.count(b"\n", 0, sx.MAX_BANK_BYTES) or data.count(b"\r", 0, sx.MAX_BANK_BYTES)
    return Problem(
        breaks + 1,
        f"the file is larger than {sx.MAX_BANK_BYTES // 2**20} MB from this line on: "
        "split the bank into several files",
    )


def split_lines(text: str) -> list[str]:
    """Split on CR, LF or CRLF only (str.splitlines also splits on U+2028 and friends)."""
    lines = _LINE_BREAK_RE.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def normalise_question(text: str) -> str:
    """A comparison key for spotting the same question twice."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\W_]+", "", text).lower()


@dataclass
class _FieldValue:
    name: str
    line: int
    lines: list[str] = field(default_factory=list)
    first: int = 0  # the line of lines[0]: the field's line, or the next when it is empty

    def text(self) -> str:
        """The value with leading and trailing blank lines removed."""
        lines = [line.rstrip() for line in self.lines]
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        return "\n".join(lines)


@dataclass
class _RawOption:
    line: int
    text: str
    marked: bool | None  # task-list mark; None when the option is lettered instead
    letter: str | None


@dataclass
class _RawItem:
    line: int
    question_lines: list[str]
    fields: dict[str, _FieldValue] = field(default_factory=dict)
    options: list[_RawOption] = field(default_factory=list)


@dataclass
class _RawSection:
    line: int
    title: str
    roles: tuple[str, ...] | None = None
    roles_line: int = 0
    items: list[_RawItem] = field(default_factory=list)


class _Parser:
    def __init__(self, text: str) -> None:
        self.lines = split_lines(text)
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.item_count = 0
        self.declared: dict[str, Variable] = {}  # the bank's variables, by name
        self.variables_line = 0  # the front matter line declaring them
        long_lines = max(map(len, self.lines), default=0) > sx.MAX_LINE_LENGTH
        for index, line in enumerate(self.lines if long_lines else ()):
            if len(line) > sx.MAX_LINE_LENGTH:
                self.error(
                    index + 1,
                    f"line longer than {sx.MAX_LINE_LENGTH:,} characters ({len(line):,}): "
                    "break it into shorter lines",
                )
                # Read no further than the limit: the rest of the parse stays fast.
                self.lines[index] = line[: sx.MAX_LINE_LENGTH]

    def error(self, line: int, message: str) -> None:
        self.errors.append(Problem(line, message))

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(Problem(line, message))

    # -- the file -------------------------------------------------------------------

    def parse(self) -> Bank | None:
        meta, body_start = self._front_matter()
        sections = self._body(body_start)
        if meta is None:
            return None
        default_roles = meta.get("roles", ())
        bank_synonyms = meta.get("synonyms", ())
        variables = meta.get("variables", ())
        self.declared = {variable.name: variable for variable in variables}
        built = [self._build_section(raw, default_roles) for raw in sections]
        self._check_duplicates(built)
        self._check_variables_used(built)
        self._check_derived_from(built)
        if not built and body_start is not None:
            self.error(
                len(self.lines) or 1, "the bank has no sections: add a '# 标题' heading with items"
            )
        if "id" not in meta or "title" not in meta:
            return None
        return Bank(
            id=meta["id"],
            title=meta["title"],
            version=meta.get("version", "1"),
            language=meta.get("language", "zh-CN"),
            roles=default_roles,
            synonyms=bank_synonyms,
            sections=tuple(section for section, _ in built),
            variables=variables,
        )

    def _front_matter(self) -> tuple[dict | None, int | None]:
        start = 0
        while start < len(self.lines) and not self.lines[start].strip():
            start += 1
        if start == len(self.lines):
            self.error(1, "the file is empty: a bank starts with front matter between '---' lines")
            return None, None
        if self.lines[start].strip() != "---":
            self.error(
                start + 1,
                "missing front matter: the file must start with a '---' line, then id and title, then '---'",
            )
            return None, None
        end = next(
            (i for i in range(start + 1, len(self.lines)) if self.lines[i].strip() == "---"), None
        )
        if end is None:
            self.error(start + 1, "front matter opened here is never closed with a '---' line")
            return None, None
        meta: dict = {}
        seen: dict[str, int] = {}
        for index in range(start + 1, end):
            number = index + 1
            line = self.lines[index].strip()
            if not line or line.startswith("#"):
                continue
            match = re.match(r"^([^:：]+)[:：](.*)$", line)  # both parts are stripped
            if not match:
                self.error(number, f"front matter line is not 'key: value': {line!r}")
                continue
            key = sx.FRONT_MATTER_ALIASES.get(match.group(1).strip().lower())
            value = match.group(2).strip()
            if key is None:
                known = "id, title, version, language, roles, synonyms, variables (变量)"
                self.error(
                    number, f"unknown front matter key {match.group(1).strip()!r} (known: {known})"
                )
                continue
            if key in seen:
                self.error(
                    number, f"front matter key {key!r} given twice (first at line {seen[key]})"
                )
                continue
            seen[key] = number
            value = _unquote(value)
            if key == "id":
                if not sx.BANK_ID_RE.match(value):
                    self.error(
                        number,
                        f"bank id {value!r} is not a slug: use lower-case letters, digits and '-' (e.g. property)",
                    )
                    continue
            elif key in ("title", "version", "language"):
                if not value:
                    self.error(number, f"front matter {key!r} is empty")
                    continue
                if key == "title":
                    self._check_title(value, number)
            elif key == "roles":
                value = self._roles(value, number)
            elif key == "synonyms":
                value = self._synonyms(value, number)
            elif key == "variables":
                value = self._variables(value, number)
                self.variables_line = number
            meta[key] = value
        for key, label in (("id", "id (编号)"), ("title", "title (标题)")):
            if key not in meta and key not in seen:
                self.error(start + 1, f"front matter has no {label}")
        return meta, end + 1

    def _body(self, start: int | None) -> list[_RawSection]:
        sections: list[_RawSection] = []
        if start is None:
            return sections
        section: _RawSection | None = None
        item: _RawItem | None = None
        block: _FieldValue | None = None  # the multi-line field being read
        awaiting_roles = False  # just after a section heading

        for index in range(start, len(self.lines)):
            number = index + 1
            line = self.lines[index]
            heading = sx.HEADING_RE.match(line)
            if heading:
                block = None
                level = len(heading.group(1))
                title = (heading.group(2) or "").strip()
                if level == 1:
                    if not title:
                        self.error(number, "section heading has no title")
                    self._check_title(title, number)
                    section = _RawSection(number, title)
                    sections.append(section)
                    if len(sections) == sx.MAX_BANK_SECTIONS + 1:
                        self.error(
                            number,
                            f"more than {sx.MAX_BANK_SECTIONS:,} sections in one bank: "
                            "split it into several banks",
                        )
                    item = None
                    awaiting_roles = True
                else:
                    awaiting_roles = False
                    question = sx.QUESTION_NUMBER_RE.sub("", title, count=1).strip()
                    item = _RawItem(number, [question])
                    if section is None:
                        self.error(
                            number,
                            "item before any section: add a '# 标题' section heading above it",
                        )
                    else:
                        section.items.append(item)
                    self.item_count += 1
                    if self.item_count == sx.MAX_BANK_ITEMS + 1:
                        self.error(
                            number,
                            f"more than {sx.MAX_BANK_ITEMS:,} items in one bank: "
                            "split it into several banks",
                        )
                continue

            field_match = sx.FIELD_RE.match(line)
            if field_match:
                name = sx.FIELD_ALIASES[field_match.group(1).lower()]
                value = field_match.group(2)
                if name == "roles":
                    block = None
                    if section is not None and awaiting_roles and item is None:
                        section.roles = self._roles(value, number)
                        section.roles_line = number
                        if not section.roles:
                            self.error(number, "岗位 is empty: name at least one job role")
                    else:
                        self.error(
                            number,
                            "岗位 (job roles) belongs on the line right under a section heading",
                        )
                    awaiting_roles = False
                    continue
                awaiting_roles = False
                if item is None:
                    self.error(
                        number,
                        f"field {sx.FIELD_LABELS[name]} outside an item: start the item with a '## 问题' heading",
                    )
                    block = None
                    continue
                if name in item.fields:
                    first = item.fields[name].line
                    self.error(
                        number,
                        f"{sx.FIELD_LABELS[name]} given twice in this item (first at line {first})",
                    )
                    block = None
                    continue
                value_field = _FieldValue(
                    name, number, [value] if value.strip() else [], number + (not value.strip())
                )
                item.fields[name] = value_field
                block = value_field if name in sx.BLOCK_FIELDS else None
                continue

            if not line.strip():
                if block is not None:
                    block.lines.append("")
                continue
            awaiting_roles = False

            if block is not None and block.name != "options":
                block.lines.append(unescape(line, sx.is_block_structure))
                continue
            if item is not None and sx.is_option(line) and (block is not None or _only_meta(item)):
                self._option(item, line, number)
                continue
            if item is not None and not item.fields and not item.options:
                text = unescape(line, sx.is_question_structure)
                like = sx.FIELD_LIKE_RE.match(line)
                if like:
                    self.warn(
                        number,
                        f"{like.group(1)!r} is not a field name, so this line was read as part of the question",
                    )
                item.question_lines.append(text.rstrip())
                continue
            like = sx.FIELD_LIKE_RE.match(line)
            if like and item is not None:
                known = "、".join(sx.FIELD_LABELS.values())
                self.error(number, f"unknown field {like.group(1)!r} (known fields: {known})")
            elif item is not None:
                self.error(
                    number,
                    "this line belongs to no field: put it under 答案： or 解析：, or remove it",
                )
            else:
                self.error(number, "text outside any item: items start with a '## 问题' heading")
        return sections

    def _option(self, item: _RawItem, line: str, number: int) -> None:
        bullet = sx.BULLET_RE.match(line)
        content = (bullet.group(1) if bullet else line).strip()
        task = sx.TASK_RE.match(content)
        if task:
            text = task.group(2).strip()
            item.options.append(_RawOption(number, text, task.group(1) != " ", None))
        else:
            lettered = sx.LETTERED_RE.match(content)
            if lettered:
                letter = (lettered.group(1) or lettered.group(2)).upper()
                item.options.append(_RawOption(number, lettered.group(3).strip(), None, letter))
            else:
                self.error(
                    number,
                    "option is not marked: write '- [x] 正确选项' / '- [ ] 错误选项', or letter it 'A. 选项' and give 答案：A",
                )
                return
        if not item.options[-1].text:
            self.error(number, "option is empty")
        if len(item.options[-1].text) > sx.MAX_OPTION_LENGTH:
            self.error(
                number,
                f"option longer than {sx.MAX_OPTION_LENGTH:,} characters "
                f"({len(item.options[-1].text):,}): shorten it",
            )
        if len(item.options) == sx.MAX_OPTIONS + 1:
            self.error(number, f"more than {sx.MAX_OPTIONS} options in one item")

    # -- sections and items -----------------------------------------------------

    def _build_section(
        self, raw: _RawSection, default_roles: tuple[str, ...]
    ) -> tuple[Section, list[_RawItem]]:
        roles = raw.roles if raw.roles is not None else default_roles
        if not roles and raw.roles is None:
            self.error(
                raw.line,
                f"section {raw.title!r} has no job roles: add a line '岗位：…' under the heading, "
                "or default roles in the front matter",
            )
        if not raw.items and raw.title:
            self.error(raw.line, f"section {raw.title!r} has no items")
        items = tuple(item for item in (self._build_item(r) for r in raw.items) if item is not None)
        return Section(raw.title, roles, items, line=raw.line), raw.items

    def _build_item(self, raw: _RawItem) -> Item | None:
        errors_before = len(self.errors)
        fields = {name: value.text() for name, value in raw.fields.items()}
        line_of = {name: value.line for name, value in raw.fields.items()}
        question = "\n".join(raw.question_lines).strip()
        if not question:
            self.error(raw.line, "empty question: write the question after '## '")
        if not self._check_sizes(raw, question, fields):
            return None  # too big to look at further

        item_id = fields.get("id") or None
        if "id" in fields and not sx.ITEM_ID_RE.match(fields["id"]):
            self.error(
                line_of["id"],
                f"item id {fields['id']!r} may only use letters, digits, '-', '_' and '.' (at most 64)",
            )

        declared = None
        if "type" in fields:
            declared = sx.TYPE_ALIASES.get(fields["type"].strip().lower())
            if declared is None:
                self.error(
                    line_of["type"],
                    f"unknown type {fields['type']!r}: use 问答, 单选, 多选, 判断 or 填空 (qa, single, multi, judge, cloze)",
                )

        question, blanks = self._blanks(question, fields, line_of, raw)
        errors_before_choices = len(self.errors)
        choices = self._choices(raw, fields, line_of, declared)
        choices_ok = len(self.errors) == errors_before_choices
        answer = fields.get("answer", "")
        item_type = declared or _infer_type(blanks, choices, answer)
        if declared is None and "type" in fields:
            item_type = None  # unknown type already reported; do not pile on errors

        verdict = None
        key_points: tuple[str, ...] = ()
        if item_type == "qa":
            if not answer:
                self.error(line_of.get("answer", raw.line), "empty answer: a 问答 item needs 答案")
            key_points = extract_key_points(answer)
        elif item_type == "judge":
            if not answer:
                self.error(
                    line_of.get("answer", raw.line),
                    "判断 item has no verdict: add 答案：对 or 答案：错",
                )
            else:
                verdict = sx.VERDICT_WORDS.get(answer.strip().lower())
                if verdict is None:
                    self.error(line_of["answer"], f"判断 answer must be 对 or 错, not {answer!r}")
        elif item_type in ("single", "multi") and choices_ok:
            self._check_choices(raw, choices, item_type)
        elif item_type == "cloze" and not blanks:
            self.error(
                raw.line,
                "填空 item has no blank: mark each blank in the question as {{答案}}",
            )
        if item_type in ("qa", "judge") and raw.options:
            self.error(
                raw.options[0].line,
                f"options are only for 单选 and 多选, not {sx.TYPE_LABELS[item_type]}",
            )
        if item_type in ("qa", "judge", "single", "multi") and blanks:
            undeclared = [b for b in blanks if len(b) == 1 and vx.is_name(b[0])]
            for (name,) in undeclared:
                self._undeclared(raw.line, name)
            if len(undeclared) < len(blanks):
                self.error(raw.line, "blanks {{…}} are only for 填空 items")
        if item_type in ("single", "multi") and not raw.options:
            self.error(
                raw.line,
                f"{sx.TYPE_LABELS[item_type]} item has no options: list them as '- [x] …' / '- [ ] …'",
            )

        explanation = fields.get("explanation", "")
        if "explanation" in fields and not explanation:
            self.warn(
                line_of["explanation"], "empty explanation (解析): write one or remove the line"
            )

        red_line = False
        if "redline" in fields:
            flag = sx.YES_NO.get(fields["redline"].strip().lower())
            if flag is None:
                self.error(line_of["redline"], f"红线 must be 是 or 否, not {fields['redline']!r}")
            red_line = bool(flag)

        synonyms: tuple[tuple[str, ...], ...] = ()
        if "synonyms" in fields:
            synonyms = self._synonyms(fields["synonyms"], line_of["synonyms"])

        used = self._item_variables(raw, line_of, question, choices, fields, item_type)
        derived_from = fields.get("derived_from") or None
        if derived_from is not None and (
            len(derived_from) > 80 or not sx.ITEM_ID_RE.match(derived_from)
        ):
            self.error(
                line_of["derived_from"],
                f"派生自 must be the 编号 of a 问答 item in this bank, not {derived_from!r}",
            )

        if len(self.errors) > errors_before or item_type is None:
            return None
        return Item(
            type=item_type,
            question=question,
            id=item_id,
            answer=answer if item_type == "qa" else "",
            key_points=key_points,
            choices=choices,
            verdict=verdict,
            blanks=blanks,
            tags=sx.split_list(fields.get("tags", "")),
            explanation=explanation,
            source=fields.get("source", ""),
            passage=fields.get("passage", ""),
            red_line=red_line,
            synonyms=synonyms,
            variables=used,
            derived_from=derived_from,
            line=raw.line,
        )

    def _item_variables(
        self,
        raw: _RawItem,
        line_of: dict[str, int],
        question: str,
        choices: tuple[Choice, ...],
        fields: dict[str, str],
        item_type: str | None,
    ) -> tuple[str, ...]:
        """The declared variables the item uses; an undeclared {{名称}} outside a 填空
        question is an error (inside one it is a blank)."""
        texts = [(question, raw.line)]
        texts += [
            (choice.text, option.line) for choice, option in zip(choices, raw.options, strict=False)
        ]
        for name in ("answer", "explanation", "passage"):
            if name in fields and (name != "answer" or item_type == "qa"):
                texts.append((fields[name], line_of[name]))
        for index, (text, line) in enumerate(texts):
            if index == 0:
                continue  # the question: its undeclared {{…}} are blanks (see _build_item)
            for name in vx.references(text):
                if name not in self.declared:
                    self._undeclared(line, name)
        return vx.used((text for text, _line in texts), self.declared)

    def _undeclared(self, line: int, name: str) -> None:
        self.error(line, f"变量“{name}”未在文件头的“变量”中声明")

    def _blanks(
        self, question: str, fields: dict[str, str], line_of: dict[str, int], raw: _RawItem
    ) -> tuple[str, tuple[tuple[str, ...], ...]]:
        """Find blanks; rewrite ____ blanks (answers given in 答案) as {{…}}."""
        braces = [b for b in sx.BLANK_RE.findall(question) if b not in self.declared]
        underscores = sx.UNDERSCORE_BLANK_RE.findall(question)
        if braces and underscores:
            self.error(raw.line, "mix of {{…}} and ____ blanks: use one style in a question")
            return question, ()
        if underscores:
            declared = sx.TYPE_ALIASES.get(fields.get("type", "").strip().lower())
            if declared not in (None, "cloze"):
                return question, ()
            answers = [
                a.strip()
                for a in sx.GROUP_SEPARATORS_RE.split(fields.get("answer", ""))
                if a.strip()
            ]
            if len(answers) != len(underscores):
                self.error(
                    line_of.get("answer", raw.line),
                    f"the question has {len(underscores)} blank(s) ____ but 答案 gives {len(answers)} "
                    "(separate the answers with ；)",
                )
                return question, ()
            parts = iter(answers)
            question = sx.UNDERSCORE_BLANK_RE.sub(lambda _m: "{{" + next(parts) + "}}", question)
            fields.pop("answer")
        blanks: list[tuple[str, ...]] = []

        def normalise_blank(match: re.Match) -> str:
            if match.group(1) in self.declared:
                return match.group(0)  # a variable, not a blank
            alternatives = tuple(a.strip() for a in sx.ALTERNATIVES_RE.split(match.group(1)))
            if not all(alternatives):
                self.error(raw.line, f"empty answer in blank {match.group(0)}")
            blanks.append(tuple(a for a in alternatives if a))
            return "{{" + "|".join(blanks[-1]) + "}}"

        question = sx.BLANK_RE.sub(normalise_blank, question)
        if "{{" in sx.BLANK_RE.sub("", question) or "}}" in sx.BLANK_RE.sub("", question):
            self.error(raw.line, "unbalanced blank: each blank is {{答案}}")
        return question, tuple(blanks)

    def _choices(
        self,
        raw: _RawItem,
        fields: dict[str, str],
        line_of: dict[str, int],
        declared: str | None,
    ) -> tuple[Choice, ...]:
        options = raw.options
        if not options:
            return ()
        answer = fields.get("answer", "")
        letters_given = answer.strip() and declared in (None, "single", "multi")
        if letters_given:
            cleaned = re.sub(r"[\s,，、;；]", "", answer.upper())
            if not re.fullmatch(r"[A-Z]+", cleaned):
                self.error(
                    line_of["answer"],
                    f"答案 of a choice item must be option letters such as B or ABD, not {answer!r}",
                )
                return ()
            fields.pop("answer")
            letters = [o.letter or chr(ord("A") + i) for i, o in enumerate(options)]
            for letter in cleaned:
                if letter not in letters:
                    self.error(
                        line_of["answer"],
                        f"答案 names option {letter}, but the options are {''.join(letters)}",
                    )
            if len(set(cleaned)) != len(cleaned):
                self.error(line_of["answer"], f"答案 names an option twice: {answer!r}")
            chosen = set(cleaned)
            result = []
            for letter, option in zip(letters, options, strict=True):
                if option.marked is not None and option.marked != (letter in chosen):
                    self.error(
                        option.line,
                        f"option {letter} is marked [x] differently from 答案 {answer!r}",
                    )
                result.append(Choice(option.text, letter in chosen))
            return tuple(result)
        unmarked = [o for o in options if o.marked is None]
        if unmarked:
            self.error(
                unmarked[0].line,
                "lettered options need 答案 naming the correct letter(s), e.g. 答案：B",
            )
            return ()
        return tuple(Choice(o.text, bool(o.marked)) for o in options)

    def _check_choices(self, raw: _RawItem, choices: tuple[Choice, ...], item_type: str) -> None:
        if not choices:
            return
        correct = sum(c.correct for c in choices)
        if len(choices) < 2:
            self.error(raw.line, "a choice item needs at least two options")
        seen: dict[str, int] = {}
        for option, choice in zip(raw.options, choices, strict=True):
            key = normalise_question(choice.text)
            if key in seen:
                self.error(option.line, f"the same option twice (first at line {seen[key]})")
            seen.setdefault(key, option.line)
        if item_type == "single" and correct != 1:
            how = "none" if correct == 0 else f"{correct}"
            self.error(
                raw.line, f"单选 item needs exactly one correct option, but {how} are marked"
            )
        if item_type == "multi":
            if correct == 0:
                self.error(raw.line, "多选 item has no correct option: mark them with [x]")
            elif correct == 1:
                self.warn(raw.line, "多选 item has only one correct option: is it a 单选?")

    def _check_title(self, title: str, line: int) -> None:
        if len(title) > sx.MAX_TITLE_LENGTH:
            self.error(
                line, f"title longer than {sx.MAX_TITLE_LENGTH:,} characters ({len(title):,})"
            )

    def _check_sizes(self, raw: _RawItem, question: str, fields: dict[str, str]) -> bool:
        """Report a question or field over its length limit and Markdown nested too deep
        to be rendered in reasonable time. False if something is too long: the item is not
        looked at further."""
        fits = True
        if len(question) > sx.MAX_QUESTION_LENGTH:
            fits = False
            self.error(
                raw.line,
                f"question longer than {sx.MAX_QUESTION_LENGTH:,} characters ({len(question):,}): "
                "shorten it, or quote the document in 原文",
            )
        for name, limit in sx.MAX_FIELD_LENGTH.items():
            if len(fields.get(name, "")) > limit:
                fits = False
                self.error(
                    raw.fields[name].line,
                    f"{sx.FIELD_LABELS[name]} longer than {limit:,} characters "
                    f"({len(fields[name]):,}): shorten it",
                )
        for name in sorted(sx.MARKDOWN_FIELDS & raw.fields.keys()):
            value = raw.fields[name]
            # The lines as Markdown would get them (line numbers kept); of a field too
            # long, only as much as may be written.
            text = "\n".join(line.rstrip() for line in value.lines)
            if len(fields[name]) > sx.MAX_FIELD_LENGTH[name]:
                text = text[: sx.MAX_FIELD_LENGTH[name]]
            problem = sx.nesting_problem(text)
            if problem is None:
                continue
            label = sx.FIELD_LABELS[name]
            depth = sx.MAX_NESTING_DEPTH
            if problem.kind == "brackets":
                message = (
                    f"{label} nests [ or ( brackets more than {depth} deep, or leaves them "
                    "open: close each one, or write ［ ］ （ ） instead"
                )
            else:
                message = (
                    f"{label} nests lists or block quotes more than {depth} deep: flatten them"
                )
            self.error(value.first + problem.line, message)
        return fits

    def _roles(self, value: str, line: int) -> tuple[str, ...]:
        roles = sx.split_list(value)
        for role in roles:
            if len(role) > sx.MAX_ROLE_LENGTH:
                self.error(
                    line,
                    f"job role name longer than {sx.MAX_ROLE_LENGTH} characters: {role[:20]!r}…",
                )
        return roles

    def _synonyms(self, value: str, line: int) -> tuple[tuple[str, ...], ...]:
        groups = []
        for group in sx.GROUP_SEPARATORS_RE.split(value):
            if not group.strip():
                continue
            words = tuple(w.strip() for w in sx.SYNONYM_SEPARATORS_RE.split(group) if w.strip())
            if len(words) < 2:
                self.error(
                    line,
                    f"synonym group {group.strip()!r} needs two or more words joined by '=': 钻卡=钻石卡",
                )
                continue
            groups.append(words)
        return tuple(groups)

    def _variables(self, value: str, line: int) -> tuple[Variable, ...]:
        """`公司名称；服务热线；维修及时率=95%`: names, each with an optional default."""
        found: dict[str, Variable] = {}
        for entry in sx.GROUP_SEPARATORS_RE.split(value):
            if not entry.strip():
                continue
            name, sep, default = re.split(r"[=＝]", entry, maxsplit=1)[0], False, ""
            if name != entry:
                sep, default = True, entry[len(name) + 1 :]
            name, default = name.strip(), default.strip()
            if not vx.is_name(name):
                self.error(
                    line,
                    f"变量名“{name}”无效：1–20 个汉字、字母、数字或下划线 (variable name "
                    f"{name!r} is not 1–20 letters, digits or '_')",
                )
                continue
            if name in found:
                self.error(line, f"变量“{name}”声明了两次 (variable {name!r} declared twice)")
                continue
            if sep and not default:
                self.error(
                    line,
                    f"变量“{name}”的默认值为空：写上默认值，或去掉“=” (empty default)",
                )
                continue
            problem = vx.value_problem(default) if sep else None
            if problem:
                self.error(line, f"变量“{name}”的默认值无效 (default {problem})")
                continue
            found[name] = Variable(name, default if sep else None)
        return tuple(found.values())

    def _check_variables_used(self, built: list[tuple[Section, list[_RawItem]]]) -> None:
        used = {
            name for section, _raw in built for item in section.items for name in item.variables
        }
        for name in self.declared:
            if name not in used:
                self.warn(
                    self.variables_line,
                    f"变量“{name}”没有被任何题目使用 (variable {name!r} is unused)",
                )

    def _check_derived_from(self, built: list[tuple[Section, list[_RawItem]]]) -> None:
        items = [item for section, _raw in built for item in section.items]
        keys = {item.id or question_key(item.question) for item in items}
        for item in items:
            if item.derived_from is not None and item.derived_from not in keys:
                self.warn(
                    item.line,
                    f"派生自 {item.derived_from!r}: no item of this bank has this 编号",
                )

    def _check_duplicates(self, built: list[tuple[Section, list[_RawItem]]]) -> None:
        ids: dict[str, int] = {}
        questions: dict[str, int] = {}
        # Items without 编号 are identified by their question: two of them cannot both be.
        unnamed: dict[str, int] = {}
        titles: dict[str, int] = {}
        for section, raw_items in built:
            if section.title in titles:
                self.error(
                    section.line,
                    f"section {section.title!r} appears twice (first at line {titles[section.title]})",
                )
            titles.setdefault(section.title, section.line)
            for raw in raw_items:
                item_id = raw.fields["id"].text() if "id" in raw.fields else ""
                if item_id:
                    if item_id in ids:
                        self.error(
                            raw.fields["id"].line,
                            f"duplicate item id {item_id!r} (first at line {ids[item_id]})",
                        )
                    ids.setdefault(item_id, raw.fields["id"].line)
                key = normalise_question("\n".join(raw.question_lines))
                if key and not item_id and key in unnamed:
                    self.error(
                        raw.line,
                        f"the same question twice without 编号 (first at line {unnamed[key]}): "
                        "give one of them an 编号 to tell them apart",
                    )
                elif key and key in questions:
                    self.warn(raw.line, f"the same question twice (first at line {questions[key]})")
                questions.setdefault(key, raw.line)
                if not item_id:
                    unnamed.setdefault(key, raw.line)


def question_key(question: str) -> str:
    """The identity (key) of an item without 编号: a digest of its question."""
    digest = hashlib.sha256(normalise_question(question).encode("utf-8")).hexdigest()
    return f"q-{digest[:20]}"


def extract_key_points(answer: str) -> tuple[str, ...]:
    """The top-level list items of a Markdown answer, in order."""
    points = []
    for line in split_lines(answer):
        match = sx.KEY_POINT_RE.match(line)
        if match:
            points.append(match.group(1).strip())
    return tuple(points)


def _infer_type(blanks: tuple, choices: tuple[Choice, ...], answer: str) -> str:
    if blanks:
        return "cloze"
    if choices:
        return "single" if sum(c.correct for c in choices) <= 1 else "multi"
    if answer.strip().lower() in sx.VERDICT_WORDS:
        return "judge"
    return "qa"


def _only_meta(item: _RawItem) -> bool:
    """True while an item has only one-line fields, so a list that follows is its options."""
    return all(name not in sx.BLOCK_FIELDS or name == "options" for name in item.fields)


def unescape(line: str, is_structure) -> str:
    """Drop the backslash that keeps a structural-looking line as text (see `escape`)."""
    if line.startswith("\\") and is_structure(line.lstrip("\\")):
        return line[1:]
    return line


def escape(line: str, is_structure) -> str:
    """Keep a line that would read as structure as text, by putting a backslash before it."""
    if is_structure(line.lstrip("\\")):
        return "\\" + line
    return line


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
