"""The live demo: loaded on a date, it has a season on that day where the demo volunteer can count, next year's call
open and next year's orchestra season open for registration; loaded again later it adds nothing, and every date of
the live season stays inside its year, even when the demo is loaded in late December."""

import uuid
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from kunstvest.applications import services as calls
from kunstvest.applications.models import Application, CallPhase, ChosenWork, OpenCall, Review
from kunstvest.ateliers import counting
from kunstvest.ateliers.models import (Atelier, AtelierArtist, AtelierDay, AtelierHours, LocationKind, OpenAteliers,
                                       VisitLocation, VisitTap)
from kunstvest.auth.models import User
from kunstvest.budget.models import Project
from kunstvest.demo import load_demo_season
from kunstvest.demo.days import OSLO, oslo
from kunstvest.exhibitions.models import Exhibition, ProgrammeEvent
from kunstvest.extensions import db as _db
from kunstvest.orchestra.models import OrchestraSeason
from kunstvest.orchestra.services import check_age, registration_season
from kunstvest.reference.models import Season

LATER = timedelta(days=40)


def _load(today: date) -> dict[str, int]:
    """`flask demo load` as if run on `today`; every table's row count afterwards."""
    load_demo_season(today=today)
    _db.session.commit()
    return {table.name: _db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in _db.metadata.sorted_tables}


def _season(year: int) -> Season | None:
    return _db.session.scalar(sa.select(Season).join(Project, Project.id == Season.project_id)
                              .where(Project.code == "kunst-rett-vest", Season.year == year))


def _count_a_visitor(on: date) -> None:
    """The demo volunteer taps +3 at their location of the live season at noon on `on`; the tap must be stored."""
    session = _db.session
    volunteer = session.scalar(sa.select(User).where(User.email == "frivillig@example.org"))
    [location] = [location for location in counting.locations_counted_by(user=volunteer)
                  if location.season_id == _season(on.year).id]
    assert location.kind == LocationKind.EXHIBITION
    place = counting.countable_location(location_id=location.id, user=volunteer)
    assert place is not None and on in place.days
    before = counting.location_total(location=location, day=on)
    outcome = counting.record_taps(
        location=place.location, user=volunteer, days=place.days, now=oslo(on, time(12, 1)),
        taps=[counting.TapInput(client_id=f"live-demo-{on.isoformat()}", tapped_at=oslo(on, time(12)), visitors=3)])
    session.commit()
    assert outcome.accepted == 1
    assert counting.location_total(location=location, day=on) == before + 3
    assert session.scalar(sa.select(VisitTap.user_id).where(VisitTap.client_id == f"live-demo-{on.isoformat()}")) \
        == volunteer.id


def _assert_next_call_open(on: date) -> None:
    call = _db.session.scalar(sa.select(OpenCall).where(OpenCall.season_id == _season(on.year + 1).id))
    assert calls.accepts_submissions(call, now=oslo(on, time(12)))
    assert calls.phase_of(call, now=oslo(on, time(12))) == CallPhase.OPEN


def test_counting_works_on_the_day_and_a_load_40_days_later_adds_nothing(db):
    day = date(2026, 8, 20)
    first = _load(day)
    _count_a_visitor(day)
    _assert_next_call_open(day)
    # Next year's orchestra season takes a child who is nine on the day: ages count from 1 January next year.
    season = registration_season()
    assert season.year == day.year + 1
    check_age(date_of_birth=day.replace(year=day.year - 9), orchestra_season=season)

    tapped = _load(day)
    assert tapped == {**first, "visit_taps": first["visit_taps"] + 1}
    assert _load(day + LATER) == tapped


