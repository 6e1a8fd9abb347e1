"""The money and fixed filters write exactly what Babel writes, only faster."""

from decimal import Decimal

import pytest
from babel.numbers import format_currency, format_decimal
from flask_babel import force_locale
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kunstvest.common.formatting import fixed, money

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


@pytest.mark.parametrize("locale", ["nb", "en"])
@settings(max_examples=200, deadline=None)
@given(value=st.floats(min_value=-5000, max_value=5000, allow_nan=False))
def test_fixed_matches_babel_for_scores_and_signed_z_scores(app, locale, value):
    assume(abs(value) >= 0.005)  # Babel writes «-0,00» for a tiny negative; fixed writes «0,00»
    with app.test_request_context(), force_locale(locale):
        assert fixed(value) == format_decimal(value, "#,##0.00", locale=locale)
        assert fixed(value, signed=True) == format_decimal(value, "+#,##0.00;-#,##0.00", locale=locale)


def test_fixed_examples(app):
    with app.test_request_context(), force_locale("nb"):
        assert (fixed(Decimal("5.125")), fixed(-0.001, signed=True), fixed(0.4249, signed=True), fixed(None)) == (
            "5,12", "+0,00", "+0,42", "—")
        assert fixed(16.905) == "16,90"  # the float's shortest repr is rounded half-even, as Babel does
