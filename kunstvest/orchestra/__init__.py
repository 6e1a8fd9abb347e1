"""Vestregionens Ungdomssymfonikere: registration by guardians, consent, admission and sections, the season's
weekends and concerts, replies, attendance and calendars."""

from flask import Blueprint

bp = Blueprint("orchestra", __name__)

from kunstvest.orchestra import events_views, models, staff_views, views  # noqa: E402,F401
