"""Visits and sales of a season's exhibition and open ateliers, compared with the year before.

Every figure is summed in SQL with GROUP BY, so each service runs a fixed number of queries however many ateliers
and taps there are. A location's visits are the sum of its taps: a group tap counts its size, an undo counts −1.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel.dates import format_skeleton
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from kunstvest.applications.models import Application
from kunstvest.ateliers.models import (Atelier, AtelierArtist, AtelierDay, LocationKind, OpenAteliers, Sale,
                                       VisitLocation, VisitTap)
from kunstvest.budget.reports import Report, Table, audience_figures_provider
from kunstvest.common.models import to_money
from kunstvest.extensions import db
from kunstvest.reference.models import Municipality, Season

OSLO = ZoneInfo("Europe/Oslo")
ZERO = Decimal("0.00")
KIND_LABELS = {LocationKind.EXHIBITION: _l("Exhibition"), LocationKind.ATELIER: _l("Atelier")}


class utc_hour(FunctionElement):
    """The UTC hour a stored timestamp falls in, as text «YYYY-MM-DD HH», on SQLite and on PostgreSQL."""

    type = sa.String()
    name = "utc_hour"
    inherit_cache = True


@compiles(utc_hour, "sqlite")
def _utc_hour_on_sqlite(element, compiler, **kw):
    # SQLite keeps UTCDateTime values as UTC text without a zone.
    return f"strftime('%Y-%m-%d %H', {compiler.process(element.clauses, **kw)})"


@compiles(utc_hour, "postgresql")
def _utc_hour_on_postgresql(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')"


@dataclass(frozen=True)
class SeasonTotals:
    """The headline figures of a season."""

    exhibition_visits: int = 0
    atelier_visits: int = 0
    ateliers: int = 0
    works_sold: int = 0
    sales: Decimal = ZERO

    @property
    def visits(self) -> int:
        return self.exhibition_visits + self.atelier_visits


@dataclass
class LocationVisits:
    """One counting location with its visits per day."""

    name: str
    municipality: str
    kind: LocationKind
    by_day: dict[date, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_day.values())


@dataclass
class MunicipalityFigures:
    """Visits and sales in one municipality."""

    name: str
    exhibition_visits: int = 0
    atelier_visits: int = 0
    works_sold: int = 0
    sales: Decimal = ZERO

    @property
    def visits(self) -> int:
        return self.exhibition_visits + self.atelier_visits


@dataclass
class SeasonFigures:
    """Everything the dashboard and its exports show for one season."""

    season: Season
    totals: SeasonTotals
    previous: SeasonTotals | None
    weekend_days: list[date]
    locations: list[LocationVisits]
    by_day: dict[date, dict[LocationKind, int]]
    by_hour: dict[date, dict[int, int]]
    municipalities: list[MunicipalityFigures]


def figures_season(*, year: int) -> Season | None:
    """The season of `year` that has open ateliers or counting locations (Kunst rett vest's), if any."""
    counted = sa.or_(Season.id.in_(sa.select(OpenAteliers.season_id)),
                     Season.id.in_(sa.select(VisitLocation.season_id)))
    return db.session.scalar(sa.select(Season).where(Season.year == year, counted).order_by(Season.id).limit(1))


def previous_season(*, season: Season) -> Season | None:
    """The same project's season of the year before."""
    return db.session.scalar(sa.select(Season).where(Season.project_id == season.project_id,
                                                     Season.year == season.year - 1))


def weekend_days(*, season: Season) -> list[date]:
    """The days of the season's open-atelier weekends."""
    return list(db.session.scalars(sa.select(AtelierDay.day).join(OpenAteliers)
                                   .where(OpenAteliers.season_id == season.id).order_by(AtelierDay.day)))


def visits_by_kind(*, season: Season) -> dict[LocationKind, int]:
    """Visits at the exhibition and in the ateliers."""
    rows = db.session.execute(
        sa.select(VisitLocation.kind, sa.func.sum(VisitTap.visitors)).join(VisitTap.location)
        .where(VisitLocation.season_id == season.id).group_by(VisitLocation.kind))
    return {kind: int(visitors or 0) for kind, visitors in rows}


def visits_by_location(*, season: Season) -> list[LocationVisits]:
    """Every counting location with its municipality, kind and visits per day; the exhibition first."""
    rows = db.session.execute(
        sa.select(VisitLocation.id, VisitLocation.name, VisitLocation.kind, Municipality.name, VisitTap.day,
                  sa.func.sum(VisitTap.visitors))
        .select_from(VisitLocation).join(Municipality, Municipality.id == VisitLocation.municipality_id)
        .outerjoin(VisitTap, VisitTap.location_id == VisitLocation.id)
        .where(VisitLocation.season_id == season.id)
        .group_by(VisitLocation.id, VisitLocation.name, VisitLocation.kind, Municipality.name, VisitTap.day))
    locations: dict[int, LocationVisits] = {}
    for location_id, name, kind, municipality, day, visitors in rows:
        location = locations.setdefault(location_id, LocationVisits(name, municipality, kind))
        if day is not None:
            location.by_day[day] = int(visitors)
    return sorted(locations.values(),
                  key=lambda location: (location.kind != LocationKind.EXHIBITION, location.municipality,
                                        location.name))


def visits_by_day(*, season: Season) -> dict[date, dict[LocationKind, int]]:
    """Visits per day, at the exhibition and in the ateliers."""
    rows = db.session.execute(
        sa.select(VisitTap.day, VisitLocation.kind, sa.func.sum(VisitTap.visitors)).join(VisitTap.location)
        .where(VisitLocation.season_id == season.id).group_by(VisitTap.day, VisitLocation.kind)
        .order_by(VisitTap.day))
    by_day: dict[date, dict[LocationKind, int]] = {}
    for day, kind, visitors in rows:
        by_day.setdefault(day, {})[kind] = int(visitors)
    return by_day


def visits_by_hour(*, season: Season) -> dict[date, dict[int, int]]:
    """Visits per day and hour in Oslo time, by when each tap was made."""
    hour = utc_hour(VisitTap.tapped_at)
    rows = db.session.execute(
        sa.select(hour, sa.func.sum(VisitTap.visitors)).join(VisitTap.location)
        .where(VisitLocation.season_id == season.id).group_by(hour))
    by_hour: dict[date, dict[int, int]] = {}
    for utc_text, visitors in rows:
        # Summed per UTC hour in SQL; Oslo's offset is whole hours, so each UTC hour is one Oslo hour.
        moment = datetime.strptime(utc_text, "%Y-%m-%d %H").replace(tzinfo=UTC).astimezone(OSLO)
        hours = by_hour.setdefault(moment.date(), {})
        hours[moment.hour] = hours.get(moment.hour, 0) + int(visitors)
    return dict(sorted(by_hour.items()))


def visits_by_municipality(*, season: Season) -> dict[str, dict[LocationKind, int]]:
    """Visits per municipality of the location, at the exhibition and in the ateliers."""
    rows = db.session.execute(
        sa.select(Municipality.name, VisitLocation.kind, sa.func.sum(VisitTap.visitors)).select_from(VisitTap)
        .join(VisitTap.location).join(Municipality, Municipality.id == VisitLocation.municipality_id)
        .where(VisitLocation.season_id == season.id).group_by(Municipality.name, VisitLocation.kind))
    by_municipality: dict[str, dict[LocationKind, int]] = {}
    for name, kind, visitors in rows:
        by_municipality.setdefault(name, {})[kind] = int(visitors)
    return by_municipality


def _sales_municipality_id():
    """Where a sale counts: its location's municipality, else the artist's atelier's, else the application's."""
    return sa.func.coalesce(VisitLocation.municipality_id, Atelier.municipality_id, Application.municipality_id)


def sales_by_municipality(*, season: Season) -> dict[str, tuple[int, Decimal]]:
    """Works sold and the amount in NOK per municipality."""
    municipality_id = _sales_municipality_id()
    rows = db.session.execute(
        sa.select(Municipality.name, sa.func.sum(Sale.works_sold), sa.func.sum(Sale.amount)).select_from(Sale)
        .join(Application, Application.id == Sale.application_id)
        .outerjoin(VisitLocation, VisitLocation.id == Sale.location_id)
        .outerjoin(AtelierArtist, AtelierArtist.application_id == Sale.application_id)
        .outerjoin(Atelier, Atelier.id == AtelierArtist.atelier_id)
        .outerjoin(Municipality, Municipality.id == municipality_id)
        .where(Sale.season_id == season.id).group_by(Municipality.name))
    return {name or str(_l("Unknown")): (int(works or 0), to_money(amount or 0)) for name, works, amount in rows}


def sales_totals(*, season: Season) -> tuple[int, Decimal]:
    """Works sold and the amount in NOK in the whole season."""
    works, amount = db.session.execute(
        sa.select(sa.func.sum(Sale.works_sold), sa.func.sum(Sale.amount)).where(Sale.season_id == season.id)).one()
    return int(works or 0), to_money(amount or 0)


def atelier_count(*, season: Season) -> int:
    """How many ateliers the season has."""
    return db.session.scalar(sa.select(sa.func.count(Atelier.id)).join(OpenAteliers)
                             .where(OpenAteliers.season_id == season.id))


def season_totals(*, season: Season) -> SeasonTotals:
    """Visits at the exhibition and in the ateliers, the number of ateliers, works sold and sales."""
    visits = visits_by_kind(season=season)
    works_sold, sales = sales_totals(season=season)
    return SeasonTotals(exhibition_visits=visits.get(LocationKind.EXHIBITION, 0),
                        atelier_visits=visits.get(LocationKind.ATELIER, 0), ateliers=atelier_count(season=season),
                        works_sold=works_sold, sales=sales)


def season_figures(*, season: Season) -> SeasonFigures:
    """All of a season's figures for the dashboard, with last year's totals beside them."""
    previous = previous_season(season=season)
    visits = visits_by_municipality(season=season)
    sales = sales_by_municipality(season=season)
    municipalities = []
    for name in sorted(visits.keys() | sales.keys()):
        works_sold, amount = sales.get(name, (0, ZERO))
        municipalities.append(MunicipalityFigures(
            name, exhibition_visits=visits.get(name, {}).get(LocationKind.EXHIBITION, 0),
            atelier_visits=visits.get(name, {}).get(LocationKind.ATELIER, 0), works_sold=works_sold, sales=amount))
    return SeasonFigures(
        season=season, totals=season_totals(season=season),
        previous=season_totals(season=previous) if previous is not None else None,
        weekend_days=weekend_days(season=season), locations=visits_by_location(season=season),
        by_day=visits_by_day(season=season), by_hour=visits_by_hour(season=season), municipalities=municipalities)


@audience_figures_provider
def atelier_audience_figures(project, year: int) -> list[tuple[str, int]]:
    """Visits at the exhibition and in the ateliers, ateliers, works sold and sales for the funders' reports."""
    season = db.session.scalar(sa.select(Season).where(Season.project_id == project.id, Season.year == year))
    if season is None:
        return []
    totals = season_totals(season=season)
    if not (totals.visits or totals.ateliers or totals.works_sold):
        return []
    return [(str(_l("Visits at the exhibition")), totals.exhibition_visits),
            (str(_l("Visits in the ateliers")), totals.atelier_visits),
            (str(_l("Open ateliers")), totals.ateliers),
            (str(_l("Works sold")), totals.works_sold),
            (str(_l("Sales (NOK)")), int(totals.sales))]


# --- the tables of the dashboard and its exports --------------------------------------------------------------------

def day_label(day: date) -> str:
    """A day as «lør. 16. sep.» in the visitor's language."""
    return format_skeleton("MMMEd", day, locale=get_locale())


def change_percent(current: int | Decimal, previous: int | Decimal | None) -> Decimal | None:
    """The change from last year in per cent with one decimal; none without a figure to compare with."""
    if not previous:
        return None
    return (Decimal(current - previous) * 100 / Decimal(previous)).quantize(Decimal("0.1"))


def headline_table(figures: SeasonFigures) -> Table:
    """Visits, ateliers and sales this year and last year, and the change."""
    year, current, previous = figures.season.year, figures.totals, figures.previous
    rows = []
    for label, attribute in ((_l("Visits in total"), "visits"), (_l("Visits at the exhibition"), "exhibition_visits"),
                             (_l("Visits in the ateliers"), "atelier_visits"), (_l("Open ateliers"), "ateliers"),
                             (_l("Works sold"), "works_sold"), (_l("Sales"), "sales")):
        this_year = getattr(current, attribute)
        last_year = getattr(previous, attribute) if previous else None
        rows.append([str(label), this_year, last_year, this_year - last_year if last_year is not None else None])
    return Table(str(_l("Headline figures")), [str(_l("Figure")), str(year), str(year - 1), str(_l("Change"))], rows)


def location_table(figures: SeasonFigures) -> Table:
    """Visits per location on each day of the weekends, on the other days (the exhibition) and in total."""
    days = figures.weekend_days
    rows = []
    for location in figures.locations:
        on_weekends = [location.by_day.get(day, 0) for day in days]
        rows.append([location.name, location.municipality, str(KIND_LABELS[location.kind]), *on_weekends,
                     location.total - sum(on_weekends), location.total])
    sums = [sum(row[column] for row in rows) for column in range(3, 3 + len(days) + 2)]
    return Table(str(_l("Visits per location")),
                 [str(_l("Location")), str(_l("Municipality")), str(_l("Kind")), *map(day_label, days),
                  str(_l("Other days")), str(_l("Total"))],
                 rows, [[str(_l("Total")), "", "", *sums]])


def day_table(figures: SeasonFigures) -> Table:
    """Visits per day at the exhibition and in the ateliers."""
    rows = []
    for day, kinds in figures.by_day.items():
        exhibition, ateliers = kinds.get(LocationKind.EXHIBITION, 0), kinds.get(LocationKind.ATELIER, 0)
        rows.append([day, exhibition, ateliers, exhibition + ateliers])
    footer = [[str(_l("Total")), *(sum(row[column] for row in rows) for column in (1, 2, 3))]]
    return Table(str(_l("Visits per day")), [str(_l("Day")), str(_l("Exhibition")), str(_l("Ateliers")),
                                             str(_l("Total"))], rows, footer)


def hour_table(figures: SeasonFigures) -> Table:
    """Visits per day (rows) and hour in Oslo time (columns), from the first to the last hour with visits."""
    hours_seen = {hour for hours in figures.by_hour.values() for hour in hours}
    hours = list(range(min(hours_seen), max(hours_seen) + 1)) if hours_seen else []
    rows = [[day, *(by_hour.get(hour, 0) for hour in hours), sum(by_hour.values())]
            for day, by_hour in figures.by_hour.items()]
    return Table(str(_l("Visits per day and hour")),
                 [str(_l("Day")), *(f"{hour:02d}" for hour in hours), str(_l("Total"))], rows)


def municipality_table(figures: SeasonFigures) -> Table:
    """Visits and sales per municipality."""
    rows = [[m.name, m.exhibition_visits, m.atelier_visits, m.visits, m.works_sold, m.sales]
            for m in figures.municipalities]
    footer = [[str(_l("Total")), *(sum(row[column] for row in rows) for column in (1, 2, 3, 4)),
               sum((row[5] for row in rows), ZERO)]]
    return Table(str(_l("Visits and sales per municipality")),
                 [str(_l("Municipality")), str(_l("Exhibition")), str(_l("Ateliers")), str(_l("Visits")),
                  str(_l("Works sold")), str(_l("Sales"))], rows, footer)


def figures_report(figures: SeasonFigures) -> Report:
    """The dashboard's tables as one Report, for the page and the xlsx file alike."""
    year = figures.season.year
    return Report(title=str(_l("Visits and sales %(year)s", year=year)),
                  filename=str(_l("visits-and-sales-%(year)s", year=year)), sheet_name=str(_l("Visits and sales")),
                  notes=[str(_l("Hours are in Norwegian time. Last year is %(year)s.", year=year - 1))],
                  tables=[headline_table(figures), location_table(figures), day_table(figures),
                          hour_table(figures), municipality_table(figures)])
