"""What the draft page shows: every error with its line, or a preview, quality warnings
and the diff against the bank as it stands. Reads only; writes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..bank import model
from ..bank.loader import item_key, load_bank
from ..bank.parser import parse_text, split_lines
from ..models import Bank, BankDraft, Employee, JobRole, Section, SectionRole
from .access import can_edit_bank
from .diff import BankDiff
from .service import compare, draft_filename

try:  # written by another change; the page works without it until it lands
    from ..bank import quality
except ImportError:  # pragma: no cover - depends on what is installed
    quality = None

PREVIEW_LIMIT = 100  # items rendered on the page; the rest are counted


@dataclass(frozen=True)
class LineProblem:
    line: int
    message: str
    text: str  # the line as written (empty when the line is outside the text)


@dataclass
class DraftReview:
    draft: BankDraft
    filename: str
    errors: list[LineProblem] = field(default_factory=list)
    warnings: list[LineProblem] = field(default_factory=list)
    bank: model.Bank | None = None
    current: Bank | None = None  # the bank the draft replaces, as stored
    diff: BankDiff | None = None
    preview: list[model.Item] = field(default_factory=list)
    hidden: int = 0  # items not previewed
    quality: list | None = None  # None: the quality checks are not installed
    may_publish: bool = False
    stale: bool = False  # the bank changed since the draft was made
    forbidden: bool = False  # the draft would replace a bank the person may not edit
    unchanged: bool = False


def _problems(problems, lines: list[str]) -> list[LineProblem]:
    return [
        LineProblem(p.line, p.message, lines[p.line - 1] if 0 < p.line <= len(lines) else "")
        for p in problems
    ]


def review_draft(session: Session, person: Employee, draft: BankDraft) -> DraftReview:
    filename = draft_filename(draft)
    result = parse_text(draft.source, filename)
    lines = split_lines(draft.source)
    review = DraftReview(
        draft, filename, _problems(result.errors, lines), _problems(result.warnings, lines)
    )
    if not result.ok:
        return review
    bank = result.bank
    review.bank = bank
    review.diff, review.current = compare(session, bank)
    row = review.current
    review.forbidden = row is not None and not can_edit_bank(person, row)
    current_hash = row.content_hash if row is not None else None
    review.stale = current_hash != draft.base_hash
    review.unchanged = row is not None and review.diff.empty
    review.may_publish = not (review.forbidden or review.stale or review.unchanged)
    shown = bank.items
    if row is not None:
        touched = {c.key for c in review.diff.added + review.diff.changed}
        shown = [item for item in shown if item_key(item) in touched]
    review.preview = shown[:PREVIEW_LIMIT]
    review.hidden = max(0, len(shown) - PREVIEW_LIMIT)
    review.quality = quality_warnings(session, bank, f"draft-{draft.id}/{filename}")
    return review


def neighbours(session: Session, bank: model.Bank) -> list[str]:
    """The slugs of the other banks with a live section for one of the bank's roles."""
    roles = bank.all_roles()
    if not roles:
        return []
    return list(
        session.scalars(
            select(Bank.slug)
            .join(Section, Section.bank_id == Bank.id)
            .join(SectionRole, SectionRole.section_id == Section.id)
            .join(JobRole, JobRole.id == SectionRole.job_role_id)
            .where(JobRole.name.in_(roles), Section.retired_at.is_(None), Bank.slug != bank.id)
            .distinct()
            .order_by(Bank.slug)
        )
    )


def quality_warnings(session: Session, bank: model.Bank, path: str) -> list | None:
    """The quality checks' warnings on the draft, checked together with the other banks of
    its job roles (a question asked twice across banks); None when not installed."""
    if quality is None:
        return None
    banks: list[tuple[model.Bank, str]] = []
    for slug in neighbours(session, bank):
        other = load_bank(session, slug)
        if other is not None:
            banks.append((other, f"{slug}.md"))
    # Last: a question two banks share is reported on the later one, the draft.
    banks.append((bank, path))
    return [w for w in quality.check_banks(banks) if w.path == path]
