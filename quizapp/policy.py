"""Who may use which endpoint: one table, enforced once for every request.

Every endpoint must appear here: an endpoint with no entry is refused (403), and
tests/test_policy.py fails for it. Admins may use every endpoint. Object-level checks
(this person is in that trainer's scope) live in the services that load the objects.
"""

from __future__ import annotations

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user

from .extensions import login_manager

PUBLIC = "public"  # no login needed
LOGGED_IN = "logged-in"  # anyone logged in
STUDENT = frozenset({"employee"})
STAFF = frozenset({"trainer", "hr"})
TRAINER = frozenset({"trainer"})
HR = frozenset({"hr"})
ADMIN = frozenset({"admin"})

POLICY: dict[str, str | frozenset[str]] = {
    "static": PUBLIC,
    "auth.login": PUBLIC,
    "auth.set_language": PUBLIC,
    "ops.healthz": PUBLIC,  # load balancers and monitors: no login, no cookie
    "auth.logout": LOGGED_IN,
    "auth.change_password": LOGGED_IN,
    "catalog.index": LOGGED_IN,
    # Study: each person's own cards only (the service checks ownership of every object).
    "study.session": STUDENT,
    "study.answer": STUDENT,
    "study.review": STUDENT,
    "study.retry": STUDENT,
    "study.undo": STUDENT,
    "study.overrule_review": STUDENT,
    "study.progress_page": STUDENT,
    "study.mistakes_page": STUDENT,
    "study.start_practice": STUDENT,
    "study.practice": STUDENT,
    # Bank pages show every answer and the company facts' raw values: staff only (a hire
    # studies the items through the study pages, filled for their site).
    "catalog.bank": STAFF,
    # Trainers: their own trainees (the service selects them).
    "trainer.index": TRAINER,
    # Item analysis and leeches: trainers from their own trainees' answers.
    "trainer.analysis": TRAINER,
    "trainer.analysis_item": TRAINER,
    "trainer.leeches": TRAINER,
    # Readiness: HR and admins see everyone, trainers their own trainees (the services
    # select them); a hire sees only their own report (study.progress_page).
    "dashboard.index": STAFF,
    "dashboard.digest": STAFF,
    "dashboard.export": STAFF,
    "people.readiness": STAFF,
    # People: trainers see their own scope, HR everyone (scope enforced by the service).
    "people.index": STAFF,
    "people.detail": STAFF,
    "people.reset_password": STAFF,
    "people.new": HR,
    "people.edit": HR,
    "people.deactivate": HR,
    "people.reactivate": HR,
    "people.export": HR,
    # HR: bulk onboarding of new hires.
    "hr.import_roster": HR,
    "hr.confirm_import": HR,
    "hr.handout": HR,
    # Assignments: trainers for their own trainees, HR and admins for anyone (the
    # service scopes every list and checks every object).
    # -- assignments --
    "assignments.index": STAFF,
    "assignments.new": STAFF,
    "assignments.detail": STAFF,
    "assignments.archive": STAFF,
    # Exams, staff side: trainers their own exams and trainees' attempts, HR and admins all.
    # -- exams --
    "exams.index": STAFF,
    "exams.new": STAFF,
    "exams.edit": STAFF,
    "exams.archive": STAFF,
    "exams.detail": STAFF,
    "exams.export": STAFF,
    "exams.reviews": STAFF,
    "exams.review": STAFF,
    # Exams, the employee's side: only exams that reach them, only their own attempts.
    # -- examroom --
    "examroom.index": STUDENT,
    "examroom.exam": STUDENT,
    "examroom.start": STUDENT,
    "examroom.attempt": STUDENT,
    "examroom.answer": STUDENT,
    "examroom.summary": STUDENT,
    "examroom.submit": STUDENT,
    "examroom.result": STUDENT,
    "admin.index": ADMIN,
    "admin.person_roles": ADMIN,
    "admin.job_roles": ADMIN,
    "admin.rename_job_role": ADMIN,
    "admin.job_role_settings": ADMIN,
    "admin.sites": ADMIN,
    "admin.rename_site": ADMIN,
    "admin.audit_log": ADMIN,
    "admin.locks": ADMIN,
    "admin.unlock": ADMIN,
    # -- company facts (bank variables): admins only --
    "admin.company_facts": ADMIN,
    # -- authoring: trainers for the banks they own, admins for all (the service checks
    # ownership of every bank, item and draft) --
    "authoring.index": TRAINER,
    "authoring.upload": TRAINER,
    "authoring.draft": TRAINER,
    "authoring.save_draft": TRAINER,
    "authoring.publish": TRAINER,
    "authoring.discard": TRAINER,
    "authoring.edit_item": TRAINER,
    "authoring.from_text": TRAINER,
    "authoring.set_owner": ADMIN,
    # Reading a bank's Markdown and its revisions: any staff member, never an employee.
    "authoring.download": STAFF,
    "authoring.history": STAFF,
    "authoring.download_revision": STAFF,
    # Practice items derived from a 问答 item (the view checks the bank is the trainer's).
    "authoring.derive": TRAINER,
}

# Pages a person with a one-time password may still use before choosing their own.
_ALLOWED_BEFORE_PASSWORD_CHANGE = {
    "auth.change_password",
    "auth.logout",
    "auth.set_language",
    "static",
}


def allowed(endpoint: str, roles: set[str] | None) -> bool:
    """Whether someone with these access roles (None: not logged in) may use the endpoint."""
    rule = POLICY.get(endpoint)
    if rule is None:
        return False
    if rule == PUBLIC:
        return True
    if roles is None:
        return False
    if rule == LOGGED_IN or "admin" in roles:
        return True
    return bool(roles & rule)


def enforce():
    endpoint = request.endpoint
    if endpoint is None:  # no route matched: the 404/405 handlers answer
        return None
    rule = POLICY.get(endpoint)
    if rule is None:
        abort(403)
    if rule == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.must_change_password and endpoint not in _ALLOWED_BEFORE_PASSWORD_CHANGE:
        return redirect(url_for("auth.change_password", next=request.full_path))
    if not allowed(endpoint, current_user.roles):
        abort(403)
    return None


def init_app(app: Flask) -> None:
    app.before_request(enforce)