def _live_season_dates(season: Season) -> dict[str, set[int]]:
    """The years of every date and moment (in Oslo) that the live season's rows hold, by where they come from."""
    session = _db.session

    def years(*columns, where) -> set[int]:
        values = [value for row in session.execute(sa.select(*columns).where(where)) for value in row
                  if value is not None]
        return {(value.astimezone(OSLO) if hasattr(value, "astimezone") else value).year for value in values}

    exhibition = session.scalar(sa.select(Exhibition).where(Exhibition.season_id == season.id))
    open_ateliers = session.scalar(sa.select(OpenAteliers).where(OpenAteliers.season_id == season.id))
    call = session.scalar(sa.select(OpenCall).where(OpenCall.season_id == season.id))
    ateliers = sa.select(Atelier.id).where(Atelier.open_ateliers_id == open_ateliers.id)
    applications = sa.select(Application.id).where(Application.call_id == call.id)
    return {
        "exhibition": years(Exhibition.opens_on, Exhibition.closes_on, where=Exhibition.id == exhibition.id),
        "programme": years(ProgrammeEvent.starts_at, ProgrammeEvent.ends_at,
                           where=ProgrammeEvent.exhibition_id == exhibition.id),
        "open ateliers": years(OpenAteliers.proofing_deadline, OpenAteliers.guide_published_at,
                               where=OpenAteliers.id == open_ateliers.id),
        "atelier days": years(AtelierDay.day, where=AtelierDay.open_ateliers_id == open_ateliers.id),
        "atelier hours": years(AtelierHours.day, where=AtelierHours.atelier_id.in_(ateliers)),
        "approvals": years(AtelierArtist.approved_at, where=AtelierArtist.atelier_id.in_(ateliers)),
        "visits": years(VisitTap.day, VisitTap.tapped_at, where=VisitTap.location_id.in_(
            sa.select(VisitLocation.id).where(VisitLocation.season_id == season.id))),
        "call": years(OpenCall.opens_at, OpenCall.closes_at, OpenCall.closed_at, OpenCall.published_at,
                      OpenCall.work_choice_deadline, where=OpenCall.id == call.id),
        "applications": years(Application.submitted_at, Application.decided_at, where=Application.call_id == call.id),
        "reviews": years(Review.scored_at, where=Review.application_id.in_(applications)),
        "chosen works": years(ChosenWork.confirmed_at, where=ChosenWork.application_id.in_(applications)),
    }


@pytest.mark.parametrize("day", [date(2026, 12, 20), date(2026, 12, 31), date(2027, 1, 1)])
def test_the_live_season_stays_inside_its_year(db, day):
    _load(day)
    _count_a_visitor(day)
    _assert_next_call_open(day)
    dates = _live_season_dates(_season(day.year))
    assert dates == {source: {day.year} for source in dates}  # an empty set would mean the season lacks those rows


def test_loading_again_in_the_new_year_keeps_one_of_each(db):
    """Loaded on 20 December and again on 29 January: the seasons that exist are left alone, so there is still one
    call open and one orchestra season open for registration; only the host search of a year further on is added."""
    day = date(2026, 12, 20)
    first = _load(day)
    later = _load(day + LATER)
    assert {table: count - first[table] for table, count in later.items() if count != first[table]} == {
        "seasons": 1, "exhibitions": 1}
    assert _season(day.year + 3) is not None
    moment = oslo(day + LATER, time(12))
    open_calls = [call for call in db.session.scalars(sa.select(OpenCall))
                  if calls.accepts_submissions(call, now=moment)]
    assert [call.season.year for call in open_calls] == [day.year + 1]
    assert db.session.scalar(sa.select(sa.func.count(OrchestraSeason.id))
                             .where(OrchestraSeason.is_registration_open)) == 1
    for table, column in ((Exhibition, Exhibition.season_id), (OpenCall, OpenCall.season_id),
                          (OpenAteliers, OpenAteliers.season_id), (OrchestraSeason, OrchestraSeason.season_id)):
        assert db.session.scalar(sa.select(sa.func.count(column)).select_from(table)) == \
            db.session.scalar(sa.select(sa.func.count(sa.distinct(column))).select_from(table))


def test_on_the_real_today_the_volunteer_counts_on_the_counter_page(db, client):
    """`make run` loads the demo on the real today: the volunteer's counter page takes a tap and stores it."""
    _load(counting.today_in_oslo())
    volunteer = _db.session.scalar(sa.select(User).where(User.email == "frivillig@example.org"))
    location = counting.locations_counted_by(user=volunteer)[0]  # the newest season's: the live exhibition
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = volunteer.get_id(), True
    page = client.get(f"/ateliers/count/{location.id}")
    assert page.status_code == 200
    response = client.post(f"/ateliers/count/{location.id}", data={"client_id": str(uuid.uuid4()), "visitors": "4"},
                           follow_redirects=True)
    assert response.status_code == 200
    _db.session.rollback()
    assert counting.location_total(location=location, day=counting.today_in_oslo()) == 4
