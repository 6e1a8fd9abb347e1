"""The side programme through the test client: the admin's pages, the public programme, sign-up, cancel links, iCal."""

import re
import secrets
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from kunstvest.auth.models import Role
from kunstvest.common.outbox import OutboxMessage
from kunstvest.exhibitions import programme
from kunstvest.exhibitions.models import EventKind, ProgrammeEvent, Signup, SignupStatus
from tests import factories

YEAR = datetime.now(UTC).year + 1


pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def exhibition(db):
    """Next season's exhibition, 7–24 September, committed."""
    exhibition = factories.make_exhibition(year=YEAR, title=f"Kunst rett vest {YEAR}")
    db.session.commit()
    return exhibition


def make_event(db, exhibition, *, title="Guided tour", capacity=12, has_signup=True, day=None, starts=time(12),
               ends=time(13), kind=EventKind.GUIDED_TOUR, language="nb", place="Main hall"):
    event = programme.save_event(exhibition=exhibition, kind=kind, title=title, description="About the works.",
                                 day=day or exhibition.opens_on, starts=starts, ends=ends, place=place,
                                 language=language, capacity=capacity, has_signup=has_signup)
    db.session.commit()
    return event


def _page(response) -> str:
    return response.get_data(as_text=True)


def _text(response) -> str:
    """The page's text without tags and with collapsed white space."""
    return " ".join(re.sub(r"<[^>]+>", " ", _page(response)).split())


def _sign_up(client, event, *, name="Anna Aas", email="anna@example.org", seats=1):
    prefix = f"event-{event.id}-"
    return client.post(f"/exhibitions/events/{event.id}/sign-up",
                       data={prefix + "name": name, prefix + "email": email, prefix + "seats": seats})


def _outbox(db) -> list[tuple[str, str]]:
    db.session.expire_all()
    return [tuple(row) for row in db.session.execute(
        sa.select(OutboxMessage.recipient, OutboxMessage.template).order_by(OutboxMessage.id))]


def _status(db, signup_id) -> SignupStatus:
    db.session.expire_all()
    return db.session.get(Signup, signup_id).status


# --- the public programme ---------------------------------------------------------------------------------------------

def test_programme_page_lists_events_by_day_with_seats(client, db, exhibition):
    tour = make_event(db, exhibition, title="Tour in Polish", language="pl", day=date(YEAR, 9, 9),
                      starts=time(13), ends=time(14), place="The entrance")
    full = make_event(db, exhibition, title="Clay workshop", kind=EventKind.WORKSHOP, capacity=2,
                      day=date(YEAR, 9, 8), starts=time(11), ends=time(13, 30))
    programme.sign_up(event=full, name="Anna", email="anna@example.org", seats=2)
    yoga = make_event(db, exhibition, title="Morning yoga", kind=EventKind.YOGA, has_signup=False, capacity=None,
                      day=date(YEAR, 9, 9), starts=time(9), ends=time(10))
    programme.cancel_event(event=yoga, actor=factories.make_user(roles=[Role.ADMIN]))
    db.session.commit()

    response = client.get(f"/exhibitions/{YEAR}/programme")

    assert response.status_code == 200
    text = _text(response)
    saturday, sunday = text.index(f"September 8, {YEAR}"), text.index(f"September 9, {YEAR}")
    assert saturday < text.index("Clay workshop") < sunday < text.index("Morning yoga") < text.index("Tour in Polish")
    assert "13:00 – 14:00 · Guided tour · The entrance · In Polish" in text
    assert "11:00 – 13:30 · Workshop" in text
    assert "12 seats left" in text
    assert "full – waiting list" in text
    assert "Cancelled Morning yoga" in text and "This event is cancelled." in text
    assert f'id="event-{tour.id}"' in _page(response)
    assert f"/exhibitions/events/{tour.id}/sign-up" in _page(response)
    assert f"/exhibitions/events/{yoga.id}/sign-up" not in _page(response)


def test_programme_page_is_404_without_an_exhibition(client, db, exhibition):
    assert client.get(f"/exhibitions/{YEAR + 1}/programme").status_code == 404
    assert client.get(f"/exhibitions/{YEAR + 1}/programme.ics").status_code == 404


