"""The exhibition's side programme: events by day, free sign-up with a waiting list, the iCal feed, personal data."""

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from kunstvest.common.audit import record_audit
from kunstvest.common.models import utcnow
from kunstvest.common.outbox import queue_mail
from kunstvest.common.personal_data import personal_data_eraser, personal_data_exporter
from kunstvest.exhibitions.models import EventKind, Exhibition, ProgrammeEvent, Signup, SignupStatus
from kunstvest.extensions import db
from kunstvest.reference.models import Season

OSLO = ZoneInfo("Europe/Oslo")
MAX_SEATS_PER_SIGNUP = 10
# Guided tours are also given in the languages of the region's larger immigrant groups.
LANGUAGE_CODES = ("nb", "nn", "en", "pl", "de", "fr", "es", "ar", "uk", "so", "ti", "sv", "lt", "ru", "fa", "ur",
                  "se")
ACTIVE = (SignupStatus.CONFIRMED, SignupStatus.WAITLISTED)
ERASED_DOMAIN = "@invalid"  # what an erased sign-up's address ends with: nobody can be mailed there

KIND_LABELS = {
    EventKind.WORKSHOP: _l("Workshop"),
    EventKind.GUIDED_TOUR: _l("Guided tour"),
    EventKind.TALK: _l("Talk"),
    EventKind.PERFORMANCE: _l("Performance"),
    EventKind.YOGA: _l("Yoga"),
    EventKind.CAFE: _l("Café"),
    EventKind.CONCERT: _l("Concert"),
    EventKind.OTHER: _l("Other"),
}
SIGNUP_STATUS_LABELS = {
    SignupStatus.CONFIRMED: _l("confirmed"),
    SignupStatus.WAITLISTED: _l("waiting list"),
    SignupStatus.CANCELLED: _l("cancelled"),
}


class ProgrammeError(ValueError):
    """A rule of the side programme was broken; the message is shown to the user."""


class DuplicateSignup(ProgrammeError):
    """This email already has an active sign-up for the event."""


def language_name(code: str) -> str:
    """The language's name in the visitor's language («polsk», «Polish»), from the CLDR data Babel ships."""
    return Locale.parse(code).get_display_name(str(get_locale()) if get_locale() else "nb")


def language_choices() -> list[tuple[str, str]]:
    """(code, name) pairs for the event form, in the visitor's language."""
    return [(code, language_name(code)) for code in LANGUAGE_CODES]


def oslo_datetime(day: date, clock: time) -> datetime:
    """A Norwegian wall-clock time on a day, as UTC."""
    return datetime.combine(day, clock, tzinfo=OSLO).astimezone(UTC)


def oslo_day(moment: datetime) -> date:
    return moment.astimezone(OSLO).date()


# --- events -----------------------------------------------------------------------------------------------------------

def exhibition_of_year(year: int) -> Exhibition | None:
    """The joint exhibition of the season `year`, if there is one."""
    return db.session.scalar(sa.select(Exhibition).join(Season, Exhibition.season_id == Season.id)
                             .where(Season.year == year).order_by(Exhibition.id).limit(1))


def events_of(*, exhibition: Exhibition) -> list[ProgrammeEvent]:
    """The exhibition's events in order of time, cancelled ones included."""
    return list(db.session.scalars(sa.select(ProgrammeEvent).where(ProgrammeEvent.exhibition_id == exhibition.id)
                                   .order_by(ProgrammeEvent.starts_at, ProgrammeEvent.id)))


def by_day(events: list[ProgrammeEvent]) -> list[tuple[date, list[ProgrammeEvent]]]:
    """Events (already in order of time) grouped by their Norwegian date."""
    return [(day, list(group)) for day, group in groupby(events, key=lambda event: oslo_day(event.starts_at))]


@dataclass(frozen=True)
class Occupancy:
    """How an event's seats are taken: confirmed seats and the parties and seats on the waiting list."""

    capacity: int | None
    confirmed_seats: int = 0
    waitlisted_parties: int = 0
    waitlisted_seats: int = 0

    @property
    def seats_left(self) -> int:
        return max((self.capacity or 0) - self.confirmed_seats, 0)


