"""Who may edit which bank: admins every bank, a trainer the banks they own."""

from __future__ import annotations

from ..models import Bank, Employee


def can_edit_bank(person: Employee, bank: Bank) -> bool:
    if person.has_role("admin"):
        return True
    return person.has_role("trainer") and bank.owner_id is not None and bank.owner_id == person.id
