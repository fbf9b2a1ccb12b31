"""Word segmentation: the project's only adapter for jieba.

jieba's dictionary (about 350,000 words) takes about half a second to load, so one
tokenizer is created per process, on first use (or by :func:`warm_up`), and shared.
"""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

_lock = threading.Lock()
_tokenizer = None


def _load():
    # jieba 0.42 imports pkg_resources (deprecated: newer setuptools warn on import) and
    # logs "Building prefix dict ..." at DEBUG level to stderr. Neither is our business or
    # the user's: ignore the warnings of that one import and keep only jieba's real errors.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        import jieba
    jieba.setLogLevel(logging.ERROR)
    tokenizer = jieba.Tokenizer()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        tokenizer.initialize()
    return tokenizer


def tokenizer():
    """The process-wide jieba tokenizer (dictionary loaded once, thread-safe)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                _tokenizer = _load()
    return _tokenizer


@dataclass(frozen=True)
class Token:
    """A word of a segmented text, with its offsets in that text."""

    text: str
    start: int
    end: int


def tokens(text: str, clauses: Iterable[tuple[int, int]], keep: frozenset[str] = frozenset()):
    """Segment ``text`` clause by clause, keeping the words in ``keep`` whole.

    ``clauses`` are ``(start, end)`` spans (see :meth:`Norm.clauses`); no word crosses a
    clause break. Words of ``keep`` (canonical synonyms) are never split by jieba.
    """
    tk = tokenizer()
    out: list[Token] = []
    # Long phrases (眼望对方) are better cut into words, which a paraphrase may share.
    kept = sorted((w for w in keep if len(w) <= 3), key=len, reverse=True)
    for start, end in clauses:
        pieces = _protect(text, start, end, kept)
        for piece_start, piece_end, whole in pieces:
            if whole:
                out.append(Token(text[piece_start:piece_end], piece_start, piece_end))
                continue
            pos = piece_start
            for word in tk.cut(text[piece_start:piece_end], HMM=True):
                out.append(Token(word, pos, pos + len(word)))
                pos += len(word)
    return out


def _protect(text: str, start: int, end: int, kept: list[str]):
    """Split ``text[start:end]`` into pieces, marking occurrences of ``kept`` words."""
    if not kept:
        return [(start, end, False)]
    marks: list[tuple[int, int]] = []
    taken = [False] * (end - start)
    for word in kept:
        pos = text.find(word, start, end)
        while pos != -1:
            span = range(pos - start, pos - start + len(word))
            if not any(taken[i] for i in span):
                for i in span:
                    taken[i] = True
                marks.append((pos, pos + len(word)))
            pos = text.find(word, pos + 1, end)
    if not marks:
        return [(start, end, False)]
    marks.sort()
    pieces = []
    pos = start
    for a, b in marks:
        if a > pos:
            pieces.append((pos, a, False))
        pieces.append((a, b, True))
        pos = b
    if pos < end:
        pieces.append((pos, end, False))
    return pieces


def warm_up() -> None:
    """Load jieba's dictionary now rather than on the first answer."""
    tokenizer().lcut("预热")
