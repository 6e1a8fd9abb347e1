"""The day the demo is loaded on: this year's season is live today, next year's call and registration are open."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kunstvest.common.models import utcnow

OSLO = ZoneInfo("Europe/Oslo")
LAST_HISTORY_YEAR = 2017  # the annual reports' years; the live season comes after them
# The live exhibition runs from some days before today to some days after; the atelier days are today and tomorrow.
EXHIBITION_OPENED, EXHIBITION_CLOSES = timedelta(days=9), timedelta(days=16)


@dataclass(frozen=True)
class DemoDay:
    """The moment the demo takes as now, and the seasons it makes from it: the live year and the next."""

    now: datetime

    @classmethod
    def of(cls, today: date | None = None) -> "DemoDay":
        """The real now, or noon in Oslo on `today` (to load the demo as if on another day)."""
        if today is not None and today.year <= LAST_HISTORY_YEAR:
            raise ValueError(f"the demo's live season must come after {LAST_HISTORY_YEAR}")
        return cls(utcnow() if today is None else datetime.combine(today, time(12), OSLO))

    @property
    def today(self) -> date:
        return self.now.astimezone(OSLO).date()

    @property
    def live_year(self) -> int:
        return self.today.year

    @property
    def next_year(self) -> int:
        return self.live_year + 1

    @property
    def exhibition_opens(self) -> date:
        return within_year(self.today - EXHIBITION_OPENED, self.live_year)

    @property
    def exhibition_closes(self) -> date:
        return within_year(self.today + EXHIBITION_CLOSES, self.live_year)

    @property
    def atelier_days(self) -> list[date]:
        """Two days in a row that include today; on New Year's Eve, the day before and today."""
        first = min(self.today, date(self.live_year, 12, 30))
        return [first, first + timedelta(days=1)]


def within_year(day: date, year: int) -> date:
    """`day`, or the first or last day of `year` when it falls outside it."""
    return min(max(day, date(year, 1, 1)), date(year, 12, 31))


def oslo(day: date, at: time) -> datetime:
    """A wall-clock time in Oslo on a day."""
    return datetime.combine(day, at, OSLO)
