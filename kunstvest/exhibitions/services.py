"""The joint exhibition's rules: hosts and the hosts warning, the exhibition itself, funding booked on the budget,
the placement of the works with unique label numbers, and the works shown in the catalogue and on the labels."""

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from kunstvest.applications.models import ChosenWork, OpenCall
from kunstvest.applications.services import exhibition_works, is_public
from kunstvest.budget.models import BudgetCategory, BudgetLine, LineKind
from kunstvest.budget.services import Booking, BookingChange, book_actual, find_budget_line, planned_booking
from kunstvest.common.audit import record_audit
from kunstvest.common.models import to_money
from kunstvest.exhibitions.labels import HOST_STATUS_LABELS, WEEKDAY_LABELS
from kunstvest.exhibitions.models import Exhibition, Funding, HostStatus, OpeningHours, Placement
from kunstvest.extensions import db
from kunstvest.reference.models import Season


class ExhibitionError(Exception):
    """An exhibition rule was broken; the message is shown to the user."""


class DuplicateLabelNumber(ExhibitionError):
    """Two works of one exhibition would carry the same label number."""

    def __init__(self, message, *, chosen_work_ids: set[int]):
        super().__init__(message)
        self.chosen_work_ids = chosen_work_ids


# --- hosts ------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HostWarning:
    year: int
    exhibition: Exhibition | None
    message: str


def exhibition_for(*, project, year: int) -> Exhibition | None:
    """The project's exhibition in a year, if one is planned."""
    return db.session.scalar(sa.select(Exhibition).join(Exhibition.season)
                             .where(Season.project_id == project.id, Season.year == year))


def hosts_overview(*, project) -> list[Exhibition]:
    """Every season's exhibition of the project, past and planned, newest first."""
    return list(db.session.scalars(sa.select(Exhibition).join(Exhibition.season)
                                   .where(Season.project_id == project.id).order_by(Season.year.desc())))


def host_warnings(*, project, today: date) -> list[HostWarning]:
    """A warning when next year's host is not settled: no exhibition planned, or its host not confirmed."""
    year = today.year + 1
    exhibition = exhibition_for(project=project, year=year)
    if exhibition is None:
        return [HostWarning(year, None, _l(
            "%(project)s %(year)d has no host municipality yet. Hosts must be found a year ahead.",
            project=project.name, year=year))]
    if exhibition.host_status != HostStatus.CONFIRMED:
        host = exhibition.host_municipality.name if exhibition.host_municipality else _l("no municipality named")
        return [HostWarning(year, exhibition, _l(
            "The host of %(project)s %(year)d is not confirmed (%(status)s: %(host)s).", project=project.name,
            year=year, status=HOST_STATUS_LABELS[exhibition.host_status.value], host=host))]
    return []


# --- the exhibition ---------------------------------------------------------------------------------------------------

def _host_facts(exhibition: Exhibition) -> dict:
    municipality = exhibition.host_municipality
    contribution = exhibition.host_contribution
    return {"municipality": municipality.name if municipality else None, "status": exhibition.host_status.value,
            "contribution": str(contribution) if contribution is not None else None}


def save_exhibition(*, exhibition: Exhibition | None = None, season: Season, title: str, host_municipality=None,
                    host_status: HostStatus = HostStatus.WANTED, host_note: str = "",
                    host_contribution: Decimal | None = None, venue=None, opens_on: date | None = None,
                    closes_on: date | None = None, opening_hours: dict[int, tuple[time, time]] | None = None,
                    description: str = "", actor=None) -> Exhibition:
    """Create or update a season's exhibition and its weekly hours; every change of host is in the audit log."""
    host_status = HostStatus(host_status)
    if host_status == HostStatus.CONFIRMED and host_municipality is None:
        raise ExhibitionError(_l("A confirmed host needs a host municipality."))
    if opens_on is not None and closes_on is not None and closes_on < opens_on:
        raise ExhibitionError(_l("The exhibition cannot close before it opens."))
    if host_contribution is not None and to_money(host_contribution) < 0:
        raise ExhibitionError(_l("The host contribution cannot be negative."))
    opening_hours = opening_hours or {}
    for weekday, (opens, closes) in opening_hours.items():
        if closes <= opens:
            raise ExhibitionError(_l("On %(day)s the exhibition must close after it opens.",
                                     day=WEEKDAY_LABELS[weekday]))
    before = None
    if exhibition is None:
        if db.session.scalar(sa.select(Exhibition.id).where(Exhibition.season_id == season.id)) is not None:
            raise ExhibitionError(_l("The %(year)d season already has an exhibition.", year=season.year))
        exhibition = Exhibition(season=season)
        db.session.add(exhibition)
    else:
        before = _host_facts(exhibition)
    exhibition.title, exhibition.description = title, description
    exhibition.host_municipality, exhibition.host_status = host_municipality, host_status
    exhibition.host_note = host_note
    exhibition.host_contribution = to_money(host_contribution) if host_contribution is not None else None
    exhibition.venue, exhibition.opens_on, exhibition.closes_on = venue, opens_on, closes_on
    _replace_opening_hours(exhibition, opening_hours)
    db.session.flush()
    after = _host_facts(exhibition)
    if after != before:
        record_audit(actor=actor, action="exhibition.host_changed", target=exhibition,
                     details={"year": season.year, "before": before, "after": after})
    return exhibition


