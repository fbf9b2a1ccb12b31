"""Drafts and publishing: a trainer's Markdown kept as a draft until it is published
through the one import use case (quizapp.bank.importing.import_parsed), with a revision
of the bank's source recorded in the same transaction.

No Flask here: the views pass the person, the text and the time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..bank import model
from ..bank.export import export_bank
from ..bank.importing import import_parsed
from ..bank.loader import bank_hash, load_bank
from ..bank.parser import parse_text
from ..i18n import N_, fill
from ..models import AccessRole, Bank, BankDraft, BankRevision, Employee, Item, MemoryState
from ..people import audit
from .access import can_edit_bank
from .diff import BankDiff, diff_banks

MAX_DRAFT_BYTES = 1024 * 1024  # an uploaded or typed bank; the biggest shipped bank is 60 KB
UPLOAD_SUFFIXES = (".md", ".markdown", ".txt")
_FRONT_ID_RE = re.compile(r"^\s*(?:id|编号)\s*[:：]\s*['\"]?([^'\"\s]*)", re.IGNORECASE)


class AuthoringError(ValueError):
    """A draft cannot be made or published as asked; `field` names the form field.

    `template` is a translatable message with %(name)s placeholders filled from `params`.
    """

    def __init__(self, field: str, template: str, **params: object) -> None:
        self.field = field
        self.template = template
        self.params = params
        self.message = fill(template, params)
        super().__init__(self.message)


def decode_upload(data: bytes, filename: str) -> str:
    """An uploaded bank file as text: .md/.markdown/.txt, at most 1 MB, UTF-8."""
    if not filename.lower().endswith(UPLOAD_SUFFIXES):
        raise AuthoringError(
            "file", N_("只接受 .md、.markdown 或 .txt 文件（UTF-8 编码的 Markdown）")
        )
    if len(data) > MAX_DRAFT_BYTES:
        raise AuthoringError(
            "file",
            N_("文件超过 %(limit)s MB，请把题库拆成几个文件"),
            limit=MAX_DRAFT_BYTES // 2**20,
        )
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise AuthoringError(
            "file", N_("文件不是 UTF-8 编码（第 %(line)s 行）：请在编辑器中另存为 UTF-8"), line=line
        ) from None


def check_size(text: str, field: str = "text") -> None:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_DRAFT_BYTES:
        raise AuthoringError(
            field, N_("内容超过 %(limit)s MB，请把题库拆成几个文件"), limit=MAX_DRAFT_BYTES // 2**20
        )


def declared_id(text: str) -> str | None:
    """The bank id the text's front matter declares (even when the text has errors)."""
    lines = text.removeprefix("\ufeff").split("\n", 60)[:60]
    if not lines or lines[0].strip() != "---":
        return None
    for line in lines[1:]:
        if line.strip() == "---":
            return None
        match = _FRONT_ID_RE.match(line)
        if match:
            return match.group(1) or None
    return None


def bank_by_slug(session: Session, slug: str | None) -> Bank | None:
    if not slug:
        return None
    return session.scalar(select(Bank).where(Bank.slug == slug))


def editable_banks(session: Session, person: Employee) -> list[Bank]:
    """The banks the person may edit: every bank for an admin, a trainer's own."""
    query = select(Bank).order_by(Bank.slug)
    if not person.has_role("admin"):
        query = query.where(Bank.owner_id == person.id)
    return list(session.scalars(query))


@dataclass(frozen=True)
class BankRow:
    bank: Bank
    items: int
    revision: BankRevision | None


def bank_rows(session: Session, banks: list[Bank]) -> list[BankRow]:
    """Banks with their live item count and last revision (three queries in all)."""
    ids = [bank.id for bank in banks]
    counts = dict(
        session.execute(
            select(Item.bank_id, func.count())
            .where(Item.bank_id.in_(ids), Item.retired_at.is_(None))
            .group_by(Item.bank_id)
        ).all()
    )
    latest = (
        select(BankRevision.bank_id, func.max(BankRevision.number).label("number"))
        .where(BankRevision.bank_id.in_(ids))
        .group_by(BankRevision.bank_id)
        .subquery()
    )
    revisions = {
        revision.bank_id: revision
        for revision in session.scalars(
            select(BankRevision).join(
                latest,
                (BankRevision.bank_id == latest.c.bank_id)
                & (BankRevision.number == latest.c.number),
            )
        )
    }
    return [BankRow(bank, counts.get(bank.id, 0), revisions.get(bank.id)) for bank in banks]


