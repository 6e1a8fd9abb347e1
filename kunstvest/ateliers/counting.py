"""Counting visits and logging sales: locations and their counters, append-only taps, and each artist's daily sales.

A tap is never updated: a count is the sum of its location's taps, and an undo is a tap of its own with a negative
number of visitors. Each tap carries an id made on the phone, so a request sent twice is stored once.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import lazyload, selectinload

from kunstvest.applications.models import Application, ApplicationStatus, ArtistProfile, OpenCall
from kunstvest.ateliers.models import (Atelier, AtelierArtist, AtelierDay, LocationAssignment, LocationKind,
                                       OpenAteliers, Sale, VisitLocation, VisitTap)
from kunstvest.auth.models import Role
from kunstvest.common.models import to_money, utcnow
from kunstvest.common.outbox import queue_mail
from kunstvest.exhibitions.models import Exhibition
from kunstvest.extensions import db
from kunstvest.reference.models import Season

OSLO = ZoneInfo("Europe/Oslo")
MAX_VISITORS = 500
MAX_BATCH = 200
# A phone whose clock runs ahead must not book visits on a day that has not come yet.
FUTURE_TOLERANCE = timedelta(minutes=5)
COUNTING_ROLES = (Role.VOLUNTEER, Role.ARTIST)


class CountingError(ValueError):
    """A rule of counting or of the sales log was broken; the message is shown to the user."""


class TapRefused(CountingError):
    """One tap of a batch was refused; `index` (from 0) and `client_id` say which, so the phone can drop it."""

    def __init__(self, message, *, index: int | None = None, client_id: str | None = None):
        super().__init__(message)
        self.index = index
        self.client_id = client_id


@dataclass(frozen=True)
class TapInput:
    """A tap as the phone sent it; `undoes` is the client id of the user's own earlier tap that it takes back."""

    client_id: str
    tapped_at: datetime
    visitors: int = 1
    group_label: str = ""
    undoes: str | None = None


@dataclass(frozen=True)
class TapOutcome:
    accepted: int
    duplicates: int


def today_in_oslo(now: datetime | None = None) -> date:
    """The date in Norway now: the day a visit counts for."""
    return (now or utcnow()).astimezone(OSLO).date()


# --- locations and who counts there -----------------------------------------------------------------------------------

def season_of_year(year: int) -> Season | None:
    """The season of `year` that has an exhibition or open-atelier weekends."""
    has_event = sa.or_(Season.id.in_(sa.select(Exhibition.season_id)), Season.id.in_(sa.select(OpenAteliers.season_id)))
    return db.session.scalar(sa.select(Season).where(Season.year == year, has_event).order_by(Season.id).limit(1))


def sync_locations(*, season: Season) -> list[VisitLocation]:
    """Make a location for the season's exhibition and for each atelier, and let each atelier's artists count there.

    Safe to run again: existing locations are updated and kept, assignments are only added.
    """
    existing = {(location.exhibition_id, location.atelier_id): location
                for location in db.session.scalars(sa.select(VisitLocation).where(VisitLocation.season_id == season.id)
                                                   .options(selectinload(VisitLocation.assignments)))}
    exhibition = db.session.scalar(sa.select(Exhibition).where(Exhibition.season_id == season.id))
    if exhibition is not None:
        municipality_id = exhibition.host_municipality_id or (exhibition.venue.municipality_id
                                                              if exhibition.venue else None)
        if municipality_id is not None:
            location = existing.get((exhibition.id, None)) or VisitLocation(
                season_id=season.id, kind=LocationKind.EXHIBITION, exhibition_id=exhibition.id)
            location.name = exhibition.venue.name if exhibition.venue else (exhibition.title or str(season.year))
            location.municipality_id = municipality_id
            db.session.add(location)
    ateliers = db.session.scalars(
        sa.select(Atelier).join(OpenAteliers).where(OpenAteliers.season_id == season.id).order_by(Atelier.id)
        .options(selectinload(Atelier.artists).joinedload(AtelierArtist.application)
                 .joinedload(Application.artist))).unique()
    for atelier in ateliers:
        location = existing.get((None, atelier.id)) or VisitLocation(
            season_id=season.id, kind=LocationKind.ATELIER, atelier_id=atelier.id)
        location.name = atelier.name or atelier.address
        location.municipality_id = atelier.municipality_id
        assigned = {assignment.user_id for assignment in location.assignments}
        for artist in atelier.artists:
            user_id = artist.application.artist.user_id
            if user_id is not None and user_id not in assigned:
                location.assignments.append(LocationAssignment(user_id=user_id))
                assigned.add(user_id)
        db.session.add(location)
    db.session.flush()
    return locations_of_season(season=season)


