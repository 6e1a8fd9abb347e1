"""The orchestra's season plan: events with their schedule and staff, guardians' replies, attendance, the iCal
feeds and messages to guardians."""

import enum
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from icalendar import Calendar
from icalendar import Event as CalendarEvent
from sqlalchemy.orm import contains_eager, lazyload

from kunstvest.auth.models import Role, User
from kunstvest.budget.models import BudgetLine, LineKind, Transaction
from kunstvest.budget.services import Booking, BookingChange, book_actual, planned_booking
from kunstvest.common.audit import record_audit
from kunstvest.common.formatting import date_short
from kunstvest.common.models import to_money, utcnow
from kunstvest.common.outbox import queue_mail
from kunstvest.extensions import db
from kunstvest.orchestra.models import (Attendance, AttendanceStatus, CalendarLink, Child, Enrolment,
                                        EnrolmentStatus, EventKind, EventSession, EventStaff, Guardianship,
                                        OrchestraEvent, OrchestraSeason, Reply, Section, SessionKind, StaffRole)
from kunstvest.reference.models import Venue

OSLO = ZoneInfo("Europe/Oslo")
STAFF_ROLES = (Role.ORCHESTRA_STAFF, Role.ADMIN)

KIND_LABELS = {
    EventKind.REHEARSAL_WEEKEND: _l("Rehearsal weekend"),
    EventKind.CONCERT: _l("Concert"),
    EventKind.TOUR: _l("Tour"),
    EventKind.MASTERCLASS: _l("Masterclass"),
}
STAFF_ROLE_LABELS = {
    StaffRole.CONDUCTOR: _l("Conductor"),
    StaffRole.SECTION_TUTOR: _l("Section tutor"),
    StaffRole.TEACHER: _l("Teacher"),
    StaffRole.TOUR_LEADER: _l("Tour leader"),
    StaffRole.COMPANION: _l("Companion"),
}
SESSION_KIND_LABELS = {SessionKind.TUTTI: _l("Tutti"), SessionKind.SECTIONAL: _l("Sectional")}
ATTENDANCE_LABELS = {
    AttendanceStatus.PRESENT: _l("Present"),
    AttendanceStatus.LATE: _l("Late"),
    AttendanceStatus.ABSENT: _l("Absent"),
}


class EventError(ValueError):
    """A rule of the season plan was broken; the message is shown to the user."""


class ReplyClosed(EventError):
    """The reply deadline has passed."""


class AlreadyOnStaff(EventError):
    """The person is on the event's staff already."""


def today_in_oslo() -> date:
    """Today's date in Norway."""
    return datetime.now(OSLO).date()


def is_orchestra_staff(user) -> bool:
    """Orchestra staff and the secretariat run the season plan."""
    return user.is_authenticated and user.has_role(*STAFF_ROLES)


# --- the season plan --------------------------------------------------------------------------------------------------

def events_of_season(*, orchestra_season: OrchestraSeason) -> list[OrchestraEvent]:
    """The season's events in date order."""
    return list(db.session.scalars(sa.select(OrchestraEvent)
                                   .where(OrchestraEvent.orchestra_season_id == orchestra_season.id)
                                   .order_by(OrchestraEvent.starts_on, OrchestraEvent.id)))


def member_venues() -> list[Venue]:
    """Venues in member municipalities, the places an event can be held at."""
    from kunstvest.reference.models import Municipality

    return list(db.session.scalars(sa.select(Venue).join(Municipality).where(Municipality.is_member)
                                   .order_by(Municipality.name, Venue.name)))


