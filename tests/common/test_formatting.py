"""The money filter writes exactly what Babel's format_currency writes, only faster."""

from decimal import Decimal

import pytest
from babel.numbers import format_currency
from flask_babel import force_locale
from hypothesis import given, settings
from hypothesis import strategies as st

from kunstvest.common.formatting import money

AMOUNTS = st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2,
                      allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize("locale", ["nb", "en"])
@settings(max_examples=200, deadline=None)
@given(amount=AMOUNTS)
def test_money_matches_babel(app, locale, amount):
    with app.test_request_context(), force_locale(locale):
        assert money(amount) == format_currency(amount, "NOK", locale=locale)


def test_money_examples(app):
    with app.test_request_context(), force_locale("nb"):
        assert money(Decimal("-223707")) == "-223\xa0707,00\xa0kr"
        assert money(None) == "—"
