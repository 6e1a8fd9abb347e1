"""The season plan's pages through the test client: staff editing, fees, replies, attendance on a phone,
calendars, messages, and flat query counts."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from kunstvest.auth.models import Role
from kunstvest.budget.models import BudgetCategory, Transaction
from kunstvest.common.audit import AuditEvent
from kunstvest.common.formatting import money
from kunstvest.common.outbox import OutboxMessage
from kunstvest.orchestra import events
from kunstvest.orchestra.models import (Attendance, AttendanceStatus, CalendarLink, Child, Enrolment,
                                        EnrolmentStatus, EventKind, EventStaff, Group, OrchestraEvent, Reply,
                                        Section, StaffRole)
from tests import factories


pytestmark = pytest.mark.usefixtures("english")


def _page(response) -> str:
    return response.get_data(as_text=True)


def _section(db, code: str) -> Section:
    return db.session.scalar(sa.select(Section).where(Section.code == code))


def _event(orchestra_season, *, kind=EventKind.REHEARSAL_WEEKEND, starts_on, days=2, **fields):
    return events.save_event(orchestra_season=orchestra_season, kind=kind, title=fields.pop("title", str(kind)),
                             starts_on=starts_on, ends_on=starts_on + timedelta(days=days - 1),
                             venue=factories.make_venue(), **fields)


def _member(orchestra_season, *, guardians=(), **child_fields):
    child = factories.make_child(guardians=guardians, **child_fields)
    factories.make_enrolment(orchestra_season=orchestra_season, child=child)
    return child


def _coming_season():
    """A season running now, so that its events are in the future for the guardians' pages."""
    today = events.today_in_oslo()
    return factories.make_orchestra_season(year=today.year, starts_on=today - timedelta(days=30),
                                           ends_on=today + timedelta(days=300)), today


# --- the season plan --------------------------------------------------------------------------------------------------

def test_staff_create_an_event_and_see_it_in_the_season_plan(client, db, login):
    login(Role.ORCHESTRA_STAFF)
    orchestra_season = factories.make_orchestra_season()
    venue = factories.make_venue(name="Asker kulturhus")
    db.session.commit()
    url = f"/orchestra/staff/seasons/{orchestra_season.id}/events/new"
    assert "Asker kulturhus" in _page(client.get(url))
    response = client.post(url, data={
        "kind": "concert", "title": "Vårkonsert", "starts_on": "2018-04-22", "ends_on": "2018-04-22",
        "venue_id": str(venue.id), "place": "", "description": "Grieg", "reply_deadline": "2018-04-01",
        "is_public": "y"})
    assert response.status_code == 302
    event = db.session.scalar(sa.select(OrchestraEvent))
    assert (event.title, event.kind, event.venue_id, event.is_public) == ("Vårkonsert", EventKind.CONCERT,
                                                                          venue.id, True)
    plan = _page(client.get(f"/orchestra/staff/seasons/{orchestra_season.id}/events"))
    assert "Vårkonsert" in plan and f"/orchestra/staff/events/{event.id}" in plan

    response = client.post(f"/orchestra/staff/events/{event.id}/edit", data={
        "kind": "concert", "title": "Vårkonsert", "starts_on": "2018-04-22", "ends_on": "2018-04-22",
        "venue_id": "0", "place": "", "reply_deadline": "2018-04-01"})
    assert response.status_code == 200 and "Choose a venue or write the place." in _page(response)


