"""Counting services: locations and counters, append-only idempotent taps, undo, counting days, and the sales log."""

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from kunstvest.ateliers import counting
from kunstvest.ateliers.counting import TapInput
from kunstvest.ateliers.counting_forms import parse_tap_batch
from kunstvest.ateliers.models import LocationAssignment, LocationKind, Sale, VisitLocation, VisitTap
from kunstvest.auth.models import Role
from kunstvest.extensions import db
from kunstvest.reference.models import Season
from tests import factories

# Saturday 16 September 2017, noon in Oslo: an atelier day inside the exhibition's opening period.
SATURDAY_NOON = datetime(2017, 9, 16, 10, 0, tzinfo=UTC)
NOW = SATURDAY_NOON + timedelta(hours=1)
_ids = itertools.count(1)


def _tap(visitors: int = 1, *, at: datetime = SATURDAY_NOON, undoes: str | None = None, label: str = "",
         client_id: str | None = None) -> TapInput:
    return TapInput(client_id=client_id or f"tap-{next(_ids):08d}", tapped_at=at, visitors=visitors,
                    group_label=label, undoes=undoes)


def _season_of(location) -> Season:
    return db.session.get(Season, location.season_id)


@pytest.fixture
def exhibition_location(db):
    """The 2017 exhibition (7–24 September) as a location with one volunteer assigned."""
    volunteer = factories.make_user(roles=[Role.VOLUNTEER])
    location = factories.make_location(exhibition=factories.make_exhibition(year=2017), users=[volunteer])
    return location, volunteer


def _total(location, day=date(2017, 9, 16)) -> int:
    return counting.location_total(location=location, day=day)


# --- locations and counters -------------------------------------------------------------------------------------------

def test_sync_locations_makes_one_location_per_atelier_and_the_exhibition_and_assigns_the_artists(db):
    applications = factories.make_accepted_applications(count=3)
    season = applications[0].call.season
    exhibition = factories.make_exhibition(season=season)
    open_ateliers = factories.make_open_ateliers(season=season)
    shared = factories.make_atelier(open_ateliers=open_ateliers, applications=applications[:2], name="Tollboden")
    alone = factories.make_atelier(open_ateliers=open_ateliers, applications=applications[2:])

    locations = counting.sync_locations(season=season)
    again = counting.sync_locations(season=season)

    assert [location.id for location in again] == [location.id for location in locations]
    assert db.session.scalar(sa.select(sa.func.count(VisitLocation.id))) == 3
    by_target = {(location.exhibition_id, location.atelier_id): location for location in locations}
    assert by_target[(exhibition.id, None)].kind == LocationKind.EXHIBITION
    assert by_target[(None, shared.id)].name == "Tollboden"
    assert {a.user_id for a in by_target[(None, shared.id)].assignments} == {
        application.artist.user_id for application in applications[:2]}
    assert [a.user_id for a in by_target[(None, alone.id)].assignments] == [applications[2].artist.user_id]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LocationAssignment)) == 3


def test_only_volunteers_and_artists_can_be_assigned_and_assigning_twice_changes_nothing(exhibition_location, db):
    location, _ = exhibition_location
    volunteer = factories.make_user(roles=[Role.VOLUNTEER])
    counting.assign_counter(location=location, user=volunteer)
    counting.assign_counter(location=location, user=volunteer)
    with pytest.raises(counting.CountingError):
        counting.assign_counter(location=location, user=factories.make_user(roles=[Role.JURY]))

    assert counting.may_count(user=volunteer, location=location)
    assert counting.unassign_counter(location=location, user=volunteer) is True
    assert not counting.may_count(user=volunteer, location=location)
    assert counting.unassign_counter(location=location, user=volunteer) is False