def save_event(*, orchestra_season: OrchestraSeason, event: OrchestraEvent | None = None, kind: EventKind,
               title: str, starts_on: date, ends_on: date, venue: Venue | None = None, place: str = "",
               description: str = "", reply_deadline: date | None = None, is_public: bool = False) -> OrchestraEvent:
    """Create or update an event of the season; the venue must be in a member municipality."""
    if ends_on < starts_on:
        raise EventError(_l("The event cannot end before it starts."))
    if starts_on < orchestra_season.starts_on or ends_on > orchestra_season.ends_on:
        raise EventError(_l("The event must take place within the season %(year)s (%(starts)s–%(ends)s).",
                            year=orchestra_season.year, starts=date_short(orchestra_season.starts_on),
                            ends=date_short(orchestra_season.ends_on)))
    if venue is not None and not venue.municipality.is_member:
        raise EventError(_l("The venue is not in a member municipality."))
    if venue is None and not place.strip():
        raise EventError(_l("Choose a venue or write the place."))
    if reply_deadline is not None and reply_deadline > ends_on:
        raise EventError(_l("The reply deadline must be before the event ends."))
    if event is None:
        event = OrchestraEvent(orchestra_season_id=orchestra_season.id)
        db.session.add(event)
    elif event.sessions and any(_oslo_day(s.starts_at) < starts_on or _oslo_day(s.starts_at) > ends_on
                                for s in event.sessions):
        raise EventError(_l("Some sessions of the schedule fall outside the new dates; move or remove them first."))
    event.kind, event.title, event.starts_on, event.ends_on = EventKind(kind), title.strip(), starts_on, ends_on
    event.venue, event.place, event.description = venue, place.strip(), description.strip()
    event.reply_deadline, event.is_public = reply_deadline, is_public
    db.session.flush()
    return event


def event_days(event: OrchestraEvent) -> list[date]:
    """Every day of an event, first to last."""
    return [event.starts_on + timedelta(days=offset) for offset in range((event.ends_on - event.starts_on).days + 1)]


def _oslo_day(moment: datetime) -> date:
    return moment.astimezone(OSLO).date()


def oslo_moment(day: date, clock: time) -> datetime:
    """A wall-clock time in Norway as an aware datetime (stored as UTC)."""
    return datetime.combine(day, clock, tzinfo=OSLO)


def add_session(*, event: OrchestraEvent, kind: SessionKind, day: date, starts: time, ends: time, room: str = "",
                sections: list[Section] = (), tutor: EventStaff | None = None) -> EventSession:
    """Add a tutti or sectional block to the schedule, at Oslo times on a day of the event."""
    if day not in event_days(event):
        raise EventError(_l("The session must be on a day of the event."))
    if ends <= starts:
        raise EventError(_l("The session must end after it starts."))
    if SessionKind(kind) == SessionKind.SECTIONAL and not sections:
        raise EventError(_l("Choose the section(s) of the sectional."))
    if tutor is not None and tutor.event_id != event.id:
        raise EventError(_l("The tutor must be on the event's staff."))
    session = EventSession(event=event, kind=SessionKind(kind), starts_at=oslo_moment(day, starts),
                           ends_at=oslo_moment(day, ends), room=room.strip(), tutor=tutor, sections=list(sections))
    db.session.add(session)
    db.session.flush()
    return session


def remove_session(*, session: EventSession) -> None:
    """Take a block off the schedule."""
    db.session.delete(session)
    db.session.flush()


def fee_budget_lines(*, orchestra_season: OrchestraSeason) -> list[BudgetLine]:
    """The expense lines of the orchestra's project in the season's year: where a fee can be charged."""
    season = orchestra_season.season
    return list(db.session.scalars(sa.select(BudgetLine).where(
        BudgetLine.project_id == season.project_id, BudgetLine.year == season.year,
        BudgetLine.kind == LineKind.EXPENSE).order_by(BudgetLine.category, BudgetLine.name)))


def same_person_on_staff(*, event: OrchestraEvent, user: User | None, name: str) -> EventStaff | None:
    """The event's staff entry of the same account, or of the same name where one of the two has no account."""
    for staff in event.staff:
        if user is not None and staff.user_id == user.id:
            return staff
        if staff.name.casefold() == name.casefold() and (user is None or staff.user_id is None):
            return staff
    return None


