"""The season plan's services: schedule and staff, fees booked once, reply defaults and deadlines, attendance,
the iCal feeds and message recipients."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
import sqlalchemy as sa
from icalendar import Calendar

from kunstvest.auth.models import Role
from kunstvest.budget import services
from kunstvest.budget.models import BudgetCategory, Transaction
from kunstvest.common.audit import AuditEvent
from kunstvest.common.outbox import OutboxMessage
from kunstvest.extensions import db
from kunstvest.orchestra import events
from kunstvest.orchestra.models import (Attendance, AttendanceStatus, EnrolmentStatus, EventKind, Section,
                                        SessionKind, StaffRole)
from tests import factories

TODAY = date(2017, 10, 1)


def _event(orchestra_season, *, kind=EventKind.REHEARSAL_WEEKEND, starts_on=date(2017, 10, 14), days=2, **fields):
    return events.save_event(orchestra_season=orchestra_season, kind=kind, title=fields.pop("title", str(kind)),
                             starts_on=starts_on, ends_on=starts_on + timedelta(days=days - 1),
                             venue=fields.pop("venue", None) or factories.make_venue(), **fields)


def _member(orchestra_season, *, guardians=(), section_code=None, **child_fields):
    child = factories.make_child(guardians=guardians, **child_fields)
    factories.make_enrolment(orchestra_season=orchestra_season, child=child, section_code=section_code)
    return child


def _section(code: str) -> Section:
    return db.session.scalar(sa.select(Section).where(Section.code == code))


# --- the season plan --------------------------------------------------------------------------------------------------

def test_an_event_must_be_at_a_venue_of_a_member_municipality(db):
    orchestra_season = factories.make_orchestra_season()
    outside = factories.make_municipality()
    outside.is_member = False
    with pytest.raises(events.EventError, match="member municipality"):
        _event(orchestra_season, venue=factories.make_venue(municipality=outside))
    event = events.save_event(orchestra_season=orchestra_season, kind=EventKind.TOUR, title="Spania",
                              starts_on=date(2017, 10, 3), ends_on=date(2017, 10, 7), place="Valencia")
    assert event.venue is None and event.place == "Valencia"


def test_sessions_are_stored_in_utc_from_oslo_time_and_must_be_on_a_day_of_the_event(db):
    orchestra_season = factories.make_orchestra_season()
    event = _event(orchestra_season)
    tutor = events.add_staff(event=event, name="Fiona Fiolin", role=StaffRole.SECTION_TUTOR,
                             section=_section("violin_1"))
    session = events.add_session(event=event, kind=SessionKind.SECTIONAL, day=date(2017, 10, 14),
                                 starts=time(10), ends=time(12), room="Rom 2", sections=[_section("violin_1")],
                                 tutor=tutor)
    db.session.commit()
    db.session.expire_all()
    # 14 October 2017 is summer time in Oslo (UTC+2).
    assert session.starts_at.hour == 8 and session.starts_at.utcoffset() == timedelta(0)
    assert [section.code for section in session.sections] == ["violin_1"]
    with pytest.raises(events.EventError, match="day of the event"):
        events.add_session(event=event, kind=SessionKind.TUTTI, day=date(2017, 10, 16), starts=time(10),
                           ends=time(12))
    with pytest.raises(events.EventError, match="section"):
        events.add_session(event=event, kind=SessionKind.SECTIONAL, day=date(2017, 10, 15), starts=time(10),
                           ends=time(12))


def test_fees_are_booked_on_their_line_exactly_once(db):
    orchestra_season = factories.make_orchestra_season(starts_on=date(2017, 1, 1), ends_on=date(2017, 12, 31))
    project = orchestra_season.season.project
    line = factories.make_budget_line(project=project, year=2017, category=BudgetCategory.TUTOR_FEES)
    event = _event(orchestra_season, starts_on=date(2017, 3, 4))
    tutor = events.add_staff(event=event, name="Kari Cello", role=StaffRole.SECTION_TUTOR, fee=Decimal("4500.00"),
                             budget_line=line)
    events.add_staff(event=event, name="Companion", role=StaffRole.COMPANION)
    staff_user = factories.make_user(roles=[Role.ORCHESTRA_STAFF])

    first = events.book_fees(event=event, booked_by=staff_user)
    figures = services.budget_lines_with_actuals(year=2017, project=project)
    second = events.book_fees(event=event, booked_by=staff_user)

    assert [fee.staff for fee in first.created] == [tutor] and first.changes_anything
    assert (second.created, second.changed, [fee.staff for fee in second.unchanged]) == ([], [], [tutor])
    assert not second.changes_anything, "the second booking reports that nothing changed"
    assert services.budget_lines_with_actuals(year=2017, project=project) == figures
    transactions = list(db.session.scalars(sa.select(Transaction)))
    assert [(t.source_ref, t.amount, t.budget_line_id, t.booked_on) for t in transactions] == [
        (f"orchestra-fee:{tutor.id}", Decimal("4500.00"), line.id, date(2017, 3, 5))]
    audits = list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "orchestra.fees_booked")))
    assert [(audit.details["count"], audit.details["total"]) for audit in audits] == [(1, "4500.00")]
    assert events.booked_fees(event=event).keys() == {tutor.id}
    with pytest.raises(events.EventError, match="booked"):
        events.remove_staff(staff=tutor)


def test_the_confirmation_plans_new_fees_beside_those_booked_and_books_only_the_new(db):
    orchestra_season = factories.make_orchestra_season(starts_on=date(2017, 1, 1), ends_on=date(2017, 12, 31))
    line = factories.make_budget_line(project=orchestra_season.season.project, year=2017,
                                      category=BudgetCategory.TUTOR_FEES)
    event = _event(orchestra_season, starts_on=date(2017, 3, 4))
    booked = [events.add_staff(event=event, name=f"Tutor {number}", role=StaffRole.SECTION_TUTOR,
                               fee=Decimal("5500"), budget_line=line) for number in range(2)]
    events.book_fees(event=event, booked_by=None)
    added = [events.add_staff(event=event, name=f"Teacher {number}", role=StaffRole.TEACHER, fee=Decimal("4000"),
                              budget_line=line) for number in range(3)]
    added.append(events.add_staff(event=event, name="Conductor", role=StaffRole.CONDUCTOR, fee=Decimal("500.50"),
                                  budget_line=line))

    planned = events.planned_fee_bookings(event=event)
    assert [fee.staff for fee in planned.created] == added and [fee.staff for fee in planned.unchanged] == booked
    assert planned.total(planned.created) == Decimal("12500.50")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Transaction)) == 2, "planning books nothing"

    done = events.book_fees(event=event, booked_by=None)
    assert ([fee.staff for fee in done.created], [fee.staff for fee in done.unchanged]) == (added, booked)
    assert db.session.scalar(sa.select(sa.func.sum(Transaction.amount))) == Decimal("23500.50")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 2


def test_a_fee_must_go_to_an_expense_line_of_the_orchestra_project_and_year(db):
    orchestra_season = factories.make_orchestra_season()
    event = _event(orchestra_season)
    other_year = factories.make_budget_line(project=orchestra_season.season.project, year=2016,
                                            category=BudgetCategory.TUTOR_FEES)
    other_project = factories.make_budget_line(year=2017, category=BudgetCategory.TUTOR_FEES)
    income = factories.make_budget_line(project=orchestra_season.season.project, year=2017,
                                        category=BudgetCategory.FOUNDATION)
    for line in (other_year, other_project, income):
        with pytest.raises(events.EventError, match="expense line"):
            events.add_staff(event=event, name="Tutor", role=StaffRole.SECTION_TUTOR, fee=Decimal("100"),
                             budget_line=line)
    with pytest.raises(events.EventError, match="budget line"):
        events.add_staff(event=event, name="Tutor", role=StaffRole.SECTION_TUTOR, fee=Decimal("100"))


def test_fees_are_not_booked_before_the_event(db):
    orchestra_season = factories.make_orchestra_season(year=2090)
    event = _event(orchestra_season, starts_on=date(2090, 10, 1))
    with pytest.raises(events.EventError, match="taken place"):
        events.book_fees(event=event, booked_by=None)


# --- replies ----------------------------------------------------------------------------------------------------------

def test_rehearsal_weekends_count_as_attending_until_a_guardian_says_no(db):
    orchestra_season = factories.make_orchestra_season()
    guardian = factories.make_user(roles=[Role.GUARDIAN])
    child = _member(orchestra_season, guardians=[guardian])
    other = _member(orchestra_season)
    weekend = _event(orchestra_season)

    assert {row.child.id: row.attending for row in events.effective_replies(event=weekend)} == {
        child.id: True, other.id: True}
    events.save_reply(event=weekend, child=child, is_attending=False, note="Konfirmasjon", replied_by=guardian,
                      today=TODAY)
    rows = {row.child.id: row for row in events.effective_replies(event=weekend)}
    assert rows[child.id].attending is False and rows[child.id].reply.note == "Konfirmasjon"
    assert rows[other.id].attending is True
    assert events.missing_replies(event=weekend) == []


def test_concerts_are_unknown_until_a_guardian_says_yes(db):
    orchestra_season = factories.make_orchestra_season()
    guardian = factories.make_user(roles=[Role.GUARDIAN])
    child = _member(orchestra_season, guardians=[guardian])
    other = _member(orchestra_season)
    concert = _event(orchestra_season, kind=EventKind.CONCERT, days=1, reply_deadline=date(2017, 10, 7))

    assert {row.child.id: row.attending for row in events.effective_replies(event=concert)} == {
        child.id: None, other.id: None}
    events.save_reply(event=concert, child=child, is_attending=True, note="kommer sent", replied_by=guardian,
                      today=TODAY)
    assert {row.child.id: row.attending for row in events.effective_replies(event=concert)} == {
        child.id: True, other.id: None}
    assert [row.child.id for row in events.missing_replies(event=concert)] == [other.id]
    # Saving again changes the same reply.
    events.save_reply(event=concert, child=child, is_attending=False, replied_by=guardian, today=TODAY)
    assert [row.attending for row in events.effective_replies(event=concert) if row.child.id == child.id] == [False]


def test_no_reply_changes_after_the_deadline(db):
    orchestra_season = factories.make_orchestra_season()
    guardian = factories.make_user(roles=[Role.GUARDIAN])
    child = _member(orchestra_season, guardians=[guardian])
    concert = _event(orchestra_season, kind=EventKind.CONCERT, days=1, reply_deadline=date(2017, 10, 7))

    events.save_reply(event=concert, child=child, is_attending=True, replied_by=guardian, today=date(2017, 10, 7))
    with pytest.raises(events.ReplyClosed, match="deadline"):
        events.save_reply(event=concert, child=child, is_attending=False, replied_by=guardian,
                          today=date(2017, 10, 8))
    assert events.effective_replies(event=concert)[0].attending is True


def test_a_child_not_admitted_this_season_cannot_reply(db):
    orchestra_season = factories.make_orchestra_season()
    guardian = factories.make_user(roles=[Role.GUARDIAN])
    child = factories.make_child(guardians=[guardian])
    factories.make_enrolment(orchestra_season=orchestra_season, child=child, status=EnrolmentStatus.WAITLISTED)
    concert = _event(orchestra_season, kind=EventKind.CONCERT, days=1)
    with pytest.raises(events.EventError, match="not a member"):
        events.save_reply(event=concert, child=child, is_attending=True, replied_by=guardian, today=TODAY)
    assert events.effective_replies(event=concert) == []


def test_a_guardian_sees_the_events_of_their_own_children_only(db):
    orchestra_season = factories.make_orchestra_season()
    guardian = factories.make_user(roles=[Role.GUARDIAN])
    first, second = (_member(orchestra_season, guardians=[guardian]) for _ in range(2))
    stranger = _member(orchestra_season)
    weekend = _event(orchestra_season)
    past = _event(orchestra_season, starts_on=date(2017, 9, 2))

    rows = events.guardian_events(user=guardian, from_day=TODAY)
    assert {(row.event.id, row.child.id) for row in rows} == {(weekend.id, first.id), (weekend.id, second.id)}
    assert events.guardian_child(user=guardian, child_id=stranger.id) is None
    assert events.guardian_child(user=guardian, child_id=first.id) == first
    assert {row.event.id for row in events.guardian_events(user=guardian)} == {weekend.id, past.id}


# --- attendance -------------------------------------------------------------------------------------------------------

def test_the_sheet_is_preselected_from_replies_and_saving_again_updates(db):
    orchestra_season = factories.make_orchestra_season()
    guardian = factories.make_user(roles=[Role.GUARDIAN])
    away = _member(orchestra_season, guardians=[guardian], first_name="Borte")
    here = _member(orchestra_season, first_name="Her")
    cellist = _member(orchestra_season, instrument="cello")
    weekend = _event(orchestra_season)
    events.save_reply(event=weekend, child=away, is_attending=False, replied_by=guardian, today=TODAY)
    tutor = factories.make_user()
    violin = _section("violin_1")

    sheet = events.attendance_sheet(event=weekend, day=weekend.starts_on, section_id=violin.id)
    assert {row.child.id: row.status for row in sheet} == {away.id: AttendanceStatus.ABSENT,
                                                            here.id: AttendanceStatus.PRESENT}
    assert not any(row.is_recorded for row in sheet)

    events.save_attendance(event=weekend, day=weekend.starts_on, recorded_by=tutor,
                           statuses={away.id: AttendanceStatus.ABSENT, here.id: AttendanceStatus.LATE})
    events.save_attendance(event=weekend, day=weekend.starts_on, recorded_by=tutor,
                           statuses={away.id: AttendanceStatus.ABSENT, here.id: AttendanceStatus.PRESENT})
    stored = {(row.child_id, row.day): row.status for row in db.session.scalars(sa.select(Attendance))}
    assert stored == {(away.id, weekend.starts_on): AttendanceStatus.ABSENT,
                      (here.id, weekend.starts_on): AttendanceStatus.PRESENT}
    sheet = events.attendance_sheet(event=weekend, day=weekend.starts_on)
    assert {row.child.id for row in sheet} == {away.id, here.id, cellist.id}
    assert {row.child.id: row.is_recorded for row in sheet}[cellist.id] is False


def test_attendance_only_on_days_of_the_event_and_for_members(db):
    orchestra_season = factories.make_orchestra_season()
    member = _member(orchestra_season)
    outsider = factories.make_child()
    weekend = _event(orchestra_season)
    with pytest.raises(events.EventError, match="day of the event"):
        events.save_attendance(event=weekend, day=date(2017, 10, 20), recorded_by=None,
                               statuses={member.id: AttendanceStatus.PRESENT})
    with pytest.raises(events.EventError, match="members"):
        events.save_attendance(event=weekend, day=weekend.starts_on, recorded_by=None,
                               statuses={member.id: AttendanceStatus.PRESENT, outsider.id: AttendanceStatus.PRESENT})


def test_season_attendance_per_member_section_and_event(db):
    orchestra_season = factories.make_orchestra_season()
    violinist = _member(orchestra_season)
    cellist = _member(orchestra_season, instrument="cello")
    first, second = _event(orchestra_season), _event(orchestra_season, starts_on=date(2017, 11, 11))
    concert = _event(orchestra_season, kind=EventKind.CONCERT, days=1, starts_on=date(2017, 12, 10))
    for event in (first, second):
        for day in events.event_days(event):
            events.save_attendance(event=event, day=day, recorded_by=None, statuses={
                violinist.id: AttendanceStatus.PRESENT,
                cellist.id: AttendanceStatus.ABSENT if event is second else AttendanceStatus.LATE})

    overview = events.season_attendance(orchestra_season=orchestra_season)
    assert (overview.by_member[violinist.id].present, overview.by_member[violinist.id].rate) == (4, 100)
    assert (overview.by_member[cellist.id].late, overview.by_member[cellist.id].absent) == (2, 2)
    assert overview.by_member[cellist.id].rate == 50
    assert overview.by_section[_section("cello").id].absent == 2
    assert overview.by_event[second.id].absent == 2 and overview.by_event[first.id].late == 2
    assert overview.missing_by_event == {concert.id: 2}


# --- calendars --------------------------------------------------------------------------------------------------------

def _parse(body: bytes) -> list:
    return [component for component in Calendar.from_ical(body).walk("VEVENT")]


def test_the_guardian_feed_has_only_their_children_with_names_and_stable_uids(db):
    orchestra_season = factories.make_orchestra_season()
    guardian = factories.make_user(roles=[Role.GUARDIAN])
    anna = _member(orchestra_season, guardians=[guardian], first_name="Anna")
    _member(orchestra_season, first_name="Fremmed")
    weekend = _event(orchestra_season, title="Helgesamling")
    concert = _event(orchestra_season, kind=EventKind.CONCERT, days=1, starts_on=date(2017, 12, 10),
                     title="Julekonsert")
    events.add_session(event=concert, kind=SessionKind.TUTTI, day=concert.starts_on, starts=time(17),
                       ends=time(19, 30))

    body = events.guardian_calendar(user=guardian)
    entries = {str(entry["uid"]): entry for entry in _parse(body)}
    assert set(entries) == {f"orchestra-event-{weekend.id}-child-{anna.id}@kunstvest",
                            f"orchestra-event-{concert.id}-child-{anna.id}@kunstvest"}
    all_day = entries[f"orchestra-event-{weekend.id}-child-{anna.id}@kunstvest"]
    assert str(all_day["summary"]) == "Anna: Helgesamling"
    assert all_day["dtstart"].dt == date(2017, 10, 14) and all_day["dtend"].dt == date(2017, 10, 16)
    timed = entries[f"orchestra-event-{concert.id}-child-{anna.id}@kunstvest"]
    assert timed["dtstart"].dt.hour == 16 and timed["dtend"].dt.minute == 30  # 17:00 Oslo in winter is 16:00 UTC
    assert b"Fremmed" not in body
    assert events.guardian_calendar(user=guardian) == body  # stable: a calendar app sees no change


def test_a_weekend_with_a_schedule_is_one_timed_entry_per_day_with_its_kind_in_the_readers_language(db):
    orchestra_season = factories.make_orchestra_season()
    guardian = factories.make_user(roles=[Role.GUARDIAN])
    anna = _member(orchestra_season, guardians=[guardian], first_name="Anna")
    weekend = _event(orchestra_season, title="Helgesamling")  # Saturday 14 and Sunday 15 October 2017
    for day, starts, ends in ((date(2017, 10, 14), time(10), time(17)), (date(2017, 10, 15), time(10), time(15))):
        events.add_session(event=weekend, kind=SessionKind.TUTTI, day=day, starts=starts, ends=ends)

    with force_locale("nb"):
        entries = sorted(_parse(events.guardian_calendar(user=guardian)), key=lambda entry: entry["dtstart"].dt)
    assert [str(entry["uid"]) for entry in entries] == [
        f"orchestra-event-{weekend.id}-child-{anna.id}@kunstvest-2017-10-14",
        f"orchestra-event-{weekend.id}-child-{anna.id}@kunstvest-2017-10-15"]
    assert [(entry["dtstart"].dt.hour, entry["dtend"].dt.hour) for entry in entries] == [(8, 15), (8, 13)]  # UTC
    assert [entry["categories"].cats for entry in entries] == [["Helgesamling"], ["Helgesamling"]]
    with force_locale("en"):
        [first, _] = _parse(events.guardian_calendar(user=guardian))
    assert first["categories"].cats == ["Rehearsal weekend"]


def test_a_revoked_or_replaced_link_finds_nobody(db):
    guardian = factories.make_user(roles=[Role.GUARDIAN])
    first = events.create_calendar_link(user=guardian)
    assert len(first.token) >= 43 and events.guardian_of_token(first.token) == guardian
    second = events.create_calendar_link(user=guardian)
    assert events.guardian_of_token(first.token) is None
    assert events.guardian_of_token(second.token) == guardian
    assert events.revoke_calendar_links(user=guardian) == 1
    assert events.guardian_of_token(second.token) is None
    assert events.active_calendar_link(user=guardian) is None


def test_the_public_feed_has_the_public_concerts_only(db):
    orchestra_season = factories.make_orchestra_season()
    public = _event(orchestra_season, kind=EventKind.CONCERT, days=1, is_public=True, title="Vårkonsert")
    _event(orchestra_season, title="Helgesamling")
    entries = _parse(events.public_calendar())
    assert [(str(entry["uid"]), str(entry["summary"])) for entry in entries] == [
        (f"orchestra-event-{public.id}@kunstvest", "Vårkonsert")]


# --- messages ---------------------------------------------------------------------------------------------------------

def test_recipients_are_deduplicated_and_follow_the_audience(db):
    orchestra_season = factories.make_orchestra_season()
    parent, other_parent, cello_parent = (factories.make_user(roles=[Role.GUARDIAN]) for _ in range(3))
    siblings = [_member(orchestra_season, guardians=[parent, other_parent]) for _ in range(2)]
    cellist = _member(orchestra_season, guardians=[cello_parent], instrument="cello")
    concert = _event(orchestra_season, kind=EventKind.CONCERT, days=1)
    events.save_reply(event=concert, child=siblings[0], is_attending=True, replied_by=parent, today=TODAY)
    events.save_reply(event=concert, child=siblings[1], is_attending=False, replied_by=parent, today=TODAY)

    def recipients(audience, **kwargs):
        return {user.id for user in events.message_recipients(orchestra_season=orchestra_season,
                                                              audience=audience, **kwargs)}

    assert recipients(events.Audience.ALL) == {parent.id, other_parent.id, cello_parent.id}
    assert recipients(events.Audience.SECTION, section=_section("cello")) == {cello_parent.id}
    assert recipients(events.Audience.EVENT, event=concert) == {parent.id, other_parent.id}
    assert recipients(events.Audience.NOT_REPLIED, event=concert) == {cello_parent.id}
    assert cellist.id not in {child.id for child in siblings}

    staff = factories.make_user(roles=[Role.ORCHESTRA_STAFF])
    sent = events.send_message(orchestra_season=orchestra_season, audience=events.Audience.ALL, subject="Hei",
                               body="Husk noter.", sent_by=staff)
    mails = list(db.session.scalars(sa.select(OutboxMessage)))
    assert sorted(mail.recipient for mail in mails) == sorted(user.email for user in sent)
    assert len(mails) == 3 and all("Husk noter." in mail.body_text for mail in mails)
    audit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "orchestra.message_sent"))
    assert audit.details["recipients"] == 3 and audit.actor_id == staff.id


def test_an_event_audience_needs_an_event_of_the_season(db):
    orchestra_season = factories.make_orchestra_season()
    other_season = factories.make_orchestra_season(year=2018)
    foreign = _event(other_season, starts_on=date(2018, 10, 6))
    with pytest.raises(events.EventError, match="event of the season"):
        events.message_recipients(orchestra_season=orchestra_season, audience=events.Audience.EVENT, event=foreign)
