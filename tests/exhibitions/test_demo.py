"""The demo exhibitions and open ateliers: the reported figures of 2016 and 2017, this year's season on today, the
hosts ahead, and a second load adds nothing."""

from decimal import Decimal

import pytest
import sqlalchemy as sa

from kunstvest.ateliers import figures
from kunstvest.ateliers.models import (Atelier, AtelierArtist, AtelierHours, LocationKind, OpenAteliers, Sale,
                                       VisitLocation, VisitTap)
from kunstvest.budget.models import Project
from kunstvest.demo import exhibitions, foundation, open_call
from kunstvest.demo.days import DemoDay
from kunstvest.exhibitions.models import Exhibition, HostStatus, ProgrammeEvent, SignupStatus
from kunstvest.extensions import db as _db
from kunstvest.reference.models import Season


def _season(year: int) -> Season:
    return _db.session.scalar(sa.select(Season).join(Project, Project.id == Season.project_id)
                              .where(Project.code == "kunst-rett-vest", Season.year == year))


@pytest.fixture
def demo(db, count_queries):
    """The foundation and the open calls, then this module's loader; returns how many SQL statements it ran."""
    foundation.load()
    open_call.load()
    db.session.commit()
    with count_queries() as statements:
        exhibitions.load()
        db.session.commit()
    return statements.count


def test_the_second_load_adds_nothing_and_asks_little(demo_loaded_twice, count_queries):
    _, first, second = demo_loaded_twice
    assert second == first
    live = exhibitions.LIVE_ATELIERS
    assert first["ateliers"] == 109 + 104 + live and first["visit_locations"] == 3 + 109 + 104 + live
    # Hourly group taps: a few thousand rows, not one per visitor.
    assert 2_000 < first["visit_taps"] < 6_000
    with count_queries() as statements:
        exhibitions.load()
    assert statements.count < 100  # a loaded season is recognised by a few lookups, not row by row (30 today)


def test_2017_and_2016_have_the_reported_visits_and_sales(demo):
    # Rows go in by the batch: about 1 700 statements for two seasons of ateliers, programme and some 4 000 visit
    # taps, where one statement per row would be several times that. (Speed is bench's business.)
    assert demo < 2_500
    totals = figures.season_totals(season=_season(2017))
    assert (totals.exhibition_visits, totals.atelier_visits, totals.visits) == (2_000, 11_000, 13_000)
    assert totals.sales > Decimal("1000000") and totals.works_sold > 0
    assert totals.ateliers == exhibitions.ATELIERS[2017]
    locations = figures.visits_by_location(season=_season(2017))
    record = max((location for location in locations if location.kind == LocationKind.ATELIER),
                 key=lambda location: location.total)
    first_weekend = exhibitions.WEEKENDS[2017][:2]
    assert record.municipality == "Modum" and sum(record.by_day[day] for day in first_weekend) == 600
    assert set(figures.visits_by_day(season=_season(2017))) >= set(exhibitions.WEEKENDS[2017])

    season = _season(2016)
    totals = figures.season_totals(season=season)
    assert (totals.exhibition_visits, totals.atelier_visits, totals.ateliers) == (4_250, 14_300, 109)
    assert totals.sales == Decimal("970000.00")
    school_classes = _db.session.scalar(sa.select(sa.func.sum(VisitTap.visitors)).join(VisitTap.location).where(
        VisitLocation.season_id == season.id, VisitTap.group_label.like("10. trinn%")))
    assert school_classes == 750
    # The dashboard compares 2017 with this.
    assert figures.season_figures(season=_season(2017)).previous == totals


