"""memory state: the lapses fsrs expected

Revision ID: c4e1a9d2f7b3
Revises: b39bb015d907
Create Date: 2026-12-02 11:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e1a9d2f7b3'
down_revision = 'b39bb015d907'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('memory_state', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('expected_lapses', sa.Float(), server_default='0', nullable=False)
        )
    _backfill(op.get_bind())


def downgrade():
    with op.batch_alter_table('memory_state', schema=None) as batch_op:
        batch_op.drop_column('expected_lapses')


def _backfill(bind):
    """Every memory state reviewed more than once gets the sum the app would have kept:
    its review log replayed by the scheduler (quizapp.srs is plain Python, no app, no
    models), so a stored state stays equal to a replay of its log."""
    from quizapp import srs

    states = bind.execute(
        sa.text(
            "SELECT m.id, m.employee_id, m.item_id, r.desired_retention, r.daily_new_cap,"
            " r.session_minutes, r.day_boundary_hour, r.timezone"
            " FROM memory_state m JOIN employee e ON e.id = m.employee_id"
            " LEFT JOIN job_role r ON r.id = e.job_role_id"
            " WHERE m.reps > 1"
        )
    ).all()
    logs = sa.text(
        "SELECT kind, rating, server_time, item_version, response_ms FROM review_log"
        " WHERE employee_id = :employee AND item_id = :item AND undone_at IS NULL"
        " ORDER BY server_time, id"
    ).columns(server_time=sa.DateTime())  # parsed on SQLite too (naive means UTC)
    for state_id, employee_id, item_id, *role in states:
        settings = srs.DEFAULT_SETTINGS if role[0] is None else srs.RoleSettings(*role)
        entries = []
        for kind, rating, at, version, response_ms in bind.execute(
            logs, {"employee": employee_id, "item": item_id}
        ):
            if kind == "reset":
                entries.append(srs.Reset(item_id, at))
            else:
                entries.append(
                    srs.Review(
                        item_id, version, rating, at, kind in ("retry", "practice"), response_ms
                    )
                )
        replayed = srs.replay(entries, settings) if entries else None
        if replayed is not None and replayed.expected_lapses:
            bind.execute(
                sa.text("UPDATE memory_state SET expected_lapses = :value WHERE id = :id"),
                {"value": replayed.expected_lapses, "id": state_id},
            )