def trainers(session: Session) -> list[Employee]:
    """Everyone who may own a bank (active trainers), by name."""
    return list(
        session.scalars(
            select(Employee)
            .join(AccessRole, AccessRole.employee_id == Employee.id)
            .where(AccessRole.role == "trainer", Employee.status == "active")
            .order_by(Employee.name, Employee.id)
        )
    )


def set_owner(
    session: Session, bank: Bank, owner: Employee | None, actor: Employee, now: datetime
) -> None:
    """Make a trainer responsible for the bank (they may then edit it), audit-logged."""
    if owner is not None and not owner.has_role("trainer"):
        raise AuthoringError("owner", N_("只有培训师可以负责题库"))
    bank.owner_id = owner.id if owner is not None else None
    audit.record(
        session,
        "bank_owner",
        actor,
        target=bank.slug,
        detail={"owner": owner.employee_no if owner is not None else None},
        now=now,
    )
    session.commit()


def drafts_of(session: Session, person: Employee) -> list[BankDraft]:
    return list(
        session.scalars(
            select(BankDraft)
            .where(BankDraft.owner_id == person.id)
            .order_by(BankDraft.updated_at.desc(), BankDraft.id.desc())
        )
    )


def get_draft(session: Session, person: Employee, draft_id: int) -> BankDraft | None:
    """The draft, if it is the person's own (or the person is an admin)."""
    draft = session.get(BankDraft, draft_id)
    if draft is None or (draft.owner_id != person.id and not person.has_role("admin")):
        return None
    return draft


def _target(session: Session, person: Employee, text: str, field: str) -> Bank | None:
    """The existing bank the text replaces (None: a new bank); refused when the person
    may not edit it."""
    bank = bank_by_slug(session, declared_id(text))
    if bank is not None and not can_edit_bank(person, bank):
        raise AuthoringError(
            field,
            N_("题库 %(bank)s 已经存在，你不能修改它（它由另一位培训师负责）。请换一个题库编号。"),
            bank=bank.slug,
        )
    return bank


def create_draft(
    session: Session,
    person: Employee,
    text: str,
    *,
    kind: str,
    filename: str = "",
    field: str = "text",
    now: datetime,
) -> BankDraft:
    """Keep the text as the person's draft (committed). Refused, with nothing stored, when
    it would replace a bank the person may not edit."""
    text = text.removeprefix("\ufeff")
    check_size(text, field)
    bank = _target(session, person, text, field)
    draft = BankDraft(
        owner_id=person.id,
        bank_id=bank.id if bank is not None else None,
        kind=kind,
        filename=filename[:200],
        source=text,
        base_hash=bank.content_hash if bank is not None else None,
        created_at=now,
        updated_at=now,
    )
    session.add(draft)
    session.commit()
    return draft


def save_draft(session: Session, draft: BankDraft, text: str, now: datetime) -> None:
    """Store the edited text (committed). When the text now names another bank, the draft
    is retargeted at that bank as it stands."""
    text = text.removeprefix("\ufeff")
    check_size(text, "source")
    bank = bank_by_slug(session, declared_id(text))
    if (bank.id if bank is not None else None) != draft.bank_id:
        draft.bank_id = bank.id if bank is not None else None
        draft.base_hash = bank.content_hash if bank is not None else None
    draft.source = text
    draft.updated_at = now
    session.commit()


def discard_draft(session: Session, draft: BankDraft) -> None:
    session.delete(draft)
    session.commit()


def draft_filename(draft: BankDraft, bank: model.Bank | None = None) -> str:
    if draft.filename:
        return draft.filename
    return f"{bank.id}.md" if bank is not None else f"draft-{draft.id}.md"


