"""Helpers of the study tests: find an item, show it, answer it, read its memory state."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Item, MemoryState, ReviewLog
from quizapp.study.answers import submit_answer
from quizapp.study.memory import to_srs
from quizapp.study.session import Ticket, present
from tests.factories import T0


def item(key: str) -> Item:
    return db.session.scalar(select(Item).where(Item.key == key))


def ticket_for(employee, key: str, now: datetime = T0, retry: bool = False) -> Ticket:
    return present(db.session, employee, item(key).id, now, retry=retry).ticket


def answer(
    employee, key: str, given: dict, now: datetime = T0, idem: str | None = None
) -> ReviewLog:
    ticket = ticket_for(employee, key, now - timedelta(seconds=5))
    return submit_answer(
        db.session, employee, ticket, given, idem or f"{key}-{now.timestamp()}", now
    )


def state_of(employee, key: str) -> MemoryState | None:
    db.session.expire_all()
    return db.session.scalar(
        select(MemoryState).where(
            MemoryState.employee_id == employee.id, MemoryState.item_id == item(key).id
        )
    )


def snapshot(row: MemoryState) -> dict:
    return to_srs(row).to_dict()
