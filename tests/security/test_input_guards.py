"""The request guards: ids and years a column can hold, no NUL characters, no JSON nested beyond the parser."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from kunstvest.ateliers import counting
from kunstvest.ateliers.models import VisitTap
from kunstvest.auth.models import Role
from kunstvest.reference.models import Municipality
from tests import factories


pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize("url", ["/exhibitions/2147483648/catalogue", "/exhibitions/9223372036854775808/catalogue",
                                 "/exhibitions/100000000000000000000/catalogue", "/exhibitions/-1/catalogue"])
def test_an_id_no_column_can_hold_is_a_404(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("year", ["0", "1999", "10000", "2147483648"])
def test_a_report_for_a_year_out_of_range_is_a_404(client, login, year):
    login(Role.ADMIN)
    line = factories.make_budget_line()
    assert client.get(f"/budget/reports/{line.project_id}/{year}/budget-vs-actual.html").status_code == 404
    assert client.get(f"/budget/reports/{year}/annual-report.html").status_code == 404


def test_a_huge_year_or_page_in_the_query_string_is_ignored(client, login):
    login(Role.ADMIN)
    assert client.get("/budget/?year=99999999999999999999").status_code == 200
    assert client.get("/admin/users?page=99999999999999999999").status_code == 200


def test_a_nul_character_is_refused_with_a_message_before_it_reaches_the_database(client, db, login):
    login(Role.ADMIN)
    municipality = factories.make_municipality(name="Lier")
    db.session.commit()

    searched = client.get("/admin/users", query_string={"q": "kari\x00"})
    posted = client.post(f"/reference/municipalities/{municipality.id}/edit",
                         data={"number": "3049", "name": "Lier\x00", "inhabitants": "26000"})

    assert searched.status_code == posted.status_code == 400
    assert "NUL character" in posted.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(sa.select(Municipality.name).where(Municipality.id == municipality.id)) == "Lier"


def _open_location(db, user):
    today = counting.today_in_oslo()
    exhibition = factories.make_exhibition(year=today.year, opens_on=today - timedelta(days=1),
                                           closes_on=today + timedelta(days=1))
    location = factories.make_location(exhibition=exhibition, users=[user])
    db.session.commit()
    return location


def _stored(db) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(VisitTap))


def test_a_body_nested_5000_arrays_deep_is_a_400(client, db, login):
    location = _open_location(db, login(Role.VOLUNTEER))
    body = '{"taps": ' + "[" * 5000 + "]" * 5000 + "}"

    response = client.post(f"/ateliers/count/{location.id}/taps", data=body, content_type="application/json")

    assert response.status_code in (400, 422)
    assert _stored(db) == 0


@pytest.mark.parametrize("tapped_at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00",
                                       "1900-01-01T00:00:00+01:00"])
def test_a_tap_at_a_time_outside_the_calendar_is_refused(client, db, login, tapped_at):
    location = _open_location(db, login(Role.VOLUNTEER))
    tap = {"client_id": str(uuid.uuid4()), "visitors": 1, "tapped_at": tapped_at}

    response = client.post(f"/ateliers/count/{location.id}/taps", json={"taps": [tap]})

    assert response.status_code == 422 and "time zone offset" in response.json["error"]
    assert _stored(db) == 0


def test_a_group_label_with_a_nul_character_is_refused(client, db, login):
    location = _open_location(db, login(Role.VOLUNTEER))
    tap = {"client_id": str(uuid.uuid4()), "visitors": 30, "tapped_at": datetime.now(UTC).isoformat(),
           "group_label": "5B\x00"}

    response = client.post(f"/ateliers/count/{location.id}/taps", json={"taps": [tap]})

    assert response.status_code == 422 and "group label" in response.json["error"]
    assert _stored(db) == 0