def add_staff(*, event: OrchestraEvent, name: str, role: StaffRole, user: User | None = None,
              section: Section | None = None, fee: Decimal | None = None, budget_line: BudgetLine | None = None,
              is_leader: bool = False) -> EventStaff:
    """Add a conductor, tutor, teacher, tour leader or companion; a fee is charged to a line of the project."""
    if fee is not None and fee < 0:
        raise EventError(_l("A fee cannot be negative."))
    if budget_line is not None and budget_line not in fee_budget_lines(orchestra_season=event.orchestra_season):
        raise EventError(_l("Choose an expense line of the orchestra's budget for the event's year."))
    if fee and budget_line is None:
        raise EventError(_l("Choose the budget line the fee is charged to."))
    name = name.strip() or (user.full_name if user else "")
    present = same_person_on_staff(event=event, user=user, name=name)
    if present is not None:
        raise AlreadyOnStaff(_l("%(name)s is already on the staff of this event, as %(role)s. Take them off first "
                                "to add them in another role.", name=present.name,
                                role=STAFF_ROLE_LABELS[present.role]))
    staff = EventStaff(event=event, name=name, role=StaffRole(role),
                       user_id=user.id if user else None, section=section,
                       fee=to_money(fee) if fee is not None else None, budget_line_id=budget_line.id if budget_line
                       else None, is_leader=is_leader)
    db.session.add(staff)
    db.session.flush()
    return staff


def remove_staff(*, staff: EventStaff) -> None:
    """Take someone off an event's staff; the fee of a booked person stays booked."""
    if db.session.scalar(sa.select(Transaction.id).where(Transaction.source_ref == fee_source_ref(staff))):
        raise EventError(_l("%(name)s's fee is booked already and stays on the event.", name=staff.name))
    db.session.delete(staff)
    db.session.flush()


def fee_source_ref(staff: EventStaff) -> str:
    """The budget booking's key: one booking per person per event, however often fees are booked."""
    return f"orchestra-fee:{staff.id}"


def booked_fees(*, event: OrchestraEvent) -> dict[int, Transaction]:
    """The fee bookings of an event's staff, by staff id."""
    refs = {fee_source_ref(staff): staff.id for staff in event.staff}
    if not refs:
        return {}
    return {refs[transaction.source_ref]: transaction for transaction in db.session.scalars(
        sa.select(Transaction).where(Transaction.source_ref.in_(refs)))}


@dataclass(frozen=True)
class FeeBooking:
    """A fee of the event's staff with its budget line, and what booking it does (or did) to the budget."""

    staff: EventStaff
    line: BudgetLine
    booking: Booking

    @property
    def change(self) -> BookingChange:
        return self.booking.change


@dataclass(frozen=True)
class FeeBookings:
    """The fees of an event by what booking them does (or did): new bookings, corrected ones and those left alone."""

    fees: list[FeeBooking]

    def _with(self, change: BookingChange) -> list[FeeBooking]:
        return [fee for fee in self.fees if fee.change == change]

    @property
    def created(self) -> list[FeeBooking]:
        return self._with(BookingChange.CREATED)

    @property
    def changed(self) -> list[FeeBooking]:
        return self._with(BookingChange.CHANGED)

    @property
    def unchanged(self) -> list[FeeBooking]:
        return self._with(BookingChange.UNCHANGED)

    @property
    def changes_anything(self) -> bool:
        return any(fee.change != BookingChange.UNCHANGED for fee in self.fees)

    @staticmethod
    def total(fees: list[FeeBooking]) -> Decimal:
        return sum((fee.staff.fee for fee in fees), Decimal("0.00"))


def _fees_to_book(event: OrchestraEvent) -> list[tuple[EventStaff, BudgetLine]]:
    return [(staff, db.session.get(BudgetLine, staff.budget_line_id))
            for staff in event.staff if staff.fee and staff.budget_line_id is not None]


def planned_fee_bookings(*, event: OrchestraEvent) -> FeeBookings:
    """What booking the event's fees would do, for the confirmation: which are new, which booked already."""
    return FeeBookings([FeeBooking(staff, line, planned_booking(line=line, amount=staff.fee, booked_on=event.ends_on,
                                                                source_ref=fee_source_ref(staff)))
                        for staff, line in _fees_to_book(event)])