def locations_of_season(*, season: Season) -> list[VisitLocation]:
    """The season's locations, the exhibition first, with their counters loaded."""
    return list(db.session.scalars(
        sa.select(VisitLocation).where(VisitLocation.season_id == season.id)
        .options(selectinload(VisitLocation.assignments))
        .order_by(VisitLocation.kind.desc(), VisitLocation.name, VisitLocation.id)))


def assign_counter(*, location: VisitLocation, user) -> bool:
    """Let a volunteer (or an artist) count at the location and email them the place, the days and the counter's
    link; True when newly assigned, False when they were already (nothing changes and no email goes)."""
    if not user.has_role(*COUNTING_ROLES):
        raise CountingError(_l("Only volunteers and artists can be assigned to count."))
    if db.session.get(LocationAssignment, (location.id, user.id)) is not None:
        return False
    db.session.add(LocationAssignment(location_id=location.id, user_id=user.id))
    db.session.flush()
    queue_mail(to=user.email, template="counter_assigned", locale=user.locale,
               subject=_l("You count visitors at %(location)s", location=location.name), counter=user,
               location=location, address=address_of(location), days=counting_days(location=location),
               is_period=location.kind == LocationKind.EXHIBITION)
    return True


def address_of(location: VisitLocation) -> str:
    """Where a location is: its atelier's address, or the exhibition venue's; empty when none is known."""
    if location.atelier_id is not None:
        atelier = db.session.get(Atelier, location.atelier_id)
        return ", ".join(part for part in (atelier.address, f"{atelier.postcode} {atelier.city}".strip()) if part)
    exhibition = db.session.get(Exhibition, location.exhibition_id)
    return exhibition.venue.address if exhibition is not None and exhibition.venue is not None else ""


def unassign_counter(*, location: VisitLocation, user) -> bool:
    """Stop a user counting at the location; their taps stay. False when they were not assigned."""
    assignment = db.session.get(LocationAssignment, (location.id, user.id))
    if assignment is None:
        return False
    db.session.delete(assignment)
    db.session.flush()
    return True


def may_count(*, user, location: VisitLocation) -> bool:
    """Admins count anywhere; volunteers and artists only where they are assigned."""
    if user.has_role(Role.ADMIN):
        return True
    if not user.has_role(*COUNTING_ROLES):
        return False
    return db.session.scalar(sa.select(_is_assigned(location.id, user.id)))


def _is_assigned(location_id, user_id) -> sa.Exists:
    return sa.exists().where(LocationAssignment.location_id == location_id, LocationAssignment.user_id == user_id)


@dataclass(frozen=True)
class CountingPlace:
    """A location someone may count at, with its counting days."""

    location: VisitLocation
    days: list[date]


def countable_location(*, location_id: int, user) -> CountingPlace | None:
    """The location and its days if the user may count there, else None; one query for an exhibition.

    Every tap goes through here, so the location, the assignment and the exhibition's dates come in one query.
    """
    if not user.has_role(Role.ADMIN, *COUNTING_ROLES):
        return None
    row = db.session.execute(
        sa.select(VisitLocation, Exhibition.opens_on, Exhibition.closes_on, _is_assigned(VisitLocation.id, user.id))
        .outerjoin(Exhibition, Exhibition.id == VisitLocation.exhibition_id)
        .where(VisitLocation.id == location_id).options(lazyload(VisitLocation.municipality))).first()
    if row is None:
        return None
    location, opens_on, closes_on, is_assigned = row
    if not (is_assigned or user.has_role(Role.ADMIN)):
        return None
    days = (_days_between(opens_on, closes_on) if location.kind == LocationKind.EXHIBITION
            else counting_days(location=location))
    return CountingPlace(location=location, days=days)