def test_only_assigned_users_and_admins_may_count(exhibition_location):
    location, volunteer = exhibition_location
    other_volunteer = factories.make_user(roles=[Role.VOLUNTEER])
    admin = factories.make_user(roles=[Role.ADMIN])

    assert counting.may_count(user=volunteer, location=location)
    assert not counting.may_count(user=other_volunteer, location=location)
    assert counting.may_count(user=admin, location=location)
    assert counting.locations_counted_by(user=volunteer) == [location]
    assert counting.locations_counted_by(user=other_volunteer) == []


def test_a_countable_location_comes_with_its_days_only_for_who_may_count_there(exhibition_location):
    location, volunteer = exhibition_location

    place = counting.countable_location(location_id=location.id, user=volunteer)

    assert place.location == location and (place.days[0], len(place.days)) == (date(2017, 9, 7), 18)
    assert counting.countable_location(location_id=location.id,
                                       user=factories.make_user(roles=[Role.VOLUNTEER])) is None
    assert counting.countable_location(location_id=location.id, user=factories.make_user(roles=[Role.JURY])) is None
    assert counting.countable_location(location_id=location.id,
                                       user=factories.make_user(roles=[Role.ADMIN])).days == place.days
    assert counting.countable_location(location_id=location.id + 1, user=volunteer) is None


def test_counting_days_are_the_exhibition_period_or_the_atelier_weekends(db):
    season = factories.make_exhibition(year=2017).season
    exhibition_location = counting.sync_locations(season=season)[0]
    atelier = factories.make_atelier(open_ateliers=factories.make_open_ateliers(season=season))
    atelier_location = factories.make_location(atelier=atelier)

    exhibition_days = counting.counting_days(location=exhibition_location)
    assert (exhibition_days[0], exhibition_days[-1], len(exhibition_days)) == (date(2017, 9, 7), date(2017, 9, 24), 18)
    assert counting.counting_days(location=atelier_location) == [date(2017, 9, d) for d in (16, 17, 23, 24)]


# --- taps -------------------------------------------------------------------------------------------------------------

def test_taps_add_up_and_a_repeated_client_id_is_stored_once(exhibition_location, db):
    location, volunteer = exhibition_location
    taps = [_tap(1), _tap(5), _tap(25, label="5B, Svelvik skole")]

    first = counting.record_taps(location=location, user=volunteer, taps=taps, now=NOW)
    second = counting.record_taps(location=location, user=volunteer, taps=taps + [taps[0]], now=NOW)

    assert (first.accepted, first.duplicates) == (3, 0)
    assert (second.accepted, second.duplicates) == (0, 4)
    assert _total(location) == 31
    assert db.session.scalar(sa.select(sa.func.count(VisitTap.id))) == 3
    assert db.session.scalar(sa.select(VisitTap.group_label).where(VisitTap.visitors == 25)) == "5B, Svelvik skole"


def test_the_same_client_id_twice_in_one_batch_counts_once(exhibition_location):
    location, volunteer = exhibition_location
    tap = _tap(2)

    outcome = counting.record_taps(location=location, user=volunteer, taps=[tap, tap], now=NOW)

    assert (outcome.accepted, outcome.duplicates, _total(location)) == (1, 1, 2)


def test_the_day_is_the_oslo_date_of_the_tap(exhibition_location):
    location, volunteer = exhibition_location
    # 23:30 UTC on the 15th is 01:30 on the 16th in Oslo (summer time).
    late = datetime(2017, 9, 15, 23, 30, tzinfo=UTC)

    counting.record_taps(location=location, user=volunteer, taps=[_tap(3, at=late)], now=NOW)

    assert _total(location, date(2017, 9, 16)) == 3
    assert _total(location, date(2017, 9, 15)) == 0


def test_a_tap_from_a_phone_clock_far_ahead_is_booked_at_server_time(exhibition_location, db):
    location, volunteer = exhibition_location
    tomorrow = NOW + timedelta(days=1)

    counting.record_taps(location=location, user=volunteer, taps=[_tap(1, at=tomorrow)], now=NOW)

    stored = db.session.scalar(sa.select(VisitTap))
    assert stored.day == date(2017, 9, 16) and stored.tapped_at == NOW


