"""Password rules a phone user can live with."""

from __future__ import annotations

import unicodedata

from ..i18n import N_

MIN_LENGTH = 8
MAX_LENGTH = 128


def password_problem(password: str, employee_no: str, phone: str = "") -> str | None:
    """Why this password is not acceptable, or None. Messages are translatable msgids."""
    if len(password) < MIN_LENGTH:
        return N_("密码至少 8 个字符")
    if len(password) > MAX_LENGTH:
        return N_("密码最多 128 个字符")
    folded = unicodedata.normalize("NFKC", password).strip().upper()
    if folded == employee_no.upper():
        return N_("密码不能与工号相同")
    if phone and folded == phone.replace(" ", "").replace("-", ""):
        return N_("密码不能与手机号相同")
    if len(set(password)) == 1:
        return N_("密码不能全部是同一个字符")
    return None