def memory_states_by_key(session: Session, bank: Bank) -> dict[str, int]:
    """How many people have a memory state on each live item of the bank, by item key."""
    return dict(
        session.execute(
            select(Item.key, func.count(MemoryState.id))
            .join(MemoryState, MemoryState.item_id == Item.id)
            .where(Item.bank_id == bank.id, Item.retired_at.is_(None))
            .group_by(Item.key)
        ).all()
    )


def compare(session: Session, bank: model.Bank) -> tuple[BankDiff, Bank | None]:
    """What publishing the parsed bank would change (writes nothing)."""
    row = bank_by_slug(session, bank.id)
    if row is None:
        return diff_banks(None, bank), None
    return diff_banks(load_bank(session, bank.id), bank, memory_states_by_key(session, row)), row


@dataclass(frozen=True)
class Published:
    slug: str
    number: int
    diff: BankDiff
    relearning: int


def publish(session: Session, person: Employee, draft: BankDraft, now: datetime) -> Published:
    """Import the draft (all or nothing), record a revision, delete the draft: one
    transaction. Refused, with nothing written, when the draft has errors, the bank changed
    since the draft was made, or the person may not edit the bank."""
    text = draft.source
    result = parse_text(text, draft_filename(draft))
    if not result.ok:
        raise AuthoringError(
            "source",
            N_("草稿有 %(count)s 处错误，没有发布。请先改正。"),
            count=len(result.errors) or 1,
        )
    bank = result.bank
    row = bank_by_slug(session, bank.id)
    if row is not None and not can_edit_bank(person, row):
        raise AuthoringError("source", N_("你不能修改题库 %(bank)s。"), bank=bank.id)
    current = row.content_hash if row is not None else None
    if current != draft.base_hash:
        raise AuthoringError(
            "source",
            N_(
                "题库 %(bank)s 在你开始修改之后已经被别人发布了新版本。"
                "请下载最新版本，把你的修改合并进去再上传。"
            ),
            bank=bank.id,
        )
    if row is not None and row.content_hash == bank_hash(bank):
        raise AuthoringError("source", N_("草稿与当前版本完全相同，不需要发布。"))
    diff, _ = compare(session, bank)
    revision_number: list[int] = []

    def record_revision(reports, relearning: int) -> None:
        session.flush()
        stored = session.scalar(select(Bank).where(Bank.slug == bank.id))
        if row is None and person.has_role("trainer") and stored.owner_id is None:
            stored.owner_id = person.id
        last = session.scalar(
            select(func.max(BankRevision.number)).where(BankRevision.bank_id == stored.id)
        )
        number = (last or 0) + 1
        summary = diff.summary() | {"relearning": relearning}
        session.add(
            BankRevision(
                bank_id=stored.id,
                number=number,
                source=text,
                content_hash=stored.content_hash,
                published_at=now,
                published_by_id=person.id,
                summary=summary,
            )
        )
        session.delete(draft)
        revision_number.append(number)

    try:
        outcome = import_parsed(session, [result], person, now, before_commit=record_revision)
    except IntegrityError:
        # Someone published the same bank at the same moment: theirs won.
        raise AuthoringError(
            "source", N_("题库 %(bank)s 刚刚被别人发布了新版本，请重新上传。"), bank=bank.id
        ) from None
    if not outcome.imported:
        raise AuthoringError(
            "source", N_("没有发布：%(reason)s"), reason=outcome.error or "parse error"
        )
    return Published(bank.id, revision_number[0], diff, outcome.relearning)


def revisions(session: Session, bank: Bank) -> list[BankRevision]:
    return list(
        session.scalars(
            select(BankRevision)
            .where(BankRevision.bank_id == bank.id)
            .order_by(BankRevision.number.desc())
        )
    )


def revision(session: Session, bank: Bank, number: int) -> BankRevision | None:
    return session.scalar(
        select(BankRevision).where(BankRevision.bank_id == bank.id, BankRevision.number == number)
    )


def bank_markdown(session: Session, slug: str) -> str | None:
    """The bank as it stands, as Markdown (None: no such bank)."""
    bank = load_bank(session, slug)
    return export_bank(bank) if bank is not None else None
