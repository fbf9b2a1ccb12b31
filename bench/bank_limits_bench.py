"""Hostile bank content against the content limits (docs/bank-format.md, "Limits").

    .venv/bin/python bench/bank_limits_bench.py [--raw]

The tests check *that* hostile content is refused by the parser (with the line) and shown
as plain text by the renderer; this script measures *how fast*, and how slow the slowest
Markdown still allowed is. Four tables, one run:

  refused    parse_text of a bank holding each hostile input (refused, with its line)
  renderer   render_markdown of each hostile text itself (escaped plain text, not Markdown)
  allowed    render_markdown of the slowest text found within the limits (2,000 characters,
             nothing nested deeper than 8), cache cleared: the worst a card or page can cost
  parser     parse_text of 19 MB files of lines written to be slow for the parser's regular
             expressions, and of a full 20,000-item bank
--raw adds Python-Markdown without the guard on small bracket bombs, to show the square.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import markdown
from machine import machine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bank_bench import generate  # noqa: E402

from quizapp.bank import syntax as sx  # noqa: E402
from quizapp.bank.parser import parse_text  # noqa: E402
from quizapp.bank.render import _rendered, markdown_source, render_markdown  # noqa: E402
from tests.bank.hostile import (  # noqa: E402
    bracket_bomb,
    bracket_bomb_of_size,
    hidden_closers,
    nested_list,
    nested_quotes,
    slow_but_allowed,
)
from tests.factories import bank_text  # noqa: E402


def timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def in_answer(text: str) -> str:
    return bank_text("# 章\n\n## 问题？\n类型：问答\n答案：\n" + text + "\n")


def hostile_texts() -> dict[str, str]:
    return {
        "bracket bomb, 4,000 levels (12 KB)": bracket_bomb(4000),
        "bracket bomb, 150 KB": bracket_bomb_of_size(150_000),
        "nested list, 3,000 levels": nested_list(3000),
        "nested block quotes, 3,000 levels": nested_quotes(3000),
        "over-long line (100,000 characters)": "说" * 100_000,
        "over-long answer (2,001 characters)": "说" * (sx.MAX_MARKDOWN_LENGTH + 1),
        **{f"bracket closed out of Markdown's sight: {k}": v for k, v in hidden_closers().items()},
    }


def parser_files() -> dict[str, str]:
    head = "---\nid: bench\ntitle: 基准\nroles: 前台\n---\n\n# 章\n\n"
    size = 19 * 2**20
    width = sx.MAX_LINE_LENGTH - 10

    def fill(unit: str) -> str:
        return head + unit * ((size - len(head.encode())) // len(unit.encode()))

    front = "a" + " " * width + "b\n"
    return {
        "headings with inner spaces": fill("## a" + " " * width + "b\n答案：对\n"),
        "unclosed {{ blanks": fill("## " + "{{" * 995 + "\n类型：填空\n"),
        "key points of spaces": fill("## 问\n答案：\n" + "1. " + " \t" * 995 + "\n"),
        "brackets, balanced": fill("## 问\n答案：\n" + "[]" * 999 + "\n"),
        "lists 8 deep": fill("## 问\n答案：\n" + "- - - - - - - - x\n" * 100),
        "front matter lines of spaces": "---\nid: x\ntitle: t\n" + front * 4000 + "---\n",
        "20,000 ordinary items": generate(20_000),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--raw", action="store_true", help="also time unguarded Markdown")
    args = parser.parse_args()
    print(f"machine: {machine()}")

    print("\nrefused: parse_text of a bank holding it")
    for name, text in hostile_texts().items():
        seconds, result = timed(lambda text=text: parse_text(in_answer(text)))
        # The nesting error if there is one, else the first.
        shown = next((e for e in result.errors if "nests" in e.message), result.errors[0])
        print(
            f"  {name:62s} {seconds * 1000:8.1f} ms  {len(result.errors):4d} errors; "
            f"line {shown.line}: {shown.message[:40]}"
        )

    print("\nrenderer: render_markdown of the text itself")
    for name, text in hostile_texts().items():
        _rendered.cache_clear()
        seconds, html = timed(lambda text=text: str(render_markdown(text)))
        shown = "plain text" if html.startswith('<p class="plain">') else "Markdown"
        print(f"  {name:62s} {seconds * 1000:8.1f} ms  {shown}")

    print(f"\nallowed: the slowest Markdown within the limits ({sx.MAX_MARKDOWN_LENGTH} chars)")
    for name, text in slow_but_allowed().items():
        _rendered.cache_clear()
        seconds, html = timed(lambda text=text: str(render_markdown(text)))
        shown = "plain text" if html.startswith('<p class="plain">') else "Markdown"
        print(f"  {name:62s} {seconds * 1000:8.1f} ms  {shown}")

    if args.raw:
        print("\nunguarded Python-Markdown on bracket bombs")
        for levels in (250, 500, 1000, 2000):
            text = bracket_bomb(levels)
            seconds, _ = timed(lambda text=text: markdown.markdown(markdown_source(text)))
            print(f"  bracket bomb, {levels:5d} levels ({len(text):6d} chars) {seconds:8.2f} s")

    print("\nparser: parse_text of whole files")
    for name, text in parser_files().items():
        seconds, result = timed(lambda text=text: parse_text(text))
        size = len(text.encode()) / 2**20
        print(
            f"  {name:40s} {size:5.1f} MB {seconds:7.2f} s  "
            f"{len(result.errors)} errors, {len(result.bank.items) if result.bank else 0} items"
        )


if __name__ == "__main__":
    main()
