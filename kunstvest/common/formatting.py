"""Jinja filters for money and dates in the visitor's language and the Oslo time zone."""

from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache

from babel import Locale
from flask_babel import format_date, format_datetime, format_decimal, get_locale

CURRENCY = "NOK"
ORE = Decimal("0.01")


@lru_cache(maxsize=8)
def _currency_layout(locale_name: str) -> tuple[tuple[str, str, str, str], str, str]:
    """The locale's NOK affixes (positive prefix, negative prefix, positive suffix, negative suffix) and separators."""
    locale = Locale.parse(locale_name)
    pattern = locale.currency_formats["standard"]
    symbol = locale.currency_symbols.get(CURRENCY, CURRENCY)
    symbols = locale.number_symbols["latn"]
    affixes = tuple(text.replace("¤", symbol) for text in (*pattern.prefix, *pattern.suffix))
    return affixes, symbols["group"], symbols["decimal"]


def _digits(value: Decimal, places: int, group: str, decimal: str) -> str:
    return f"{abs(value):,.{places}f}".replace(",", "\0").replace(".", decimal).replace("\0", group)


def money(amount: Decimal | int | None) -> str:
    """NOK with øre in the visitor's locale («1 234,50 kr»), as Babel's format_currency writes it.

    Babel parses the pattern on every call; a budget report formats thousands of amounts, so the layout is cached.
    """
    if amount is None:
        return "—"
    (positive_prefix, negative_prefix, positive_suffix, negative_suffix), group, decimal = _currency_layout(
        str(get_locale()))
    amount = Decimal(amount).quantize(ORE, rounding=ROUND_HALF_EVEN)
    digits = _digits(amount, 2, group, decimal)
    if amount < 0:
        return f"{negative_prefix}{digits}{negative_suffix}"
    return f"{positive_prefix}{digits}{positive_suffix}"


def fixed(value: Decimal | float | None, places: int = 2, signed: bool = False) -> str:
    """A score or mean with exactly `places` decimals, signed when asked («+0,42», «-1,05»), in the visitor's locale.

    What Babel's format_decimal writes with a «0.00» pattern (except that a value rounding to zero gets no minus),
    without parsing the pattern on every call: a ranking page formats thousands of scores.
    """
    if value is None:
        return "—"
    _, group, decimal = _currency_layout(str(get_locale()))
    return _fixed_text(value, places, signed, group, decimal)


def _fixed_text(value: Decimal | float, places: int, signed: bool, group: str, decimal: str) -> str:
    # A float goes through its shortest repr, as in Babel: 16.905 is «16,90», not the binary 16.90500000000000114.
    exact = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    sign = "-" if rounded < 0 else "+" if signed else ""
    return sign + _digits(rounded, places, group, decimal)


def fixed_formatter(places: int = 2, signed: bool = False) -> Callable[[Decimal | float | None], str]:
    """`fixed` for one request: the locale is looked up once and each distinct value is formatted once."""
    _, group, decimal = _currency_layout(str(get_locale()))
    # Keyed by type too: a float and a Decimal of equal value can round differently (see _fixed_text).
    texts: dict[tuple[type, Decimal | float | None], str] = {(type(None), None): "—"}

    def format_value(value: Decimal | float | None) -> str:
        key = (value.__class__, value)
        text = texts.get(key)
        if text is None:
            text = texts[key] = _fixed_text(value, places, signed, group, decimal)
        return text

    return format_value


def datetime_short(value) -> str:
    return format_datetime(value, "short") if value else "—"


def date_short(value) -> str:
    return format_date(value, "short") if value else "—"


def _norwegian() -> bool:
    return str(get_locale() or "nb").startswith(("nb", "no", "nn"))


def day_and_month(value) -> str:
    """«16. september» in Norwegian (the ordinal dot), «16 September» in English."""
    return format_date(value, "d. MMMM" if _norwegian() else "d MMMM") if value else "—"


def weekday_and_day(value) -> str:
    """«lørdag 16. september» in Norwegian, «Saturday 16 September» in English."""
    return format_date(value, "EEEE d. MMMM" if _norwegian() else "EEEE d MMMM") if value else "—"


def number(value, digits: int = 1) -> str:
    """A measure such as a dimension in cm, with at most `digits` decimals, in the visitor's locale."""
    return format_decimal(value, "#,##0." + "#" * digits) if value is not None else "—"


FILTERS = {"money": money, "fixed": fixed, "datetime_short": datetime_short, "date_short": date_short, "day_and_month": day_and_month,
           "weekday_and_day": weekday_and_day,
           "number": number}