def test_staff_build_the_schedule_and_book_fees_once(client, db, login):
    login(Role.ORCHESTRA_STAFF)
    orchestra_season = factories.make_orchestra_season()
    line = factories.make_budget_line(project=orchestra_season.season.project, year=2017,
                                      category=BudgetCategory.TUTOR_FEES, name="Honorar instruktører")
    event = _event(orchestra_season, starts_on=date(2017, 10, 14))
    tutor_user = factories.make_user(email="tutor@example.org")
    db.session.commit()

    page = _page(client.get(f"/orchestra/staff/events/{event.id}"))
    assert "Honorar instruktører" in page
    viola = _section(db, "viola")
    response = client.post(f"/orchestra/staff/events/{event.id}/staff", data={
        "staff-name": "Vera Bratsj", "staff-email": "TUTOR@example.org", "staff-role": "section_tutor",
        "staff-section_id": str(viola.id), "staff-fee": "3500", "staff-budget_line_id": str(line.id)})
    assert response.status_code == 302
    staff = db.session.scalar(sa.select(EventStaff))
    assert (staff.user_id, staff.section_id, staff.fee) == (tutor_user.id, viola.id, Decimal("3500.00"))

    response = client.post(f"/orchestra/staff/events/{event.id}/sessions", data={
        "session-kind": "sectional", "session-day": "2017-10-15", "session-starts": "10:00",
        "session-ends": "12:30", "session-room": "Aula", "session-section_ids": [str(viola.id)],
        "session-tutor_id": str(staff.id)})
    assert response.status_code == 302
    page = _page(client.get(f"/orchestra/staff/events/{event.id}"))
    assert "10:00" in page and "12:30" in page and "Aula" in page

    for _ in range(2):
        assert client.post(f"/orchestra/staff/events/{event.id}/book-fees").status_code == 302
    bookings = db.session.execute(sa.select(Transaction.source_ref, Transaction.amount)).all()
    assert bookings == [(f"orchestra-fee:{staff.id}", Decimal("3500.00"))]


def _flashes(response) -> list[str]:
    return [re.sub(r"\s+", " ", message).strip()
            for message in re.findall(r'<p class="flash flash-\w+">(.*?)</p>', _page(response), re.S)]


def test_booking_fees_asks_first_and_then_tells_what_it_did(app, client, db, login):
    login(Role.ORCHESTRA_STAFF)
    orchestra_season = factories.make_orchestra_season()
    line = factories.make_budget_line(project=orchestra_season.season.project, year=2017,
                                      category=BudgetCategory.TUTOR_FEES, name="Honorar instruktører",
                                      amount="50000")
    event = _event(orchestra_season, starts_on=date(2017, 10, 14), title="Helgesamling oktober")
    tutors = [events.add_staff(event=event, name=name, role=StaffRole.SECTION_TUTOR, fee=Decimal(fee),
                               budget_line=line) for name, fee in (("Vera Bratsj", "3500"), ("Otto Obo", "4000"))]
    db.session.commit()
    url = f"/orchestra/staff/events/{event.id}/book-fees"

    assert url in _page(client.get(f"/orchestra/staff/events/{event.id}")), "the event page links to the step"
    page = _page(client.get(url))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Transaction)) == 0, "looking books nothing"
    for tutor in tutors:
        row = re.search(rf'<tr id="fee-{tutor.id}">(.*?)</tr>', page, re.S).group(1)
        assert tutor.name in row and "Section tutor" in row and money(tutor.fee) in row
        assert "Honorar instruktører" in row and "Will be booked" in row
    assert "2 fees will be booked: %s in all." % money(Decimal("7500")) in page
    assert 'id="confirm-booking"' in page and f'href="/orchestra/staff/events/{event.id}"' in page, "confirm or cancel"

    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(url).status_code == 400, "without the form's token nothing is booked"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Transaction)) == 0
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', _page(client.get(url))).group(1)
        response = client.post(url, data={"csrf_token": token}, follow_redirects=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert _flashes(response) == ["2 fees booked (%s)." % money(Decimal("7500"))]

    page = _page(client.get(url))
    assert page.count("Booked already on") == 2 and 'id="nothing-to-book"' in page
    assert 'id="confirm-booking"' not in page
    response = client.post(url, follow_redirects=True)  # a second click, from a page opened before the first
    assert _flashes(response) == ["All fees were already booked; nothing changed."]

    db.session.expire_all()
    events.add_staff(event=db.session.get(OrchestraEvent, event.id), name="Dina Dirigent", role=StaffRole.CONDUCTOR,
                     fee=Decimal("9000"), budget_line=line)
    db.session.commit()
    assert "2 are booked already and stay as they are." in _page(client.get(url))
    response = client.post(url, follow_redirects=True)
    assert _flashes(response) == ["1 fee booked (%s); 2 already booked, nothing changed." % money(Decimal("9000"))]
    assert db.session.scalar(sa.select(sa.func.sum(Transaction.amount))) == Decimal("16500.00")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "orchestra.fees_booked")) == 2, "no audit entry for the click that changed nothing"


