"""How a project's result for a year is settled: e.g. a deficit covered from the reserve fund by a decision.

Revision ID: 4a387df377bd
Revises: da6bd3b7293b
Create Date: 2026-11-25 10:37:31.386644

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4a387df377bd'
down_revision = 'da6bd3b7293b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('result_coverages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('settled_by', sa.String(length=200), nullable=False),
    sa.Column('decision_reference', sa.String(length=100), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_result_coverages_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result_coverages')),
    sa.UniqueConstraint('project_id', 'year', name=op.f('uq_result_coverages_project_id_year'))
    )


def downgrade():
    op.drop_table('result_coverages')
