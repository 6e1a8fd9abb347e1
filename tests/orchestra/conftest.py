"""Messages in English for every test here, so that assertions can read them (the app's default is bokmål)."""

import pytest
from flask_babel import force_locale


@pytest.fixture(autouse=True)
def english_messages():
    """Services' messages and lazy strings resolve in English."""
    with force_locale("en"):
        yield
