"""Input of the counter and the sales log: the taps' JSON from the phone, the counter's plain forms, the sales table."""

import re
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from kunstvest.ateliers.counting import MAX_BATCH, MAX_VISITORS, CountingError, TapInput, TapRefused
from kunstvest.common.input_guards import FIRST_YEAR, LAST_YEAR
from kunstvest.common.number_fields import DecimalInput, IntegerInput
from kunstvest.common.numbers import MONEY_MAX

CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
GROUP_LABEL_LENGTH = 100


def _refuse(message, index: int | None = None, item=None) -> TapRefused:
    client_id = item.get("client_id") if isinstance(item, dict) and isinstance(item.get("client_id"), str) else None
    return TapRefused(message, index=index, client_id=client_id)


def _client_id(value, *, number: int, field: str) -> str:
    if not isinstance(value, str) or not CLIENT_ID.match(value):
        raise CountingError(_l("Tap %(number)s: %(field)s must be an id of 8 to 64 letters, digits, - or _.",
                               number=number, field=field))
    return value


def _visitors(value, *, number: int) -> int:
    # JSON true is an int in Python, and 2.5 visitors is not a group.
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_VISITORS:
        raise CountingError(_l("Tap %(number)s: visitors must be a whole number from 1 to %(most)s; to take a tap "
                               "back, undo it.", number=number, most=MAX_VISITORS))
    return value


def _tapped_at(value, *, number: int) -> datetime:
    try:
        tapped_at = datetime.fromisoformat(value) if isinstance(value, str) else None
        # 0001-01-01T00:00:00+14:00 parses, but falls before the first day a datetime can hold once in UTC.
        if tapped_at is not None and tapped_at.tzinfo is not None and not (
                FIRST_YEAR <= tapped_at.astimezone(UTC).year <= LAST_YEAR):
            tapped_at = None
    except (ValueError, OverflowError):
        tapped_at = None
    if tapped_at is None or tapped_at.tzinfo is None:
        raise CountingError(_l("Tap %(number)s: tapped_at must be a time in ISO 8601 with a time zone offset, "
                               "e.g. 2017-09-16T12:30:00+02:00.", number=number))
    return tapped_at


def _tap(item, *, number: int) -> TapInput:
    if not isinstance(item, dict):
        raise CountingError(_l("Tap %(number)s is not an object.", number=number))
    client_id = _client_id(item.get("client_id"), number=number, field="client_id")
    undoes = item.get("undoes") or None
    if undoes is not None:
        undoes = _client_id(undoes, number=number, field="undoes")
        if undoes == client_id:
            raise CountingError(_l("Tap %(number)s cannot undo itself.", number=number))
    label = item.get("group_label") or ""
    if not isinstance(label, str) or len(label.strip()) > GROUP_LABEL_LENGTH or "\x00" in label:
        raise CountingError(_l("Tap %(number)s: the group label must be text of at most %(most)s characters.",
                               number=number, most=GROUP_LABEL_LENGTH))
    # An undo takes back the number of the tap it undoes, so what the phone says it is does not matter.
    visitors = 1 if undoes else _visitors(item.get("visitors"), number=number)
    return TapInput(client_id=client_id, tapped_at=_tapped_at(item.get("tapped_at"), number=number),
                    visitors=visitors, group_label=label.strip(), undoes=undoes)


def parse_tap_batch(payload) -> list[TapInput]:
    """The taps of a request body {"taps": [...]}, checked for shape; TapRefused names the first problem."""
    taps = payload.get("taps") if isinstance(payload, dict) else None
    if not isinstance(taps, list) or not 1 <= len(taps) <= MAX_BATCH:
        raise _refuse(_l('Send a JSON object {"taps": [...]} with 1 to %(most)s taps.', most=MAX_BATCH))
    parsed = []
    for index, item in enumerate(taps):
        try:
            parsed.append(_tap(item, number=index + 1))
        except CountingError as error:
            raise _refuse(str(error), index, item) from error
    return parsed


class TapForm(FlaskForm):
    """The counter's buttons without JavaScript: one tap per form post; the page makes its client id."""

    client_id = HiddenField(validators=[DataRequired(), Regexp(CLIENT_ID)])
    visitors = IntegerInput(_l("Number of visitors"), validators=[Optional()], minimum=1, maximum=MAX_VISITORS)
    group_label = StringField(_l("Group (optional)"), validators=[Optional(), Length(max=GROUP_LABEL_LENGTH)])
    undoes = HiddenField(validators=[Optional(), Regexp(CLIENT_ID)])


class AssignCounterForm(FlaskForm):
    location_id = SelectField(_l("Location"), coerce=int, validators=[DataRequired()])
    user_id = SelectField(_l("Volunteer"), coerce=int, validators=[DataRequired()])
    submit = SubmitField(_l("Assign"))


class SaleDayForm(Form):
    """One day's row of the sales table; its labels name the day (set by the view)."""

    day = HiddenField()
    works_sold = IntegerInput(_l("Works sold"), default=0,
                              validators=[InputRequired(message=_l("Enter a number (0 if none)."))],
                              minimum=0, maximum=10_000)
    amount = DecimalInput(_l("Amount (NOK)"), default=0,
                          validators=[InputRequired(message=_l("Enter an amount (0 if none)."))],
                          minimum=0, maximum=MONEY_MAX)
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


class SalesForm(FlaskForm):
    days = FieldList(FormField(SaleDayForm))
    submit = SubmitField(_l("Save sales"))
