"""The open call: calls with a rubric, artist profiles, applications and works, images, jurors, conflicts,
reviews and scores, and the chosen exhibition work.

Revision ID: 7891adc004f9
Revises: 4a387df377bd
Create Date: 2026-11-25 11:30:30.260718

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7891adc004f9'
down_revision = '4a387df377bd'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('image_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_image_files')),
    sa.UniqueConstraint('sha256', name=op.f('uq_image_files_sha256'))
    )
    op.create_table('artist_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('discipline', sa.Enum('visual_art', 'craft', name='discipline', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('education', sa.Text(), nullable=False),
    sa.Column('cv', sa.Text(), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=False),
    sa.Column('instagram', sa.String(length=100), nullable=False),
    sa.Column('studio_collective', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_artist_profiles_municipality_id_municipalities')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_artist_profiles_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_artist_profiles')),
    sa.UniqueConstraint('user_id', name=op.f('uq_artist_profiles_user_id'))
    )
    with op.batch_alter_table('artist_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_artist_profiles_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('open_calls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('season_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('opens_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('eligibility', sa.Text(), nullable=False),
    sa.Column('min_works', sa.Integer(), nullable=False),
    sa.Column('max_works', sa.Integer(), nullable=False),
    sa.Column('is_blind', sa.Boolean(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('cut_line', sa.Integer(), nullable=True),
    sa.Column('waitlist_size', sa.Integer(), nullable=False),
    sa.Column('disagreement_margin', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('work_choice_deadline', sa.Date(), nullable=True),
    sa.Column('phase', sa.Enum('draft', 'open', 'closed', 'jurying', 'deciding', 'published', name='callphase', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity >= 0', name=op.f('ck_open_calls_capacity_not_negative')),
    sa.CheckConstraint('cut_line IS NULL OR cut_line >= 0', name=op.f('ck_open_calls_cut_line_not_negative')),
    sa.CheckConstraint('disagreement_margin >= 0', name=op.f('ck_open_calls_disagreement_margin_not_negative')),
    sa.CheckConstraint('min_works >= 1 AND min_works <= max_works', name=op.f('ck_open_calls_works_range')),
    sa.CheckConstraint('opens_at < closes_at', name=op.f('ck_open_calls_opens_before_closing')),
    sa.CheckConstraint('waitlist_size >= 0', name=op.f('ck_open_calls_waitlist_size_not_negative')),
    sa.ForeignKeyConstraint(['season_id'], ['seasons.id'], name=op.f('fk_open_calls_season_id_seasons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_open_calls')),
    sa.UniqueConstraint('season_id', name=op.f('uq_open_calls_season_id'))
    )
    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('artist_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'accepted', 'waitlisted', 'rejected', 'withdrawn', name='applicationstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('discipline', sa.Enum('visual_art', 'craft', name='discipline', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('is_first_timer', sa.Boolean(), nullable=True),
    sa.Column('is_decision_manual', sa.Boolean(), nullable=False),
    sa.Column('is_to_discuss', sa.Boolean(), nullable=False),
    sa.Column('joint_recommendation', sa.Enum('accept', 'waitlist', 'reject', name='jointrecommendation', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('jury_note', sa.Text(), nullable=False),
    sa.Column('waitlist_position', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('waitlist_position IS NULL OR waitlist_position > 0', name=op.f('ck_applications_waitlist_position_positive')),
    sa.ForeignKeyConstraint(['artist_id'], ['artist_profiles.id'], name=op.f('fk_applications_artist_id_artist_profiles')),
    sa.ForeignKeyConstraint(['call_id'], ['open_calls.id'], name=op.f('fk_applications_call_id_open_calls')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_applications_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('call_id', 'artist_id', name=op.f('uq_applications_call_id_artist_id'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_artist_id'), ['artist_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_call_id'), ['call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_status'), ['status'], unique=False)

    op.create_table('criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('scale_min', sa.Integer(), nullable=False),
    sa.Column('scale_max', sa.Integer(), nullable=False),
    sa.Column('weight', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.CheckConstraint('scale_min < scale_max', name=op.f('ck_criteria_scale_range')),
    sa.CheckConstraint('weight > 0', name=op.f('ck_criteria_weight_positive')),
    sa.ForeignKeyConstraint(['call_id'], ['open_calls.id'], name=op.f('fk_criteria_call_id_open_calls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criteria')),
    sa.UniqueConstraint('call_id', 'position', name=op.f('uq_criteria_call_id_position'))
    )
    with op.batch_alter_table('criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_criteria_call_id'), ['call_id'], unique=False)

    op.create_table('juror_assignments',
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('juror_id', sa.Integer(), nullable=False),
    sa.Column('order_seed', sa.String(length=32), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['open_calls.id'], name=op.f('fk_juror_assignments_call_id_open_calls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['juror_id'], ['users.id'], name=op.f('fk_juror_assignments_juror_id_users')),
    sa.PrimaryKeyConstraint('call_id', 'juror_id', name=op.f('pk_juror_assignments'))
    )
    op.create_table('conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('juror_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('suggested', 'confirmed', 'dismissed', name='conflictstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_conflicts_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['juror_id'], ['users.id'], name=op.f('fk_conflicts_juror_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflicts')),
    sa.UniqueConstraint('application_id', 'juror_id', name=op.f('uq_conflicts_application_id_juror_id'))
    )
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflicts_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflicts_juror_id'), ['juror_id'], unique=False)

    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('juror_id', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('scored_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_reviews_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['juror_id'], ['users.id'], name=op.f('fk_reviews_juror_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews')),
    sa.UniqueConstraint('application_id', 'juror_id', name=op.f('uq_reviews_application_id_juror_id'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reviews_juror_id'), ['juror_id'], unique=False)

    op.create_table('works',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('technique', sa.String(length=200), nullable=False),
    sa.Column('width_cm', sa.Numeric(precision=7, scale=1), nullable=True),
    sa.Column('height_cm', sa.Numeric(precision=7, scale=1), nullable=True),
    sa.Column('depth_cm', sa.Numeric(precision=7, scale=1), nullable=True),
    sa.Column('price', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('image_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(width_cm IS NULL OR width_cm > 0) AND (height_cm IS NULL OR height_cm > 0) AND (depth_cm IS NULL OR depth_cm > 0)', name=op.f('ck_works_dimensions_positive')),
    sa.CheckConstraint('price IS NULL OR price >= 0', name=op.f('ck_works_price_not_negative')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_works_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['image_id'], ['image_files.id'], name=op.f('fk_works_image_id_image_files')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_works')),
    sa.UniqueConstraint('application_id', 'position', name=op.f('uq_works_application_id_position'))
    )
    with op.batch_alter_table('works', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_works_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_works_image_id'), ['image_id'], unique=False)

    op.create_table('chosen_works',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('source_work_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('technique', sa.String(length=200), nullable=False),
    sa.Column('width_cm', sa.Numeric(precision=7, scale=1), nullable=True),
    sa.Column('height_cm', sa.Numeric(precision=7, scale=1), nullable=True),
    sa.Column('depth_cm', sa.Numeric(precision=7, scale=1), nullable=True),
    sa.Column('price', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('insurance_value', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('is_for_sale', sa.Boolean(), nullable=False),
    sa.Column('image_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('insurance_value IS NULL OR insurance_value >= 0', name=op.f('ck_chosen_works_insurance_value_not_negative')),
    sa.CheckConstraint('price IS NULL OR price >= 0', name=op.f('ck_chosen_works_price_not_negative')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_chosen_works_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['image_id'], ['image_files.id'], name=op.f('fk_chosen_works_image_id_image_files')),
    sa.ForeignKeyConstraint(['source_work_id'], ['works.id'], name=op.f('fk_chosen_works_source_work_id_works'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chosen_works')),
    sa.UniqueConstraint('application_id', name=op.f('uq_chosen_works_application_id'))
    )
    with op.batch_alter_table('chosen_works', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chosen_works_image_id'), ['image_id'], unique=False)

    op.create_table('scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['criteria.id'], name=op.f('fk_scores_criterion_id_criteria'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_scores_review_id_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scores')),
    sa.UniqueConstraint('review_id', 'criterion_id', name=op.f('uq_scores_review_id_criterion_id'))
    )
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scores_criterion_id'), ['criterion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scores_review_id'), ['review_id'], unique=False)



def downgrade():
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scores_review_id'))
        batch_op.drop_index(batch_op.f('ix_scores_criterion_id'))

    op.drop_table('scores')
    with op.batch_alter_table('chosen_works', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chosen_works_image_id'))

    op.drop_table('chosen_works')
    with op.batch_alter_table('works', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_works_image_id'))
        batch_op.drop_index(batch_op.f('ix_works_application_id'))

    op.drop_table('works')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_juror_id'))
        batch_op.drop_index(batch_op.f('ix_reviews_application_id'))

    op.drop_table('reviews')
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflicts_juror_id'))
        batch_op.drop_index(batch_op.f('ix_conflicts_application_id'))

    op.drop_table('conflicts')
    op.drop_table('juror_assignments')
    with op.batch_alter_table('criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_criteria_call_id'))

    op.drop_table('criteria')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_status'))
        batch_op.drop_index(batch_op.f('ix_applications_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_applications_call_id'))
        batch_op.drop_index(batch_op.f('ix_applications_artist_id'))

    op.drop_table('applications')
    op.drop_table('open_calls')
    with op.batch_alter_table('artist_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_artist_profiles_municipality_id'))

    op.drop_table('artist_profiles')
    op.drop_table('image_files')