def locations_counted_by(*, user) -> list[VisitLocation]:
    """The locations a user is assigned to, newest season first."""
    return list(db.session.scalars(
        sa.select(VisitLocation).join(LocationAssignment).join(Season, Season.id == VisitLocation.season_id)
        .where(LocationAssignment.user_id == user.id)
        .order_by(Season.year.desc(), VisitLocation.kind.desc(), VisitLocation.name)))


def counting_days(*, location: VisitLocation) -> list[date]:
    """The days visits are counted at a location: the exhibition's opening period, or the atelier weekends."""
    if location.kind == LocationKind.EXHIBITION:
        period = db.session.execute(sa.select(Exhibition.opens_on, Exhibition.closes_on)
                                    .where(Exhibition.id == location.exhibition_id)).first()
        return _days_between(*period) if period else []
    return list(db.session.scalars(
        sa.select(AtelierDay.day).join(Atelier, Atelier.open_ateliers_id == AtelierDay.open_ateliers_id)
        .where(Atelier.id == location.atelier_id).order_by(AtelierDay.day)))


def _days_between(first: date | None, last: date | None) -> list[date]:
    if first is None or last is None:
        return []
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


# --- taps -------------------------------------------------------------------------------------------------------------

def _insert_once(values: dict) -> int | None:
    """Insert a tap unless one with its client id (or an undo of the same tap) is stored; its id, or None."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(VisitTap).values(**values).on_conflict_do_nothing().returning(VisitTap.id)
    return db.session.execute(statement).scalar_one_or_none()


def _tap_day(tap: TapInput, now: datetime) -> tuple[datetime, date]:
    tapped_at = now if tap.tapped_at > now + FUTURE_TOLERANCE else tap.tapped_at
    return tapped_at, today_in_oslo(tapped_at)


def _undone_tap(*, tap: TapInput, number: int, location: VisitLocation, user) -> VisitTap:
    """The user's tap that `tap` takes back; it must be their last at this location and not already undone."""
    original = db.session.scalar(sa.select(VisitTap).where(VisitTap.client_id == tap.undoes))
    if original is None or original.user_id != user.id or original.location_id != location.id:
        raise CountingError(_l("Tap %(number)s undoes a tap that is not one of yours at this location.",
                               number=number))
    if original.visitors < 0:
        raise CountingError(_l("Tap %(number)s undoes an undo; count the visitors again instead.", number=number))
    if db.session.scalar(sa.select(VisitTap.id).where(VisitTap.undoes_id == original.id)) is not None:
        raise CountingError(_l("Tap %(number)s undoes a tap that is already undone.", number=number))
    last_id = db.session.scalar(sa.select(sa.func.max(VisitTap.id)).where(
        VisitTap.location_id == location.id, VisitTap.user_id == user.id, VisitTap.visitors > 0))
    if last_id != original.id:
        raise CountingError(_l("Tap %(number)s: you can only undo your own last tap.", number=number))
    return original


