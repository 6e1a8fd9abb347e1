"""Guards on what a request may carry before any view sees it, so that hostile input gives a 4xx and never a 500.

- An `<int:…>` in a URL and an `int` query argument hold only what an INTEGER column can (PostgreSQL's int4):
  a larger id cannot name a row, so the URL is a 404 and the argument is treated as absent.
- A `<year:…>` in a URL is a year the app plans or reports on (2000–2100); any other year is a 404.
- A NUL character in a query string or form field is refused with a 400: PostgreSQL cannot store it in text.
- A JSON body nested deeper than the parser can follow is invalid JSON (a 400), not a RecursionError.
"""

from flask import Flask, Request, abort, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

LARGEST_ID = 2**31 - 1
FIRST_YEAR, LAST_YEAR = 2000, 2100


class DatabaseIdConverter(IntegerConverter):
    """`<int:…>` that matches only ids an INTEGER column can hold."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = LARGEST_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class YearConverter(IntegerConverter):
    """`<year:…>`: a season or fiscal year within the years the app works with."""

    def __init__(self, map) -> None:
        super().__init__(map, min=FIRST_YEAR, max=LAST_YEAR)


class BoundedArguments(ImmutableMultiDict):
    """Query and form values where `get(…, type=int)` gives the default for a number no column can hold."""

    def get(self, key, default=None, type=None):
        value = super().get(key, default=default, type=type)
        if type is int and isinstance(value, int) and not -LARGEST_ID <= value <= LARGEST_ID:
            return default
        return value


class GuardedRequest(Request):
    parameter_storage_class = BoundedArguments


class DepthLimitedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, where a body nested thousands of arrays deep is a ValueError like any other invalid JSON."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deep") from None


def _has_nul(values: ImmutableMultiDict) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))


def refuse_nul_characters() -> None:
    """A NUL in the query string or a form field is a 400 with a message, before it reaches a text column."""
    if _has_nul(request.args) or (request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
                                  and _has_nul(request.form)):
        abort(400, description=_("The request contains a NUL character (\\0), which no field may hold. "
                                 "Remove it and send the form again."))


def install(app: Flask) -> None:
    """Bound ids in URLs and query arguments, and refuse NUL characters, for every route of the app."""
    app.request_class = GuardedRequest
    app.json = DepthLimitedJSONProvider(app)
    app.url_map.converters["int"] = DatabaseIdConverter
    app.url_map.converters["year"] = YearConverter
    app.before_request(refuse_nul_characters)
