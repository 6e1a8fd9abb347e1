"""The demo open calls: 2017 as in the annual report, 2016 behind it, this year's published, next year's open now,
and a second load adds nothing."""

import pytest
import sqlalchemy as sa

from kunstvest.applications import deciding, services
from kunstvest.applications.images import RENDITIONS, image_key
from kunstvest.applications.models import (
    Application,
    ApplicationStatus,
    CallPhase,
    ChosenWork,
    ImageFile,
    OpenCall,
    Review,
    Score,
    Work,
)
from kunstvest.auth.models import Role, User
from kunstvest.budget.models import Project
from kunstvest.common.storage import storage
from kunstvest.demo import open_call
from kunstvest.demo.days import DemoDay
from kunstvest.extensions import db as _db
from kunstvest.reference.models import Season


@pytest.fixture
def demo(demo_loaded_twice):
    """The demo season loaded twice; returns the row counts after each load."""
    _, first, second = demo_loaded_twice
    return first, second


def _call(year: int) -> OpenCall:
    return _db.session.scalar(sa.select(OpenCall).join(OpenCall.season).join(Project, Project.id == Season.project_id)
                              .where(Season.year == year, Project.code == "kunst-rett-vest"))


def test_the_second_load_adds_nothing(demo):
    first, second = demo
    assert second == first
    assert first["open_calls"] == 4
    next_years = open_call.RETURNING_NEXT + open_call.NEW_NEXT
    assert first["applications"] == 140 + 168 + open_call.LIVE_APPLICANTS + next_years


def test_2017_has_the_figures_of_the_annual_report(demo):
    call = _call(2017)
    counts = deciding.decision_counts(call=call)
    assert sum(counts.by_status.values()) == 168
    assert counts.by_status[ApplicationStatus.ACCEPTED] == 114
    assert counts.by_status[ApplicationStatus.WAITLISTED] == 6
    assert counts.accepted_first_timers == 27
    assert len(counts.accepted_by_municipality) == 15
    assert call.phase == CallPhase.PUBLISHED and call.published_at is not None
    assert {assignment.juror.full_name for assignment in call.jurors} == {"Harald Brekke", "Ingrid Solheim"}


def test_2017_first_timers_are_derived_from_the_2016_call(demo):
    figures_2016 = deciding.call_statistics(calls=[_call(2016)])[0]
    assert (figures_2016.applicants, figures_2016.accepted) == (140, 115)
    for application in _db.session.scalars(sa.select(Application).where(Application.call_id == _call(2017).id)):
        assert application.is_first_timer == services.is_first_timer(artist=application.artist,
                                                                      call=application.call)


def test_every_2017_application_has_two_reviews_of_four_scores(demo):
    call = _call(2017)
    scores_per_review = _db.session.execute(
        sa.select(Review.application_id, sa.func.count(Score.id)).select_from(Review)
        .join(Score, Score.review_id == Review.id).join(Application, Application.id == Review.application_id)
        .where(Application.call_id == call.id).group_by(Review.id, Review.application_id)).all()
    reviews_per_application = {}
    for application_id, scores in scores_per_review:
        assert scores == 4
        reviews_per_application[application_id] = reviews_per_application.get(application_id, 0) + 1
    assert len(reviews_per_application) == 168 and set(reviews_per_application.values()) == {2}


def test_the_painter_scores_more_strictly_than_the_craft_artist(demo):
    call = _call(2017)
    means = {}
    for entry in deciding.ranking(call=call):
        for juror_id, score in entry.juror_scores.items():
            means.setdefault(juror_id, []).append(score)
    painter = _db.session.scalar(sa.select(User).where(User.email == "jury@example.org"))
    craft_artist = _db.session.scalar(sa.select(User).where(User.email == open_call.SECOND_JUROR[0]))
    assert craft_artist.has_role(Role.JURY) and craft_artist.is_verified
    assert sum(means[painter.id]) < sum(means[craft_artist.id])


def test_most_accepted_2017_artists_have_confirmed_a_chosen_work(demo):
    call = _call(2017)
    chosen = services.exhibition_works(call=call)
    assert len(chosen) == 100
    assert all(work.confirmed_at is not None and work.image_id is not None and work.insurance_value
               for work in chosen)
    assert len(services.accepted_without_chosen_work(call=call)) == 14


def test_this_years_call_is_published_with_accepted_artists_and_their_works(demo):
    year = DemoDay.of().live_year
    call = _call(year)
    assert call.phase == CallPhase.PUBLISHED and services.current_call() != call
    counts = deciding.decision_counts(call=call)
    assert sum(counts.by_status.values()) == open_call.LIVE_APPLICANTS
    assert counts.by_status[ApplicationStatus.ACCEPTED] == open_call.LIVE_ACCEPTED
    assert counts.by_status[ApplicationStatus.WAITLISTED] == open_call.LIVE_WAITLIST
    # Earlier applicants, most of them accepted in 2017: few first-timers, derived from the history.
    assert counts.accepted_first_timers <= open_call.LIVE_APPLICANTS - open_call.LIVE_FROM_ACCEPTED_2017
    for application in _db.session.scalars(sa.select(Application).where(Application.call_id == call.id)):
        assert application.is_first_timer == services.is_first_timer(artist=application.artist, call=call)
    works = services.exhibition_works(call=call)
    assert len(works) == open_call.LIVE_ACCEPTED and all(services.is_public(work) for work in works)
    assert all(work.confirmed_at is not None and work.image_id is not None for work in works)
    reviews = _db.session.scalar(sa.select(sa.func.count(Review.id)).join(Application)
                                 .where(Application.call_id == call.id))
    assert reviews == 2 * open_call.LIVE_APPLICANTS
    moments = [call.opens_at, call.closes_at, call.published_at, *(work.confirmed_at for work in works)]
    assert {moment.astimezone(open_call.OSLO).year for moment in moments} == {year}
    assert call.opens_at < call.closes_at < call.published_at <= DemoDay.of().now
    assert call.work_choice_deadline.year == year


def test_next_years_call_is_open_and_the_demo_artist_can_apply(demo):
    call = _call(DemoDay.of().next_year)
    assert services.accepts_submissions(call) and services.current_call() == call
    assert len(call.jurors) == 2
    statuses = _db.session.scalars(sa.select(Application.status).where(Application.call_id == call.id)).all()
    assert sorted(statuses) == sorted([ApplicationStatus.SUBMITTED] * 3 + [ApplicationStatus.DRAFT] * 2)
    artist = services.profile_of(_db.session.scalar(sa.select(User).where(User.email == "kunstner@example.org")))
    assert artist.municipality is not None
    assert services.application_of(call=call, artist=artist) is None
    assert services.start_application(call=call, artist=artist).status == ApplicationStatus.DRAFT


def test_the_demo_images_are_on_disk_and_shared_by_the_works(demo, app):
    images = _db.session.scalars(sa.select(ImageFile)).all()
    assert len(images) == open_call.DEMO_IMAGE_COUNT
    for image in images:
        assert (image.width, image.height) == open_call.DEMO_IMAGE_SIZE
        for rendition in RENDITIONS:
            assert storage().exists(image_key(sha256=image.sha256, rendition=rendition))
    used = set(_db.session.scalars(sa.select(Work.image_id))) | set(_db.session.scalars(sa.select(ChosenWork.image_id)))
    assert used == {image.id for image in images}
