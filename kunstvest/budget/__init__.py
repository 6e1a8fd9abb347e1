"""Budget: projects, budget lines and what has been booked against them."""

from flask import Blueprint

bp = Blueprint("budget", __name__)

from kunstvest.budget import import_views, ledger_views, mapping_views, report_views, views  # noqa: E402,F401