def test_fees_of_an_event_to_come_are_not_offered_for_booking(client, db, login):
    login(Role.ADMIN)
    orchestra_season, today = _coming_season()
    line = factories.make_budget_line(project=orchestra_season.season.project, year=today.year,
                                      category=BudgetCategory.TUTOR_FEES)
    event = _event(orchestra_season, starts_on=today + timedelta(days=20))
    events.add_staff(event=event, name="Vera Bratsj", role=StaffRole.SECTION_TUTOR, fee=Decimal("3500"),
                     budget_line=line)
    db.session.commit()
    url = f"/orchestra/staff/events/{event.id}/book-fees"

    page = _page(client.get(url))
    assert "Fees are booked when the event has taken place." in page and 'id="confirm-booking"' not in page
    response = client.post(url, follow_redirects=True)
    assert _flashes(response) == ["Fees are booked when the event has taken place."]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Transaction)) == 0


def test_a_session_outside_the_event_is_refused_on_the_form(client, db, login):
    login(Role.ADMIN)
    event = _event(factories.make_orchestra_season(), starts_on=date(2017, 10, 14))
    db.session.commit()
    response = client.post(f"/orchestra/staff/events/{event.id}/sessions", data={
        "session-kind": "sectional", "session-day": "2017-10-14", "session-starts": "10:00",
        "session-ends": "12:00"})
    assert response.status_code == 400 and "Choose the section(s) of the sectional." in _page(response)


# --- guardians' replies -----------------------------------------------------------------------------------------------

def test_a_guardian_sees_and_answers_for_their_own_children_only(client, db, login):
    orchestra_season, today = _coming_season()
    guardian = login(Role.GUARDIAN)
    anna = _member(orchestra_season, guardians=[guardian], first_name="Anna")
    stranger = _member(orchestra_season, first_name="Fremmed")
    concert = _event(orchestra_season, kind=EventKind.CONCERT, days=1, starts_on=today + timedelta(days=20),
                     title="Julekonsert", reply_deadline=today + timedelta(days=10))
    weekend = _event(orchestra_season, starts_on=today + timedelta(days=5), title="Helgesamling")
    db.session.commit()

    page = _page(client.get("/orchestra/my/calendar"))
    assert "Anna: Julekonsert" in page and "Anna: Helgesamling" in page and "Fremmed" not in page
    assert "Please reply" in page  # the concert needs a yes
    assert re.search(rf'<input checked id="reply-{weekend.id}-{anna.id}-is_attending-0"', page)

    response = client.post(f"/orchestra/events/{concert.id}/children/{anna.id}/reply", data={
        f"reply-{concert.id}-{anna.id}-is_attending": "yes",
        f"reply-{concert.id}-{anna.id}-note": "kommer sent"})
    assert response.status_code == 302
    reply = db.session.scalar(sa.select(Reply))
    assert (reply.child_id, reply.is_attending, reply.note, reply.replied_by_id) == (anna.id, True, "kommer sent",
                                                                                    guardian.id)
    response = client.post(f"/orchestra/events/{concert.id}/children/{stranger.id}/reply", data={
        f"reply-{concert.id}-{stranger.id}-is_attending": "no"})
    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Reply)) == 1