def test_a_day_outside_the_counting_days_is_refused_and_nothing_of_the_batch_is_stored(exhibition_location, db):
    location, volunteer = exhibition_location
    before_opening = datetime(2017, 9, 1, 10, tzinfo=UTC)

    with pytest.raises(counting.TapRefused) as refused:
        counting.record_taps(location=location, user=volunteer, taps=[_tap(1), _tap(1, at=before_opening)], now=NOW)
    db.session.rollback()

    assert refused.value.index == 1
    assert "2017-09-01" in str(refused.value) and "not a counting day" in str(refused.value)
    assert db.session.scalar(sa.select(sa.func.count(VisitTap.id))) == 0


def test_an_atelier_day_outside_the_weekends_is_refused(db):
    applications = factories.make_accepted_applications(count=1)
    open_ateliers = factories.make_open_ateliers(season=applications[0].call.season)
    location = factories.make_location(atelier=factories.make_atelier(open_ateliers=open_ateliers,
                                                                      applications=applications))
    artist = applications[0].artist.user
    wednesday = datetime(2017, 9, 20, 10, tzinfo=UTC)

    with pytest.raises(counting.TapRefused, match="not a counting day"):
        counting.record_taps(location=location, user=artist, taps=[_tap(1, at=wednesday)],
                             now=wednesday + timedelta(hours=1))
    assert counting.record_taps(location=location, user=artist, taps=[_tap(1)], now=NOW).accepted == 1


@pytest.mark.parametrize("visitors", [0, -1, 501])
def test_a_number_of_visitors_outside_1_to_500_is_refused(exhibition_location, visitors):
    location, volunteer = exhibition_location

    with pytest.raises(counting.TapRefused, match="from 1 to 500"):
        counting.record_taps(location=location, user=volunteer, taps=[_tap(visitors)], now=NOW)


def test_undo_takes_back_the_users_own_last_tap_once(exhibition_location, db):
    location, volunteer = exhibition_location
    first, group = _tap(1), _tap(25)
    undo = _tap(undoes=group.client_id)
    counting.record_taps(location=location, user=volunteer, taps=[first, group, undo], now=NOW)

    stored = db.session.scalar(sa.select(VisitTap).where(VisitTap.client_id == undo.client_id))
    assert stored.visitors == -25 and _total(location) == 1
    # The undo sent again is a duplicate, not a second undo.
    assert counting.record_taps(location=location, user=volunteer, taps=[undo], now=NOW).duplicates == 1
    with pytest.raises(counting.TapRefused, match="already undone"):
        counting.record_taps(location=location, user=volunteer, taps=[_tap(undoes=group.client_id)], now=NOW)
    with pytest.raises(counting.TapRefused, match="only undo your own last tap"):
        counting.record_taps(location=location, user=volunteer, taps=[_tap(undoes=first.client_id)], now=NOW)
    assert counting.last_undoable_tap(location=location, user=volunteer) is None
    assert _total(location) == 1


def test_undo_of_an_undo_is_refused(exhibition_location):
    location, volunteer = exhibition_location
    tap = _tap(1)
    undo = _tap(undoes=tap.client_id)
    counting.record_taps(location=location, user=volunteer, taps=[tap, undo], now=NOW)

    with pytest.raises(counting.TapRefused, match="undoes an undo"):
        counting.record_taps(location=location, user=volunteer, taps=[_tap(undoes=undo.client_id)], now=NOW)


