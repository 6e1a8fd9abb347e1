"""The admin's figures of a season: a dashboard that refreshes itself during the weekends, and its exports."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.dates import format_skeleton
from flask import abort, render_template
from flask_babel import format_currency, format_time, get_locale
from flask_babel import lazy_gettext as _l

from kunstvest.ateliers import bp, figures
from kunstvest.ateliers.models import LocationKind
from kunstvest.auth.models import Role
from kunstvest.common.decorators import role_required
from kunstvest.common.downloads import attachment
from kunstvest.common.formatting import money, number
from kunstvest.common.models import utcnow
from kunstvest.common.spreadsheets import CSV, XLSX, report_to_xlsx, table_to_csv
from kunstvest.reference.models import Season

REFRESH_SECONDS = 60
HEADLINES = ((_l("Visits in total"), "visits"), (_l("At the exhibition"), "exhibition_visits"),
             (_l("In the ateliers"), "atelier_visits"), (_l("Sales"), "sales"))


@bp.app_template_filter("figure_cell")
def figure_cell(value) -> str:
    """A dashboard cell: whole numbers with thousands separators, money in NOK, days by name, nothing as a dash."""
    if value is None:
        return "—"
    if isinstance(value, date):
        return figures.day_label(value)
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return number(value, 0)
    return str(value)


@dataclass(frozen=True)
class Headline:
    """A headline figure with last year's beside it; amounts in whole kroner so that they fit on a phone."""

    label: str
    value: int | Decimal
    previous: int | Decimal | None

    @property
    def change(self) -> int | Decimal | None:
        return None if self.previous is None else self.value - self.previous

    @property
    def change_percent(self) -> Decimal | None:
        return figures.change_percent(self.value, self.previous)

    def shown(self, value: int | Decimal | None, *, signed: bool = False) -> str:
        """A value of this headline as text: «13 000», «1 046 500 kr», «+2 250»."""
        if value is None:
            return "—"
        sign = "+" if signed and value > 0 else ""
        if isinstance(value, Decimal):
            return sign + format_currency(value, "NOK", "#,##0 ¤", currency_digits=False)
        return sign + number(value, 0)


@dataclass(frozen=True)
class ChartBar:
    label: str
    x: int
    exhibition: int
    ateliers: int
    exhibition_top: int
    ateliers_top: int

    @property
    def total(self) -> int:
        return self.exhibition + self.ateliers


@dataclass(frozen=True)
class DayChart:
    """The geometry of the bar chart of visits per day: stacked bars, ateliers below the exhibition."""

    width: int
    height: int
    left: int
    baseline: int
    bar_width: int
    bars: list[ChartBar]
    ticks: list[tuple[int, int]]  # (y, value) of the horizontal grid lines


def _rounded_up(value: int) -> int:
    """The smallest of 1, 2, 2.5 or 5 × 10ⁿ at or above value, for the top of the axis."""
    magnitude = 1
    while True:
        for step in (1, 2, Decimal("2.5"), 5):
            if step * magnitude >= value:
                return int(step * magnitude)
        magnitude *= 10


def day_chart(by_day: dict[date, dict[LocationKind, int]], *, width: int = 760, height: int = 300) -> DayChart:
    """Bars per day scaled to the busiest day, with five grid lines."""
    left, top, bottom = 60, 24, 36
    baseline, plot_height = height - bottom, height - bottom - top
    largest = _rounded_up(max((sum(kinds.values()) for kinds in by_day.values()), default=0) or 1)
    step = (width - left) // max(len(by_day), 1)
    bar_width = min(max(step * 7 // 10, 2), 48)

    def y_of(visitors: int) -> int:
        return baseline - round(max(visitors, 0) * plot_height / largest)

    bars = []
    for index, (day, kinds) in enumerate(by_day.items()):
        ateliers, exhibition = kinds.get(LocationKind.ATELIER, 0), kinds.get(LocationKind.EXHIBITION, 0)
        bars.append(ChartBar(label=format_skeleton("Md", day, locale=get_locale()),
                             x=left + index * step + (step - bar_width) // 2, exhibition=exhibition,
                             ateliers=ateliers, ateliers_top=y_of(ateliers),
                             exhibition_top=y_of(ateliers + exhibition)))
    ticks = [(y_of(largest * n // 5), largest * n // 5) for n in range(6)]
    return DayChart(width=width, height=height, left=left, baseline=baseline, bar_width=bar_width, bars=bars,
                    ticks=ticks)


def _season_or_404(year: int) -> Season:
    season = figures.figures_season(year=year)
    if season is None:
        abort(404)
    return season


@bp.route("/admin/<year:year>/figures")
@role_required(Role.ADMIN)
def admin_figures(year: int):
    """Visits per location, day, hour and municipality, and sales, against last year; refreshes every minute."""
    season_figures = figures.season_figures(season=_season_or_404(year))
    totals, previous = season_figures.totals, season_figures.previous
    headlines = [Headline(str(label), getattr(totals, name), getattr(previous, name) if previous else None)
                 for label, name in HEADLINES]
    updated_at = utcnow()
    return render_template("ateliers/figures.html", figures=season_figures, year=year, headlines=headlines,
                           report=figures.figures_report(season_figures), chart=day_chart(season_figures.by_day),
                           updated_at=updated_at, updated_time=format_time(updated_at, "HH:mm"),
                           refresh_seconds=REFRESH_SECONDS)


@bp.route("/admin/<year:year>/figures.<any(xlsx, csv):file_format>")
@role_required(Role.ADMIN)
def admin_figures_export(year: int, file_format: str):
    """All the dashboard's tables as an xlsx workbook, or the visits per location and day as CSV."""
    season_figures = figures.season_figures(season=_season_or_404(year))
    if file_format == "xlsx":
        report = figures.figures_report(season_figures)
        return attachment(report_to_xlsx(report), filename=f"{report.filename}.xlsx", content_type=XLSX)
    filename = str(_l("visits-per-location-%(year)s", year=year))
    return attachment(table_to_csv(figures.location_table(season_figures)), filename=f"{filename}.csv",
                      content_type=CSV)