def record_taps(*, location: VisitLocation, user, taps: list[TapInput], now: datetime | None = None,
                days: list[date] | None = None) -> TapOutcome:
    """Store a batch of taps in order; a tap whose client id is stored already counts as a duplicate.

    A refused tap raises TapRefused and the caller rolls the whole batch back, so a batch is stored entirely or not
    at all. Taps are only ever inserted, so any number of people may count at one location at once.
    """
    now = now or utcnow()
    days = set(counting_days(location=location) if days is None else days)
    seen: set[str] = set()
    accepted = duplicates = 0
    for index, tap in enumerate(taps):
        if tap.client_id in seen:
            duplicates += 1
            continue
        seen.add(tap.client_id)
        try:
            values = _tap_values(tap=tap, number=index + 1, location=location, user=user, days=days, now=now)
        except CountingError as error:
            # A tap sent again is a duplicate even if it would no longer pass (its undo is done, the days moved).
            if _is_stored(tap.client_id):
                duplicates += 1
                continue
            raise TapRefused(str(error), index=index, client_id=tap.client_id) from error
        if _insert_once(values) is None:
            duplicates += 1
        else:
            accepted += 1
    return TapOutcome(accepted=accepted, duplicates=duplicates)


def _is_stored(client_id: str) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(VisitTap.client_id == client_id)))


def _tap_values(*, tap: TapInput, number: int, location: VisitLocation, user, days: set[date],
                now: datetime) -> dict:
    """The row to insert for one tap, after checking its day (and, for an undo, the tap it takes back)."""
    tapped_at, day = _tap_day(tap, now)
    values = {"client_id": tap.client_id, "location_id": location.id, "user_id": user.id, "tapped_at": tapped_at,
              "recorded_at": now, "group_label": tap.group_label}
    if tap.undoes:
        original = _undone_tap(tap=tap, number=number, location=location, user=user)
        # The undo belongs to the day of the tap it takes back, so that day's total is put right.
        return {**values, "day": original.day, "visitors": -original.visitors, "undoes_id": original.id,
                "group_label": original.group_label}
    if not 1 <= tap.visitors <= MAX_VISITORS:
        raise CountingError(_l("Tap %(number)s: the number of visitors must be a whole number from 1 to %(most)s.",
                               number=number, most=MAX_VISITORS))
    if day not in days:
        raise CountingError(_l("Tap %(number)s is for %(day)s, which is not a counting day at %(location)s.",
                               number=number, day=day.isoformat(), location=location.name))
    return {**values, "day": day, "visitors": tap.visitors}


def location_total(*, location: VisitLocation, day: date) -> int:
    """Visitors counted at a location on a day, undos subtracted."""
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(VisitTap.visitors), 0)).where(
        VisitTap.location_id == location.id, VisitTap.day == day))


def totals_by_location(*, location_ids: list[int], day: date | None = None) -> dict[int, int]:
    """Visitors per location on a day, or over all days when `day` is None; locations without taps are left out."""
    query = (sa.select(VisitTap.location_id, sa.func.sum(VisitTap.visitors))
             .where(VisitTap.location_id.in_(location_ids)).group_by(VisitTap.location_id))
    if day is not None:
        query = query.where(VisitTap.day == day)
    return {location_id: total for location_id, total in db.session.execute(query)}


def last_undoable_tap(*, location: VisitLocation, user) -> VisitTap | None:
    """The user's last tap at the location, if it has not been undone: what «Undo my last tap» takes back."""
    undone = sa.select(VisitTap.undoes_id).where(VisitTap.undoes_id.is_not(None))
    last = db.session.scalar(sa.select(VisitTap).where(
        VisitTap.location_id == location.id, VisitTap.user_id == user.id, VisitTap.visitors > 0)
        .order_by(VisitTap.id.desc()).limit(1))
    if last is None or db.session.scalar(undone.where(VisitTap.undoes_id == last.id)) is not None:
        return None
    return last


# --- sales ------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SalesDays:
    """The days an artist logs sales on, and the location they sell at (their atelier, else the exhibition)."""

    days: list[date]
    location_id: int | None


def accepted_application_of(*, user) -> Application | None:
    """The user's accepted application of the newest season, whose sales they log."""
    return db.session.scalar(
        sa.select(Application).join(ArtistProfile, ArtistProfile.id == Application.artist_id)
        .join(OpenCall, OpenCall.id == Application.call_id).join(Season, Season.id == OpenCall.season_id)
        .where(ArtistProfile.user_id == user.id, Application.status == ApplicationStatus.ACCEPTED)
        .order_by(Season.year.desc()).limit(1))


