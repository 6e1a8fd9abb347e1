"""Exhibitions and open ateliers: the joint exhibition (hours, funding, placements), its side programme with
sign-ups, the open-atelier weekends with ateliers, their artists and hours, and the counting of visits and sales.

Revision ID: b89193151daa
Revises: 7891adc004f9
Create Date: 2026-11-30 13:10:25.330272

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b89193151daa'
down_revision = '7891adc004f9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('open_ateliers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('season_id', sa.Integer(), nullable=False),
    sa.Column('proofing_deadline', sa.Date(), nullable=True),
    sa.Column('guide_published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['season_id'], ['seasons.id'], name=op.f('fk_open_ateliers_season_id_seasons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_open_ateliers')),
    sa.UniqueConstraint('season_id', name=op.f('uq_open_ateliers_season_id'))
    )
    op.create_table('atelier_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('open_ateliers_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['open_ateliers_id'], ['open_ateliers.id'], name=op.f('fk_atelier_days_open_ateliers_id_open_ateliers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_atelier_days')),
    sa.UniqueConstraint('open_ateliers_id', 'day', name=op.f('uq_atelier_days_open_ateliers_id_day'))
    )
    with op.batch_alter_table('atelier_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_atelier_days_open_ateliers_id'), ['open_ateliers_id'], unique=False)

    op.create_table('ateliers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('open_ateliers_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('postcode', sa.String(length=4), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('latitude', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('longitude', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('accessibility', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('guide_number', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('latitude IS NULL OR latitude BETWEEN -90 AND 90', name=op.f('ck_ateliers_latitude_range')),
    sa.CheckConstraint('longitude IS NULL OR longitude BETWEEN -180 AND 180', name=op.f('ck_ateliers_longitude_range')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_ateliers_municipality_id_municipalities')),
    sa.ForeignKeyConstraint(['open_ateliers_id'], ['open_ateliers.id'], name=op.f('fk_ateliers_open_ateliers_id_open_ateliers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ateliers')),
    sa.UniqueConstraint('open_ateliers_id', 'guide_number', name=op.f('uq_ateliers_open_ateliers_id_guide_number'))
    )
    with op.batch_alter_table('ateliers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ateliers_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ateliers_open_ateliers_id'), ['open_ateliers_id'], unique=False)

    op.create_table('exhibitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('season_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('host_municipality_id', sa.Integer(), nullable=True),
    sa.Column('host_status', sa.Enum('wanted', 'in_talks', 'confirmed', name='hoststatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('host_note', sa.Text(), nullable=False),
    sa.Column('host_contribution', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('venue_id', sa.Integer(), nullable=True),
    sa.Column('opens_on', sa.Date(), nullable=True),
    sa.Column('closes_on', sa.Date(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('closes_on IS NULL OR opens_on IS NULL OR closes_on >= opens_on', name=op.f('ck_exhibitions_dates_in_order')),
    sa.CheckConstraint('host_contribution IS NULL OR host_contribution >= 0', name=op.f('ck_exhibitions_contribution_not_negative')),
    sa.ForeignKeyConstraint(['host_municipality_id'], ['municipalities.id'], name=op.f('fk_exhibitions_host_municipality_id_municipalities')),
    sa.ForeignKeyConstraint(['season_id'], ['seasons.id'], name=op.f('fk_exhibitions_season_id_seasons')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_exhibitions_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exhibitions')),
    sa.UniqueConstraint('season_id', name=op.f('uq_exhibitions_season_id'))
    )
    with op.batch_alter_table('exhibitions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exhibitions_host_municipality_id'), ['host_municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exhibitions_venue_id'), ['venue_id'], unique=False)

    op.create_table('atelier_artists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('atelier_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_atelier_artists_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['atelier_id'], ['ateliers.id'], name=op.f('fk_atelier_artists_atelier_id_ateliers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_atelier_artists')),
    sa.UniqueConstraint('application_id', name=op.f('uq_atelier_artists_application_id'))
    )
    with op.batch_alter_table('atelier_artists', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_atelier_artists_atelier_id'), ['atelier_id'], unique=False)

    op.create_table('atelier_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('atelier_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('opens', sa.Time(), nullable=False),
    sa.Column('closes', sa.Time(), nullable=False),
    sa.CheckConstraint('closes > opens', name=op.f('ck_atelier_hours_closes_after_opening')),
    sa.ForeignKeyConstraint(['atelier_id'], ['ateliers.id'], name=op.f('fk_atelier_hours_atelier_id_ateliers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_atelier_hours')),
    sa.UniqueConstraint('atelier_id', 'day', name=op.f('uq_atelier_hours_atelier_id_day'))
    )
    with op.batch_alter_table('atelier_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_atelier_hours_atelier_id'), ['atelier_id'], unique=False)

    op.create_table('exhibition_funding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exhibition_id', sa.Integer(), nullable=False),
    sa.Column('funder', sa.String(length=200), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('budget_line_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_exhibition_funding_amount_positive')),
    sa.ForeignKeyConstraint(['budget_line_id'], ['budget_lines.id'], name=op.f('fk_exhibition_funding_budget_line_id_budget_lines')),
    sa.ForeignKeyConstraint(['exhibition_id'], ['exhibitions.id'], name=op.f('fk_exhibition_funding_exhibition_id_exhibitions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exhibition_funding'))
    )
    with op.batch_alter_table('exhibition_funding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exhibition_funding_budget_line_id'), ['budget_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exhibition_funding_exhibition_id'), ['exhibition_id'], unique=False)

    op.create_table('exhibition_opening_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exhibition_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('opens', sa.Time(), nullable=False),
    sa.Column('closes', sa.Time(), nullable=False),
    sa.CheckConstraint('closes > opens', name=op.f('ck_exhibition_opening_hours_closes_after_opening')),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_exhibition_opening_hours_weekday_range')),
    sa.ForeignKeyConstraint(['exhibition_id'], ['exhibitions.id'], name=op.f('fk_exhibition_opening_hours_exhibition_id_exhibitions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exhibition_opening_hours')),
    sa.UniqueConstraint('exhibition_id', 'weekday', name=op.f('uq_exhibition_opening_hours_exhibition_id_weekday'))
    )
    with op.batch_alter_table('exhibition_opening_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exhibition_opening_hours_exhibition_id'), ['exhibition_id'], unique=False)

    op.create_table('programme_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exhibition_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('workshop', 'guided_tour', 'talk', 'performance', 'yoga', 'cafe', 'concert', 'other', name='eventkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('has_signup', sa.Boolean(), nullable=False),
    sa.Column('is_cancelled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('NOT has_signup OR capacity IS NOT NULL', name=op.f('ck_programme_events_signup_needs_capacity')),
    sa.CheckConstraint('capacity IS NULL OR capacity > 0', name=op.f('ck_programme_events_capacity_positive')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_programme_events_ends_after_start')),
    sa.ForeignKeyConstraint(['exhibition_id'], ['exhibitions.id'], name=op.f('fk_programme_events_exhibition_id_exhibitions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_events'))
    )
    with op.batch_alter_table('programme_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_events_exhibition_id'), ['exhibition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_events_starts_at'), ['starts_at'], unique=False)

    op.create_table('visit_locations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('season_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('exhibition', 'atelier', name='locationkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('exhibition_id', sa.Integer(), nullable=True),
    sa.Column('atelier_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('(exhibition_id IS NULL) <> (atelier_id IS NULL)', name=op.f('ck_visit_locations_exhibition_or_atelier')),
    sa.ForeignKeyConstraint(['atelier_id'], ['ateliers.id'], name=op.f('fk_visit_locations_atelier_id_ateliers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['exhibition_id'], ['exhibitions.id'], name=op.f('fk_visit_locations_exhibition_id_exhibitions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_visit_locations_municipality_id_municipalities')),
    sa.ForeignKeyConstraint(['season_id'], ['seasons.id'], name=op.f('fk_visit_locations_season_id_seasons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_locations')),
    sa.UniqueConstraint('atelier_id', name=op.f('uq_visit_locations_atelier_id')),
    sa.UniqueConstraint('exhibition_id', name=op.f('uq_visit_locations_exhibition_id'))
    )
    with op.batch_alter_table('visit_locations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_locations_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_locations_season_id'), ['season_id'], unique=False)

    op.create_table('location_assignments',
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['visit_locations.id'], name=op.f('fk_location_assignments_location_id_visit_locations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_location_assignments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('location_id', 'user_id', name=op.f('pk_location_assignments'))
    )
    with op.batch_alter_table('location_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_location_assignments_user_id'), ['user_id'], unique=False)

    op.create_table('programme_signups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('confirmed', 'waitlisted', 'cancelled', name='signupstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('promoted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('seats BETWEEN 1 AND 20', name=op.f('ck_programme_signups_seats_range')),
    sa.ForeignKeyConstraint(['event_id'], ['programme_events.id'], name=op.f('fk_programme_signups_event_id_programme_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_signups')),
    sa.UniqueConstraint('token', name=op.f('uq_programme_signups_token'))
    )
    with op.batch_alter_table('programme_signups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_signups_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_signups_event_id'), ['event_id'], unique=False)

    op.create_table('sales',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('season_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('works_sold', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_sales_amount_not_negative')),
    sa.CheckConstraint('works_sold >= 0', name=op.f('ck_sales_works_not_negative')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_sales_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['location_id'], ['visit_locations.id'], name=op.f('fk_sales_location_id_visit_locations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_sales_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['season_id'], ['seasons.id'], name=op.f('fk_sales_season_id_seasons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales')),
    sa.UniqueConstraint('application_id', 'day', name=op.f('uq_sales_application_id_day'))
    )
    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sales_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_location_id'), ['location_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_season_id'), ['season_id'], unique=False)

    op.create_table('visit_taps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('tapped_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('visitors', sa.Integer(), nullable=False),
    sa.Column('group_label', sa.String(length=100), nullable=False),
    sa.Column('undoes_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('visitors <> 0', name=op.f('ck_visit_taps_visitors_not_zero')),
    sa.CheckConstraint('visitors > 0 OR undoes_id IS NOT NULL', name=op.f('ck_visit_taps_negative_only_as_undo')),
    sa.ForeignKeyConstraint(['location_id'], ['visit_locations.id'], name=op.f('fk_visit_taps_location_id_visit_locations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['undoes_id'], ['visit_taps.id'], name=op.f('fk_visit_taps_undoes_id_visit_taps')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_visit_taps_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_taps')),
    sa.UniqueConstraint('client_id', name=op.f('uq_visit_taps_client_id')),
    sa.UniqueConstraint('undoes_id', name=op.f('uq_visit_taps_undoes_id'))
    )
    with op.batch_alter_table('visit_taps', schema=None) as batch_op:
        batch_op.create_index('ix_visit_taps_location_day', ['location_id', 'day'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_taps_user_id'), ['user_id'], unique=False)

    op.create_table('exhibition_placements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exhibition_id', sa.Integer(), nullable=False),
    sa.Column('chosen_work_id', sa.Integer(), nullable=False),
    sa.Column('room', sa.String(length=100), nullable=False),
    sa.Column('wall', sa.String(length=100), nullable=False),
    sa.Column('label_number', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chosen_work_id'], ['chosen_works.id'], name=op.f('fk_exhibition_placements_chosen_work_id_chosen_works'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['exhibition_id'], ['exhibitions.id'], name=op.f('fk_exhibition_placements_exhibition_id_exhibitions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exhibition_placements')),
    sa.UniqueConstraint('chosen_work_id', name=op.f('uq_exhibition_placements_chosen_work_id'))
    )
    with op.batch_alter_table('exhibition_placements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exhibition_placements_exhibition_id'), ['exhibition_id'], unique=False)



def downgrade():
    with op.batch_alter_table('exhibition_placements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exhibition_placements_exhibition_id'))

    op.drop_table('exhibition_placements')
    with op.batch_alter_table('visit_taps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_taps_user_id'))
        batch_op.drop_index('ix_visit_taps_location_day')

    op.drop_table('visit_taps')
    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_season_id'))
        batch_op.drop_index(batch_op.f('ix_sales_location_id'))
        batch_op.drop_index(batch_op.f('ix_sales_application_id'))

    op.drop_table('sales')
    with op.batch_alter_table('programme_signups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_signups_event_id'))
        batch_op.drop_index(batch_op.f('ix_programme_signups_email'))

    op.drop_table('programme_signups')
    with op.batch_alter_table('location_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_location_assignments_user_id'))

    op.drop_table('location_assignments')
    with op.batch_alter_table('visit_locations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_locations_season_id'))
        batch_op.drop_index(batch_op.f('ix_visit_locations_municipality_id'))

    op.drop_table('visit_locations')
    with op.batch_alter_table('programme_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_events_starts_at'))
        batch_op.drop_index(batch_op.f('ix_programme_events_exhibition_id'))

    op.drop_table('programme_events')
    with op.batch_alter_table('exhibition_opening_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exhibition_opening_hours_exhibition_id'))

    op.drop_table('exhibition_opening_hours')
    with op.batch_alter_table('exhibition_funding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exhibition_funding_exhibition_id'))
        batch_op.drop_index(batch_op.f('ix_exhibition_funding_budget_line_id'))

    op.drop_table('exhibition_funding')
    with op.batch_alter_table('atelier_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_atelier_hours_atelier_id'))

    op.drop_table('atelier_hours')
    with op.batch_alter_table('atelier_artists', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_atelier_artists_atelier_id'))

    op.drop_table('atelier_artists')
    with op.batch_alter_table('exhibitions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exhibitions_venue_id'))
        batch_op.drop_index(batch_op.f('ix_exhibitions_host_municipality_id'))

    op.drop_table('exhibitions')
    with op.batch_alter_table('ateliers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ateliers_open_ateliers_id'))
        batch_op.drop_index(batch_op.f('ix_ateliers_municipality_id'))

    op.drop_table('ateliers')
    with op.batch_alter_table('atelier_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_atelier_days_open_ateliers_id'))

    op.drop_table('atelier_days')
    op.drop_table('open_ateliers')
