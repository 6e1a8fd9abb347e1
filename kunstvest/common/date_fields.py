"""A date field that reads what people type (16.09.2018) and what the date picker sends (2018-09-16), within bounds.

Every date the app stores lies between 2000 and 2100 unless a form says otherwise: a far date (0001-01-01,
9999-12-31) would break the iCal feeds, the reports and the period arithmetic long after it was typed. A form or view
narrows a field to its season with `limit()` or `within_years()`, and the refusal names the field and the bounds.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, ValidationError

from kunstvest.common.formatting import date_short

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
DAY_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]  # ISO from the date picker; 16.09.2018 and 16.9.2018 typed by hand


def whole_years(first: int, last: int | None = None) -> tuple[date, date]:
    """1 January of `first` to 31 December of `last` (or of `first`)."""
    return date(first, 1, 1), date(last if last is not None else first, 12, 31)


class DayField(DateField):
    """A day typed as dd.mm.yyyy or picked as yyyy-mm-dd; refused outside earliest … latest with a reason."""

    def __init__(self, label=None, validators=None, earliest: date = EARLIEST, latest: date = LATEST, **kwargs):
        kwargs.setdefault("format", DAY_FORMATS)
        super().__init__(label, validators, **kwargs)
        self.earliest, self.latest = earliest, latest
        self.bounds_reason = None

    def limit(self, earliest: date, latest: date, reason=None) -> "DayField":
        """Narrow the field to earliest … latest; `reason` (shown on refusal) names the span, e.g. «the season 2018»."""
        self.earliest, self.latest, self.bounds_reason = earliest, latest, reason
        return self

    def within_years(self, first: int, last: int | None = None, reason=None) -> "DayField":
        """Narrow the field to whole calendar years."""
        return self.limit(*whole_years(first, last), reason=reason)

    def pre_validate(self, form) -> None:
        if self.data is None or self.earliest <= self.data <= self.latest:
            return
        facts = {"field": self.label.text, "earliest": date_short(self.earliest), "latest": date_short(self.latest)}
        if self.bounds_reason is not None:
            raise ValidationError(_l("%(field)s: choose a date between %(earliest)s and %(latest)s (%(reason)s).",
                                     reason=self.bounds_reason, **facts))
        raise ValidationError(_l("%(field)s: choose a date between %(earliest)s and %(latest)s.", **facts))


def season_year(field) -> int | None:
    """The year a form's year field holds when it is one the app keeps seasons for (2000–2100), else None."""
    year = field.data
    return year if isinstance(year, int) and EARLIEST.year <= year <= LATEST.year else None
