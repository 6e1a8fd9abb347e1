"""Counting pages: the counter and its tap API, my counters, locations and counters for the admin, the sales log."""

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from kunstvest.ateliers import counting
from kunstvest.ateliers.models import LocationAssignment, Sale, VisitLocation, VisitTap
from kunstvest.auth.models import Role
from tests import factories


pytestmark = pytest.mark.usefixtures("english")


def _page(response) -> str:
    return response.get_data(as_text=True)


def _open_today(db, *users):
    """An exhibition location open yesterday to tomorrow in Oslo, with `users` assigned."""
    today = counting.today_in_oslo()
    exhibition = factories.make_exhibition(year=today.year, opens_on=today - timedelta(days=1),
                                           closes_on=today + timedelta(days=1))
    location = factories.make_location(exhibition=exhibition, users=list(users))
    db.session.commit()
    return location


def _tap(visitors=1, **fields) -> dict:
    return {"client_id": str(uuid.uuid4()), "visitors": visitors, "tapped_at": datetime.now(UTC).isoformat(),
            **fields}


def _post_taps(client, location, *taps):
    return client.post(f"/ateliers/count/{location.id}/taps", json={"taps": list(taps)})


def _stored_total(db, location) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(VisitTap.visitors), 0))
                             .where(VisitTap.location_id == location.id))


# --- the tap API ------------------------------------------------------------------------------------------------------

def test_taps_are_counted_and_a_resent_batch_is_not_counted_again(client, db, login):
    volunteer = login(Role.VOLUNTEER)
    location = _open_today(db, volunteer)
    taps = [_tap(1), _tap(5), _tap(25, group_label="5B")]

    first = _post_taps(client, location, *taps)
    second = _post_taps(client, location, *taps)

    assert first.status_code == 200 and first.json == {"accepted": 3, "duplicates": 0, "today_total": 31}
    assert second.json == {"accepted": 0, "duplicates": 3, "today_total": 31}
    assert _stored_total(db, location) == 31


def test_undo_takes_back_only_the_users_own_last_tap_and_only_once(client, db, login):
    volunteer = login(Role.VOLUNTEER)
    location = _open_today(db, volunteer)
    first, last = _tap(1), _tap(5)
    _post_taps(client, location, first, last)

    undone = _post_taps(client, location, _tap(undoes=last["client_id"]))
    twice = _post_taps(client, location, _tap(undoes=last["client_id"]))
    earlier = _post_taps(client, location, _tap(undoes=first["client_id"]))

    assert undone.json["today_total"] == 1
    assert twice.status_code == 422 and "already undone" in twice.json["error"]
    assert earlier.status_code == 422 and "only undo your own last tap" in earlier.json["error"]
    assert _stored_total(db, location) == 1


@pytest.mark.parametrize(("tap", "problem"), [
    (_tap(-1), "whole number from 1 to 500"),
    (_tap(0), "whole number from 1 to 500"),
    (_tap(501), "whole number from 1 to 500"),
    (_tap(1, tapped_at="2017-09-16 12:00"), "time zone offset"),
    (_tap(1, tapped_at="2017-09-16T12:00:00+02:00"), "not a counting day"),
    (_tap(undoes=str(uuid.uuid4())), "not one of yours"),
])
def test_a_bad_tap_gets_a_clear_422_and_nothing_of_its_batch_is_stored(client, db, login, tap, problem):
    location = _open_today(db, login(Role.VOLUNTEER))

    response = _post_taps(client, location, _tap(1), tap)

    assert response.status_code == 422
    assert problem in response.json["error"] and response.json["error"].startswith("Tap 2")
    assert (response.json["index"], response.json["client_id"]) == (1, tap["client_id"])
    assert _stored_total(db, location) == 0


def test_a_body_without_taps_is_refused(client, db, login):
    location = _open_today(db, login(Role.VOLUNTEER))

    response = client.post(f"/ateliers/count/{location.id}/taps", data="not json",
                           content_type="application/json")

    assert response.status_code == 422 and "1 to 200 taps" in response.json["error"]


def test_a_volunteer_not_assigned_to_the_location_gets_404_for_the_page_and_the_api(client, db, login):
    location = _open_today(db, factories.make_user(roles=[Role.VOLUNTEER]))
    login(Role.VOLUNTEER)

    assert client.get(f"/ateliers/count/{location.id}").status_code == 404
    assert _post_taps(client, location, _tap()).status_code == 404
    assert _stored_total(db, location) == 0


def test_an_unknown_location_is_404(client, login):
    login(Role.VOLUNTEER)

    assert client.get("/ateliers/count/999999").status_code == 404