def book_fees(*, event: OrchestraEvent, booked_by) -> FeeBookings:
    """Mark the event held: book every fee on its budget line once; audited only when a booking was made or changed."""
    if event.starts_on > today_in_oslo():
        raise EventError(_l("Fees are booked when the event has taken place."))
    done = FeeBookings([FeeBooking(staff, line, book_actual(
        line=line, amount=staff.fee, booked_on=event.ends_on, source_ref=fee_source_ref(staff),
        text=f"{STAFF_ROLE_LABELS[staff.role]}: {staff.name}, {event.title}"[:300]))
        for staff, line in _fees_to_book(event)])
    if done.changes_anything:
        record_audit(actor=booked_by, action="orchestra.fees_booked", target=event, details={
            "count": len(done.created), "total": str(done.total(done.created)),
            "changed": len(done.changed), "changed_total": str(done.total(done.changed)),
            "unchanged": len(done.unchanged)})
    return done


def staff_entry_of(*, event: OrchestraEvent, user) -> EventStaff | None:
    """The user's place on the event's staff, if they have one."""
    return db.session.scalars(sa.select(EventStaff).where(EventStaff.event_id == event.id,
                                                          EventStaff.user_id == user.id)).first()


def may_take_attendance(*, event: OrchestraEvent, user) -> bool:
    """Orchestra staff, admins and the event's own staff (tutors, leaders) take attendance."""
    return is_orchestra_staff(user) or staff_entry_of(event=event, user=user) is not None


# --- members and replies ----------------------------------------------------------------------------------------------

def admitted_members(*, orchestra_season_id: int, section_id: int | None = None) -> list[Enrolment]:
    """The season's members in score order (section, then name), with child and section loaded in one query."""
    query = (sa.select(Enrolment).join(Child, Enrolment.child_id == Child.id)
             .outerjoin(Section, Enrolment.section_id == Section.id)
             .where(Enrolment.orchestra_season_id == orchestra_season_id,
                    Enrolment.status == EnrolmentStatus.ADMITTED)
             .options(contains_eager(Enrolment.child).lazyload(Child.instruments), contains_eager(Enrolment.section))
             .order_by(Section.position, Child.last_name, Child.first_name, Child.id))
    if section_id is not None:
        query = query.where(Enrolment.section_id == section_id)
    return list(db.session.scalars(query).unique())


@dataclass(frozen=True)
class EffectiveReply:
    """A member's answer to an event, with the default applied: True, False or None (not known)."""

    event: OrchestraEvent
    enrolment: Enrolment
    reply: Reply | None

    @property
    def child(self) -> Child:
        return self.enrolment.child

    @property
    def attending(self) -> bool | None:
        if self.reply is not None:
            return self.reply.is_attending
        return True if self.event.attending_by_default else None


def _replies_by_child(*, event_id: int, child_ids: list[int] | None = None) -> dict[int, Reply]:
    query = sa.select(Reply).where(Reply.event_id == event_id)
    if child_ids is not None:
        query = query.where(Reply.child_id.in_(child_ids))
    return {reply.child_id: reply for reply in db.session.scalars(query)}


def effective_replies(*, event: OrchestraEvent, section_id: int | None = None) -> list[EffectiveReply]:
    """Every admitted member's answer: a reply if given, else attending for rehearsal weekends, else unknown."""
    members = admitted_members(orchestra_season_id=event.orchestra_season_id, section_id=section_id)
    replies = _replies_by_child(event_id=event.id)
    return [EffectiveReply(event=event, enrolment=enrolment, reply=replies.get(enrolment.child_id))
            for enrolment in members]


def missing_replies(*, event: OrchestraEvent) -> list[EffectiveReply]:
    """Members of a concert or tour whose guardians have not answered (rehearsal weekends need no answer)."""
    if event.attending_by_default:
        return []
    return [row for row in effective_replies(event=event) if row.attending is None]


def children_of_guardian(*, user) -> list[Child]:
    """The guardian's own children."""
    return list(db.session.scalars(sa.select(Child).join(Guardianship).where(Guardianship.user_id == user.id)
                                   .order_by(Child.first_name, Child.id)))


def guardian_child(*, user, child_id: int) -> Child | None:
    """The child, if the user is their guardian; None otherwise (the view answers 404)."""
    return db.session.scalar(sa.select(Child).join(Guardianship).where(Child.id == child_id,
                                                                       Guardianship.user_id == user.id))