def test_nobody_can_undo_another_counters_tap(exhibition_location):
    location, volunteer = exhibition_location
    colleague = factories.make_user(roles=[Role.VOLUNTEER])
    counting.assign_counter(location=location, user=colleague)
    tap = _tap(5)
    counting.record_taps(location=location, user=volunteer, taps=[tap], now=NOW)

    with pytest.raises(counting.TapRefused, match="not one of yours"):
        counting.record_taps(location=location, user=colleague, taps=[_tap(undoes=tap.client_id)], now=NOW)
    assert counting.last_undoable_tap(location=location, user=colleague) is None
    assert counting.last_undoable_tap(location=location, user=volunteer).client_id == tap.client_id
    assert _total(location) == 5


def test_a_tap_at_another_location_cannot_be_undone_here(exhibition_location):
    location, volunteer = exhibition_location
    atelier = factories.make_atelier(open_ateliers=factories.make_open_ateliers(season=_season_of(location)))
    elsewhere = factories.make_location(atelier=atelier, users=[volunteer])
    tap = _tap(1)
    counting.record_taps(location=elsewhere, user=volunteer, taps=[tap], now=NOW)

    with pytest.raises(counting.TapRefused, match="not one of yours at this location"):
        counting.record_taps(location=location, user=volunteer, taps=[_tap(undoes=tap.client_id)], now=NOW)


def test_totals_by_location_for_a_day_and_over_all_days(exhibition_location):
    location, volunteer = exhibition_location
    sunday = SATURDAY_NOON + timedelta(days=1)
    counting.record_taps(location=location, user=volunteer, taps=[_tap(2), _tap(3, at=sunday)],
                         now=sunday + timedelta(hours=1))

    assert counting.totals_by_location(location_ids=[location.id], day=date(2017, 9, 16)) == {location.id: 2}
    assert counting.totals_by_location(location_ids=[location.id]) == {location.id: 5}


# --- the JSON batch ---------------------------------------------------------------------------------------------------

def _item(**fields) -> dict:
    return {"client_id": "0b7e6f3c-5d1e-4a57-9a43-5d2c1f0e9b11", "visitors": 1,
            "tapped_at": "2017-09-16T12:30:00+02:00", **fields}


def test_a_valid_batch_is_parsed_with_its_offset():
    undo = _item(client_id="abcdefgh-2", undoes=_item()["client_id"])
    taps = parse_tap_batch({"taps": [_item(group_label=" 5B "), undo]})

    assert taps[0].tapped_at == datetime(2017, 9, 16, 10, 30, tzinfo=UTC)
    assert taps[0].group_label == "5B"
    assert taps[1].undoes == _item()["client_id"]


@pytest.mark.parametrize(("payload", "problem"), [
    (None, "1 to 200 taps"),
    ({"taps": []}, "1 to 200 taps"),
    ({"taps": [_item()] * 201}, "1 to 200 taps"),
    ({"taps": [_item(visitors=-3)]}, "from 1 to 500"),
    ({"taps": [_item(visitors=0)]}, "from 1 to 500"),
    ({"taps": [_item(visitors=2.5)]}, "from 1 to 500"),
    ({"taps": [_item(visitors="4")]}, "from 1 to 500"),
    ({"taps": [_item(visitors=True)]}, "from 1 to 500"),
    ({"taps": [_item(tapped_at="2017-09-16T12:30:00")]}, "time zone offset"),
    ({"taps": [_item(tapped_at="yesterday")]}, "time zone offset"),
    ({"taps": [_item(client_id="x")]}, "client_id must be"),
    ({"taps": [_item(undoes="0b7e6f3c-5d1e-4a57-9a43-5d2c1f0e9b11")]}, "cannot undo itself"),
    ({"taps": [_item(group_label="x" * 101)]}, "at most 100"),
    ({"taps": ["tap"]}, "not an object"),
])
def test_a_bad_batch_is_refused_with_a_message_naming_the_problem(payload, problem):
    with pytest.raises(counting.TapRefused) as refused:
        parse_tap_batch(payload)

    assert problem in str(refused.value)