def test_an_admin_may_count_anywhere(client, db, login):
    login(Role.ADMIN)
    location = _open_today(db)

    assert _post_taps(client, location, _tap(2)).json["today_total"] == 2


# --- the counter page -------------------------------------------------------------------------------------------------

def test_the_counter_page_shows_todays_total_and_carries_what_the_script_needs(client, db, login):
    volunteer = login(Role.VOLUNTEER)
    location = _open_today(db, volunteer)
    _post_taps(client, location, _tap(7))

    page = _page(client.get(f"/ateliers/count/{location.id}"))

    assert '<output id="counter-total"' in page and ">7</output>" in page
    assert f'data-taps-url="/ateliers/count/{location.id}/taps"' in page
    assert "data-csrf-token=" in page and "js/counter.js" in page
    assert "Undo my last tap" in page and "Group visit" in page
    assert "<script>" not in page and "style=" not in page


def test_without_javascript_the_buttons_post_and_a_resubmitted_form_counts_once(client, db, login):
    volunteer = login(Role.VOLUNTEER)
    location = _open_today(db, volunteer)
    form = {"client_id": str(uuid.uuid4()), "visitors": "1"}

    response = client.post(f"/ateliers/count/{location.id}", data=form)
    client.post(f"/ateliers/count/{location.id}", data=form)
    client.post(f"/ateliers/count/{location.id}", data={"client_id": str(uuid.uuid4()), "visitors": "25",
                                                        "group_label": "5B"})

    assert response.status_code == 302 and response.headers["Location"].endswith(f"/ateliers/count/{location.id}")
    assert _stored_total(db, location) == 26
    page = _page(client.get(f"/ateliers/count/{location.id}"))
    last = db.session.scalar(sa.select(VisitTap).where(VisitTap.visitors == 25))
    assert f'name="undoes" value="{last.client_id}"' in page


def test_without_javascript_a_negative_number_is_refused_with_a_message(client, db, login):
    location = _open_today(db, login(Role.VOLUNTEER))

    response = client.post(f"/ateliers/count/{location.id}", data={"client_id": str(uuid.uuid4()),
                                                                   "visitors": "-4"}, follow_redirects=True)

    assert "from 1 to 500" in _page(response)
    assert _stored_total(db, location) == 0


def test_the_counter_warns_when_today_is_not_a_counting_day(client, db, login):
    volunteer = login(Role.VOLUNTEER)
    location = factories.make_location(exhibition=factories.make_exhibition(year=2017), users=[volunteer])
    db.session.commit()

    assert "not a counting day" in _page(client.get(f"/ateliers/count/{location.id}"))


def test_my_counters_lists_only_my_locations(client, db, login):
    volunteer = login(Role.VOLUNTEER)
    mine = _open_today(db, volunteer)
    atelier = factories.make_atelier(open_ateliers=factories.make_open_ateliers(year=2016), name="Not mine")
    factories.make_location(atelier=atelier)
    db.session.commit()

    page = _page(client.get("/ateliers/count"))

    assert f"/ateliers/count/{mine.id}" in page and "Not mine" not in page


# --- locations and counters (admin) -----------------------------------------------------------------------------------

def test_the_admin_makes_the_locations_and_assigns_and_removes_a_volunteer(client, db, login):
    login(Role.ADMIN)
    applications = factories.make_accepted_applications(count=1)
    season = applications[0].call.season
    factories.make_exhibition(season=season)
    factories.make_atelier(open_ateliers=factories.make_open_ateliers(season=season), applications=applications,
                           name="Tollboden")
    volunteer = factories.make_user(roles=[Role.VOLUNTEER], full_name="Vera Frivillig")
    db.session.commit()

    client.post("/ateliers/admin/2017/locations/sync")
    location = db.session.scalar(sa.select(VisitLocation).where(VisitLocation.name == "Tollboden"))
    page = _page(client.get("/ateliers/admin/2017/locations"))
    assert "Tollboden" in page and applications[0].artist.user.full_name in page and "Vera Frivillig" in page

    client.post("/ateliers/admin/2017/counters", data={"location_id": location.id, "user_id": volunteer.id})
    assert db.session.get(LocationAssignment, (location.id, volunteer.id)) is not None

    client.post(f"/ateliers/admin/locations/{location.id}/counters/{volunteer.id}/remove")
    db.session.expire_all()
    assert db.session.get(LocationAssignment, (location.id, volunteer.id)) is None