def is_member_of_event(*, event: OrchestraEvent, child: Child) -> bool:
    """Whether the child is admitted in the event's season."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment).where(
        Enrolment.orchestra_season_id == event.orchestra_season_id, Enrolment.child_id == child.id,
        Enrolment.status == EnrolmentStatus.ADMITTED)) > 0


def is_reply_open(event: OrchestraEvent, *, today: date) -> bool:
    """Replies can be changed until the end of the deadline day (or the event's first day without a deadline)."""
    return today <= (event.reply_deadline or event.starts_on)


def save_reply(*, event: OrchestraEvent, child: Child, is_attending: bool, note: str = "", replied_by,
               today: date) -> Reply:
    """A guardian's answer for a child; refused after the reply deadline and for children not in the season."""
    if not is_reply_open(event, today=today):
        raise ReplyClosed(_l("The reply deadline for %(title)s has passed. Please contact the orchestra's staff.",
                             title=event.title))
    if not is_member_of_event(event=event, child=child):
        raise EventError(_l("%(name)s is not a member this season.", name=child.first_name))
    reply = db.session.scalar(sa.select(Reply).where(Reply.event_id == event.id, Reply.child_id == child.id))
    if reply is None:
        reply = Reply(event_id=event.id, child_id=child.id)
        db.session.add(reply)
    reply.is_attending, reply.note, reply.replied_by_id = is_attending, note.strip(), replied_by.id
    db.session.flush()
    return reply


def guardian_events(*, user, from_day: date | None = None) -> list[EffectiveReply]:
    """Every event of the seasons the guardian's children are admitted in (from a day on), per child."""
    query = (sa.select(OrchestraEvent, Enrolment)
             .join(Enrolment, sa.and_(Enrolment.orchestra_season_id == OrchestraEvent.orchestra_season_id,
                                      Enrolment.status == EnrolmentStatus.ADMITTED))
             .join(Child, Child.id == Enrolment.child_id)
             .join(Guardianship, sa.and_(Guardianship.child_id == Child.id, Guardianship.user_id == user.id))
             .options(contains_eager(Enrolment.child).lazyload(Child.instruments))
             .order_by(OrchestraEvent.starts_on, OrchestraEvent.id, Child.first_name, Child.id))
    if from_day is not None:
        query = query.where(OrchestraEvent.ends_on >= from_day)
    pairs = db.session.execute(query).unique().all()
    if not pairs:
        return []
    replies = {(reply.event_id, reply.child_id): reply for reply in db.session.scalars(
        sa.select(Reply).where(Reply.event_id.in_({event.id for event, _ in pairs}),
                               Reply.child_id.in_({enrolment.child_id for _, enrolment in pairs})))}
    return [EffectiveReply(event=event, enrolment=enrolment, reply=replies.get((event.id, enrolment.child_id)))
            for event, enrolment in pairs]


# --- attendance -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SheetRow:
    """A member on the attendance sheet with the status to show: what is stored, else what the reply says."""

    enrolment: Enrolment
    reply: Reply | None
    status: AttendanceStatus
    is_recorded: bool

    @property
    def child(self) -> Child:
        return self.enrolment.child


def attendance_sheet(*, event: OrchestraEvent, day: date, section_id: int | None = None) -> list[SheetRow]:
    """The members of a section (or all) for a day; preselected from replies: not attending → absent."""
    members = admitted_members(orchestra_season_id=event.orchestra_season_id, section_id=section_id)
    replies = _replies_by_child(event_id=event.id)
    recorded = {row.child_id: row.status for row in db.session.scalars(
        sa.select(Attendance).where(Attendance.event_id == event.id, Attendance.day == day))}
    rows = []
    for enrolment in members:
        reply = replies.get(enrolment.child_id)
        if enrolment.child_id in recorded:
            status, is_recorded = recorded[enrolment.child_id], True
        else:
            status = AttendanceStatus.ABSENT if reply is not None and not reply.is_attending else (
                AttendanceStatus.PRESENT)
            is_recorded = False
        rows.append(SheetRow(enrolment=enrolment, reply=reply, status=status, is_recorded=is_recorded))
    return rows


def save_attendance(*, event: OrchestraEvent, day: date, statuses: dict[int, AttendanceStatus],
                    recorded_by) -> int:
    """Store one status per child for a day of the event; saving again updates the same rows."""
    if day not in event_days(event):
        raise EventError(_l("Attendance is taken on a day of the event."))
    members = set(db.session.scalars(sa.select(Enrolment.child_id).where(
        Enrolment.orchestra_season_id == event.orchestra_season_id, Enrolment.status == EnrolmentStatus.ADMITTED,
        Enrolment.child_id.in_(list(statuses)))))
    if members != set(statuses):
        raise EventError(_l("Attendance can only be taken for members of the season."))
    stored = {row.child_id: row for row in db.session.scalars(sa.select(Attendance).where(
        Attendance.event_id == event.id, Attendance.day == day, Attendance.child_id.in_(list(statuses))))}
    now, recorded_by_id = utcnow(), recorded_by.id if recorded_by is not None else None
    for child_id, status in statuses.items():
        row = stored.get(child_id)
        if row is None:
            db.session.add(Attendance(event_id=event.id, child_id=child_id, day=day, status=AttendanceStatus(status),
                                      recorded_by_id=recorded_by_id, recorded_at=now))
        elif row.status != status:
            row.status, row.recorded_by_id, row.recorded_at = AttendanceStatus(status), recorded_by_id, now
    db.session.flush()
    return len(statuses)


@dataclass
class Tally:
    """Counts of present, late and absent days."""

    counts: Counter = field(default_factory=Counter)

    def add(self, status: AttendanceStatus, number: int) -> None:
        self.counts[AttendanceStatus(status)] += number

    @property
    def present(self) -> int:
        return self.counts[AttendanceStatus.PRESENT]

    @property
    def late(self) -> int:
        return self.counts[AttendanceStatus.LATE]

    @property
    def absent(self) -> int:
        return self.counts[AttendanceStatus.ABSENT]

    @property
    def recorded(self) -> int:
        return sum(self.counts.values())

    @property
    def rate(self) -> int | None:
        """Share of recorded days the member was there (late counts as there), in per cent."""
        return round(100 * (self.present + self.late) / self.recorded) if self.recorded else None


@dataclass
class SeasonAttendance:
    """Attendance over a season per member, per section and per event, and who has not replied."""

    events: list[OrchestraEvent]
    members: list[Enrolment]
    by_member: dict[int, Tally]
    by_section: dict[int | None, Tally]
    by_event: dict[int, Tally]
    sections: list[Section]
    missing_by_event: dict[int, int]


def season_attendance(*, orchestra_season: OrchestraSeason) -> SeasonAttendance:
    """Attendance figures of the season, in a fixed number of queries however many members and events there are."""
    events = events_of_season(orchestra_season=orchestra_season)
    members = admitted_members(orchestra_season_id=orchestra_season.id)
    event_ids = [event.id for event in events]
    section_of = {enrolment.child_id: enrolment.section_id for enrolment in members}
    by_member: dict[int, Tally] = defaultdict(Tally)
    by_section: dict[int | None, Tally] = defaultdict(Tally)
    by_event: dict[int, Tally] = defaultdict(Tally)
    counts = db.session.execute(
        sa.select(Attendance.event_id, Attendance.child_id, Attendance.status, sa.func.count())
        .where(Attendance.event_id.in_(event_ids))
        .group_by(Attendance.event_id, Attendance.child_id, Attendance.status)).all() if event_ids else []
    for event_id, child_id, status, number in counts:
        by_member[child_id].add(status, number)
        by_event[event_id].add(status, number)
        if child_id in section_of:
            by_section[section_of[child_id]].add(status, number)
    answered = db.session.execute(
        sa.select(Reply.event_id, sa.func.count()).join(Enrolment, sa.and_(
            Enrolment.child_id == Reply.child_id, Enrolment.orchestra_season_id == orchestra_season.id,
            Enrolment.status == EnrolmentStatus.ADMITTED))
        .where(Reply.event_id.in_(event_ids)).group_by(Reply.event_id)).all() if event_ids else []
    answered = dict(answered)
    missing = {event.id: len(members) - answered.get(event.id, 0) for event in events
               if not event.attending_by_default}
    section_ids = {enrolment.section_id for enrolment in members if enrolment.section_id}
    sections = [enrolment.section for enrolment in members if enrolment.section_id in section_ids]
    sections = list({section.id: section for section in sections}.values())
    return SeasonAttendance(events=events, members=members, by_member=by_member, by_section=by_section,
                            by_event=by_event, sections=sections, missing_by_event=missing)


# --- calendars --------------------------------------------------------------------------------------------------------

def active_calendar_link(*, user) -> CalendarLink | None:
    """The guardian's calendar link that works now."""
    return db.session.scalars(sa.select(CalendarLink).where(CalendarLink.user_id == user.id,
                                                            CalendarLink.revoked_at.is_(None))
                              .order_by(CalendarLink.id.desc())).first()


def revoke_calendar_links(*, user) -> int:
    """Stop every calendar link of the guardian from working."""
    links = list(db.session.scalars(sa.select(CalendarLink).where(CalendarLink.user_id == user.id,
                                                                  CalendarLink.revoked_at.is_(None))))
    for link in links:
        link.revoked_at = utcnow()
    db.session.flush()
    return len(links)


def create_calendar_link(*, user) -> CalendarLink:
    """A new secret link; an older one stops working."""
    revoke_calendar_links(user=user)
    link = CalendarLink(user_id=user.id, token=secrets.token_urlsafe(32))
    db.session.add(link)
    db.session.flush()
    return link


def guardian_of_token(token: str) -> User | None:
    """The guardian whose active calendar link has this token; None for unknown or revoked tokens."""
    return db.session.scalar(sa.select(User).join(CalendarLink, CalendarLink.user_id == User.id).where(
        CalendarLink.token == token, CalendarLink.revoked_at.is_(None), User.is_enabled, User.erased_at.is_(None)))


def _sessions_by_event(event_ids) -> dict[int, list[EventSession]]:
    sessions: dict[int, list[EventSession]] = defaultdict(list)
    if event_ids:
        for session in db.session.scalars(sa.select(EventSession).where(EventSession.event_id.in_(event_ids))
                                          .options(lazyload(EventSession.sections))
                                          .order_by(EventSession.starts_at)):
            sessions[session.event_id].append(session)
    return sessions


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Vestregionen//kunstvest orchestra//NO")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Oslo")
    return calendar


def _calendar_entries(*, event: OrchestraEvent, uid: str, summary: str,
                      sessions: list[EventSession]) -> list[CalendarEvent]:
    """The event's VEVENTs: one per day with sessions, from the day's first meeting to its last (a weekend has two),
    or one all-day entry when there is no schedule yet. Categories are in the current language."""
    by_day: dict[date, list[EventSession]] = defaultdict(list)
    for session in sessions:
        by_day[_oslo_day(session.starts_at)].append(session)
    if not by_day:
        # DTEND of an all-day event is exclusive; a stored date.max has no day after it and ends on itself.
        return [_calendar_entry(event=event, uid=uid, summary=summary, starts=event.starts_on,
                                ends=event.ends_on + timedelta(days=1) if event.ends_on < date.max else event.ends_on)]
    return [_calendar_entry(event=event, uid=uid if len(by_day) == 1 else f"{uid}-{day.isoformat()}",
                            summary=summary, starts=min(s.starts_at for s in day_sessions).astimezone(UTC),
                            ends=max(s.ends_at for s in day_sessions).astimezone(UTC))
            for day, day_sessions in sorted(by_day.items())]


def _calendar_entry(*, event: OrchestraEvent, uid: str, summary: str, starts, ends) -> CalendarEvent:
    entry = CalendarEvent()
    entry.add("uid", uid)
    entry.add("dtstamp", (event.updated_at or event.created_at or utcnow()).astimezone(UTC))
    entry.add("dtstart", starts)
    entry.add("dtend", ends)
    entry.add("summary", summary)
    place = ", ".join(part for part in (event.venue.name if event.venue else "",
                                        event.venue.address if event.venue else "", event.place) if part)
    if place:
        entry.add("location", place)
    if event.description:
        entry.add("description", event.description)
    entry.add("categories", [str(KIND_LABELS[event.kind])])
    return entry


def guardian_calendar(*, user) -> bytes:
    """All events of the guardian's children, one entry per child with the child's name in the summary."""
    rows = guardian_events(user=user)
    sessions = _sessions_by_event({row.event.id for row in rows})
    calendar = _calendar("Vestregionens Ungdomssymfonikere")
    for row in rows:
        for entry in _calendar_entries(
                event=row.event, uid=f"orchestra-event-{row.event.id}-child-{row.child.id}@kunstvest",
                summary=f"{row.child.first_name}: {row.event.title}", sessions=sessions[row.event.id]):
            calendar.add_component(entry)
    return calendar.to_ical()


def public_events(*, from_day: date | None = None) -> list[OrchestraEvent]:
    """The orchestra's public concerts, in date order."""
    query = (sa.select(OrchestraEvent).where(OrchestraEvent.is_public)
             .order_by(OrchestraEvent.starts_on, OrchestraEvent.id))
    if from_day is not None:
        query = query.where(OrchestraEvent.ends_on >= from_day)
    return list(db.session.scalars(query))


def public_calendar() -> bytes:
    """The public concerts as an iCalendar feed."""
    events = public_events()
    sessions = _sessions_by_event([event.id for event in events])
    calendar = _calendar("Vestregionens Ungdomssymfonikere: konserter")
    for event in events:
        for entry in _calendar_entries(event=event, uid=f"orchestra-event-{event.id}@kunstvest", summary=event.title,
                                       sessions=sessions[event.id]):
            calendar.add_component(entry)
    return calendar.to_ical()


# --- messages to guardians --------------------------------------------------------------------------------------------

class Audience(enum.StrEnum):
    ALL = "all"
    SECTION = "section"
    EVENT = "event"
    NOT_REPLIED = "not_replied"


AUDIENCE_LABELS = {
    Audience.ALL: _l("All guardians of the season's members"),
    Audience.SECTION: _l("Guardians of one section"),
    Audience.EVENT: _l("Guardians of one event's participants"),
    Audience.NOT_REPLIED: _l("Guardians who have not replied to an event"),
}


def _guardians_of(child_ids) -> list[User]:
    if not child_ids:
        return []
    return list(db.session.scalars(
        sa.select(User).join(Guardianship, Guardianship.user_id == User.id)
        .where(Guardianship.child_id.in_(list(child_ids)), User.is_enabled, User.erased_at.is_(None))
        .distinct().order_by(User.full_name, User.id)))


def message_recipients(*, orchestra_season: OrchestraSeason, audience: Audience, section: Section | None = None,
                       event: OrchestraEvent | None = None) -> list[User]:
    """The guardians a message goes to, each once however many of their children are in the audience."""
    audience = Audience(audience)
    if audience in (Audience.EVENT, Audience.NOT_REPLIED) and (
            event is None or event.orchestra_season_id != orchestra_season.id):
        raise EventError(_l("Choose an event of the season."))
    if audience == Audience.SECTION and section is None:
        raise EventError(_l("Choose a section."))
    if audience == Audience.EVENT:
        child_ids = {row.child.id for row in effective_replies(event=event) if row.attending}
    elif audience == Audience.NOT_REPLIED:
        child_ids = {row.child.id for row in missing_replies(event=event)}
    else:
        child_ids = {enrolment.child_id for enrolment in admitted_members(
            orchestra_season_id=orchestra_season.id, section_id=section.id if audience == Audience.SECTION
            else None)}
    return _guardians_of(child_ids)


def send_message(*, orchestra_season: OrchestraSeason, audience: Audience, subject: str, body: str, sent_by,
                 section: Section | None = None, event: OrchestraEvent | None = None) -> list[User]:
    """Queue one email per guardian in the audience, in their language; the sending is audited."""
    recipients = message_recipients(orchestra_season=orchestra_season, audience=audience, section=section,
                                    event=event)
    if not recipients:
        raise EventError(_l("Nobody is in this audience."))
    for guardian in recipients:
        queue_mail(to=guardian.email, template="orchestra_message", subject=subject.strip(), locale=guardian.locale,
                   guardian=guardian, body=body.strip(), event=event, sender_name=sent_by.full_name)
    record_audit(actor=sent_by, action="orchestra.message_sent", target=orchestra_season, details={
        "audience": Audience(audience).value, "section": section.code if section else None,
        "event_id": event.id if event else None, "subject": subject.strip()[:200], "recipients": len(recipients)})
    db.session.flush()
    return recipients
