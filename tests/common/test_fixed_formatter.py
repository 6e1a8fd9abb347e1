"""fixed_formatter writes exactly what the fixed filter writes, for every value it is given and however often."""

from decimal import Decimal

import pytest
from flask_babel import force_locale
from hypothesis import given, settings
from hypothesis import strategies as st

from kunstvest.common.formatting import fixed, fixed_formatter

VALUES = st.one_of(st.none(), st.floats(min_value=-5000, max_value=5000, allow_nan=False),
                   st.decimals(min_value=Decimal("-5000"), max_value=Decimal("5000"), places=28,
                               allow_nan=False, allow_infinity=False))


@pytest.mark.parametrize("locale", ["nb", "en"])
@settings(max_examples=100, deadline=None)
@given(values=st.lists(VALUES, max_size=20))
def test_fixed_formatter_matches_fixed(app, locale, values):
    with app.test_request_context(), force_locale(locale):
        plain, signed = fixed_formatter(), fixed_formatter(signed=True)
        for value in values + values:  # the second time from the formatter's memory
            assert plain(value) == fixed(value)
            assert signed(value) == fixed(value, signed=True)


def test_a_float_and_an_equal_decimal_are_formatted_each_as_fixed_does(app):
    with app.test_request_context(), force_locale("nb"):
        score = fixed_formatter()
        # 16.905 as a float is rounded from its shortest repr; the Decimal of its exact binary value rounds up.
        assert [score(16.905), score(Decimal(16.905)), score(16.905)] == ["16,90", "16,91", "16,90"]
        assert (score(None), fixed_formatter(signed=True)(-0.001), score(Decimal("1234.5"))) == (
            "—", "+0,00", "1\xa0234,50")
