"""The operations surface: `quizapp bank …` (and Flask's run, routes, db).

Run as `quizapp COMMAND` after install; `quizapp --help` lists everything.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup, FlaskGroup

from .bank.export import export_bank
from .bank.model import ParseResult
from .bank.parser import parse_file

bank_cli = AppGroup("bank", help="Check, import and export question banks (题库).")


def _report(result: ParseResult) -> dict:
    bank = result.bank
    return {
        "file": result.filename,
        "bank_id": bank.id if bank else None,
        "title": bank.title if bank else None,
        "items": len(bank.items) if bank else 0,
        "by_type": bank.count_by_type()
        if bank
        else dict.fromkeys(("qa", "single", "multi", "judge", "cloze"), 0),
        "sections": len(bank.sections) if bank else 0,
        "roles": bank.all_roles() if bank else [],
        "errors": [{"line": p.line, "message": p.message} for p in result.errors],
        "warnings": [{"line": p.line, "message": p.message} for p in result.warnings],
    }


def _print_problems(result: ParseResult) -> None:
    for problem in result.errors:
        click.echo(problem.format(result.filename), err=True)
    for problem in result.warnings:
        click.echo(f"{result.filename}:{problem.line}: warning: {problem.message}", err=True)


@bank_cli.command("check", with_appcontext=False)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per file, in a list.")
def bank_check(files: tuple[Path, ...], as_json: bool) -> None:
    """Validate bank FILES without touching the database. Exit 1 if any has errors."""
    results = [parse_file(path) for path in files]
    if as_json:
        click.echo(json.dumps([_report(r) for r in results], ensure_ascii=False, indent=2))
    else:
        for result in results:
            _print_problems(result)
            if result.ok:
                counts = result.bank.count_by_type()
                detail = ", ".join(f"{k} {v}" for k, v in counts.items() if v)
                click.echo(
                    f"{result.filename}: {result.bank.id}: {len(result.bank.items)} items "
                    f"in {len(result.bank.sections)} sections ({detail}); "
                    f"{len(result.warnings)} warning(s)"
                )
            else:
                click.echo(f"{result.filename}: {len(result.errors)} error(s)")
    sys.exit(1 if any(r.errors for r in results) else 0)


@bank_cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def bank_import(files: tuple[Path, ...]) -> None:
    """Import bank FILES in one transaction: all of them, or nothing if any has an error."""
    from .bank.loader import BankImportError, import_banks
    from .extensions import db
    from .models.types import utcnow

    results = [parse_file(path) for path in files]
    for result in results:
        _print_problems(result)
    failed = [r for r in results if r.errors]
    if failed:
        count = sum(len(r.errors) for r in failed)
        click.echo(f"{count} error(s) in {len(failed)} file(s); nothing was imported.", err=True)
        sys.exit(1)
    try:
        reports = import_banks(db.session, [(r.bank, r.filename) for r in results], now=utcnow())
        db.session.commit()
    except BankImportError as exc:
        db.session.rollback()
        click.echo(f"error: {exc}; nothing was imported.", err=True)
        sys.exit(1)
    except Exception:
        db.session.rollback()
        raise
    for report in reports:
        click.echo(report.summary())


@bank_cli.command("export")
@click.argument("bank_id")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE instead of standard output.",
)
def bank_export(bank_id: str, output: Path | None) -> None:
    """Write bank BANK_ID, as stored, in the Markdown bank format."""
    from sqlalchemy import select

    from .bank.loader import load_bank
    from .extensions import db
    from .models import Bank

    bank = load_bank(db.session, bank_id)
    if bank is None:
        known = ", ".join(db.session.scalars(select(Bank.slug).order_by(Bank.slug))) or "none"
        click.echo(f"error: no bank {bank_id!r} (imported banks: {known})", err=True)
        sys.exit(1)
    text = export_bank(bank)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output} ({len(bank.items)} items)", err=True)


def _create_app():
    from . import create_app

    return create_app()


cli = FlaskGroup(
    create_app=_create_app,
    help="quizapp: 应知应会 trainer. Operations on banks, the database and the server.",
)


def main() -> None:
    cli.main(prog_name="quizapp")