def test_ateliers_hosts_programme_and_the_volunteer(demo):
    """Every accepted artist has an approved atelier in their municipality; hosts, programme and counting set up."""
    for year in (2016, 2017):
        season = _season(year)
        open_ateliers = _db.session.scalar(sa.select(OpenAteliers).where(OpenAteliers.season_id == season.id))
        assert open_ateliers.guide_published_at is not None
        assert [day.day for day in open_ateliers.days] == exhibitions.WEEKENDS[year]
        artists = _db.session.scalars(sa.select(AtelierArtist).join(Atelier).where(
            Atelier.open_ateliers_id == open_ateliers.id)).all()
        assert len(artists) == len(exhibitions._accepted(season))
        assert all(artist.approved_at is not None for artist in artists)
        ateliers = _db.session.scalars(sa.select(Atelier).where(Atelier.open_ateliers_id == open_ateliers.id)).all()
        assert max(len(atelier.artists) for atelier in ateliers) > 1
        assert sorted(atelier.guide_number for atelier in ateliers) == list(range(1, len(ateliers) + 1))
        for atelier in ateliers:
            latitude, longitude, spread = exhibitions.CENTRES[atelier.municipality.name]
            assert abs(float(atelier.latitude) - latitude) <= spread
            assert abs(float(atelier.longitude) - longitude) <= 2 * spread
            assert atelier.artists[0].application.artist.municipality_id == atelier.municipality_id
        hours = _db.session.scalar(sa.select(sa.func.count(AtelierHours.id)).join(Atelier).where(
            Atelier.open_ateliers_id == open_ateliers.id))
        assert hours == 4 * len(ateliers)
        sellers = _db.session.scalar(sa.select(sa.func.count(sa.distinct(Sale.application_id)))
                                     .where(Sale.season_id == season.id))
        assert sellers > 40

    day = DemoDay.of()
    now, ahead, after = day.live_year, day.next_year, day.next_year + 1
    hosts = {season.year: _db.session.scalar(sa.select(Exhibition).where(Exhibition.season_id == season.id))
             for season in map(_season, (2016, 2017, now, ahead, after))}
    assert [(hosts[year].host_municipality.name, hosts[year].venue.name, hosts[year].host_contribution)
            for year in (2016, 2017, now, ahead)] == [("Asker", "Lien, Dikemark", Decimal("200000.00")),
                                                      ("Svelvik", "Fossekleiva kultursenter", Decimal("200000.00")),
                                                      ("Bærum", "Bærum kulturhus", Decimal("500000.00")),
                                                      ("Drammen", "Drammens Museum", Decimal("500000.00"))]
    assert all(hosts[year].host_status == HostStatus.CONFIRMED for year in (2016, 2017, now, ahead))
    assert hosts[after].host_status == HostStatus.WANTED and hosts[after].host_municipality_id is None
    # Next year's exhibition opens on a Thursday in September and closes on the third Sunday after.
    assert hosts[ahead].opens_on.month == 9 and hosts[ahead].opens_on.weekday() == 3
    assert (hosts[ahead].closes_on - hosts[ahead].opens_on).days == 17 and hosts[ahead].opening_hours
    assert (str(hosts[2017].opens_on), str(hosts[2017].closes_on)) == ("2017-09-07", "2017-09-24")
    assert sum(funding.amount for funding in hosts[2017].funding) == Decimal("200000.00")

    events = _db.session.scalars(sa.select(ProgrammeEvent).where(ProgrammeEvent.exhibition_id == hosts[2017].id)
                                 .order_by(ProgrammeEvent.starts_at)).all()
    assert {"workshop", "guided_tour", "talk", "yoga", "cafe", "performance"} <= {event.kind.value for event in events}
    assert any(event.language == "pl" for event in events)
    full = [event for event in events if event.has_signup and sum(
        signup.seats for signup in event.signups if signup.status == SignupStatus.CONFIRMED) == event.capacity]
    assert len(full) == 1 and any(signup.status == SignupStatus.WAITLISTED for signup in full[0].signups)
    assert all(signup.email.endswith("@example.org") for event in events for signup in event.signups)

    location = _db.session.scalar(sa.select(VisitLocation).where(VisitLocation.exhibition_id == hosts[2017].id))
    assert [assignment.user.email for assignment in location.assignments] == ["frivillig@example.org"]


def test_the_host_contributions_are_booked_once_as_received_funding(demo):
    from kunstvest.budget.models import BudgetLine, Transaction
    from kunstvest.exhibitions.models import Funding
    from kunstvest.exhibitions.services import receive_funding

    def host_bookings() -> list[tuple[str, Decimal]]:
        return list(_db.session.execute(
            sa.select(BudgetLine.name, sa.func.sum(Transaction.amount)).join(Transaction.budget_line)
            .where(BudgetLine.name.like("Vertskapsbidrag%")).group_by(BudgetLine.name).order_by(BudgetLine.name)))

    before = host_bookings()
    for funding in _db.session.scalars(sa.select(Funding)):
        receive_funding(funding=funding, received_on=funding.received_on)  # saved again in the app
    _db.session.flush()

    assert before == [("Vertskapsbidrag Asker kommune", Decimal("200000.00")),
                      ("Vertskapsbidrag Svelvik kommune", Decimal("200000.00"))]
    assert host_bookings() == before


def test_this_years_season_is_on_today(demo):
    """The live exhibition and atelier days include today, the guide is out, the volunteer counts at the exhibition."""
    day = DemoDay.of()
    season = _season(day.live_year)
    exhibition = _db.session.scalar(sa.select(Exhibition).where(Exhibition.season_id == season.id))
    assert exhibition.opens_on <= day.today <= exhibition.closes_on
    assert {hours.weekday for hours in exhibition.opening_hours} == set(range(7))  # open whichever day it is
    assert exhibition.venue.municipality.is_member
    open_ateliers = _db.session.scalar(sa.select(OpenAteliers).where(OpenAteliers.season_id == season.id))
    days = [atelier_day.day for atelier_day in open_ateliers.days]
    assert day.today in days and len(days) == 2 and {d.year for d in days} == {day.live_year}
    assert open_ateliers.guide_published_at is not None and open_ateliers.proofing_deadline <= days[0]
    ateliers = _db.session.scalars(sa.select(Atelier).where(Atelier.open_ateliers_id == open_ateliers.id)).all()
    assert len(ateliers) == exhibitions.LIVE_ATELIERS
    assert sum(len(atelier.artists) for atelier in ateliers) == open_call.LIVE_ACCEPTED
    assert all(len(atelier.hours) == 2 and atelier.guide_number for atelier in ateliers)

    location = _db.session.scalar(sa.select(VisitLocation).where(VisitLocation.exhibition_id == exhibition.id))
    assert [assignment.user.email for assignment in location.assignments] == ["frivillig@example.org"]
    assert _db.session.scalar(sa.select(sa.func.count(VisitLocation.id)).where(
        VisitLocation.season_id == season.id, VisitLocation.kind == LocationKind.ATELIER)) == len(ateliers)
    counted_days = set(_db.session.scalars(sa.select(VisitTap.day).where(VisitTap.location_id == location.id)))
    assert all(exhibition.opens_on <= counted < day.today for counted in counted_days)

    events = _db.session.scalars(sa.select(ProgrammeEvent).where(ProgrammeEvent.exhibition_id == exhibition.id)).all()
    assert len(events) == len(exhibitions.LIVE_PROGRAMME)
    assert all(exhibition.opens_on <= event.starts_at.astimezone(open_call.OSLO).date() <= exhibition.closes_on
               for event in events)
    assert any(event.has_signup and event.signups for event in events)
