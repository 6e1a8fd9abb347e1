"""Kunst rett vest's joint exhibition: host municipality, venue, placements, labels and catalogue, side programme."""

from flask import Blueprint

bp = Blueprint("exhibitions", __name__)

from kunstvest.exhibitions import models, programme_views, views  # noqa: E402,F401
