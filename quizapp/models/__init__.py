"""All models, importable from one place (Alembic's autogenerate needs them all loaded)."""

from .assignment import (
    ATTEMPT_STATUSES,
    AUDIENCES,
    Assignment,
    AssignmentContent,
    AssignmentPerson,
    Exam,
    ExamAnswer,
    ExamAttempt,
    ExamFixedItem,
    ExamPerson,
    ExamQuota,
    ExamSource,
)
from .authoring import BankDraft, BankRevision, CompanyFact
from .bank import Bank, Choice, Item, ItemVersion, JobRole, KeyPoint, Section, SectionRole
from .people import ACCESS_ROLES, AccessRole, AuditEntry, Employee, LoginThrottle, Site
from .study import IdempotencyRecord, MemoryState, ReadinessCache, ReviewLog

__all__ = [
    "ATTEMPT_STATUSES",
    "AUDIENCES",
    "Assignment",
    "AssignmentContent",
    "AssignmentPerson",
    "Exam",
    "ExamAnswer",
    "ExamAttempt",
    "ExamFixedItem",
    "ExamPerson",
    "ExamQuota",
    "ExamSource",
    "ACCESS_ROLES",
    "AccessRole",
    "AuditEntry",
    "Bank",
    "BankDraft",
    "BankRevision",
    "Choice",
    "CompanyFact",
    "Employee",
    "IdempotencyRecord",
    "Item",
    "ItemVersion",
    "JobRole",
    "KeyPoint",
    "LoginThrottle",
    "MemoryState",
    "ReadinessCache",
    "ReviewLog",
    "Section",
    "SectionRole",
    "Site",
]
