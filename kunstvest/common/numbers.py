"""Reading a number the way a person types it in their language: «1 234,50 kr» in bokmål, «1,234.50» in English.

One parser for every numeric form field and for imported spreadsheet cells, so that «12500,50» is never stored as
1 250 050. It refuses what could be read two ways instead of guessing:

- a number with both a dot and a comma is accepted only in the locale's own form («1,234.50» in English); in bokmål,
  whose thousands separator is a space, «1.234,50» and «1,234.50» are refused;
- the other language's decimal mark («12.5» in bokmål, «12,5» in English) is read as a decimal mark only when it
  cannot be a thousands separator: it appears once and is not followed by exactly three digits. So «12.5» and
  «59.7440» are read in bokmål, while «1.234» (one thousand two hundred and thirty-four, or one point two three four?)
  is refused;
- more decimals than the field keeps is an error, counted as typed («12,500» in a money field is refused, since it
  may mean twelve thousand five hundred), never rounded away.
"""

import re
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import format_decimal
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _nl

# Normal, no-break, narrow no-break and thin space: what keyboards, Excel and Babel put between thousands.
SPACES = " \u00a0\u202f\u2009"
MINUS_SIGNS = "-\u2212"
MAX_TEXT_LENGTH = 64
MAX_INTEGER_DIGITS = 18
MONEY_MAX = Decimal("9999999999.99")  # the largest amount a Numeric(12, 2) column holds

_CURRENCY = re.compile(r"^(?:kr\.?|nok)\s*|\s*(?:kr\.?|nok)$", re.IGNORECASE)
_WHOLE_KRONER = re.compile(r"[,.][-\u2013]$")  # «500,-»: whole kroner, as on a price tag
_NUMBER_CHARACTERS = re.compile(r"[0-9.,]+(?:[ \u00a0\u202f\u2009][0-9.,]+)*", re.ASCII)


class NumberFormatError(ValueError):
    """Text that is not a number in the expected form; `reason` is a translatable phrase to follow the field's name."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class NumberTooLargeError(NumberFormatError):
    """More digits than any field holds; a field with a maximum shows its range instead."""


@lru_cache(maxsize=8)
def number_marks(locale: str) -> tuple[str, str]:
    """The locale's decimal mark and thousands separator («,» and a no-break space in bokmål)."""
    symbols = Locale.parse(locale).number_symbols["latn"]
    return symbols["decimal"], symbols["group"]


def example(*, locale: str, places: int | None, sample: Decimal | None = None) -> str:
    """A number written as the parser wants it in this locale: «1 234,50» for money in bokmål."""
    if sample is not None:
        return format_decimal(sample, "#,##0.######", locale=locale)
    shown_places = 2 if places is None else min(places, 2)
    pattern = "#,##0" + ("." + "0" * shown_places if shown_places else "")
    return format_decimal(Decimal("1234.5"), pattern, locale=locale)


def format_plain(value: Decimal | int, *, locale: str, places: int | None) -> str:
    """A number as a form shows it for editing: no thousands separator, the locale's decimal mark («1234,50»)."""
    decimal_mark, _ = number_marks(locale)
    value = Decimal(value)
    if places is None or places > 2:
        text = f"{value.normalize():f}"
    else:
        text = f"{value:.{places}f}"
    return text.replace(".", decimal_mark)


def format_readable(value: Decimal | int, *, locale: str) -> str:
    """A bound of a range as people read it, with thousands separated («9 999 999 999,99»)."""
    return format_decimal(value, "#,##0.######", locale=locale)