def occupancy(*, events: list[ProgrammeEvent]) -> dict[int, Occupancy]:
    """Occupancy of each event, in one query however many events there are."""
    rows = db.session.execute(
        sa.select(Signup.event_id, Signup.status, sa.func.count(), sa.func.sum(Signup.seats))
        .where(Signup.event_id.in_([event.id for event in events]), Signup.status.in_(ACTIVE))
        .group_by(Signup.event_id, Signup.status))
    counts: dict[int, dict[SignupStatus, tuple[int, int]]] = defaultdict(dict)
    for event_id, status, parties, seats in rows:
        counts[event_id][status] = (parties, seats or 0)
    return {event.id: Occupancy(
        capacity=event.capacity,
        confirmed_seats=counts[event.id].get(SignupStatus.CONFIRMED, (0, 0))[1],
        waitlisted_parties=counts[event.id].get(SignupStatus.WAITLISTED, (0, 0))[0],
        waitlisted_seats=counts[event.id].get(SignupStatus.WAITLISTED, (0, 0))[1],
    ) for event in events}


def seats_left(*, event: ProgrammeEvent) -> int:
    """The seats of an event not yet confirmed to anyone, as the programme page shows them."""
    return occupancy(events=[event])[event.id].seats_left


def save_event(*, exhibition: Exhibition, event: ProgrammeEvent | None = None, kind: EventKind, title: str,
               description: str, day: date, starts: time, ends: time, place: str, language: str,
               capacity: int | None, has_signup: bool) -> ProgrammeEvent:
    """Create or update an event; more seats move the waiting list up, fewer may not drop confirmed people."""
    if ends <= starts:
        raise ProgrammeError(_l("The event must end after it starts."))
    if has_signup and not capacity:
        raise ProgrammeError(_l("Sign-up needs a capacity."))
    if language not in LANGUAGE_CODES:
        raise ProgrammeError(_l("Choose one of the languages offered."))
    if (exhibition.opens_on and day < exhibition.opens_on) or (exhibition.closes_on and day > exhibition.closes_on):
        raise ProgrammeError(_l("The event must take place while the exhibition is open (%(opens)s–%(closes)s).",
                                opens=exhibition.opens_on.isoformat(), closes=exhibition.closes_on.isoformat()))
    if event is None:
        event = ProgrammeEvent(exhibition=exhibition)
        db.session.add(event)
    else:
        _lock(event)
        taken = occupancy(events=[event])[event.id]
        if not has_signup and taken.confirmed_seats + taken.waitlisted_parties:
            raise ProgrammeError(_l("People have signed up; cancel their sign-ups before turning sign-up off."))
        if has_signup and capacity < taken.confirmed_seats:
            raise ProgrammeError(_l("%(seats)d seats are already confirmed; the capacity cannot be lower.",
                                    seats=taken.confirmed_seats))
    event.kind, event.title, event.description = kind, title, description
    event.starts_at, event.ends_at = oslo_datetime(day, starts), oslo_datetime(day, ends)
    event.place, event.language, event.capacity, event.has_signup = place, language, capacity, has_signup
    db.session.flush()
    if has_signup:
        promote_waiting_list(event=event)
    return event


def is_erased(signup: Signup) -> bool:
    """Whether the sign-up was erased at its holder's request: it keeps its seats, but has no address to mail."""
    return signup.email.endswith(ERASED_DOMAIN)


@dataclass(frozen=True)
class EventCancellation:
    cancelled: list[Signup]  # the sign-ups that were active
    mailed: int  # of them, those emailed (an erased sign-up has no address left)


def cancel_event(*, event: ProgrammeEvent, actor) -> EventCancellation:
    """Cancel an event and every active sign-up of it, emailing each person who still has an address."""
    _lock(event)
    if event.is_cancelled:
        raise ProgrammeError(_l("The event is already cancelled."))
    event.is_cancelled = True
    now = utcnow()
    active = _active_signups(event)
    mailed = 0
    for signup in active:
        signup.status, signup.cancelled_at = SignupStatus.CANCELLED, now
        if is_erased(signup):
            continue
        queue_mail(to=signup.email, template="signup_event_cancelled", locale=signup.locale,
                   subject=_l("Cancelled: %(title)s", title=event.title), signup=signup, event=event)
        mailed += 1
    record_audit(actor=actor, action="programme.event_cancelled", target=event,
                 details={"signups": len(active), "mailed": mailed})
    db.session.flush()
    return EventCancellation(cancelled=active, mailed=mailed)


