"""Importing banks: the one use case behind `quizapp bank import`, the tests' bank
fixtures and (next) the trainers' browser upload.

Parse every file; if any has an error, nothing is imported. Otherwise, in one transaction:
upsert the banks (quizapp.bank.loader), send everyone who learnt an item whose right
answer changed back to relearning, and record the import in the audit log. All of it, or
nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ..models import Employee
from ..people import audit
from ..study.history import relearn_changed_items
from .loader import BankImportError, ImportReport, import_banks
from .model import ParseResult


@dataclass(frozen=True)
class BankImport:
    """What an import did, or why it did nothing.

    Attributes:
        parsed: every file's parse result (errors and warnings by file and line).
        reports: per bank, what changed (empty when nothing was imported).
        relearning: memory states sent back to relearning because answers changed.
        error: why nothing was imported despite valid files (a conflict between banks).
    """

    parsed: tuple[ParseResult, ...]
    reports: tuple[ImportReport, ...] = ()
    relearning: int = 0
    error: str | None = None

    @property
    def failed(self) -> tuple[ParseResult, ...]:
        return tuple(result for result in self.parsed if result.errors)

    @property
    def imported(self) -> bool:
        return not self.failed and self.error is None


def import_parsed(
    session: Session,
    parsed: Sequence[ParseResult],
    actor: Employee | None,
    now: datetime,
    before_commit: Callable[[tuple[ImportReport, ...], int], None] | None = None,
) -> BankImport:
    """Import parsed bank files in one transaction (committed), or nothing at all.

    `before_commit(reports, relearning)` adds the caller's own rows (the browser's bank
    revision) to the same transaction; if it raises, nothing is imported."""
    parsed = tuple(parsed)
    if any(result.errors for result in parsed):
        return BankImport(parsed)
    try:
        reports = import_banks(session, [(r.bank, r.filename) for r in parsed], now=now)
        relearning = relearn_changed_items(
            session, [item_id for report in reports for item_id in report.answer_changed], now
        )
        changed = [report for report in reports if not report.unchanged_bank]
        if changed:
            audit.record(
                session,
                "bank_import",
                actor,
                target=", ".join(report.bank_id for report in changed),
                detail={report.bank_id: report.summary() for report in changed},
                now=now,
            )
        if before_commit is not None:
            before_commit(tuple(reports), relearning)
        session.commit()
    except BankImportError as exc:
        session.rollback()
        return BankImport(parsed, error=str(exc))
    except Exception:
        session.rollback()
        raise
    return BankImport(parsed, tuple(reports), relearning)
