"""Bank content written to make Python-Markdown (or the parser) slow, for the tests of the
content limits and for bench/bank_limits_bench.py.

Python-Markdown's time grows with the square of bracket, list and quote nesting: unguarded,
`bracket_bomb(4000)` (12 KB) takes about 100 s to render, and a 3,000-level nested list
more than 300 s and 1 GB.
"""

from __future__ import annotations

from quizapp.bank import syntax as sx


def bracket_bomb(levels: int) -> str:
    """`[[[…x](](…`: links nested `levels` deep, each waiting for its target."""
    return "[" * levels + "x" + "](" * levels


def bracket_bomb_of_size(size: int) -> str:
    """A bracket bomb of about `size` characters, on one line."""
    return bracket_bomb(size // 3)


def nested_list(levels: int) -> str:
    """A list nested `levels` deep, one item a line, each indented 4 more than the last."""
    return "\n".join("    " * level + f"- 第{level + 1}层" for level in range(levels))


def nested_quotes(levels: int) -> str:
    return "> " * levels + "引用"


# Text Markdown takes longest over although it keeps within the limits (nothing nested
# deeper than MAX_NESTING_DEPTH, no longer than MAX_MARKDOWN_LENGTH): bench/ times them.
def slow_but_allowed(size: int = sx.MAX_MARKDOWN_LENGTH) -> dict[str, str]:
    """Inputs at `size` characters that stay within the nesting limit."""

    def repeat(unit: str) -> str:
        return unit * (size // len(unit))

    return {
        "links with an open title": repeat('[a](x"y)'),
        "setext headings": repeat("x\n=\n"),
        "headings": repeat("# x\n"),
        "table rows": "a|b\n-|-\n" + repeat("a|b\n")[: size - 8],
        "lists 8 deep, one a line": repeat("- - - - - - - - x\n"),
        "links nested 8 deep": repeat("[" * 8 + "x" + "](" * 8 + "y" + ")" * 8),
    }


def hidden_closers(size: int = sx.MAX_MARKDOWN_LENGTH) -> dict[str, str]:
    """Brackets that look closed, but not to Markdown: each "[" looks for its "]" to the end
    of its paragraph. Unguarded, each takes seconds at 2,000 characters."""

    def repeat(unit: str) -> str:
        return unit * (size // len(unit))

    return {
        "closed in code": repeat("[`]`"),
        "closed in code on the next line": repeat("[`\n]`\n"),
        "closed by an escaped bracket": repeat("[\\]"),
        "closed in an HTML block": "[" * (size // 4)
        + "\n\n<div>\n"
        + "]" * (size // 4)
        + "\n</div>",
        "closed by the wrong bracket": repeat("[)"),
    }
