"""The ledger: import batches that can be undone, account-to-line mappings per project and year, closed years,
and on each transaction its batch, account, the transaction it corrects and who entered it.

Revision ID: 3b7f0c2d9a11
Revises: eba934cea51f
Create Date: 2026-12-06 14:08:28.696437

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b7f0c2d9a11'
down_revision = 'eba934cea51f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('closed_years',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_closed_years_closed_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_closed_years'))
    )
    op.create_table('import_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('sign_convention', sa.Enum('income_positive', 'debit_positive', name='signconvention', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('income_total', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('expense_total', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'], name=op.f('fk_import_batches_imported_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['undone_by_id'], ['users.id'], name=op.f('fk_import_batches_undone_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batches'))
    )
    op.create_table('account_mappings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=10), nullable=False),
    sa.Column('budget_line_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['budget_line_id'], ['budget_lines.id'], name=op.f('fk_account_mappings_budget_line_id_budget_lines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_account_mappings_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_mappings')),
    sa.UniqueConstraint('project_id', 'year', 'account', name=op.f('uq_account_mappings_project_id_year_account'))
    )
    with op.batch_alter_table('account_mappings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_mappings_budget_line_id'), ['budget_line_id'], unique=False)

    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('batch_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('account', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('corrects_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_transactions_batch_id'), ['batch_id'], unique=False)
        # Indexed so that deleting a transaction or a user does not scan every transaction for references.
        batch_op.create_index(batch_op.f('ix_transactions_corrects_id'), ['corrects_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transactions_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_transactions_batch_id_import_batches'), 'import_batches', ['batch_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_transactions_corrects_id_transactions'), 'transactions', ['corrects_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_transactions_created_by_id_users'), 'users', ['created_by_id'], ['id'], ondelete='SET NULL')
        # An accounting export splits one voucher over several accounts: the voucher is no longer unique per year.
        batch_op.drop_constraint('uq_transactions_fiscal_year_voucher_number', type_='unique')
        batch_op.create_index('ix_transactions_fiscal_year_voucher_number', ['fiscal_year', 'voucher_number'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.drop_index('ix_transactions_fiscal_year_voucher_number')
        batch_op.create_unique_constraint('uq_transactions_fiscal_year_voucher_number', ['fiscal_year', 'voucher_number'])
        batch_op.drop_constraint(batch_op.f('fk_transactions_created_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_transactions_corrects_id_transactions'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_transactions_batch_id_import_batches'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_transactions_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_transactions_corrects_id'))
        batch_op.drop_index(batch_op.f('ix_transactions_batch_id'))
        batch_op.drop_column('created_by_id')
        batch_op.drop_column('corrects_id')
        batch_op.drop_column('account')
        batch_op.drop_column('batch_id')

    with op.batch_alter_table('account_mappings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_mappings_budget_line_id'))

    op.drop_table('account_mappings')
    op.drop_table('import_batches')
    op.drop_table('closed_years')