def test_no_changes_after_the_reply_deadline(client, db, login):
    orchestra_season, today = _coming_season()
    guardian = login(Role.GUARDIAN)
    anna = _member(orchestra_season, guardians=[guardian], first_name="Anna")
    concert = _event(orchestra_season, kind=EventKind.CONCERT, days=1, starts_on=today + timedelta(days=3),
                     reply_deadline=today - timedelta(days=1))
    db.session.commit()
    assert "The reply deadline has passed." in _page(client.get("/orchestra/my/calendar"))
    response = client.post(f"/orchestra/events/{concert.id}/children/{anna.id}/reply", data={
        f"reply-{concert.id}-{anna.id}-is_attending": "yes"}, follow_redirects=True)
    assert "The reply deadline for" in _page(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Reply)) == 0


def test_staff_see_who_attends_and_who_has_not_replied(client, db, login):
    login(Role.ORCHESTRA_STAFF)
    orchestra_season = factories.make_orchestra_season()
    guardian = factories.make_user(roles=[Role.GUARDIAN])
    yes = _member(orchestra_season, guardians=[guardian], first_name="Ja")
    _member(orchestra_season, first_name="Ukjent")
    concert = _event(orchestra_season, kind=EventKind.CONCERT, days=1, starts_on=date(2017, 12, 10))
    events.save_reply(event=concert, child=yes, is_attending=True, replied_by=guardian, today=date(2017, 12, 1))
    db.session.commit()
    page = _page(client.get(f"/orchestra/staff/events/{concert.id}/replies"))
    assert re.search(r'id="count-attending">1<', page) and re.search(r'id="count-unknown">1<', page)


# --- calendars --------------------------------------------------------------------------------------------------------

def test_a_guardian_makes_a_calendar_link_and_revokes_it(client, db, login):
    orchestra_season, today = _coming_season()
    guardian = login(Role.GUARDIAN)
    _member(orchestra_season, guardians=[guardian], first_name="Anna")
    _member(orchestra_season, first_name="Fremmed")
    _event(orchestra_season, starts_on=today + timedelta(days=5), title="Helgesamling")
    db.session.commit()

    assert client.post("/orchestra/my/calendar-link", data={"create": "y"}).status_code == 302
    token = db.session.scalar(sa.select(CalendarLink.token))
    assert token in _page(client.get("/orchestra/my/calendar-link"))
    feed = client.get(f"/orchestra/calendar/{token}.ics")
    assert feed.status_code == 200 and feed.content_type.startswith("text/calendar")
    summaries = [str(entry["summary"]) for entry in Calendar.from_ical(feed.data).walk("VEVENT")]
    assert summaries == ["Anna: Helgesamling"]

    client.post("/orchestra/my/calendar-link", data={"revoke": "y"})
    assert client.get(f"/orchestra/calendar/{token}.ics").status_code == 404
    assert client.get("/orchestra/calendar/not-a-token.ics").status_code == 404


def test_the_public_calendar_shows_public_concerts(client, db):
    orchestra_season, today = _coming_season()
    _event(orchestra_season, kind=EventKind.CONCERT, days=1, starts_on=today + timedelta(days=9),
           title="Vårkonsert", is_public=True)
    _event(orchestra_season, starts_on=today + timedelta(days=2), title="Helgesamling")
    db.session.commit()
    page = _page(client.get("/orchestra/calendar"))
    assert "Vårkonsert" in page and "Helgesamling" not in page
    feed = Calendar.from_ical(client.get("/orchestra/calendar.ics").data)
    assert [str(entry["summary"]) for entry in feed.walk("VEVENT")] == ["Vårkonsert"]


# --- attendance on a phone --------------------------------------------------------------------------------------------