def _replace_opening_hours(exhibition: Exhibition, wanted: dict[int, tuple[time, time]]) -> None:
    # Rows are changed in place by weekday, so the (exhibition, weekday) key never sees two rows at once.
    existing = {hours.weekday: hours for hours in exhibition.opening_hours}
    for weekday in range(7):
        hours = existing.get(weekday)
        if weekday not in wanted:
            if hours is not None:
                exhibition.opening_hours.remove(hours)
            continue
        if hours is None:
            hours = OpeningHours(weekday=weekday)
            exhibition.opening_hours.append(hours)
        hours.opens, hours.closes = wanted[weekday]


# --- funding ----------------------------------------------------------------------------------------------------------

def income_lines(*, season: Season) -> list[BudgetLine]:
    """The income lines of the season's project budget for its year, where the exhibition's funding is booked."""
    return list(db.session.scalars(
        sa.select(BudgetLine).where(BudgetLine.project_id == season.project_id, BudgetLine.year == season.year,
                                    BudgetLine.kind == LineKind.INCOME)
        .order_by(BudgetLine.category, BudgetLine.name)))


def funding_source_ref(funding: Funding) -> str:
    """The booking's reference in the budget: one booking per funding line, however often it is saved."""
    return f"exhibition-funding:{funding.id}"


@dataclass(frozen=True)
class FundingSaved:
    """A saved funding line and what booking it in the budget did (None while it is not received)."""

    funding: Funding
    booking: Booking | None


def save_funding(*, exhibition: Exhibition, funding: Funding | None = None, funder: str, amount,
                 budget_line: BudgetLine, received_on: date | None = None, note: str = "") -> FundingSaved:
    """Add or change a funding line; once received it is booked as actual income on its budget line, once."""
    amount = to_money(amount)
    if amount <= 0:
        raise ExhibitionError(_l("The amount must be more than zero."))
    season = exhibition.season
    if (budget_line.project_id, budget_line.year, budget_line.kind) != (season.project_id, season.year,
                                                                        LineKind.INCOME):
        raise ExhibitionError(_l("Choose an income line of the %(project)s budget for %(year)d.",
                                 project=season.project.name, year=season.year))
    if funding is None:
        funding = Funding(exhibition=exhibition)
        db.session.add(funding)
    elif funding.exhibition_id != exhibition.id:
        raise ExhibitionError(_l("The funding belongs to another exhibition."))
    elif funding.received_on is not None and received_on is None:
        raise ExhibitionError(_l("Received funding stays booked in the accounts; correct its date or amount "
                                 "instead."))
    funding.funder, funding.amount, funding.budget_line, funding.note = funder, amount, budget_line, note
    funding.received_on = received_on
    db.session.flush()
    return FundingSaved(funding, _book(funding) if received_on is not None else None)


def planned_funding_booking(*, funding: Funding | None, amount, budget_line: BudgetLine,
                            received_on: date | None) -> Booking | None:
    """What saving the funding would book, for the confirmation: None while not received, else the planned booking."""
    if received_on is None:
        return None
    if funding is None or funding.id is None:
        return Booking(None, BookingChange.CREATED)
    return planned_booking(line=budget_line, amount=amount, booked_on=received_on,
                           source_ref=funding_source_ref(funding))


def receive_funding(*, funding: Funding, received_on: date) -> Booking:
    """Mark funding received on a day and book it; saving it again changes the same booking, or nothing."""
    funding.received_on = received_on
    db.session.flush()
    return _book(funding)


def _book(funding: Funding) -> Booking:
    text = f"{funding.funder}: {funding.exhibition.title or funding.exhibition.season.year}"
    return book_actual(line=funding.budget_line, amount=funding.amount, booked_on=funding.received_on,
                       text=text[:300], source_ref=funding_source_ref(funding))


