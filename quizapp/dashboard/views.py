"""The cohort dashboard, the daily digest and the readiness exports (trainers and HR)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models.types import utcnow
from ..people import manage
from ..roster import write_csv, write_xlsx
from ..security import no_store
from ..study.standing import STATUS_LABELS
from ..urls import bounded_int
from . import charts, service
from .forms import CohortForm, DigestForm, chosen_id

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cohort_form() -> tuple[CohortForm, service.Filters]:
    """The filter form as sent, and the filters it makes (anything invalid: no filter)."""
    form = CohortForm(request.args)
    form.validate()
    everyone = service.sees_everyone(current_user)
    filters = service.Filters(
        site_id=chosen_id(form.site),
        job_role_id=chosen_id(form.job_role),
        trainer_id=chosen_id(form.trainer) if everyone else None,
        hired_from=form.hired_from.data,
        hired_to=form.hired_to.data,
        go_live_from=form.go_live_from.data,
        go_live_to=form.go_live_to.data,
        status=form.status.data or None,
        sort=request.args.get("sort", service.DEFAULT_SORT),
        descending=request.args.get("dir") == "desc",
        page=request.args.get("page", 1, type=bounded_int),
    )
    return form, filters


def _charts(board: service.Dashboard) -> dict:
    edges = [f"{10 * i}%" for i in range(service.BINS + 1)]
    weeks = board.over_time
    return {
        "distribution": charts.histogram(board.distribution, edges, title=_("掌握度分布（人数）")),
        "over_time": charts.line_chart(
            [point.week.strftime("%m-%d") for point in weeks],
            [point.share_so_far for point in weeks],
            bars=[point.share for point in weeks],
            title=_("按入职周的达标率"),
            line_label=_("累计达标率"),
            bar_label=_("当周入职达标率"),
        ),
    }


@bp.get("/")
def index():
    """看板: the hires in the viewer's scope, filtered, counted, listed and charted."""
    form, filters = _cohort_form()
    if service.sees_everyone(current_user):
        form.trainer.choices = [(0, _("全部"))] + service.trainer_choices(db.session)
    form.site.choices = [(0, _("全部项目"))] + manage.site_choices(db.session)
    form.job_role.choices = [(0, _("全部岗位"))] + manage.job_role_choices(db.session)
    board = service.dashboard(db.session, current_user, filters, utcnow())
    return render_template(
        "dashboard/index.html",
        form=form,
        filters=filters,
        board=board,
        charts=_charts(board),
        sees_everyone=service.sees_everyone(current_user),
        # Any filter beyond the order and the page: the filter box opens.
        filtering=bool(filters.query().keys() - {"sort", "dir", "page"}),
    )


@bp.get("/digest")
def digest():
    """每日提醒: who needs attention today, printable."""
    everyone = service.sees_everyone(current_user)
    form = DigestForm(request.args)
    form.validate()
    if everyone:
        form.trainer.choices = [(0, _("全部"))] + service.trainer_choices(db.session)
        form.site.choices = [(0, _("全部项目"))] + manage.site_choices(db.session)
    found = service.digest(
        db.session,
        current_user,
        utcnow(),
        trainer_id=chosen_id(form.trainer),
        site_id=chosen_id(form.site),
    )
    return render_template(
        "dashboard/digest.html",
        form=form,
        digest=found,
        sees_everyone=everyone,
        inactive_days=service.INACTIVE_DAYS,
    )


@bp.get("/export.<any(csv, xlsx):fmt>")
@no_store  # names and progress of many people
def export(fmt: str):
    """The cohort table with the page's filters and order: every row, not one page."""
    _form, filters = _cohort_form()
    rows = service.export_rows(
        db.session,
        current_user,
        filters,
        utcnow(),
        status_label=lambda code: _(STATUS_LABELS[code]),
    )
    header = [_(title) for title in service.EXPORT_HEADER]
    if fmt == "csv":
        body, mimetype = write_csv(rows, header), "text/csv"
    else:
        body, mimetype = write_xlsx(rows, header), XLSX
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename=readiness.{fmt}"},
    )