def _bulk_programme(db, exhibition, count: int) -> None:
    """`count` sign-up events spread over the exhibition's days, each with three sign-ups, inserted in bulk."""
    first = datetime.combine(exhibition.opens_on, time(10), tzinfo=UTC)
    db.session.execute(sa.insert(ProgrammeEvent), [{
        "exhibition_id": exhibition.id, "kind": EventKind.TALK, "title": f"Talk {number}", "description": "",
        "starts_at": first + timedelta(days=number % 14, hours=number % 5),
        "ends_at": first + timedelta(days=number % 14, hours=number % 5 + 1), "place": "Hall",
        "language": "en" if number % 2 else "nb", "capacity": 5, "has_signup": True,
    } for number in range(count)])
    event_ids = db.session.scalars(sa.select(ProgrammeEvent.id)).all()
    db.session.execute(sa.insert(Signup), [{
        "event_id": event_id, "name": f"Guest {n}", "email": f"guest{n}-{event_id}@example.org", "seats": 2,
        "status": SignupStatus.CONFIRMED if n < 2 else SignupStatus.WAITLISTED, "token": secrets.token_urlsafe(16),
    } for event_id in event_ids for n in range(3)])
    db.session.commit()


def test_programme_page_query_count_is_flat(client, db, exhibition, count_queries):
    def queries_for(total: int) -> int:
        existing = db.session.scalar(sa.select(sa.func.count()).select_from(ProgrammeEvent))
        _bulk_programme(db, exhibition, total - existing)
        with count_queries() as counter:
            response = client.get(f"/exhibitions/{YEAR}/programme")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count('<li id="event-') == total
        return counter.count

    small, large = queries_for(5), queries_for(60)
    assert small == large


# --- sign-up ----------------------------------------------------------------------------------------------------------

def test_sign_up_confirms_then_waitlists_and_mails_each_person(client, db, exhibition):
    event = make_event(db, exhibition, capacity=3)

    response = _sign_up(client, event, seats=2)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/exhibitions/{YEAR}/programme#event-{event.id}")
    assert "You are signed up for Guided tour" in _text(client.get(response.headers["Location"]))

    response = _sign_up(client, event, name="Bjørn Berg", email="bjorn@example.org", seats=2)
    assert "you are on the waiting list" in _text(client.get(response.headers["Location"]))

    statuses = {signup.email: signup.status for signup in db.session.scalars(sa.select(Signup))}
    assert statuses == {"anna@example.org": SignupStatus.CONFIRMED, "bjorn@example.org": SignupStatus.WAITLISTED}
    assert _outbox(db) == [("anna@example.org", "signup_confirmed"), ("bjorn@example.org", "signup_waitlisted")]
    assert "1 seat left" in _text(client.get(f"/exhibitions/{YEAR}/programme"))


def test_a_second_sign_up_with_the_same_email_is_refused_with_a_message(client, db, exhibition):
    event = make_event(db, exhibition)
    _sign_up(client, event)

    response = _sign_up(client, event, name="Anna again", email="Anna@Example.org", seats=3)

    assert response.status_code == 409
    assert "Anna@Example.org is already signed up for this event." in _text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Signup)) == 1
    assert len(_outbox(db)) == 1


def test_sign_up_form_errors_are_shown_at_the_event(client, db, exhibition):
    event = make_event(db, exhibition)

    response = _sign_up(client, event, seats=11, email="not-an-email")

    assert response.status_code == 400
    page = _page(response)
    assert "Seats: must be between 1 and 10" in page
    assert f'id="event-{event.id}-seats-error"' in page
    assert "<details open>" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Signup)) == 0


def test_sign_up_for_an_event_without_sign_up_is_404(client, db, exhibition):
    event = make_event(db, exhibition, has_signup=False, capacity=None)
    assert _sign_up(client, event).status_code == 404
    assert client.post("/exhibitions/events/999999/sign-up").status_code == 404


# --- the cancel link --------------------------------------------------------------------------------------------------