def host_contribution_offer(*, exhibition: Exhibition) -> BudgetLine | None:
    """The project's host municipality line, when the host's contribution is known but not yet among the funding."""
    if not exhibition.host_contribution or exhibition.host_municipality is None:
        return None
    if any(funding.budget_line.category == BudgetCategory.HOST_MUNICIPALITY for funding in exhibition.funding):
        return None
    return find_budget_line(project_code=exhibition.season.project.code, year=exhibition.year,
                            category=BudgetCategory.HOST_MUNICIPALITY)


def add_host_contribution(*, exhibition: Exhibition) -> Funding:
    """Add the host contribution as funding on the project's host municipality line."""
    line = host_contribution_offer(exhibition=exhibition)
    if line is None:
        raise ExhibitionError(_l("There is no host contribution to add: it is already among the funding, no amount "
                                 "is set, or the budget has no host municipality line for %(year)d.",
                                 year=exhibition.year))
    return save_funding(exhibition=exhibition, funder=line.funder or exhibition.host_municipality.name,
                        amount=exhibition.host_contribution, budget_line=line).funding


# --- works and placement ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExhibitionEntry:
    """One work in the exhibition, with where it is placed (None until placed)."""

    chosen: ChosenWork
    placement: Placement | None

    @property
    def artist_name(self) -> str:
        return self.chosen.application.artist.name

    @property
    def label_number(self) -> int | None:
        return self.placement.label_number if self.placement else None


@dataclass(frozen=True)
class PlacementSpec:
    chosen_work_id: int
    room: str = ""
    wall: str = ""
    label_number: int | None = None


def season_call(*, exhibition: Exhibition) -> OpenCall | None:
    """The open call of the exhibition's season, whose accepted artists show their works."""
    return db.session.scalar(sa.select(OpenCall).where(OpenCall.season_id == exhibition.season_id))


def exhibition_entries(*, exhibition: Exhibition) -> list[ExhibitionEntry]:
    """The chosen works of the season call's accepted artists, by artist name, each with its placement."""
    call = season_call(exhibition=exhibition)
    if call is None:
        return []
    works = exhibition_works(call=call)
    placements = {placement.chosen_work_id: placement for placement in db.session.scalars(
        sa.select(Placement).where(Placement.exhibition_id == exhibition.id))}
    return [ExhibitionEntry(chosen, placements.get(chosen.id)) for chosen in works]


def by_label_number(entries: list[ExhibitionEntry]) -> list[ExhibitionEntry]:
    """The entries in label-number order; works without a number last, by artist."""
    return sorted(entries, key=lambda entry: (entry.label_number is None, entry.label_number or 0,
                                              entry.artist_name))


def save_placements(*, exhibition: Exhibition, rows: list[PlacementSpec]) -> None:
    """Place works in rooms and on walls and number their labels; a label number is used once per exhibition."""
    entries = {entry.chosen.id: entry for entry in exhibition_entries(exhibition=exhibition)}
    numbers = {chosen_id: entry.label_number for chosen_id, entry in entries.items()}
    for row in rows:
        if row.chosen_work_id not in entries:
            raise ExhibitionError(_l("That work is not in this exhibition."))
        if row.label_number is not None and row.label_number < 1:
            raise ExhibitionError(_l("Label numbers start at 1."))
        numbers[row.chosen_work_id] = row.label_number
    holders: dict[int, list[int]] = {}
    for chosen_id, number in numbers.items():
        if number is not None:
            holders.setdefault(number, []).append(chosen_id)
    clashes = {number: ids for number, ids in holders.items() if len(ids) > 1}
    if clashes:
        number, ids = min(clashes.items())
        titles = ", ".join(f"«{entries[chosen_id].chosen.title}» ({entries[chosen_id].artist_name})"
                           for chosen_id in ids)
        raise DuplicateLabelNumber(_l("Label number %(number)d is given to more than one work: %(works)s. Each work "
                                      "needs its own number.", number=number, works=titles),
                                   chosen_work_ids={chosen_id for ids in clashes.values() for chosen_id in ids})
    for row in rows:
        placement = entries[row.chosen_work_id].placement
        if placement is None:
            if not (row.room or row.wall or row.label_number is not None):
                continue
            placement = Placement(exhibition_id=exhibition.id, chosen_work_id=row.chosen_work_id)
            db.session.add(placement)
        placement.room, placement.wall, placement.label_number = row.room, row.wall, row.label_number
    db.session.flush()


# --- the public catalogue ---------------------------------------------------------------------------------------------

def catalogue_works(*, exhibition: Exhibition) -> list[ChosenWork]:
    """The works shown in the public catalogue, one per artist by name; none until the call's results are public."""
    call = season_call(exhibition=exhibition)
    if call is None:
        return []
    return [chosen for chosen in exhibition_works(call=call) if is_public(chosen)]
