"""The demo: 2016 and 2017 with the annual reports' figures, the live season on today, and next year's call and
orchestra registration open; real municipalities and venues, every person fictional."""

from datetime import date

from kunstvest.demo import exhibitions, foundation, open_call, orchestra
from kunstvest.demo.days import DemoDay

DEMO_PASSWORD = foundation.DEMO_PASSWORD


def load_demo_season(today: date | None = None) -> list[tuple[str, str]]:
    """Load every domain's demo data idempotently, its live and next seasons computed from `today` (in Oslo, by
    default the real one); returns the demo logins as (role, email)."""
    day = DemoDay.of(today)
    logins = foundation.load()
    open_call.load(day)
    exhibitions.load(day)
    orchestra.load(day)
    foundation.book_actuals()  # last: the instalments hold only what the domains above did not book
    return logins