def test_only_volunteers_are_offered_for_assignment(client, db, login):
    login(Role.ADMIN)
    location = factories.make_location(exhibition=factories.make_exhibition(year=2017))
    juror = factories.make_user(roles=[Role.JURY])
    db.session.commit()

    response = client.post("/ateliers/admin/2017/counters", data={"location_id": location.id, "user_id": juror.id},
                           follow_redirects=True)

    assert "volunteer role" in _page(response)
    assert db.session.get(LocationAssignment, (location.id, juror.id)) is None


def test_the_locations_page_keeps_a_flat_query_count(client, db, login, count_queries):
    login(Role.ADMIN)
    open_ateliers = factories.make_open_ateliers(year=2017)
    volunteers = [factories.make_user(roles=[Role.VOLUNTEER]) for _ in range(3)]

    def grow(count: int):
        for _ in range(count):
            factories.make_location(atelier=factories.make_atelier(open_ateliers=open_ateliers), users=volunteers)
        db.session.commit()

    grow(2)
    with count_queries() as small:
        assert client.get("/ateliers/admin/2017/locations").status_code == 200
    grow(20)
    with count_queries() as large:
        page = _page(client.get("/ateliers/admin/2017/locations"))

    assert page.count("/counters/") == 22 * 3
    assert large.count == small.count


# --- sales ------------------------------------------------------------------------------------------------------------

@pytest.fixture
def artist_with_atelier(db):
    """An accepted artist (with a login) showing at an atelier on the four 2017 weekend days."""
    application = factories.make_accepted_applications(count=1)[0]
    season = application.call.season
    factories.make_atelier(open_ateliers=factories.make_open_ateliers(season=season), applications=[application])
    db.session.commit()
    return application


def _sales_form(days: dict[date, tuple[str, str, str]]) -> dict:
    form = {}
    for index, (day, (works, amount, note)) in enumerate(days.items()):
        form.update({f"days-{index}-day": day.isoformat(), f"days-{index}-works_sold": works,
                     f"days-{index}-amount": amount, f"days-{index}-note": note})
    return form


WEEKEND = [date(2017, 9, day) for day in (16, 17, 23, 24)]


def test_the_artist_logs_sales_for_each_day(client, db, artist_with_atelier):
    application = artist_with_atelier
    with client.session_transaction() as session:
        session["_user_id"] = application.artist.user.get_id()

    page = _page(client.get("/ateliers/my/sales"))
    assert page.count('name="days-') == 4 * 4 and "Works sold on" in page
    response = client.post("/ateliers/my/sales", data=_sales_form({
        WEEKEND[0]: ("2", "14500.50", "Olje"), WEEKEND[1]: ("0", "0", ""), WEEKEND[2]: ("1", "3000", ""),
        WEEKEND[3]: ("0", "0", "")}))

    assert response.status_code == 302
    db.session.rollback()
    sales = {sale.day: (sale.works_sold, sale.amount) for sale in db.session.scalars(sa.select(Sale))}
    assert sales == {WEEKEND[0]: (2, Decimal("14500.50")), WEEKEND[2]: (1, Decimal("3000.00"))}


def test_negative_sales_are_refused_with_a_message(client, db, artist_with_atelier):
    application = artist_with_atelier
    with client.session_transaction() as session:
        session["_user_id"] = application.artist.user.get_id()

    response = client.post("/ateliers/my/sales", data=_sales_form({
        WEEKEND[0]: ("-1", "100", ""), WEEKEND[1]: ("0", "-5", ""), WEEKEND[2]: ("0", "0", ""),
        WEEKEND[3]: ("0", "0", "")}))

    assert response.status_code == 200
    page = _page(response)
    assert page.count("the number cannot be negative") == 2
    assert "Works sold on Saturday 16 September: the number cannot be negative" in page
    assert db.session.scalar(sa.select(sa.func.count(Sale.id))) == 0


def test_an_artist_without_an_accepted_application_has_no_sales_to_log(client, login):
    login(Role.ARTIST)

    assert "no accepted application" in _page(client.get("/ateliers/my/sales"))


def test_an_admin_edits_any_artists_sales_and_other_artists_cannot(client, db, login, artist_with_atelier):
    application = artist_with_atelier
    login(Role.ARTIST)
    assert client.get(f"/ateliers/admin/sales/{application.id}").status_code == 403
    login(Role.ADMIN)

    index = _page(client.get("/ateliers/admin/2017/sales"))
    response = client.post(f"/ateliers/admin/sales/{application.id}", data=_sales_form(
        dict.fromkeys(WEEKEND, ("1", "500", ""))))

    assert application.artist.name in index
    assert response.status_code == 302
    assert counting.sales_totals(application_ids=[application.id]) == {application.id: (4, Decimal("2000.00"))}
