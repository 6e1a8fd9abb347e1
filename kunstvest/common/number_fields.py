"""Form fields for numbers typed as people write them in their language («1 234,50» in bokmål), never type=number."""

from decimal import Decimal, InvalidOperation

from flask import current_app, has_app_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.widgets import TextInput

from kunstvest.common.numbers import (NumberFormatError, NumberTooLargeError, format_plain, format_readable,
                                      parse_number)

INTEGER_COLUMN_MAX = 2**31 - 1  # what an Integer column holds on PostgreSQL


def current_locale() -> str:
    """The visitor's language, or the app's default outside a request (a form built by the CLI or a test)."""
    locale = get_locale()
    if locale is not None:
        return str(locale)
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "nb") if has_app_context() else "nb"


class NumberInputWidget(TextInput):
    """A text box that opens the phone's number keyboard; type=number would drop a comma in some browsers."""

    def __init__(self, inputmode: str):
        super().__init__()
        self.inputmode = inputmode

    def __call__(self, field, **kwargs):
        kwargs.setdefault("inputmode", self.inputmode)
        kwargs.setdefault("autocomplete", "off")
        return super().__call__(field, **kwargs)


class DecimalInput(Field):
    """A decimal number with at most `places` decimals, optionally within minimum … maximum; data is a Decimal."""

    widget = NumberInputWidget("decimal")

    def __init__(self, label=None, validators=None, places: int | None = 2, minimum=None, maximum=None,
                 range_message=None, sample=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.places = places
        self.minimum = None if minimum is None else Decimal(str(minimum))
        self.maximum = None if maximum is None else Decimal(str(maximum))
        self.range_message = range_message
        self.sample = None if sample is None else Decimal(str(sample))
        self._refusal = None

    def _value(self) -> str:
        if self.process_errors and self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return self.raw_data[0] if self.raw_data else ""
        try:
            return format_plain(self.data, locale=current_locale(), places=self.places)
        except (InvalidOperation, TypeError, ValueError):
            return str(self.data)

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0]:
            return  # only spaces is refused below: InputRequired lets them through, Optional clears the error
        locale = current_locale()
        try:
            value = parse_number(valuelist[0], locale=locale, places=self.places,
                                 negative=self.minimum is None or self.minimum < 0, sample=self.sample)
        except NumberTooLargeError as error:
            if self.maximum is None:
                self._refuse(error.reason)
            value = self.maximum + 1
        except NumberFormatError as error:
            self._refuse(error.reason)
        self._check_range(value, locale)
        self.data = self._convert(value)

    def validate(self, form, extra_validators=()):
        if self._refusal is not None:
            # A view may name the field after the form was built (the sales table's «Works sold on 16 Sep»).
            self.process_errors = [self._named(self._refusal)]
        return super().validate(form, extra_validators)

    def _convert(self, value: Decimal):
        if self.places is None:
            return value
        return value.quantize(Decimal(1).scaleb(-self.places))

    def _check_range(self, value: Decimal, locale: str) -> None:
        low, high = self.minimum, self.maximum
        if (low is None or value >= low) and (high is None or value <= high):
            return
        bounds = {"min": format_readable(low, locale=locale) if low is not None else "",
                  "max": format_readable(high, locale=locale) if high is not None else ""}
        if self.range_message is not None:
            message = self.range_message
        elif low is not None and high is not None:
            message = _l("must be between %(min)s and %(max)s")
        elif low is not None:
            message = _l("must be at least %(min)s")
        else:
            message = _l("must be at most %(max)s")
        self._refuse(str(message) % bounds)

    def _refuse(self, reason):
        self._refusal = reason
        raise ValueError(self._named(reason))

    def _named(self, reason) -> str:
        """«Width: write the number as 1 234,50»: the field's name first, since the message may be flashed alone."""
        return f"{self.label.text}: {reason}" if self.label and self.label.text else str(reason)


class IntegerInput(DecimalInput):
    """A whole number, optionally within minimum … maximum; data is an int. Never larger than an Integer column."""

    widget = NumberInputWidget("numeric")

    def __init__(self, label=None, validators=None, minimum=None, maximum=None, range_message=None, sample=None,
                 **kwargs):
        super().__init__(label, validators, places=0, minimum=minimum,
                         maximum=INTEGER_COLUMN_MAX if maximum is None else maximum,
                         range_message=range_message, sample=sample, **kwargs)

    def _value(self) -> str:
        if self.data is not None and not self.process_errors and isinstance(self.data, int):
            return str(self.data)
        return super()._value()

    def _convert(self, value: Decimal) -> int:
        return int(value)


# Mainland Norway's bounding box: a point outside it is a typo or a swapped latitude and longitude.
NORWAY_LATITUDE = (Decimal("57.9"), Decimal("71.2"))
NORWAY_LONGITUDE = (Decimal("4.5"), Decimal("31.2"))


class LatitudeInput(DecimalInput):
    """A latitude in degrees with up to six decimals, inside Norway."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, places=6, minimum=NORWAY_LATITUDE[0], maximum=NORWAY_LATITUDE[1],
                         range_message=_l("must be between %(min)s and %(max)s degrees north, inside Norway"),
                         sample=Decimal("59.744"), **kwargs)


class LongitudeInput(DecimalInput):
    """A longitude in degrees with up to six decimals, inside Norway."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, places=6, minimum=NORWAY_LONGITUDE[0], maximum=NORWAY_LONGITUDE[1],
                         range_message=_l("must be between %(min)s and %(max)s degrees east, inside Norway"),
                         sample=Decimal("10.4106"), **kwargs)