def test_the_refusal_names_the_tap_by_position_and_client_id():
    with pytest.raises(counting.TapRefused) as refused:
        parse_tap_batch({"taps": [_item(), _item(client_id="second-tap", visitors=-1)]})

    assert (refused.value.index, refused.value.client_id) == (1, "second-tap")
    assert str(refused.value).startswith("Tap 2")


# --- sales ------------------------------------------------------------------------------------------------------------

@pytest.fixture
def atelier_artist(db):
    """An accepted artist with an atelier on the four 2017 weekend days."""
    application = factories.make_accepted_applications(count=1)[0]
    season = application.call.season
    factories.make_exhibition(season=season)
    atelier = factories.make_atelier(open_ateliers=factories.make_open_ateliers(season=season),
                                     applications=[application])
    location = factories.make_location(atelier=atelier)
    return application, location


def test_an_artist_with_an_atelier_logs_sales_on_the_atelier_days(atelier_artist):
    application, location = atelier_artist

    days = counting.sales_days(application=application)

    assert days.days == [date(2017, 9, d) for d in (16, 17, 23, 24)]
    assert days.location_id == location.id


def test_an_artist_without_an_atelier_logs_sales_on_the_exhibition_days(db):
    application = factories.make_accepted_applications(count=1)[0]
    factories.make_exhibition(season=application.call.season)

    days = counting.sales_days(application=application).days

    assert (days[0], days[-1]) == (date(2017, 9, 7), date(2017, 9, 24))


def test_a_sale_is_saved_in_money_and_updated_in_place(atelier_artist, db):
    application, location = atelier_artist
    artist_user = application.artist.user

    counting.save_sale(application=application, day=date(2017, 9, 16), works_sold=2, amount=Decimal("14500.5"),
                       note="To a collector", recorded_by=artist_user)
    counting.save_sale(application=application, day=date(2017, 9, 16), works_sold=3, amount=Decimal("21000"),
                       recorded_by=artist_user)

    sale = db.session.scalar(sa.select(Sale))
    assert (sale.works_sold, sale.amount, sale.note) == (3, Decimal("21000.00"), "")
    assert sale.location_id == location.id and sale.season_id == application.call.season_id
    assert counting.sales_totals(application_ids=[application.id]) == {application.id: (3, Decimal("21000.00"))}


def test_an_empty_day_is_not_stored(atelier_artist, db):
    application, _ = atelier_artist

    assert counting.save_sale(application=application, day=date(2017, 9, 17), works_sold=0,
                              amount=Decimal("0")) is None
    assert db.session.scalar(sa.select(sa.func.count(Sale.id))) == 0


@pytest.mark.parametrize(("day", "works", "amount", "problem"), [
    (date(2017, 9, 20), 1, Decimal("100"), "not one of the days"),
    (date(2017, 9, 16), -1, Decimal("100"), "cannot be negative"),
    (date(2017, 9, 16), 1, Decimal("-100"), "cannot be negative"),
])
def test_a_bad_sale_is_refused(atelier_artist, day, works, amount, problem):
    application, _ = atelier_artist

    with pytest.raises(counting.CountingError, match=problem):
        counting.save_sale(application=application, day=day, works_sold=works, amount=amount)


def test_sales_of_an_application_that_is_not_accepted_are_refused(db):
    application = factories.make_application()

    with pytest.raises(counting.CountingError, match="accepted"):
        counting.save_sale(application=application, day=date(2017, 9, 16), works_sold=1, amount=Decimal("1"))


def test_only_the_artist_and_admins_may_edit_the_sales(atelier_artist):
    application, _ = atelier_artist

    assert counting.may_edit_sales(user=application.artist.user, application=application)
    assert counting.may_edit_sales(user=factories.make_user(roles=[Role.ADMIN]), application=application)
    assert not counting.may_edit_sales(user=factories.make_user(roles=[Role.ARTIST]), application=application)
    assert not counting.may_edit_sales(user=factories.make_user(roles=[Role.VOLUNTEER]), application=application)
    assert counting.accepted_application_of(user=application.artist.user) == application