def test_a_section_tutor_takes_attendance_for_their_section_and_saving_again_updates(client, db, login):
    tutor = login()  # a tutor needs no role: being on the event's staff is enough
    orchestra_season = factories.make_orchestra_season()
    violinists = [_member(orchestra_season, first_name=f"Fiolin{n}") for n in range(2)]
    cellist = _member(orchestra_season, instrument="cello", first_name="Celloelev")
    weekend = _event(orchestra_season, starts_on=date(2017, 10, 14))
    events.add_staff(event=weekend, name="Tutor", role=StaffRole.SECTION_TUTOR, user=tutor,
                     section=_section(db, "violin_1"))
    db.session.commit()

    url = f"/orchestra/events/{weekend.id}/attendance?day=2017-10-15"
    page = _page(client.get(url))
    assert "Fiolin0" in page and "Fiolin1" in page and "Celloelev" not in page
    assert re.search(rf'id="status-{violinists[0].id}-present"[^>]*checked', page)

    data = {f"status-{violinists[0].id}": "present", f"status-{violinists[1].id}": "absent"}
    response = client.post(f"/orchestra/events/{weekend.id}/attendance?day=2017-10-15&section="
                           f"{_section(db, 'violin_1').id}", data=data)
    assert response.status_code == 302
    data[f"status-{violinists[0].id}"] = "late"
    client.post(f"/orchestra/events/{weekend.id}/attendance?day=2017-10-15&section="
                f"{_section(db, 'violin_1').id}", data=data)
    stored = {(row.child_id, row.day, row.status, row.recorded_by_id)
              for row in db.session.scalars(sa.select(Attendance))}
    assert stored == {(violinists[0].id, date(2017, 10, 15), AttendanceStatus.LATE, tutor.id),
                      (violinists[1].id, date(2017, 10, 15), AttendanceStatus.ABSENT, tutor.id)}
    assert cellist.id not in {child_id for child_id, *_ in stored}