# --- sign-up and the waiting list -------------------------------------------------------------------------------------

def _lock(event: ProgrammeEvent) -> None:
    """Lock the event's row until commit so that concurrent sign-ups and cancellations count seats one at a time."""
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite ignores FOR UPDATE, and the driver opens the transaction only at the first write, so a count read
        # before it could be stale; a write that changes nothing takes the database's write lock first.
        db.session.execute(sa.update(ProgrammeEvent).where(ProgrammeEvent.id == event.id)
                           .values(updated_at=ProgrammeEvent.updated_at).execution_options(synchronize_session=False))
    else:
        db.session.execute(sa.select(ProgrammeEvent.id).where(ProgrammeEvent.id == event.id).with_for_update())


def _active_signups(event: ProgrammeEvent) -> list[Signup]:
    return list(db.session.scalars(sa.select(Signup).where(Signup.event_id == event.id, Signup.status.in_(ACTIVE))
                                   .order_by(Signup.id)))


def _confirmed_seats(event: ProgrammeEvent) -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Signup.seats), 0))
                             .where(Signup.event_id == event.id, Signup.status == SignupStatus.CONFIRMED))


def waiting_list(*, event: ProgrammeEvent) -> list[Signup]:
    """The event's waiting list in order of arrival."""
    return list(db.session.scalars(
        sa.select(Signup).where(Signup.event_id == event.id, Signup.status == SignupStatus.WAITLISTED)
        .order_by(Signup.id)))


def signups_of(*, event: ProgrammeEvent) -> list[tuple[Signup, int | None]]:
    """Every sign-up of the event in order of arrival, with its place on the waiting list (None if not waiting)."""
    place = 0
    rows = []
    for signup in db.session.scalars(sa.select(Signup).where(Signup.event_id == event.id).order_by(Signup.id)):
        if signup.status == SignupStatus.WAITLISTED:
            place += 1
        rows.append((signup, place if signup.status == SignupStatus.WAITLISTED else None))
    return rows


def sign_up(*, event: ProgrammeEvent, name: str, email: str, seats: int, locale: str = "nb",
            now: datetime | None = None) -> Signup:
    """Sign someone up: confirmed while seats last, else on the waiting list; one active sign-up per email."""
    now = now or utcnow()
    if not 1 <= seats <= MAX_SEATS_PER_SIGNUP:
        raise ProgrammeError(_l("Sign up for between 1 and %(most)d seats.", most=MAX_SEATS_PER_SIGNUP))
    _lock(event)
    db.session.refresh(event)
    if not event.has_signup or event.is_cancelled:
        raise ProgrammeError(_l("This event has no sign-up."))
    if event.starts_at <= now:
        raise ProgrammeError(_l("The event has started; sign-up is closed."))
    email = email.strip()
    duplicate = db.session.scalar(sa.select(Signup.id).where(
        Signup.event_id == event.id, Signup.status.in_(ACTIVE), sa.func.lower(Signup.email) == email.lower()))
    if duplicate is not None:
        raise DuplicateSignup(_l("%(email)s is already signed up for this event. The email we sent has a link to "
                                 "cancel; sign up again after cancelling to change the number of seats.",
                                 email=email))
    # The same count the programme page shows, so the page, the mail and the message agree.
    left = seats_left(event=event)
    confirmed = seats <= left
    signup = Signup(event=event, name=name.strip(), email=email, seats=seats, locale=locale,
                    status=SignupStatus.CONFIRMED if confirmed else SignupStatus.WAITLISTED,
                    token=secrets.token_urlsafe(32))
    db.session.add(signup)
    db.session.flush()
    if confirmed:
        queue_mail(to=email, template="signup_confirmed", locale=locale,
                   subject=_l("You are signed up: %(title)s", title=event.title), signup=signup, event=event)
    else:
        queue_mail(to=email, template="signup_waitlisted", locale=locale,
                   subject=_l("On the waiting list: %(title)s", title=event.title), signup=signup, event=event,
                   place=len(waiting_list(event=event)), seats_left=left)
    return signup


def signup_by_token(token: str) -> Signup | None:
    """The active sign-up whose cancel link carries `token`."""
    return db.session.scalar(sa.select(Signup).where(Signup.token == token, Signup.status.in_(ACTIVE)))


