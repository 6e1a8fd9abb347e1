"""Messages in English for every test here, so that assertions can read them (the app's default is bokmål), and
the season most tests here start from."""

import pytest
from flask_babel import force_locale

from tests import factories


@pytest.fixture(autouse=True)
def english_messages():
    """Services' messages and lazy strings resolve in English."""
    with force_locale("en"):
        yield


@pytest.fixture
def season(db):
    """Open ateliers in 2017 for a published call with two accepted artists (with their own accounts)."""
    applications = factories.make_accepted_applications(count=2)
    open_ateliers = factories.make_open_ateliers(season=applications[0].call.season)
    db.session.commit()
    return open_ateliers, applications