def test_attendance_needs_every_member_marked(client, db, login):
    login(Role.ORCHESTRA_STAFF)
    orchestra_season = factories.make_orchestra_season()
    first, second = (_member(orchestra_season) for _ in range(2))
    weekend = _event(orchestra_season, starts_on=date(2017, 10, 14))
    db.session.commit()
    response = client.post(f"/orchestra/events/{weekend.id}/attendance?day=2017-10-14&section=all",
                           data={f"status-{first.id}": "present"})
    assert response.status_code == 400 and f'id="member-{second.id}"' in _page(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0


def test_someone_not_on_the_event_cannot_take_attendance(client, db, login):
    login(Role.VOLUNTEER)
    orchestra_season = factories.make_orchestra_season()
    weekend = _event(orchestra_season, starts_on=date(2017, 10, 14))
    other = _event(orchestra_season, starts_on=date(2017, 11, 11))
    events.add_staff(event=other, name="Someone else", role=StaffRole.COMPANION,
                     user=factories.make_user(roles=[Role.VOLUNTEER]))
    db.session.commit()
    assert client.get(f"/orchestra/events/{weekend.id}/attendance").status_code == 404


# --- messages ---------------------------------------------------------------------------------------------------------

def test_staff_preview_and_send_a_message_one_email_per_guardian(client, db, login):
    login(Role.ORCHESTRA_STAFF)
    orchestra_season = factories.make_orchestra_season()
    parent = factories.make_user(roles=[Role.GUARDIAN], email="mor@example.org")
    for _ in range(2):
        _member(orchestra_season, guardians=[parent])
    _member(orchestra_season, guardians=[factories.make_user(roles=[Role.GUARDIAN], email="far@example.org")])
    db.session.commit()
    url = f"/orchestra/staff/seasons/{orchestra_season.id}/message"
    form = {"audience": "all", "section_id": "0", "event_id": "0", "subject": "Noter", "body": "Husk notene."}
    preview = client.post(url, data={**form, "preview": "y"})
    assert "This message goes to 2 guardians." in _page(preview)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0

    assert client.post(url, data={**form, "send": "y"}).status_code == 302
    assert sorted(db.session.scalars(sa.select(OutboxMessage.recipient))) == ["far@example.org", "mor@example.org"]

    missing_event = client.post(url, data={**form, "audience": "event", "preview": "y"})
    assert "Choose an event of the season." in _page(missing_event)


# --- query counts -----------------------------------------------------------------------------------------------------

def _bulk_members(db, orchestra_season, *, count: int, section: Section) -> list[int]:
    """`count` admitted members of one section, inserted in bulk."""
    municipality = factories.make_municipality()
    children = [Child(first_name=f"Barn{n}", last_name="Bulk", date_of_birth=date(2006, 1, 1),
                      municipality_id=municipality.id) for n in range(count)]
    db.session.add_all(children)
    db.session.flush()
    db.session.execute(sa.insert(Enrolment), [
        {"orchestra_season_id": orchestra_season.id, "child_id": child.id, "status": EnrolmentStatus.ADMITTED,
         "instrument": section.instrument, "section_id": section.id, "group": Group.SENIOR}
        for child in children])
    return [child.id for child in children]


def _bulk_season(db, *, members: int, weekends: int = 20):
    """A season with members in one section, `weekends` weekends with replies and attendance for every day."""
    orchestra_season = factories.make_orchestra_season()
    section = _section(db, "violin_1")
    child_ids = _bulk_members(db, orchestra_season, count=members, section=section)
    venue = factories.make_venue()
    season_events = [OrchestraEvent(orchestra_season_id=orchestra_season.id, kind=EventKind.REHEARSAL_WEEKEND,
                                    title=f"Helg {n}", starts_on=date(2017, 9, 2) + timedelta(days=7 * n),
                                    ends_on=date(2017, 9, 3) + timedelta(days=7 * n), venue_id=venue.id)
                     for n in range(weekends)]
    season_events.append(OrchestraEvent(orchestra_season_id=orchestra_season.id, kind=EventKind.CONCERT,
                                        title="Konsert", starts_on=date(2018, 3, 1), ends_on=date(2018, 3, 1)))
    db.session.add_all(season_events)
    db.session.flush()
    db.session.execute(sa.insert(Reply), [
        {"event_id": event.id, "child_id": child_id, "is_attending": n % 3 != 0, "note": ""}
        for event in season_events for n, child_id in enumerate(child_ids) if n % 2 == 0])
    db.session.execute(sa.insert(Attendance), [
        {"event_id": event.id, "child_id": child_id, "day": day, "status": AttendanceStatus.PRESENT}
        for event in season_events[:-1] for day in events.event_days(event) for child_id in child_ids])
    staff = factories.make_user(roles=[Role.ORCHESTRA_STAFF])
    db.session.commit()
    return orchestra_season, season_events[0], section, staff


def _count(client, count_queries, url: str) -> int:
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


def _log_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def test_the_attendance_page_and_overview_keep_a_flat_query_count(client, db, count_queries):
    counts = {}
    for size in (20, 200):
        orchestra_season, weekend, section, staff = _bulk_season(db, members=size)
        _log_in(client, staff)
        sheet_url = f"/orchestra/events/{weekend.id}/attendance?day={weekend.starts_on}&section={section.id}"
        overview_url = f"/orchestra/staff/seasons/{orchestra_season.id}/attendance"
        page = _page(client.get(sheet_url))
        assert page.count('class="attendance-row') == size
        counts[size] = (_count(client, count_queries, sheet_url), _count(client, count_queries, overview_url),
                        _count(client, count_queries, f"/orchestra/staff/events/{weekend.id}/replies"))
        db.session.rollback()
        db.session.execute(sa.delete(Attendance))
        db.session.execute(sa.delete(Reply))
        db.session.commit()
    assert counts[20] == counts[200], counts
