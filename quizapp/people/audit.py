"""The audit log of sensitive actions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..i18n import N_
from ..models import AuditEntry, Employee

# Actions recorded, with how the admin page labels them.
ACTIONS = {
    "bank_import": N_("导入题库"),
    "bulk_import": N_("批量导入员工"),
    "person_create": N_("创建账号"),
    "person_update": N_("修改员工信息"),
    "role_change": N_("修改权限"),
    "password_reset": N_("重置密码"),
    "deactivate": N_("停用账号"),
    "reactivate": N_("恢复账号"),
    "unlock": N_("解除登录锁定"),
    "job_role_change": N_("修改岗位"),
    "site_change": N_("修改项目"),
    "assignment_create": N_("布置学习任务"),
    "assignment_archive": N_("归档学习任务"),
    "exam_create": N_("创建考试"),
    "exam_update": N_("修改考试"),
    "exam_archive": N_("归档考试"),
    "exam_review": N_("批改考试答案"),
    "company_fact_set": N_("设置公司信息"),
    "company_fact_clear": N_("清除公司信息"),
    "bank_owner": N_("设置题库负责人"),
}


def record(
    session: Session,
    action: str,
    actor: Employee | None,
    target: str = "",
    detail: dict | None = None,
    address: str = "",
    now: datetime | None = None,
) -> AuditEntry:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(
        action=action,
        actor_id=actor.id if actor is not None else None,
        target=target,
        detail=detail or {},
        address=address,
    )
    if now is not None:
        entry.at = now
    session.add(entry)
    return entry