def parse_number(text: str, *, locale: str, places: int | None = None, negative: bool = True,
                 sample: Decimal | None = None) -> Decimal:
    """The number in `text`, written as people write it in `locale`; raises NumberFormatError when it is not one.

    `places` is the most decimals the field keeps (None: any); `negative` says whether a minus sign is allowed.
    Spaces of any width and «kr»/«NOK» before or after are accepted. `sample` is the number the error messages
    show as an example (default 1234.5 with the field's decimals).
    """
    shown = example(locale=locale, places=places, sample=sample)
    written_as = _l("write the number as %(example)s", example=shown)
    if text is None or not text.strip():
        raise NumberFormatError(_l("enter a number"))
    if len(text) > MAX_TEXT_LENGTH:
        raise NumberFormatError(written_as)
    body, is_negative = _strip_sign_and_currency(text.strip(SPACES + "\t\r\n"))
    if body is None:
        raise NumberFormatError(written_as)
    if _WHOLE_KRONER.search(body):
        body = body[:-2]
    if not _NUMBER_CHARACTERS.fullmatch(body):
        raise NumberFormatError(written_as)
    integer_part, fraction = _split(body, locale=locale, written_as=written_as, shown=shown)
    if len(integer_part.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise NumberTooLargeError(_l("the number is too large"))
    if places is not None and len(fraction) > places:
        if places == 0:
            raise NumberFormatError(_l("write a whole number, such as %(example)s",
                                       example=example(locale=locale, places=0)))
        raise NumberFormatError(_nl("at most %(num)d decimal; write the number as %(example)s",
                                    "at most %(num)d decimals; write the number as %(example)s",
                                    places, example=shown))
    value = Decimal((integer_part or "0") + ("." + fraction if fraction else ""))
    if is_negative and value:
        if not negative:
            raise NumberFormatError(_l("the number cannot be negative"))
        value = -value
    return value


def _strip_sign_and_currency(text: str) -> tuple[str | None, bool]:
    """The digits part of «−kr 1 234,50», «1 234,50 kr» or «NOK -12», and whether it had a minus; None if malformed."""
    is_negative = False
    for _round in range(2):  # the sign may stand before or after a leading currency: «-kr 5», «kr -5»
        if text[:1] in MINUS_SIGNS or text[:1] == "+":
            if is_negative or text[:1] == "+" and _round:
                return None, False
            is_negative = text[:1] in MINUS_SIGNS
            text = text[1:].lstrip(SPACES)
        stripped = _CURRENCY.sub("", text, count=1)
        if stripped != text:
            text = stripped.strip(SPACES)
            if _CURRENCY.search(text):
                return None, False
    if not text or text[:1] in MINUS_SIGNS + "+":
        return None, False
    return text, is_negative


def _split(body: str, *, locale: str, written_as, shown: str) -> tuple[str, str]:
    """The integer digits and the decimal digits of a number made of digits, spaces, dots and commas."""
    decimal_mark, group_mark = number_marks(locale)
    other_mark = "." if decimal_mark == "," else ","
    ambiguous = _l("the number can be read in two ways; write it as %(example)s", example=shown)
    if decimal_mark in body and other_mark in body:
        if group_mark != other_mark or body.count(decimal_mark) > 1 or body.rfind(other_mark) > body.find(
                decimal_mark):
            raise NumberFormatError(ambiguous)
        integer_part, fraction = body.split(decimal_mark)
        return _grouped_digits(integer_part, (other_mark,), written_as), _plain_digits(fraction, written_as)
    if decimal_mark in body:
        if body.count(decimal_mark) > 1:
            raise NumberFormatError(written_as)
        integer_part, fraction = body.split(decimal_mark)
        return _grouped_digits(integer_part, (), written_as, empty_allowed=True), _plain_digits(fraction, written_as)
    if other_mark in body:
        if group_mark == other_mark and _is_grouped(body, (other_mark,)):
            return _grouped_digits(body, (other_mark,), written_as), ""
        if body.count(other_mark) > 1:
            raise NumberFormatError(ambiguous if _is_grouped(body, (other_mark,)) else written_as)
        integer_part, fraction = body.split(other_mark)
        if len(fraction) == 3:
            raise NumberFormatError(ambiguous)
        return _grouped_digits(integer_part, (), written_as, empty_allowed=True), _plain_digits(fraction, written_as)
    return _grouped_digits(body, (), written_as), ""


def _is_grouped(text: str, marks: tuple[str, ...]) -> bool:
    parts = re.split("[" + re.escape(SPACES + "".join(marks)) + "]", text)
    return (len(parts) > 1 and 1 <= len(parts[0]) <= 3
            and all(len(part) == 3 for part in parts[1:]) and all(part.isdigit() for part in parts))


def _grouped_digits(text: str, marks: tuple[str, ...], written_as, *, empty_allowed: bool = False) -> str:
    """Digits written whole («1234») or in groups of three («1 234»); anything else is refused."""
    if not text and empty_allowed:
        return ""
    if text.isascii() and text.isdigit():
        return text
    if _is_grouped(text, marks):
        return re.sub("[^0-9]", "", text)
    raise NumberFormatError(written_as)


def _plain_digits(text: str, written_as) -> str:
    if not (text.isascii() and text.isdigit()):
        raise NumberFormatError(written_as)
    return text
