"""The operations surface: `quizapp bank …`, `quizapp user …`, `quizapp demo`.

The application factory registers these commands; `quizapp.console` is the `quizapp`
program that runs them (with Flask's run, routes, shell and Flask-Migrate's db).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from .bank.export import export_bank
from .bank.fromtext_cli import from_text_command
from .bank.model import ITEM_TYPES, ParseResult
from .bank.parser import parse_file
from .bank.quality import QualityWarning, check_banks
from .grading.cli import set_item_grader

bank_cli = AppGroup("bank", help="Check, import and export question banks (题库).")
bank_cli.add_command(from_text_command)


def _variable_names(bank) -> list[str]:
    """The names of the variables a bank declares (变量：…), in order."""
    return [variable.name for variable in bank.variables]


def _report(result: ParseResult, quality: Sequence[QualityWarning] = ()) -> dict:
    bank = result.bank
    return {
        "file": result.filename,
        "bank_id": bank.id if bank else None,
        "title": bank.title if bank else None,
        "items": len(bank.items) if bank else 0,
        "by_type": bank.count_by_type() if bank else dict.fromkeys(ITEM_TYPES, 0),
        "sections": len(bank.sections) if bank else 0,
        "roles": bank.all_roles() if bank else [],
        "variables": _variable_names(bank) if bank else [],
        "errors": [{"line": p.line, "message": p.message} for p in result.errors],
        "warnings": [{"line": p.line, "message": p.message} for p in result.warnings],
        "quality": [warning.to_dict() for warning in quality],
    }


def _print_problems(result: ParseResult, quality: Sequence[QualityWarning] = ()) -> None:
    for problem in result.errors:
        click.echo(problem.format(result.filename), err=True)
    for problem in result.warnings:
        click.echo(f"{result.filename}:{problem.line}: warning: {problem.message}", err=True)
    for warning in quality:
        click.echo(warning.format(), err=True)


@bank_cli.command("check", with_appcontext=False)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per file, in a list.")
def bank_check(files: tuple[Path, ...], as_json: bool) -> None:
    """Validate bank FILES without touching the database. Exit 1 if any has errors.

    Quality problems (placeholders, too few wrong options, too many key points, the same
    question or contradicting figures for one job role across FILES) are warnings.
    """
    results = [parse_file(path) for path in files]
    by_file: dict[str, list[QualityWarning]] = {}
    checked = [(r.bank, r.filename) for r in results if r.bank is not None]
    for warning in check_banks(checked):
        by_file.setdefault(warning.path, []).append(warning)
    if as_json:
        reports = [_report(r, by_file.get(r.filename, ())) for r in results]
        click.echo(json.dumps(reports, ensure_ascii=False, indent=2))
    else:
        for result in results:
            quality = by_file.get(result.filename, [])
            _print_problems(result, quality)
            if result.ok:
                counts = result.bank.count_by_type()
                detail = ", ".join(f"{k} {v}" for k, v in counts.items() if v)
                names = _variable_names(result.bank)
                variables = f"; variables: {', '.join(names)}" if names else ""
                click.echo(
                    f"{result.filename}: {result.bank.id}: {len(result.bank.items)} items "
                    f"in {len(result.bank.sections)} sections ({detail}){variables}; "
                    f"{len(result.warnings) + len(quality)} warning(s)"
                )
            else:
                click.echo(f"{result.filename}: {len(result.errors)} error(s)")
    sys.exit(1 if any(r.errors for r in results) else 0)


@bank_cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def bank_import(files: tuple[Path, ...]) -> None:
    """Import bank FILES in one transaction: all of them, or nothing if any has an error."""
    from .bank.importing import import_parsed
    from .extensions import db
    from .models.types import utcnow

    outcome = import_parsed(db.session, [parse_file(path) for path in files], None, utcnow())
    for result in outcome.parsed:
        _print_problems(result)
    if outcome.failed:
        count = sum(len(r.errors) for r in outcome.failed)
        click.echo(
            f"{count} error(s) in {len(outcome.failed)} file(s); nothing was imported.", err=True
        )
        sys.exit(1)
    if outcome.error:
        click.echo(f"error: {outcome.error}; nothing was imported.", err=True)
        sys.exit(1)
    for report in outcome.reports:
        click.echo(report.summary())
    if outcome.relearning:
        click.echo(
            f"{outcome.relearning} memory state(s) sent back to relearning: their answers changed"
        )


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


user_cli = AppGroup(
    "user", help="Create people, import rosters of new hires, set passwords, deactivate."
)


@user_cli.command("create")
@click.option("--employee-no", prompt="工号 (employee number)", help="The login name.")
@click.option("--name", prompt="姓名 (name)")
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=click.Choice(["employee", "trainer", "hr", "admin"]),
    default=("admin",),
    show_default=True,
    help="Access role; repeat for several.",
)
@click.option("--job-role", default=None, help="Job role (岗位) name, for people who study.")
@click.option(
    "--password",
    prompt="密码 (password)",
    hide_input=True,
    confirmation_prompt=True,
    help="Their password (asked for when not given).",
)
def user_create(
    employee_no: str, name: str, roles: tuple[str, ...], job_role: str | None, password: str
) -> None:
    """Create one person, such as the first admin, with a password they chose."""
    from .extensions import db
    from .models.types import utcnow
    from .people.passwords import password_problem
    from .people.service import NewPerson, PersonError, create_person
    from .roster import normalise_employee_no

    try:
        number = normalise_employee_no(employee_no)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--employee-no") from exc
    problem = password_problem(password, number)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    try:
        person, _secret = create_person(
            db.session,
            NewPerson(employee_no=number, name=name, roles=frozenset(roles), job_role=job_role),
            None,
            utcnow(),
            password=password,
        )
    except PersonError as exc:
        db.session.rollback()
        click.echo(f"error: {exc.field}: {exc.message}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(
        f"created {person.employee_no} ({person.name}), roles: {', '.join(sorted(person.roles))}"
    )


@user_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and show what would be created.")
@click.option(
    "--handout",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the one-time passwords to this CSV (default: print them).",
)
def user_import(file: Path, dry_run: bool, handout: Path | None) -> None:
    """Create accounts for every new hire in a CSV or XLSX roster: all of them, or none."""
    from .extensions import db
    from .models.types import utcnow
    from .people.onboarding import import_hires, preview_roster
    from .people.service import PersonError
    from .roster import RosterError, handout_csv

    try:
        preview = preview_roster(db.session, file.read_bytes(), file.name)
    except RosterError as exc:
        for message in exc.messages:
            click.echo(f"{file}: {message}", err=True)
        click.echo("nothing was imported.", err=True)
        sys.exit(1)
    if not preview.ok:
        for message in preview.file_errors:
            click.echo(f"{file}: {message}", err=True)
        for issue in preview.issues:
            click.echo(f"{file}:{issue.row}: {issue.column}: {issue.message}", err=True)
        click.echo(f"{preview.error_count} error(s); nothing was imported.", err=True)
        sys.exit(1)
    hires = preview.hires
    if dry_run:
        for hire in hires:
            click.echo(f"would create {hire.employee_no} {hire.name} ({hire.job_role})")
        click.echo(f"{len(hires)} people would be created; nothing was written (--dry-run).")
        return
    try:
        credentials = import_hires(db.session, hires, None, utcnow(), file.name)
    except PersonError as exc:
        click.echo(f"error: {exc.message}; nothing was imported.", err=True)
        sys.exit(1)
    if handout is not None:
        handout.write_bytes(handout_csv(credentials))
        click.echo(f"created {len(credentials)} people; one-time passwords written to {handout}")
    else:
        click.echo(f"created {len(credentials)} people; one-time passwords (shown once):")
        for credential in credentials:
            click.echo(f"{credential.employee_no}\t{credential.name}\t{credential.password}")


@user_cli.command("password")
@click.argument("employee_no")
@click.option(
    "--password",
    prompt="新密码 (new password)",
    hide_input=True,
    confirmation_prompt=True,
    help="The new password (asked for when not given).",
)
def user_password(employee_no: str, password: str) -> None:
    """Set a person's password, kept at their next login (such as a demo account's, whose
    published password works only on the development machine). Their sessions end."""
    from .extensions import db
    from .models.types import utcnow
    from .people.manage import set_account_password
    from .people.service import PersonError, find_by_employee_no

    person = find_by_employee_no(db.session, employee_no)
    if person is None:
        click.echo(f"error: nobody has the employee number {employee_no!r}", err=True)
        sys.exit(1)
    try:
        set_account_password(db.session, person.id, password, None, utcnow())
    except PersonError as exc:
        raise click.BadParameter(exc.message, param_hint="--password") from exc
    click.echo(f"password set for {person.employee_no} ({person.name}); their sessions ended")


@user_cli.command("deactivate")
@click.argument("employee_nos", nargs=-1, required=True)
def user_deactivate(employee_nos: tuple[str, ...]) -> None:
    """Deactivate people: they can no longer log in; their history stays. For the demo
    accounts: quizapp user deactivate ADMIN T001 H001 E001 E002 E003 E004"""
    from .extensions import db
    from .models.types import utcnow
    from .people.manage import deactivate_account
    from .people.service import find_by_employee_no

    people = [(number, find_by_employee_no(db.session, number)) for number in employee_nos]
    unknown = [number for number, person in people if person is None]
    if unknown:
        click.echo(f"error: no such employee number: {', '.join(unknown)}", err=True)
        click.echo("nobody was deactivated.", err=True)
        sys.exit(1)
    for _number, person in people:
        deactivate_account(db.session, person.id, None, utcnow())
        click.echo(f"deactivated {person.employee_no} ({person.name})")


@click.command("demo")
@click.option("--json", "as_json", is_flag=True, help="Print the logins as a JSON list.")
@with_appcontext
def demo_command(as_json: bool) -> None:
    """Create the demo organisation once (again: changes nothing) and print its logins."""
    from .demo import create_demo
    from .extensions import db
    from .models.types import utcnow

    logins, created = create_demo(db.session, utcnow())
    db.session.commit()
    if as_json:
        click.echo(json.dumps(logins, ensure_ascii=False, indent=2))
        return
    click.echo("demo accounts" + (" created:" if created else " (already there):"))
    for login in logins:
        roles = ",".join(login["roles"])
        click.echo(
            f"  {login['employee_no']:<8} {login['password']:<16} {roles:<16} {login['job_role'] or ''}"
        )
    from .demo import DEMO_EXAM
    from .models import Exam

    exam_id = db.session.scalar(select(Exam.id).where(Exam.title == DEMO_EXAM))
    if exam_id is not None:
        click.echo(f"demo mock exam {DEMO_EXAM}: /exam/{exam_id} (E001 sits it, T001 reviews it)")


@click.command("readiness")
@click.option(
    "--employee",
    "employee_nos",
    multiple=True,
    metavar="NO",
    help="Only this employee (repeatable). Default: every active hire.",
)
@click.option(
    "--at",
    "at_day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Evaluate as of this study day (YYYY-MM-DD). Default: now.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one object per hire.")
@with_appcontext
def readiness_command(employee_nos: tuple[str, ...], at_day, as_json: bool) -> None:
    """Readiness of every active hire (or the named ones): the dashboard's figures."""
    from .extensions import db
    from .models import Employee
    from .models.types import utcnow
    from .roster.text import normalise_employee_no
    from .study.standing import standings

    where = []
    if employee_nos:
        numbers = []
        for raw in employee_nos:
            try:
                numbers.append(normalise_employee_no(raw))
            except ValueError as exc:
                raise click.BadParameter(f"{raw!r}: {exc}", param_hint="--employee") from exc
        known = set(
            db.session.scalars(
                select(Employee.employee_no).where(Employee.employee_no.in_(numbers))
            )
        )
        missing = [number for number in numbers if number not in known]
        if missing:
            raise click.BadParameter(
                "no employee numbered " + ", ".join(missing), param_hint="--employee"
            )
        where.append(Employee.employee_no.in_(numbers))
    found = standings(
        db.session,
        utcnow(),
        where,
        today=at_day.date() if at_day else None,
        only_hires=not employee_nos,
    )
    if as_json:
        click.echo(json.dumps([s.to_json() for s in found], ensure_ascii=False, indent=2))
        return
    for s in found:
        forecast = s.forecast_ready.isoformat() if s.forecast_ready else "-"
        go_live = s.go_live.isoformat() if s.go_live else "-"
        click.echo(
            f"{s.employee_no:<10} {s.name:<8} {s.readiness:6.1%} seen {s.seen:>4}/{s.required:<4}"
            f" red {s.red_lines_at_risk}/{s.red_lines} go-live {go_live} forecast {forecast}"
            f" {s.status}"
        )


