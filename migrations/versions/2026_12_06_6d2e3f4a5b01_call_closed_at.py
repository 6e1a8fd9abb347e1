"""When a call really closed (open_calls.closed_at): earlier than closes_at when the secretariat closed it early.
Calls closed before this revision get the time of their last move out of the open phase from the audit log, if it
was before the planned closing time; the others read as closed at closes_at.

Revision ID: 6d2e3f4a5b01
Revises: 5c1d2e3f4a03
Create Date: 2026-12-06 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6d2e3f4a5b01'
down_revision = '5c1d2e3f4a03'
branch_labels = None
depends_on = None

PAST_OPEN = ('closed', 'jurying', 'deciding', 'published')


def upgrade():
    with op.batch_alter_table('open_calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
    _closed_at_from_the_audit_log()


def downgrade():
    with op.batch_alter_table('open_calls', schema=None) as batch_op:
        batch_op.drop_column('closed_at')


def _closed_at_from_the_audit_log():
    """Each call past the open phase: the last time it moved from open to a later phase, when before closes_at."""
    open_calls = sa.table('open_calls', sa.column('id'), sa.column('phase'), sa.column('closes_at', sa.DateTime),
                          sa.column('closed_at', sa.DateTime))
    audit_events = sa.table('audit_events', sa.column('action'), sa.column('object_type'), sa.column('object_id'),
                            sa.column('occurred_at', sa.DateTime), sa.column('details', sa.JSON))
    connection = op.get_bind()
    closes = dict(connection.execute(sa.select(open_calls.c.id, open_calls.c.closes_at)
                                     .where(open_calls.c.phase.in_(PAST_OPEN))).all())
    moves = connection.execute(
        sa.select(audit_events.c.object_id, audit_events.c.occurred_at, audit_events.c.details)
        .where(audit_events.c.action == 'call.phase_changed', audit_events.c.object_type == 'open_calls')
        .order_by(audit_events.c.occurred_at))
    closed = {}
    for object_id, occurred_at, details in moves:
        details = details or {}
        if details.get('from') == 'open' and details.get('to') in PAST_OPEN and object_id.isdigit():
            closed[int(object_id)] = occurred_at
    updates = [{'call_id': call_id, 'moment': moment} for call_id, moment in closed.items()
               if call_id in closes and _before(moment, closes[call_id])]
    if updates:
        connection.execute(open_calls.update().where(open_calls.c.id == sa.bindparam('call_id'))
                           .values(closed_at=sa.bindparam('moment')), updates)


def _before(moment, closes_at) -> bool:
    """SQLite reads both back without a zone and PostgreSQL with one; compare like with like."""
    if (moment.tzinfo is None) != (closes_at.tzinfo is None):
        moment, closes_at = moment.replace(tzinfo=None), closes_at.replace(tzinfo=None)
    return moment < closes_at
