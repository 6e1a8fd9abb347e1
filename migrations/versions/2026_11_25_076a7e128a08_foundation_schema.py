"""Foundation schema: accounts and roles, login attempts, audit log, mail outbox, counties, municipalities,
venues, projects, seasons, budget lines and transactions.

Reviewed: enums are VARCHAR + CHECK (portable between SQLite and PostgreSQL), money is NUMERIC(12, 2), every
timestamp is timezone-aware, and constraint names follow the metadata naming convention.

Revision ID: 076a7e128a08
Revises: 
Create Date: 2026-11-25 09:48:28.181770

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '076a7e128a08'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('counties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=2), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('is_member', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counties')),
    sa.UniqueConstraint('name', name=op.f('uq_counties_name')),
    sa.UniqueConstraint('number', name=op.f('uq_counties_number'))
    )
    op.create_table('login_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempts'))
    )
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempts_email_attempted_at', ['email', 'attempted_at'], unique=False)
        batch_op.create_index('ix_login_attempts_ip_attempted_at', ['ip', 'attempted_at'], unique=False)

    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.Column('template', sa.String(length=100), nullable=False),
    sa.Column('status', sa.Enum('queued', 'sending', 'sent', 'failed', name='outboxstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_recipient'), ['recipient'], unique=False)
        batch_op.create_index('ix_outbox_messages_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)

    op.create_table('projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects')),
    sa.UniqueConstraint('code', name=op.f('uq_projects_code')),
    sa.UniqueConstraint('name', name=op.f('uq_projects_name'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('is_enabled', sa.Boolean(), nullable=False),
    sa.Column('session_token', sa.String(length=32), nullable=False),
    sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deletion_requested_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=64), nullable=True),
    sa.Column('object_id', sa.String(length=64), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index('ix_audit_events_object', ['object_type', 'object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_occurred_at'), ['occurred_at'], unique=False)

    op.create_table('budget_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('income', 'expense', name='linekind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('category', sa.Enum('membership_fee', 'county_council', 'arts_council', 'host_municipality', 'foundation', 'unof_frifond', 'sales', 'other_income', 'artist_fees', 'tutor_fees', 'venue', 'materials', 'travel', 'marketing', 'salaries', 'other_expense', name='budgetcategory', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('funder', sa.String(length=200), nullable=True),
    sa.Column('budgeted_amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind = 'income' OR funder IS NULL", name=op.f('ck_budget_lines_funder_only_on_income')),
    sa.CheckConstraint('budgeted_amount >= 0', name=op.f('ck_budget_lines_budgeted_amount_not_negative')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_budget_lines_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_lines')),
    sa.UniqueConstraint('project_id', 'year', 'name', name=op.f('uq_budget_lines_project_id_year_name'))
    )
    with op.batch_alter_table('budget_lines', schema=None) as batch_op:
        batch_op.create_index('ix_budget_lines_project_id_year', ['project_id', 'year'], unique=False)

    op.create_table('municipalities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=4), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('inhabitants', sa.Integer(), nullable=False),
    sa.Column('is_member', sa.Boolean(), nullable=False),
    sa.CheckConstraint('inhabitants >= 0', name=op.f('ck_municipalities_inhabitants_not_negative')),
    sa.ForeignKeyConstraint(['county_id'], ['counties.id'], name=op.f('fk_municipalities_county_id_counties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_municipalities')),
    sa.UniqueConstraint('name', name=op.f('uq_municipalities_name')),
    sa.UniqueConstraint('number', name=op.f('uq_municipalities_number'))
    )
    with op.batch_alter_table('municipalities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_municipalities_county_id'), ['county_id'], unique=False)

    op.create_table('role_grants',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('admin', 'jury', 'volunteer', 'artist', 'guardian', 'orchestra_staff', name='role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_role_grants_granted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_role_grants_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_role_grants'))
    )
    op.create_table('seasons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('year BETWEEN 2000 AND 2100', name=op.f('ck_seasons_year_range')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_seasons_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seasons')),
    sa.UniqueConstraint('project_id', 'year', name=op.f('uq_seasons_project_id_year'))
    )
    with op.batch_alter_table('seasons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seasons_project_id'), ['project_id'], unique=False)

    op.create_table('transactions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('budget_line_id', sa.Integer(), nullable=False),
    sa.Column('booked_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('voucher_number', sa.String(length=40), nullable=True),
    sa.Column('source_ref', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['budget_line_id'], ['budget_lines.id'], name=op.f('fk_transactions_budget_line_id_budget_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transactions')),
    sa.UniqueConstraint('source_ref', name=op.f('uq_transactions_source_ref'))
    )
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.create_index('ix_transactions_budget_line_id_booked_on', ['budget_line_id', 'booked_on'], unique=False)

    op.create_table('venues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('latitude', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('longitude', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('latitude IS NULL OR (latitude BETWEEN -90 AND 90)', name=op.f('ck_venues_latitude_range')),
    sa.CheckConstraint('longitude IS NULL OR (longitude BETWEEN -180 AND 180)', name=op.f('ck_venues_longitude_range')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_venues_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_venues')),
    sa.UniqueConstraint('name', 'municipality_id', name=op.f('uq_venues_name_municipality_id'))
    )
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_venues_municipality_id'), ['municipality_id'], unique=False)



def downgrade():
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_venues_municipality_id'))

    op.drop_table('venues')
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.drop_index('ix_transactions_budget_line_id_booked_on')

    op.drop_table('transactions')
    with op.batch_alter_table('seasons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seasons_project_id'))

    op.drop_table('seasons')
    op.drop_table('role_grants')
    with op.batch_alter_table('municipalities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_municipalities_county_id'))

    op.drop_table('municipalities')
    with op.batch_alter_table('budget_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_budget_lines_project_id_year')

    op.drop_table('budget_lines')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_occurred_at'))
        batch_op.drop_index('ix_audit_events_object')
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))

    op.drop_table('audit_events')
    op.drop_table('users')
    op.drop_table('projects')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_status_next_attempt_at')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_recipient'))

    op.drop_table('outbox_messages')
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempts_ip_attempted_at')
        batch_op.drop_index('ix_login_attempts_email_attempted_at')

    op.drop_table('login_attempts')
    op.drop_table('counties')
