"""The number parser reads what people type in bokmål and English, and refuses what could be read two ways."""

from decimal import Decimal

import pytest
from flask_babel import force_locale
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import Form
from wtforms.validators import InputRequired, Optional

from kunstvest.common.formatting import money
from kunstvest.common.number_fields import DecimalInput, IntegerInput, LatitudeInput
from kunstvest.common.numbers import MONEY_MAX, NumberFormatError, NumberTooLargeError, parse_number

NBSP, NNBSP, THIN, MINUS = "\u00a0", "\u202f", "\u2009", "\u2212"

ACCEPTED = [
    # text, locale, places, expected
    ("1 234,50", "nb", 2, "1234.50"),
    ("1234,50", "nb", 2, "1234.50"),
    ("1 234", "nb", 2, "1234"),
    ("1 234", "nb", 0, "1234"),
    ("12500,50", "nb", 2, "12500.50"),
    ("80,5", "nb", 1, "80.5"),
    ("59,7440", "nb", 6, "59.7440"),
    (f"1{NBSP}234,50", "nb", 2, "1234.50"),
    (f"1{NNBSP}234{NNBSP}567,89", "nb", 2, "1234567.89"),
    (f"1{THIN}234,5", "nb", 2, "1234.5"),
    ("  1 234,50  ", "nb", 2, "1234.50"),
    ("kr 1 234,50", "nb", 2, "1234.50"),
    ("1 234,50 kr", "nb", 2, "1234.50"),
    (f"1{NBSP}234,50{NBSP}kr", "nb", 2, "1234.50"),
    ("kr. 500", "nb", 2, "500"),
    ("NOK 1 234", "nb", 2, "1234"),
    ("1 234 nok", "nb", 2, "1234"),
    ("500,-", "nb", 2, "500"),
    ("kr 500,-", "nb", 2, "500"),
    ("-1 234,50", "nb", 2, "-1234.50"),
    (f"{MINUS}1 234,50", "nb", 2, "-1234.50"),
    (f"{MINUS}1{NBSP}234,50{NBSP}kr", "nb", 2, "-1234.50"),  # what Babel writes for a negative amount
    ("-kr 12", "nb", 2, "-12"),
    ("kr -12", "nb", 2, "-12"),
    ("+12", "nb", 0, "12"),
    ("-0", "nb", 2, "0"),
    (",5", "nb", 2, "0.5"),
    ("0,05", "nb", 2, "0.05"),
    ("007", "nb", 0, "7"),
    # A dot that cannot be a thousands separator is a decimal point, also in bokmål.
    ("12.5", "nb", 2, "12.5"),
    ("59.7440", "nb", 6, "59.7440"),
    ("1234.50", "nb", 2, "1234.50"),
    ("1 234.50", "nb", 2, "1234.50"),
    # English
    ("1,234.50", "en", 2, "1234.50"),
    ("1234.50", "en", 2, "1234.50"),
    ("1,234", "en", 0, "1234"),
    ("1,234,567.5", "en", 2, "1234567.5"),
    ("1 234.50", "en", 2, "1234.50"),
    ("NOK 1,234.50", "en", 2, "1234.50"),
    ("-NOK 1,234.50", "en", 2, "-1234.50"),
    ("12,5", "en", 2, "12.5"),
    ("80.5", "en", 1, "80.5"),
    ("1234,50", "en_GB", 2, "1234.50"),
    ("12345", "nb", None, "12345"),
    ("1,23456789", "nb", None, "1.23456789"),
]

REFUSED = [
    # text, locale, places, words of the English reason
    ("1.234,50", "nb", 2, "read in two ways"),
    ("1,234.50", "nb", 2, "read in two ways"),
    ("1.234", "nb", 2, "read in two ways"),
    ("1.234", "nb", 0, "read in two ways"),
    ("1.234.567", "nb", 0, "read in two ways"),
    ("1.234,50", "en", 2, "read in two ways"),
    ("1234,567", "en", 3, "read in two ways"),
    ("1,234", "nb", 2, "at most 2 decimals"),  # may be English for 1234: refused in a money field
    ("12,500", "nb", 2, "at most 2 decimals"),
    ("1,234.5", "en", 0, "whole number"),
    ("12,5", "nb", 0, "whole number"),
    ("80,55", "nb", 1, "at most 1 decimal;"),
    ("59,12345678", "nb", 6, "at most 6 decimals"),
    ("12 34", "nb", 0, "write the number as"),
    ("1  234", "nb", 0, "write the number as"),
    ("1 2345", "nb", 0, "write the number as"),
    ("1 234,5 0", "nb", 2, "write the number as"),
    ("5,", "nb", 2, "write the number as"),
    ("1,2,3", "nb", 2, "write the number as"),
    ("1e5", "nb", None, "write the number as"),
    ("1E5", "en", None, "write the number as"),
    ("NaN", "nb", None, "write the number as"),
    ("nan", "en", None, "write the number as"),
    ("Infinity", "nb", None, "write the number as"),
    ("-Infinity", "en", None, "write the number as"),
    ("0x19", "en", None, "write the number as"),
    ("12\x00", "nb", 2, "write the number as"),
    ("\x00", "nb", 2, "write the number as"),
    ("١٢٣", "nb", 0, "write the number as"),  # Arabic-Indic digits: Decimal() would take them
    ("１２", "nb", 0, "write the number as"),  # full-width digits
    ("--5", "nb", 2, "write the number as"),
    ("- -5", "nb", 2, "write the number as"),
    ("5-", "nb", 2, "write the number as"),
    ("kr kr 5", "nb", 2, "write the number as"),
    ("kr", "nb", 2, "write the number as"),
    ("1 234 EUR", "nb", 2, "write the number as"),
    ("12 %", "nb", 2, "write the number as"),
    ("1'234", "nb", 0, "write the number as"),
    ("1" * 65, "nb", 0, "write the number as"),
    ("", "nb", 2, "enter a number"),
    ("   ", "nb", 2, "enter a number"),
    (f"{NBSP}{THIN}", "nb", 2, "enter a number"),
    ("9223372036854775808", "nb", 2, "too large"),
    ("1" + "0" * 26, "nb", 0, "too large"),
]


