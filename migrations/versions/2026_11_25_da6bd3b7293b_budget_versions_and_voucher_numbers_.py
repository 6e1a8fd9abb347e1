"""Budget versions, and voucher numbers unique per fiscal year.

Amounts move from budget_lines.budgeted_amount into budget_amounts of a version: every existing project-year gets
version 1 as a draft holding the amounts it had. Transactions get fiscal_year (the year they are booked in), so that
a voucher number can be unique per year and a re-imported accounting file adds nothing.

Revision ID: da6bd3b7293b
Revises: 076a7e128a08
Create Date: 2026-11-25 10:31:55.670930

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'da6bd3b7293b'
down_revision = '076a7e128a08'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('budget_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'approved', name='versionstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('decision_reference', sa.String(length=100), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status = 'draft' OR (decision_reference IS NOT NULL AND decided_on IS NOT NULL AND approved_at IS NOT NULL)", name=op.f('ck_budget_versions_approval_has_a_decision')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_budget_versions_approved_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_budget_versions_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_versions')),
    sa.UniqueConstraint('project_id', 'year', 'number', name=op.f('uq_budget_versions_project_id_year_number'))
    )
    with op.batch_alter_table('budget_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_versions_project_id'), ['project_id'], unique=False)

    op.create_table('budget_amounts',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_budget_amounts_amount_not_negative')),
    sa.ForeignKeyConstraint(['line_id'], ['budget_lines.id'], name=op.f('fk_budget_amounts_line_id_budget_lines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['budget_versions.id'], name=op.f('fk_budget_amounts_version_id_budget_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('version_id', 'line_id', name=op.f('pk_budget_amounts'))
    )
    with op.batch_alter_table('budget_amounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_amounts_line_id'), ['line_id'], unique=False)

    op.execute(sa.text(
        "INSERT INTO budget_versions (project_id, year, number, status, note, created_at, updated_at) "
        "SELECT DISTINCT project_id, year, 1, 'draft', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM budget_lines"))
    op.execute(sa.text(
        "INSERT INTO budget_amounts (version_id, line_id, amount) "
        "SELECT v.id, l.id, l.budgeted_amount FROM budget_lines l JOIN budget_versions v "
        "ON v.project_id = l.project_id AND v.year = l.year AND v.number = 1"))
    with op.batch_alter_table('budget_lines', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_budget_lines_budgeted_amount_not_negative'), type_='check')
        batch_op.drop_column('budgeted_amount')

    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fiscal_year', sa.Integer(), nullable=True))
    year_of = ("CAST(strftime('%Y', booked_on) AS INTEGER)" if op.get_bind().dialect.name == "sqlite"
               else "CAST(EXTRACT(YEAR FROM booked_on) AS INTEGER)")
    op.execute(sa.text(f"UPDATE transactions SET fiscal_year = {year_of}"))
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.alter_column('fiscal_year', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_transactions_fiscal_year_voucher_number'), ['fiscal_year', 'voucher_number'])



def downgrade():
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_transactions_fiscal_year_voucher_number'), type_='unique')
        batch_op.drop_column('fiscal_year')

    with op.batch_alter_table('budget_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('budgeted_amount', sa.Numeric(precision=12, scale=2), nullable=False,
                                      server_default='0'))
    # Each line keeps the amount of its newest version.
    op.execute(sa.text(
        "UPDATE budget_lines SET budgeted_amount = COALESCE((SELECT a.amount FROM budget_amounts a "
        "JOIN budget_versions v ON v.id = a.version_id WHERE a.line_id = budget_lines.id "
        "ORDER BY v.number DESC LIMIT 1), 0)"))
    with op.batch_alter_table('budget_lines', schema=None) as batch_op:
        batch_op.alter_column('budgeted_amount', existing_type=sa.Numeric(precision=12, scale=2),
                              server_default=None)
        batch_op.create_check_constraint(op.f('ck_budget_lines_budgeted_amount_not_negative'), 'budgeted_amount >= 0')

    with op.batch_alter_table('budget_amounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_amounts_line_id'))

    op.drop_table('budget_amounts')
    with op.batch_alter_table('budget_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_versions_project_id'))

    op.drop_table('budget_versions')
