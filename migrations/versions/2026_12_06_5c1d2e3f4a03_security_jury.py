"""Jury references: every submitted application gets a stable reference (KRV-2018-0427), unique in its call, that
the jurors and the secretariat call it by; applications submitted before this revision get one here.

Revision ID: 5c1d2e3f4a03
Revises: 5c1d2e3f4a02
Create Date: 2026-12-06 14:30:00

"""
import re
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1d2e3f4a03'
down_revision = '5c1d2e3f4a02'
branch_labels = None
depends_on = None

# As applications.services gives them at submission; copied, so this revision keeps working when that code changes.
REFERENCE_DIGITS = 4
SUBMITTED_OR_LATER = ('submitted', 'accepted', 'waitlisted', 'rejected')


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reference', sa.String(length=40), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_applications_call_id_reference'), ['call_id', 'reference'])
    _give_references()


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_applications_call_id_reference'), type_='unique')
        batch_op.drop_column('reference')


def _give_references():
    """A random reference, unique in its call, for every application that was ever submitted."""
    applications = sa.table('applications', sa.column('id'), sa.column('call_id'), sa.column('status'),
                            sa.column('submitted_at'), sa.column('reference'))
    open_calls = sa.table('open_calls', sa.column('id'), sa.column('season_id'))
    seasons = sa.table('seasons', sa.column('id'), sa.column('project_id'), sa.column('year'))
    projects = sa.table('projects', sa.column('id'), sa.column('code'))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(applications.c.id, applications.c.call_id, projects.c.code, seasons.c.year)
        .select_from(applications.join(open_calls, open_calls.c.id == applications.c.call_id)
                     .join(seasons, seasons.c.id == open_calls.c.season_id)
                     .join(projects, projects.c.id == seasons.c.project_id))
        .where(applications.c.reference.is_(None),
               sa.or_(applications.c.submitted_at.is_not(None), applications.c.status.in_(SUBMITTED_OR_LATER)))
        .order_by(applications.c.id)).all()
    by_call = {}
    for application_id, call_id, code, year in rows:
        by_call.setdefault((call_id, code, year), []).append(application_id)
    for (call_id, code, year), ids in by_call.items():
        used = set(connection.scalars(sa.select(applications.c.reference).where(
            applications.c.call_id == call_id, applications.c.reference.is_not(None))))
        digits = REFERENCE_DIGITS
        while 2 * (len(used) + len(ids)) > 10 ** digits:
            digits += 1
        initials = ''.join(word[0] for word in re.findall(r'[^\W\d_]+', code)).upper()
        prefix = f"{initials[:6] or 'APP'}-{year}-"
        updates = []
        for application_id in ids:
            reference = None
            while reference is None or reference in used:
                reference = f'{prefix}{secrets.randbelow(10 ** digits):0{digits}d}'
            used.add(reference)
            updates.append({'application_id': application_id, 'new_reference': reference})
        connection.execute(
            applications.update().where(applications.c.id == sa.bindparam('application_id'))
            .values(reference=sa.bindparam('new_reference')), updates)
