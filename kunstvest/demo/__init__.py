"""The demo season: real municipalities, venues and 2017 figures; every person is fictional."""

from kunstvest.demo import exhibitions, foundation, open_call, orchestra

DEMO_PASSWORD = foundation.DEMO_PASSWORD


def load_demo_season() -> list[tuple[str, str]]:
    """Load every domain's demo data idempotently; returns the demo logins as (role, email)."""
    logins = foundation.load()
    open_call.load()
    exhibitions.load()
    orchestra.load()
    foundation.book_actuals()  # last: the instalments hold only what the domains above did not book
    return logins
