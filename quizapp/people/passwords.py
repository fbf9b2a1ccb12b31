"""Password rules a phone user can live with."""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib.resources import files

from ..i18n import N_

MIN_LENGTH = 8
MAX_LENGTH = 128


@cache
def common_passwords() -> frozenset[str]:
    """The passwords everybody tries first (common_passwords.txt), read once per process."""
    text = files(__package__).joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


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
    if folded.lower() in common_passwords():
        return N_("这个密码太常见，很容易被猜到，请换一个")
    return None