def cancel_signup(*, signup: Signup, cancelled_by=None) -> list[Signup]:
    """Cancel a sign-up (by its holder, or by an admin on their behalf), email its holder either way unless the
    sign-up is erased, and move the waiting list up.

    Returns the sign-ups promoted from the waiting list.
    """
    event = signup.event
    _lock(event)
    db.session.refresh(signup)
    if signup.status not in ACTIVE:
        raise ProgrammeError(_l("This sign-up is already cancelled."))
    signup.status, signup.cancelled_at = SignupStatus.CANCELLED, utcnow()
    db.session.flush()
    if cancelled_by is not None:
        record_audit(actor=cancelled_by, action="programme.signup_cancelled", target=signup)
        template, subject = "signup_cancelled", _l("Your sign-up is cancelled: %(title)s", title=event.title)
    else:
        template, subject = "signup_cancel_confirmed", _l("You have cancelled your sign-up: %(title)s",
                                                          title=event.title)
    if not is_erased(signup):
        queue_mail(to=signup.email, template=template, locale=signup.locale, subject=subject, signup=signup,
                   event=event)
    return promote_waiting_list(event=event)


def promote_waiting_list(*, event: ProgrammeEvent) -> list[Signup]:
    """Give free seats to the waiting list in order of arrival; a party too large for the seats left keeps its place
    while those behind it whose seats fit move up. Each promoted person is emailed, unless the sign-up is erased. The
    caller holds the event lock.
    """
    if event.is_cancelled or not event.has_signup:
        return []
    free = event.capacity - _confirmed_seats(event)
    promoted = []
    now = utcnow()
    for signup in waiting_list(event=event):
        if free <= 0:
            break
        if signup.seats > free:
            continue
        signup.status, signup.promoted_at = SignupStatus.CONFIRMED, now
        free -= signup.seats
        promoted.append(signup)
        if not is_erased(signup):
            queue_mail(to=signup.email, template="signup_promoted", locale=signup.locale,
                       subject=_l("You have a place: %(title)s", title=event.title), signup=signup, event=event)
    db.session.flush()
    return promoted


# --- the iCal feed ----------------------------------------------------------------------------------------------------

def programme_calendar(*, exhibition: Exhibition, events: list[ProgrammeEvent]) -> bytes:
    """The programme as an iCalendar file: one VEVENT per event with a stable UID, times in UTC."""
    calendar = Calendar()
    calendar.add("prodid", "-//Vestregionen//kunstvest programme//NO")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", exhibition.title or f"Kunst rett vest {exhibition.year}")
    for event in events:
        entry = CalendarEvent()
        entry.add("uid", f"programme-event-{event.id}@kunstvest")
        entry.add("dtstamp", (event.updated_at or event.created_at or utcnow()).astimezone(UTC))
        entry.add("dtstart", event.starts_at.astimezone(UTC))
        entry.add("dtend", event.ends_at.astimezone(UTC))
        entry.add("summary", event.title)
        if event.place:
            entry.add("location", event.place)
        if event.description:
            entry.add("description", event.description)
        entry.add("categories", [str(KIND_LABELS[event.kind])])
        entry.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
        calendar.add_component(entry)
    return calendar.to_ical()


# --- personal data ----------------------------------------------------------------------------------------------------

def _signups_of_email(email: str) -> list[Signup]:
    return list(db.session.scalars(sa.select(Signup).where(sa.func.lower(Signup.email) == email.lower())
                                   .order_by(Signup.id)))


@personal_data_exporter("programme_signups")
def export_signups(user) -> list[dict[str, Any]]:
    """The programme sign-ups made with the user's email address."""
    return [{"event": signup.event.title, "starts_at": signup.event.starts_at.isoformat(), "name": signup.name,
             "seats": signup.seats, "status": signup.status.value,
             "signed_up_at": signup.created_at.isoformat() if signup.created_at else None}
            for signup in _signups_of_email(user.email)]


@personal_data_eraser
def erase_signups(user) -> None:
    """Blank the name and email of the user's sign-ups; the seats they took still count."""
    for signup in _signups_of_email(user.email):
        signup.name, signup.email = "—", f"erased-signup-{signup.id}{ERASED_DOMAIN}"
