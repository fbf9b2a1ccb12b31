"""All models, importable from one place (Alembic's autogenerate needs them all loaded)."""

from .bank import Bank, Choice, Item, ItemVersion, JobRole, KeyPoint, Section, SectionRole

__all__ = [
    "Bank",
    "Choice",
    "Item",
    "ItemVersion",
    "JobRole",
    "KeyPoint",
    "Section",
    "SectionRole",
]