def accepted_applications(*, season: Season) -> list[Application]:
    """The season's accepted applications, by artist name."""
    return list(db.session.scalars(
        sa.select(Application).join(ArtistProfile, ArtistProfile.id == Application.artist_id)
        .join(OpenCall, OpenCall.id == Application.call_id)
        .where(OpenCall.season_id == season.id, Application.status == ApplicationStatus.ACCEPTED)
        .order_by(ArtistProfile.name, Application.id)))


def sales_days(*, application: Application) -> SalesDays:
    """An artist with an atelier logs sales on the atelier days; otherwise on the exhibition's days."""
    atelier = db.session.scalar(sa.select(Atelier).join(AtelierArtist)
                                .where(AtelierArtist.application_id == application.id))
    if atelier is not None:
        location_id = db.session.scalar(sa.select(VisitLocation.id).where(VisitLocation.atelier_id == atelier.id))
        return SalesDays(days=[atelier_day.day for atelier_day in atelier.open_ateliers.days],
                         location_id=location_id)
    exhibition = db.session.scalar(sa.select(Exhibition).where(Exhibition.season_id == application.call.season_id))
    if exhibition is None:
        return SalesDays(days=[], location_id=None)
    location_id = db.session.scalar(sa.select(VisitLocation.id)
                                    .where(VisitLocation.exhibition_id == exhibition.id))
    return SalesDays(days=_days_between(exhibition.opens_on, exhibition.closes_on), location_id=location_id)


def sales_of(*, application: Application) -> dict[date, Sale]:
    """The artist's logged sales by day."""
    return {sale.day: sale for sale in db.session.scalars(
        sa.select(Sale).where(Sale.application_id == application.id).order_by(Sale.day))}


def sales_totals(*, application_ids: list[int]) -> dict[int, tuple[int, Decimal]]:
    """Works sold and amount per application, over all days."""
    rows = db.session.execute(
        sa.select(Sale.application_id, sa.func.sum(Sale.works_sold), sa.func.sum(Sale.amount))
        .where(Sale.application_id.in_(application_ids)).group_by(Sale.application_id))
    return {application_id: (works, to_money(amount)) for application_id, works, amount in rows}


def save_sale(*, application: Application, day: date, works_sold: int, amount: Decimal, note: str = "",
              recorded_by=None, days: SalesDays | None = None) -> Sale | None:
    """Log what an accepted artist sold on one of their counting days; a day left empty is not stored."""
    if application.status != ApplicationStatus.ACCEPTED:
        raise CountingError(_l("Sales are logged only for accepted artists."))
    days = days or sales_days(application=application)
    if day not in days.days:
        raise CountingError(_l("%(day)s is not one of the days sales are logged for.", day=day.isoformat()))
    if works_sold is None or works_sold < 0:
        raise CountingError(_l("The number of works sold cannot be negative."))
    if isinstance(amount, float) or amount is None or amount < 0:
        raise CountingError(_l("The amount cannot be negative."))
    amount = to_money(amount)
    note = (note or "").strip()
    sale = db.session.scalar(sa.select(Sale).where(Sale.application_id == application.id, Sale.day == day))
    if sale is None:
        if works_sold == 0 and amount == 0 and not note:
            return None
        sale = Sale(season_id=application.call.season_id, application_id=application.id, day=day)
        db.session.add(sale)
    if (sale.works_sold, sale.amount, sale.note) != (works_sold, amount, note):
        sale.works_sold, sale.amount, sale.note = works_sold, amount, note
        sale.location_id = days.location_id
        sale.recorded_by_id = recorded_by.id if recorded_by is not None else None
    db.session.flush()
    return sale


def may_edit_sales(*, user, application: Application) -> bool:
    """Only the artist and the secretariat keep an artist's sales log."""
    return user.has_role(Role.ADMIN) or (application.artist.user_id is not None
                                         and application.artist.user_id == user.id)