def test_cancel_link_shows_the_sign_up_then_cancels_and_promotes(client, db, exhibition):
    event = make_event(db, exhibition, capacity=2)
    anna = programme.sign_up(event=event, name="Anna Aas", email="anna@example.org", seats=2)
    bjorn = programme.sign_up(event=event, name="Bjørn Berg", email="bjorn@example.org", seats=1)
    db.session.commit()
    link = f"/exhibitions/signups/{anna.token}"
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.recipient == "anna@example.org"))
    assert link in message.body_text

    page = client.get(link)
    assert page.status_code == 200
    assert "Anna Aas" in _text(page) and "Guided tour" in _text(page) and "Yes, cancel my sign-up" in _text(page)
    assert _status(db, anna.id) == SignupStatus.CONFIRMED

    response = client.post(link)
    assert response.status_code == 302
    assert _status(db, anna.id) == SignupStatus.CANCELLED
    assert _status(db, bjorn.id) == SignupStatus.CONFIRMED
    assert _outbox(db)[-1] == ("bjorn@example.org", "signup_promoted")

    assert client.get(link).status_code == 404
    assert client.post(link).status_code == 404


def test_unknown_cancel_token_is_404(client, db, exhibition):
    assert client.get("/exhibitions/signups/not-a-token").status_code == 404
    assert client.post("/exhibitions/signups/not-a-token").status_code == 404


# --- admin ------------------------------------------------------------------------------------------------------------

def test_admin_pages_are_for_admins_only(client, db, exhibition, login):
    event = make_event(db, exhibition)
    login(Role.VOLUNTEER)
    assert client.get(f"/exhibitions/admin/{exhibition.id}/programme").status_code == 403
    assert client.get(f"/exhibitions/admin/events/{event.id}/signups").status_code == 403
    assert client.post(f"/exhibitions/admin/events/{event.id}/cancel").status_code == 403


def test_admin_creates_an_event_in_norwegian_time(client, db, exhibition, login):
    login(Role.ADMIN)
    form = client.get(f"/exhibitions/admin/{exhibition.id}/programme/new")
    assert form.status_code == 200
    assert '<option value="pl">Polish</option>' in _page(form)

    response = client.post(f"/exhibitions/admin/{exhibition.id}/programme/new", data={
        "kind": "guided_tour", "title": "Tour in Polish", "description": "", "day": f"{YEAR}-09-09",
        "starts": "13:00", "ends": "14:00", "place": "Entrance", "language": "pl", "capacity": "15",
        "has_signup": "y"})

    assert response.status_code == 302
    event = db.session.scalar(sa.select(ProgrammeEvent))
    assert event.starts_at == datetime(YEAR, 9, 9, 11, tzinfo=UTC)
    assert (event.language, event.capacity, event.has_signup) == ("pl", 15, True)
    listing = _text(client.get(f"/exhibitions/admin/{exhibition.id}/programme"))
    assert "13:00–14:00 Tour in Polish Guided tour Entrance Polish 0 of 15 seats" in listing


def test_admin_event_form_shows_rule_errors(client, db, exhibition, login):
    login(Role.ADMIN)
    base = {"kind": "talk", "title": "Talk", "day": f"{YEAR}-09-09", "starts": "13:00", "ends": "14:00",
            "language": "nb"}

    no_capacity = client.post(f"/exhibitions/admin/{exhibition.id}/programme/new", data=base | {"has_signup": "y"})
    assert "Sign-up needs a capacity." in _text(no_capacity)
    outside = client.post(f"/exhibitions/admin/{exhibition.id}/programme/new", data=base | {"day": f"{YEAR}-10-01"})
    assert "while the exhibition is open" in _text(outside)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgrammeEvent)) == 0


def test_admin_edits_an_event_and_the_form_shows_norwegian_time(client, db, exhibition, login):
    event = make_event(db, exhibition, starts=time(18, 30), ends=time(20))
    login(Role.ADMIN)
    page = _page(client.get(f"/exhibitions/admin/events/{event.id}/edit"))
    assert 'value="18:30"' in page and f'value="{exhibition.opens_on.isoformat()}"' in page

    client.post(f"/exhibitions/admin/events/{event.id}/edit", data={
        "kind": "talk", "title": "Artist talk", "day": exhibition.opens_on.isoformat(), "starts": "19:00",
        "ends": "20:00", "language": "en", "capacity": "30", "has_signup": "y"})

    db.session.expire_all()
    assert (event.title, event.kind, event.capacity) == ("Artist talk", EventKind.TALK, 30)
    assert event.starts_at.astimezone(programme.OSLO).time() == time(19)


