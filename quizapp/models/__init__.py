"""All models, importable from one place (Alembic's autogenerate needs them all loaded)."""

from .bank import Bank, Choice, Item, ItemVersion, JobRole, KeyPoint, Section, SectionRole
from .people import ACCESS_ROLES, AccessRole, AuditEntry, Employee, LoginThrottle, Site

__all__ = [
    "ACCESS_ROLES",
    "AccessRole",
    "AuditEntry",
    "Bank",
    "Choice",
    "Employee",
    "Item",
    "ItemVersion",
    "JobRole",
    "KeyPoint",
    "LoginThrottle",
    "Section",
    "SectionRole",
    "Site",
]
