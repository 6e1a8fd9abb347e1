"""Guardianship and health data: an account is on an event's staff once (orchestra_event_staff.event_id + user_id
unique). Earlier duplicates keep their row, name and fee but lose the account link, so no booking is lost.

Revision ID: 5c1d2e3f4a02
Revises: 5c1d2e3f4a01
Create Date: 2026-12-06 14:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1d2e3f4a02'
down_revision = '5c1d2e3f4a01'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(sa.text(
        "UPDATE orchestra_event_staff SET user_id = NULL WHERE user_id IS NOT NULL AND id NOT IN "
        "(SELECT MIN(id) FROM orchestra_event_staff WHERE user_id IS NOT NULL GROUP BY event_id, user_id)"))
    with op.batch_alter_table('orchestra_event_staff', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_orchestra_event_staff_event_id_user_id'),
                                          ['event_id', 'user_id'])


def downgrade():
    with op.batch_alter_table('orchestra_event_staff', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_orchestra_event_staff_event_id_user_id'), type_='unique')