@pytest.fixture
def english(app):
    """Reasons in English, whatever the app's default language."""
    with app.test_request_context(), force_locale("en"):
        yield


@pytest.mark.parametrize(("text", "locale", "places", "expected"), ACCEPTED)
def test_accepted_forms(text, locale, places, expected):
    value = parse_number(text, locale=locale, places=places)
    assert value == Decimal(expected)
    assert isinstance(value, Decimal)


@pytest.mark.parametrize(("text", "locale", "places", "reason"), REFUSED)
def test_refused_forms(english, text, locale, places, reason):
    with pytest.raises(NumberFormatError) as refused:
        parse_number(text, locale=locale, places=places)
    assert reason in str(refused.value.reason)


def test_a_huge_number_is_a_too_large_error():
    with pytest.raises(NumberTooLargeError):
        parse_number("9 223 372 036 854 775 808", locale="nb", places=2)


@pytest.mark.parametrize("text", ["-5", f"{MINUS}5", "-5 kr", "kr -5"])
def test_a_minus_is_refused_where_the_field_has_no_negatives(english, text):
    with pytest.raises(NumberFormatError, match="negative"):
        parse_number(text, locale="nb", places=2, negative=False)


def test_the_reason_shows_the_expected_form_in_norwegian(app):
    with app.test_request_context(), force_locale("nb"):
        with pytest.raises(NumberFormatError) as refused:
            parse_number("1.234,50", locale="nb", places=2)
        assert str(refused.value.reason) == f"tallet kan leses på to måter; skriv det som 1{NBSP}234,50"
        with pytest.raises(NumberFormatError) as refused:
            parse_number("abc", locale="nb", places=1)
        assert str(refused.value.reason) == f"skriv tallet som 1{NBSP}234,5"


@pytest.mark.parametrize("locale", ["nb", "en"])
@settings(max_examples=150, deadline=None)
@given(amount=st.decimals(min_value=-MONEY_MAX, max_value=MONEY_MAX, places=2, allow_nan=False,
                          allow_infinity=False))
def test_what_the_money_filter_writes_reads_back(app, locale, amount):
    with app.test_request_context(), force_locale(locale):
        assert parse_number(money(amount), locale=locale, places=2) == amount


class _Form(Form):
    amount = DecimalInput("Amount", validators=[InputRequired()], minimum=0, maximum=MONEY_MAX)
    refund = DecimalInput("Refund", validators=[Optional()], minimum=-MONEY_MAX, maximum=MONEY_MAX)
    width = DecimalInput("Width", validators=[Optional()], places=1, minimum="0.1", maximum=10_000)
    count = IntegerInput("Count", validators=[Optional()], minimum=0, maximum=10_000_000)
    latitude = LatitudeInput("Latitude", validators=[Optional()])


def _form(**typed) -> _Form:
    form = _Form(formdata=MultiDict({"amount": "0", **typed}))
    form.validate()
    return form


def test_fields_give_decimal_and_int_and_show_them_in_the_locale(app):
    with app.test_request_context(), force_locale("nb"):
        form = _form(amount="1234,5", refund="-12", width="80,5", count="1 234", latitude="59,7440")
        assert form.errors == {}
        assert form.data == {"amount": Decimal("1234.50"), "refund": Decimal("-12.00"), "width": Decimal("80.5"),
                             "count": 1234, "latitude": Decimal("59.744000")}
        assert type(form.count.data) is int
        assert 'value="1234,50"' in form.amount()
        assert 'value="59,744"' in form.latitude()
        html = form.width()
        assert 'type="text"' in html and 'inputmode="decimal"' in html and "number" not in html
        assert 'inputmode="numeric"' in form.count()
    with app.test_request_context(), force_locale("en"):
        form = _form(amount="1,234.5")
        assert form.amount.data == Decimal("1234.50")
        assert 'value="1234.50"' in form.amount()


def test_field_errors_name_the_field_and_the_range_in_the_locale(app):
    with app.test_request_context(), force_locale("nb"):
        form = _form(amount="9223372036854775808", width="1.234,50", count="1" + "0" * 26,
                     latitude="597440", refund="12,505")
        assert form.errors == {
            "amount": [f"Amount: må være mellom 0 og 9{NBSP}999{NBSP}999{NBSP}999,99"],
            "width": [f"Width: tallet kan leses på to måter; skriv det som 1{NBSP}234,5"],
            "count": [f"Count: må være mellom 0 og 10{NBSP}000{NBSP}000"],
            "latitude": ["Latitude: må være mellom 57,9 og 71,2 grader nord, innenfor Norge"],
            "refund": [f"Refund: høyst 2 desimaler; skriv tallet som 1{NBSP}234,50"],
        }
        # What was typed is shown again, to be corrected.
        assert 'value="1.234,50"' in form.width()
    with app.test_request_context(), force_locale("en"):
        form = _form(amount="-5", width="0")
        assert form.errors == {"amount": ["Amount: the number cannot be negative"],
                               "width": ["Width: must be between 0.1 and 10,000"]}


def test_an_empty_required_field_says_so_and_an_empty_optional_one_is_none(app):
    with app.test_request_context(), force_locale("en"):
        form = _form(amount="  ", width=" ")
        assert form.errors == {"amount": ["Amount: enter a number"]}
        assert form.amount.data is None and form.width.data is None
