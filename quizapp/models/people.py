"""People and their access: employees, sites, access roles, login throttles, the audit log.

An `Employee` row is every person who logs in — new hires, trainers, HR, admins. Access
roles (`employee`, `trainer`, `hr`, `admin`) decide which pages they may use; the job role
(岗位) decides what they must learn.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .bank import JobRole
from .types import UTCDateTime, utcnow

ACCESS_ROLES = ("employee", "trainer", "hr", "admin")
ACTIVE = "active"
LEFT = "left"


class Site(db.Model):
    """A site or project (项目/门店) where people work."""

    __tablename__ = "site"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AccessRole(db.Model):
    """One access role held by a person; a person can hold several."""

    __tablename__ = "access_role"
    __table_args__ = (
        CheckConstraint("role IN ('employee', 'trainer', 'hr', 'admin')", name="known_role"),
    )

    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employee.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


# One-time passwords are random (12 characters of 31: about 59 bits) and must be replaced
# at first login, so a fast salted hash is enough for them (guessing one from its hash
# takes centuries on a GPU): a 5,000-row roster is hashed in seconds instead of the quarter
# of an hour scrypt would take. Passwords people choose get scrypt.
ONE_TIME_HASH = "pbkdf2:sha256:1000"


def hash_password(password: str, one_time: bool = False) -> str:
    """The stored form of a password: scrypt (Werkzeug's default, tens of milliseconds) for
    a password the person chose, ONE_TIME_HASH for a generated one-time password."""
    if one_time:
        return generate_password_hash(password, method=ONE_TIME_HASH)
    return generate_password_hash(password)


class Employee(UserMixin, db.Model):
    __tablename__ = "employee"
    __table_args__ = (CheckConstraint("status IN ('active', 'left')", name="known_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Normalised (see quizapp.roster.normalise_employee_no): the login name.
    employee_no: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    job_role_id: Mapped[int | None] = mapped_column(ForeignKey("job_role.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
    hire_date: Mapped[date | None] = mapped_column(Date)
    # The day the hire starts facing customers: scheduling aims at being ready by then.
    go_live_date: Mapped[date | None] = mapped_column(Date)
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=ACTIVE)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    password_hash: Mapped[str] = mapped_column(String(255), default="")
    # A one-time password from HR or a reset: the person must choose their own next.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on logout, password change and deactivation: every older session or
    # remember-me cookie carries the old number and is refused.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    locale: Mapped[str | None] = mapped_column(String(20))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    job_role: Mapped[JobRole | None] = relationship()
    site: Mapped[Site | None] = relationship()
    trainer: Mapped[Employee | None] = relationship(remote_side=[id])
    access_roles: Mapped[list[AccessRole]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )

    # -- access ----------------------------------------------------------------

    @property
    def roles(self) -> set[str]:
        return {ar.role for ar in self.access_roles}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def set_roles(self, roles: set[str]) -> None:
        unknown = set(roles) - set(ACCESS_ROLES)
        if unknown:
            raise ValueError(f"unknown access roles: {sorted(unknown)}")
        for link in list(self.access_roles):
            if link.role not in roles:
                self.access_roles.remove(link)
        for role in sorted(set(roles) - self.roles):
            self.access_roles.append(AccessRole(role=role))

    # -- Flask-Login -------------------------------------------------------------

    @property
    def is_active(self) -> bool:
        return self.status == ACTIVE

    def get_id(self) -> str:
        # The session version makes a copied cookie useless after logout.
        return f"{self.id}:{self.session_version}"

    # -- passwords ---------------------------------------------------------------

    def set_password(self, password: str, one_time: bool) -> None:
        self.set_password_hash(hash_password(password), one_time)

    def set_password_hash(self, password_hash: str, one_time: bool) -> None:
        """Store a hash made beforehand (hashing is slow: not while holding a lock); every
        session of the person ends."""
        self.password_hash = password_hash
        self.must_change_password = one_time
        self.session_version = (self.session_version or 0) + 1

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<Employee {self.employee_no}>"


class LoginThrottle(db.Model):
    """Failed-login counters per account, address and pair, shared by every worker."""

    __tablename__ = "login_throttle"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "account", "address", "pair" or "password" (quizapp.people.throttle)
    scope: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(100))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEntry(db.Model):
    """An append-only record of a sensitive action."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)
    action: Mapped[str] = mapped_column(String(50), index=True)
    target: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    address: Mapped[str] = mapped_column(String(64), default="")

    actor: Mapped[Employee | None] = relationship()