def grade_item(item_id: int, answer: str) -> dict:
    """`quizapp grade --item`: grade ANSWER to item ITEM_ID exactly as the app does.

    The item's view (ItemView.of) goes to its registered question type, so question,
    synonyms and the red-line rule apply. A 问答 answer is the typed text; 判断 takes
    对/错, 单选 and 多选 the option letters (AC) and 填空 the blanks separated by "|".
    """
    from .extensions import db
    from .models import Item
    from .questions import AnswerError, question_type
    from .study.items import ItemView

    item = db.session.get(Item, item_id)
    if item is None:
        raise click.ClickException(f"no item {item_id}")
    view = ItemView.of(item)
    text = answer.strip()
    given: dict = {"text": answer}
    if view.type == "judge":
        verdict = {"对": True, "是": True, "true": True, "错": False, "否": False}
        given = {"verdict": verdict.get(text.lower())}
    elif view.type in ("single", "multi"):
        letters = [c for c in text.upper() if c.isalpha()]
        given = {"choices": [ord(c) - ord("A") for c in letters]}
    elif view.type == "cloze":
        given = {"blanks": answer.split("|")}
    try:
        graded = question_type(view.type).grade(view, given, None)
    except AnswerError as error:
        raise click.ClickException(str(error)) from error
    matches = graded.detail.get("matches", [])
    return {
        "item": view.id,
        "type": view.type,
        "correct": graded.correct,
        "rating": graded.rating.word,
        "hits": list(graded.hits or []),
        "coverage": round(graded.detail.get("coverage", float(graded.correct)), 4),
        "contradicted": list(graded.detail.get("contradicted", [])),
        "red_line": view.red_line,
        "matches": [(m["key_point"], m["hit"], m.get("contradiction", "")) for m in matches],
    }


set_item_grader(grade_item)
