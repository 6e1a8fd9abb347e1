"""Jinja filters for money and dates in the visitor's language and the Oslo time zone."""

from decimal import Decimal

from flask_babel import format_currency, format_date, format_datetime


def money(amount: Decimal | int | None) -> str:
    """NOK with øre, in the visitor's locale (e.g. «kr 1 000,00»)."""
    if amount is None:
        return "—"
    return format_currency(amount, "NOK")


def datetime_short(value) -> str:
    return format_datetime(value, "short") if value else "—"


def date_medium(value) -> str:
    return format_date(value, "medium") if value else "—"


FILTERS = {"money": money, "datetime_short": datetime_short, "date_medium": date_medium}
