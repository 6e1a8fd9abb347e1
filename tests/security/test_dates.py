"""Dates lie where they belong: every date field reads 16.09.2018 as typed and refuses far dates and dates outside
its season with a message naming the field and the bounds; a far date already stored breaks no page and no feed."""

import re
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
import sqlalchemy as sa

from kunstvest.auth.models import Role
from kunstvest.budget.models import BudgetCategory, ResultCoverage, Transaction
from kunstvest.exhibitions.models import EventKind as ProgrammeKind
from kunstvest.exhibitions.models import Exhibition, Funding, ProgrammeEvent
from kunstvest.extensions import db as _db
from kunstvest.orchestra import events
from kunstvest.orchestra.models import EventKind, OrchestraEvent
from kunstvest.reference.services import ensure_season
from tests import factories


pytestmark = pytest.mark.usefixtures("english")


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _exhibition_form(**changes) -> dict:
    form = {"title": "Kunst rett vest 2018", "host_municipality_id": "", "host_status": "in_talks",
            "host_contribution": "500000", "venue_id": "", "opens_on": "06.09.2018", "closes_on": "23.09.2018",
            "description": ""}
    form |= {f"hours-{day}-{edge}": "" for day in range(7) for edge in ("opens", "closes")}
    return form | changes


def test_an_exhibition_takes_dates_typed_the_norwegian_way_and_refuses_another_year(client, db, login):
    login(Role.ADMIN)
    project = factories.make_project(code="kunst-rett-vest", name="Kunst rett vest")
    db.session.commit()

    refused = client.post("/exhibitions/admin/new", data=_exhibition_form(
        project_id=project.id, year="2018", opens_on="06.09.2026", closes_on="23.09.2026"))
    assert refused.status_code == 200
    assert ("Opens on: choose a date between 1/1/18 and 12/31/18 (the exhibition of 2018)." in _text(refused))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Exhibition)) == 0

    saved = client.post("/exhibitions/admin/new", data=_exhibition_form(project_id=project.id, year="2018"))
    assert saved.status_code == 302
    exhibition = db.session.scalar(sa.select(Exhibition))
    assert (exhibition.opens_on, exhibition.closes_on) == (date(2018, 9, 6), date(2018, 9, 23))

    edit = f"/exhibitions/admin/{exhibition.id}/edit"
    moved = client.post(edit, data=_exhibition_form(opens_on="2019-09-06", closes_on="2019-09-23"))
    assert "(the exhibition of 2018)" in _text(moved), "editing keeps the season's year although the year is fixed"
    db.session.refresh(exhibition)
    assert exhibition.opens_on == date(2018, 9, 6)


@pytest.mark.parametrize("far", ["9999-12-31", "0001-01-01", "31.12.9999", "01.01.1899"])
def test_far_dates_are_refused_in_every_kind_of_date_field(client, db, login, far):
    login(Role.ADMIN)
    exhibition = factories.make_exhibition(year=2017)
    db.session.commit()
    response = client.post(f"/exhibitions/admin/{exhibition.id}/programme/new", data={
        "kind": "talk", "title": "Talk", "day": far, "starts": "13:00", "ends": "14:00", "language": "nb"})
    assert response.status_code == 200
    assert "Date: choose a date between 1/1/17 and 12/31/17 (the exhibition of 2017)." in _text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgrammeEvent)) == 0


def test_an_orchestra_event_outside_its_season_is_refused_in_the_form_and_the_service(client, db, login):
    login(Role.ORCHESTRA_STAFF)
    orchestra_season = factories.make_orchestra_season(year=2018, starts_on=date(2018, 1, 1),
                                                       ends_on=date(2018, 12, 31))
    db.session.commit()
    url = f"/orchestra/staff/seasons/{orchestra_season.id}/events/new"
    fields = {"kind": "concert", "title": "Vårkonsert", "venue_id": "0", "place": "Asker kulturhus",
              "description": ""}

    refused = client.post(url, data=fields | {"starts_on": "22.04.2027", "ends_on": "22.04.2027"})
    assert refused.status_code == 200
    assert "First day: choose a date between 1/1/18 and 12/31/18 (the season 2018)." in _text(refused)
    with pytest.raises(events.EventError, match="within the season 2018"):
        events.save_event(orchestra_season=orchestra_season, kind=EventKind.CONCERT, title="Vårkonsert",
                          starts_on=date(2027, 4, 22), ends_on=date(2027, 4, 22), place="Asker kulturhus")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OrchestraEvent)) == 0

    saved = client.post(url, data=fields | {"starts_on": "22.04.2018", "ends_on": "22.04.2018"})
    assert saved.status_code == 302
    assert db.session.scalar(sa.select(OrchestraEvent.starts_on)) == date(2018, 4, 22)


def test_funding_is_received_in_its_budget_year(client, db, login):
    login(Role.ADMIN)
    project = factories.make_project(code="kunst-rett-vest", name="Kunst rett vest")
    exhibition = factories.make_exhibition(season=ensure_season(project=project, year=2017))
    line = factories.make_budget_line(project=project, year=2017, category=BudgetCategory.FOUNDATION,
                                      name="Sparebankstiftelsen")
    db.session.commit()

    response = client.post(f"/exhibitions/admin/{exhibition.id}", data={
        "funder": "Sparebankstiftelsen", "amount": "75 000", "budget_line_id": line.id, "received_on": "01.03.2019",
        "confirm_booking": "yes"})
    assert "Received on: choose a date between 1/1/17 and 12/31/17 (the budget of 2017)." in _text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Funding)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Transaction)) == 0


def test_decisions_on_a_budget_are_dated_in_the_years_they_can_be_taken(client, db, login):
    login(Role.ADMIN)
    line = factories.make_budget_line(year=2017)
    db.session.commit()
    url = f"/budget/results/{line.project_id}/2017"
    fields = {"amount": "223 707", "settled_by": "Disposisjonsfond", "decision_reference": "sak 10/2018"}

    refused = client.post(url, data=fields | {"decided_on": "15.03.2030"})
    assert "choose a date between 1/1/17 and 12/31/19 (settling the result of 2017)" in _text(refused)
    assert client.post(url, data=fields | {"decided_on": "15.03.2018"}).status_code == 302
    coverage = db.session.scalar(sa.select(ResultCoverage))
    assert (coverage.amount, coverage.decided_on) == (Decimal("223707.00"), date(2018, 3, 15))


def test_a_far_date_already_stored_breaks_no_feed_and_no_page(client, db, login):
    """Stored before the bounds (or by hand in the database): the calendars and plans still answer."""
    orchestra_season = factories.make_orchestra_season(year=2017)
    exhibition = factories.make_exhibition(year=2017)
    for day in (date.max, date.min):
        _db.session.add(OrchestraEvent(orchestra_season=orchestra_season, kind=EventKind.CONCERT, title=f"{day}",
                                       starts_on=day, ends_on=day, place="Asker", is_public=True))
    _db.session.add(ProgrammeEvent(exhibition=exhibition, kind=ProgrammeKind.TALK, title="Far", language="nb",
                                   starts_at=datetime.combine(date(2017, 9, 9), time(11), UTC),
                                   ends_at=datetime.combine(date.max, time(11), UTC)))
    db.session.commit()

    assert client.get("/orchestra/calendar.ics").status_code == 200
    assert client.get("/exhibitions/2017/programme.ics").status_code == 200
    assert client.get("/exhibitions/2017/programme").status_code == 200
    login(Role.ORCHESTRA_STAFF)
    assert client.get(f"/orchestra/staff/seasons/{orchestra_season.id}/events").status_code == 200