def test_admin_sees_sign_ups_with_waiting_list_places_and_cancels_one(client, db, exhibition, login):
    event = make_event(db, exhibition, capacity=2)
    anna = programme.sign_up(event=event, name="Anna Aas", email="anna@example.org", seats=2)
    programme.sign_up(event=event, name="Bjørn Berg", email="bjorn@example.org", seats=2)
    programme.sign_up(event=event, name="Cecilie Dahl", email="cecilie@example.org", seats=1)
    db.session.commit()
    login(Role.ADMIN)

    text = _text(client.get(f"/exhibitions/admin/events/{event.id}/signups"))
    assert "Bjørn Berg bjorn@example.org 2 waiting list 1" in text
    assert "Cecilie Dahl cecilie@example.org 1 waiting list 2" in text

    response = client.post(f"/exhibitions/admin/signups/{anna.id}/cancel")
    assert response.status_code == 302
    assert _outbox(db)[-2:] == [("anna@example.org", "signup_cancelled"), ("bjorn@example.org", "signup_promoted")]
    text = _text(client.get(response.headers["Location"]))
    assert "Cecilie Dahl cecilie@example.org 1 waiting list 1" in text


def test_admin_cancels_an_event_and_everyone_active_is_emailed(client, db, exhibition, login):
    event = make_event(db, exhibition, capacity=1)
    for name in ("anna", "bjorn", "cecilie"):
        programme.sign_up(event=event, name=name.title(), email=f"{name}@example.org", seats=1)
    db.session.commit()
    login(Role.ADMIN)

    unconfirmed = client.post(f"/exhibitions/admin/events/{event.id}/cancel")
    assert "Tick the box" in _text(client.get(unconfirmed.headers["Location"]))
    db.session.expire_all()
    assert not event.is_cancelled and _outbox(db)[-1][1] != "signup_event_cancelled"

    response = client.post(f"/exhibitions/admin/events/{event.id}/cancel", data={"is_confirmed": "y"})

    assert response.status_code == 302
    cancelled = [row for row in _outbox(db) if row[1] == "signup_event_cancelled"]
    assert cancelled == [("anna@example.org", "signup_event_cancelled"), ("bjorn@example.org",
                         "signup_event_cancelled"), ("cecilie@example.org", "signup_event_cancelled")]
    assert "3 people signed up have been emailed" in _text(client.get(response.headers["Location"]))
    assert "Cancelled" in _text(client.get(f"/exhibitions/{YEAR}/programme"))


# --- iCal -------------------------------------------------------------------------------------------------------------

def test_ical_feed_is_text_calendar_and_parses_back(client, db, exhibition):
    talk = make_event(db, exhibition, title="Artist talk", kind=EventKind.TALK, day=date(YEAR, 9, 12),
                      starts=time(18), ends=time(19, 30), place="Café")
    cancelled = make_event(db, exhibition, title="Yoga", kind=EventKind.YOGA, has_signup=False, capacity=None)
    programme.cancel_event(event=cancelled, actor=factories.make_user(roles=[Role.ADMIN]))
    db.session.commit()

    response = client.get(f"/exhibitions/{YEAR}/programme.ics")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    entries = {str(entry["uid"]): entry for entry in Calendar.from_ical(response.data).walk("VEVENT")}
    assert set(entries) == {f"programme-event-{talk.id}@kunstvest", f"programme-event-{cancelled.id}@kunstvest"}
    parsed = entries[f"programme-event-{talk.id}@kunstvest"]
    assert (str(parsed["summary"]), str(parsed["location"])) == ("Artist talk", "Café")
    assert parsed.decoded("dtstart") == datetime(YEAR, 9, 12, 16, tzinfo=UTC)
    assert str(entries[f"programme-event-{cancelled.id}@kunstvest"]["status"]) == "CANCELLED"
    assert b"DTSTART:" in response.data and b"Z\r\n" in response.data
