"""``quizapp bank from-text FILE``: turn a pasted 应知应会 document into a draft bank.

Needs no app and no database (registered on the ``bank`` group with ``add_command``).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import click

from .documents import MAX_DOCUMENT_BYTES, DocumentError, read_document
from .fromtext import draft_report, extract_pairs, slugify


@click.command("from-text")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Print the question/answer pairs as a JSON list of {"q": …, "a": …}.',
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the draft bank to this Markdown file instead of standard output.",
)
def from_text_command(file: Path, as_json: bool, output: Path | None) -> None:
    """Read FILE (.txt in UTF-8 or GBK, or .docx) and find its questions and answers.

    Prints a draft bank (问答 items, one per pair, each naming its line in 来源) for a
    trainer to edit and import; with --json, the pairs only.
    """
    if as_json and output is not None:
        raise click.UsageError("give either --json or -o, not both")
    text = _read(file)
    pairs = extract_pairs(text)
    if as_json:
        payload = [{"q": pair.question, "a": pair.answer} for pair in pairs]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if not pairs:
        _fail(f"{file}: no questions with answers found (numbered questions, 问：/答：)")
    stem = file.name.rsplit(".", 1)[0] if "." in file.name else file.name
    title = " ".join(stem.split()) or "草稿题库"
    digest = hashlib.sha256(stem.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    draft = draft_report(pairs, bank_id=slugify(stem, default=f"draft-{digest}"), title=title)
    for pair, reason in draft.skipped:
        click.echo(f"{file}:{pair.line}: left out: {reason}", err=True)
    if not draft.items:
        _fail(f"{file}: none of the {len(pairs)} question/answer pairs could make an item")
    if output is None:
        click.echo(draft.text, nl=False)
    else:
        try:
            output.write_text(draft.text, encoding="utf-8")
        except OSError as exc:
            _fail(f"{output}: cannot write: {exc.strerror}")
    if output is not None:
        click.echo(
            f"wrote {output}: {draft.items} items from {len(pairs)} question/answer pairs"
            f" ({len(draft.skipped)} left out)",
            err=True,
        )


def _read(file: Path) -> str:
    try:
        size = file.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            _fail(
                f"{file}: the file is larger than {MAX_DOCUMENT_BYTES // 2**20} MB "
                f"({size / 2**20:.1f} MB): split the document"
            )
        with file.open("rb") as handle:
            data = handle.read(MAX_DOCUMENT_BYTES + 1)  # one byte over is enough to refuse
    except FileNotFoundError:
        _fail(f"{file}: no such file")
    except OSError as exc:
        _fail(f"{file}: cannot read: {exc.strerror}")
    try:
        return read_document(data, file.name)
    except DocumentError as exc:
        _fail(f"error: {exc}")


def _fail(message: str) -> None:
    if not message.startswith("error: "):
        message = f"error: {message}"
    click.echo(message, err=True)
    sys.exit(1)
