"""The youth orchestra: seasons, sections and targets, children with guardians, invitations, health information,
versioned consent, enrolments, events with staff, sessions, replies, attendance, and calendar links.

Revision ID: eba934cea51f
Revises: b89193151daa
Create Date: 2026-11-30 13:30:30.577130

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'eba934cea51f'
down_revision = 'b89193151daa'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('orchestra_consent_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('photos_web', 'photos_press', 'health_info', 'travel', name='consentpurpose', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orchestra_consent_texts')),
    sa.UniqueConstraint('purpose', 'version', name=op.f('uq_orchestra_consent_texts_purpose_version'))
    )
    op.create_table('orchestra_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('instrument', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orchestra_sections')),
    sa.UniqueConstraint('code', name=op.f('uq_orchestra_sections_code'))
    )
    with op.batch_alter_table('orchestra_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orchestra_sections_instrument'), ['instrument'], unique=False)

    op.create_table('orchestra_calendar_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_orchestra_calendar_links_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orchestra_calendar_links')),
    sa.UniqueConstraint('token', name=op.f('uq_orchestra_calendar_links_token'))
    )
    with op.batch_alter_table('orchestra_calendar_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orchestra_calendar_links_user_id'), ['user_id'], unique=False)

    op.create_table('orchestra_children',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('school', sa.String(length=200), nullable=False),
    sa.Column('culture_school', sa.String(length=200), nullable=False),
    sa.Column('teacher', sa.String(length=200), nullable=False),
    sa.Column('level', sa.Enum('beginner', 'intermediate', 'advanced', name='level', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_orchestra_children_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orchestra_children'))
    )
    with op.batch_alter_table('orchestra_children', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orchestra_children_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('orchestra_seasons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('season_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=False),
    sa.Column('max_age', sa.Integer(), nullable=False),
    sa.Column('senior_from_age', sa.Integer(), nullable=False),
    sa.Column('is_registration_open', sa.Boolean(), nullable=False),
    sa.Column('reregistration_deadline', sa.Date(), nullable=True),
    sa.Column('offer_days', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on > starts_on', name=op.f('ck_orchestra_seasons_ends_after_start')),
    sa.CheckConstraint('min_age < max_age', name=op.f('ck_orchestra_seasons_age_range')),
    sa.ForeignKeyConstraint(['season_id'], ['seasons.id'], name=op.f('fk_orchestra_seasons_season_id_seasons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orchestra_seasons')),
    sa.UniqueConstraint('season_id', name=op.f('uq_orchestra_seasons_season_id'))
    )
    op.create_table('orchestra_child_instruments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('instrument', sa.String(length=40), nullable=False),
    sa.Column('years_played', sa.Integer(), nullable=False),
    sa.CheckConstraint('years_played BETWEEN 0 AND 20', name=op.f('ck_orchestra_child_instruments_years_range')),
    sa.ForeignKeyConstraint(['child_id'], ['orchestra_children.id'], name=op.f('fk_orchestra_child_instruments_child_id_orchestra_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orchestra_child_instruments')),
    sa.UniqueConstraint('child_id', 'instrument', name=op.f('uq_orchestra_child_instruments_child_id_instrument'))
    )
    with op.batch_alter_table('orchestra_child_instruments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orchestra_child_instruments_child_id'), ['child_id'], unique=False)

    op.create_table('orchestra_consent_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('consent_text_id', sa.Integer(), nullable=False),
    sa.Column('is_given', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['orchestra_children.id'], name=op.f('fk_orchestra_consent_records_child_id_orchestra_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['consent_text_id'], ['orchestra_consent_texts.id'], name=op.f('fk_orchestra_consent_records_consent_text_id_orchestra_consent_texts')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_orchestra_consent_records_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orchestra_consent_records'))
    )
    with op.batch_alter_table('orchestra_consent_records', schema=None) as batch_op:
        batch_op.create_index('ix_orchestra_consent_records_child_text', ['child_id', 'consent_text_id'], unique=False)

    op.create_table('orchestra_enrolments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('orchestra_season_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('applied', 'waitlisted', 'offered', 'admitted', 'declined', 'expired', 'left', name='enrolmentstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('instrument', sa.String(length=40), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=True),
    sa.Column('group', sa.Enum('senior', 'junior', name='group', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('offered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('offer_expires_on', sa.Date(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('is_reregistered', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['orchestra_children.id'], name=op.f('fk_orchestra_enrolments_child_id_orchestra_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['orchestra_season_id'], ['orchestra_seasons.id'], name=op.f('fk_orchestra_enrolments_orchestra_season_id_orchestra_seasons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['section_id'], ['orchestra_sections.id'], name=op.f('fk_orchestra_enrolments_section_id_orchestra_sections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orchestra_enrolments')),
    sa.UniqueConstraint('orchestra_season_id', 'child_id', name=op.f('uq_orchestra_enrolments_orchestra_season_id_child_id'))
    )
    with op.batch_alter_table('orchestra_enrolments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orchestra_enrolments_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orchestra_enrolments_orchestra_season_id'), ['orchestra_season_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orchestra_enrolments_section_id'), ['section_id'], unique=False)

    op.create_table('orchestra_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('orchestra_season_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('rehearsal_weekend', 'concert', 'tour', 'masterclass', name='eventkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('reply_deadline', sa.Date(), nullable=True),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_orchestra_events_dates_in_order')),
    sa.ForeignKeyConstraint(['orchestra_season_id'], ['orchestra_seasons.id'], name=op.f('fk_orchestra_events_orchestra_season_id_orchestra_seasons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_orchestra_events_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orchestra_events'))
    )
    with op.batch_alter_table('orchestra_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orchestra_events_orchestra_season_id'), ['orchestra_season_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orchestra_events_venue_id'), ['venue_id'], unique=False)

    op.create_table('orchestra_guardian_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['orchestra_children.id'], name=op.f('fk_orchestra_guardian_invitations_child_id_orchestra_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_orchestra_guardian_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orchestra_guardian_invitations')),
    sa.UniqueConstraint('token', name=op.f('uq_orchestra_guardian_invitations_token'))
    )
    with op.batch_alter_table('orchestra_guardian_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orchestra_guardian_invitations_child_id'), ['child_id'], unique=False)

    op.create_table('orchestra_guardianships',
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['orchestra_children.id'], name=op.f('fk_orchestra_guardianships_child_id_orchestra_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_orchestra_guardianships_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('child_id', 'user_id', name=op.f('pk_orchestra_guardianships'))
    )
    with op.batch_alter_table('orchestra_guardianships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orchestra_guardianships_user_id'), ['user_id'], unique=False)

    op.create_table('orchestra_health_info',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('allergies', sa.Text(), nullable=False),
    sa.Column('medical', sa.Text(), nullable=False),
    sa.Column('emergency_contacts', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['orchestra_children.id'], name=op.f('fk_orchestra_health_info_child_id_orchestra_children'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orchestra_health_info')),
    sa.UniqueConstraint('child_id', name=op.f('uq_orchestra_health_info_child_id'))
    )
    op.create_table('orchestra_section_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('orchestra_season_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('target', sa.Integer(), nullable=False),
    sa.CheckConstraint('target >= 0', name=op.f('ck_orchestra_section_targets_target_not_negative')),
    sa.ForeignKeyConstraint(['orchestra_season_id'], ['orchestra_seasons.id'], name=op.f('fk_orchestra_section_targets_orchestra_season_id_orchestra_seasons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['section_id'], ['orchestra_sections.id'], name=op.f('fk_orchestra_section_targets_section_id_orchestra_sections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orchestra_section_targets')),
    sa.UniqueConstraint('orchestra_season_id', 'section_id', name=op.f('uq_orchestra_section_targets_orchestra_season_id_section_id'))
    )
    op.create_table('orchestra_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('present', 'late', 'absent', name='attendancestatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['orchestra_children.id'], name=op.f('fk_orchestra_attendance_child_id_orchestra_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['orchestra_events.id'], name=op.f('fk_orchestra_attendance_event_id_orchestra_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_orchestra_attendance_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orchestra_attendance')),
    sa.UniqueConstraint('event_id', 'child_id', 'day', name=op.f('uq_orchestra_attendance_event_id_child_id_day'))
    )
    with op.batch_alter_table('orchestra_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orchestra_attendance_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orchestra_attendance_event_id'), ['event_id'], unique=False)

    op.create_table('orchestra_event_staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('conductor', 'section_tutor', 'teacher', 'tour_leader', 'companion', name='staffrole', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=True),
    sa.Column('fee', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('budget_line_id', sa.Integer(), nullable=True),
    sa.Column('is_leader', sa.Boolean(), nullable=False),
    sa.CheckConstraint('fee IS NULL OR fee >= 0', name=op.f('ck_orchestra_event_staff_fee_not_negative')),
    sa.ForeignKeyConstraint(['budget_line_id'], ['budget_lines.id'], name=op.f('fk_orchestra_event_staff_budget_line_id_budget_lines')),
    sa.ForeignKeyConstraint(['event_id'], ['orchestra_events.id'], name=op.f('fk_orchestra_event_staff_event_id_orchestra_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['section_id'], ['orchestra_sections.id'], name=op.f('fk_orchestra_event_staff_section_id_orchestra_sections')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_orchestra_event_staff_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orchestra_event_staff'))
    )
    with op.batch_alter_table('orchestra_event_staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orchestra_event_staff_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orchestra_event_staff_user_id'), ['user_id'], unique=False)

    op.create_table('orchestra_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('is_attending', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('replied_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['orchestra_children.id'], name=op.f('fk_orchestra_replies_child_id_orchestra_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['orchestra_events.id'], name=op.f('fk_orchestra_replies_event_id_orchestra_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replied_by_id'], ['users.id'], name=op.f('fk_orchestra_replies_replied_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orchestra_replies')),
    sa.UniqueConstraint('event_id', 'child_id', name=op.f('uq_orchestra_replies_event_id_child_id'))
    )
    with op.batch_alter_table('orchestra_replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orchestra_replies_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orchestra_replies_event_id'), ['event_id'], unique=False)

    op.create_table('orchestra_event_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('tutti', 'sectional', name='sessionkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('room', sa.String(length=100), nullable=False),
    sa.Column('tutor_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_orchestra_event_sessions_ends_after_start')),
    sa.ForeignKeyConstraint(['event_id'], ['orchestra_events.id'], name=op.f('fk_orchestra_event_sessions_event_id_orchestra_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tutor_id'], ['orchestra_event_staff.id'], name=op.f('fk_orchestra_event_sessions_tutor_id_orchestra_event_staff'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orchestra_event_sessions'))
    )
    with op.batch_alter_table('orchestra_event_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orchestra_event_sessions_event_id'), ['event_id'], unique=False)

    op.create_table('orchestra_session_sections',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['section_id'], ['orchestra_sections.id'], name=op.f('fk_orchestra_session_sections_section_id_orchestra_sections')),
    sa.ForeignKeyConstraint(['session_id'], ['orchestra_event_sessions.id'], name=op.f('fk_orchestra_session_sections_session_id_orchestra_event_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'section_id', name=op.f('pk_orchestra_session_sections'))
    )


def downgrade():
    op.drop_table('orchestra_session_sections')
    with op.batch_alter_table('orchestra_event_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orchestra_event_sessions_event_id'))

    op.drop_table('orchestra_event_sessions')
    with op.batch_alter_table('orchestra_replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orchestra_replies_event_id'))
        batch_op.drop_index(batch_op.f('ix_orchestra_replies_child_id'))

    op.drop_table('orchestra_replies')
    with op.batch_alter_table('orchestra_event_staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orchestra_event_staff_user_id'))
        batch_op.drop_index(batch_op.f('ix_orchestra_event_staff_event_id'))

    op.drop_table('orchestra_event_staff')
    with op.batch_alter_table('orchestra_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orchestra_attendance_event_id'))
        batch_op.drop_index(batch_op.f('ix_orchestra_attendance_child_id'))

    op.drop_table('orchestra_attendance')
    op.drop_table('orchestra_section_targets')
    op.drop_table('orchestra_health_info')
    with op.batch_alter_table('orchestra_guardianships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orchestra_guardianships_user_id'))

    op.drop_table('orchestra_guardianships')
    with op.batch_alter_table('orchestra_guardian_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orchestra_guardian_invitations_child_id'))

    op.drop_table('orchestra_guardian_invitations')
    with op.batch_alter_table('orchestra_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orchestra_events_venue_id'))
        batch_op.drop_index(batch_op.f('ix_orchestra_events_orchestra_season_id'))

    op.drop_table('orchestra_events')
    with op.batch_alter_table('orchestra_enrolments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orchestra_enrolments_section_id'))
        batch_op.drop_index(batch_op.f('ix_orchestra_enrolments_orchestra_season_id'))
        batch_op.drop_index(batch_op.f('ix_orchestra_enrolments_child_id'))

    op.drop_table('orchestra_enrolments')
    with op.batch_alter_table('orchestra_consent_records', schema=None) as batch_op:
        batch_op.drop_index('ix_orchestra_consent_records_child_text')

    op.drop_table('orchestra_consent_records')
    with op.batch_alter_table('orchestra_child_instruments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orchestra_child_instruments_child_id'))

    op.drop_table('orchestra_child_instruments')
    op.drop_table('orchestra_seasons')
    with op.batch_alter_table('orchestra_children', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orchestra_children_municipality_id'))

    op.drop_table('orchestra_children')
    with op.batch_alter_table('orchestra_calendar_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orchestra_calendar_links_user_id'))

    op.drop_table('orchestra_calendar_links')
    with op.batch_alter_table('orchestra_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orchestra_sections_instrument'))

    op.drop_table('orchestra_sections')
    op.drop_table('orchestra_consent_texts')
