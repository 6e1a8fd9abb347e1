"""The Kunst rett vest open call: artists apply, the jury scores, the secretariat decides and informs."""

from flask import Blueprint

bp = Blueprint("applications", __name__)

from kunstvest.applications import jury, models, personal_data, receipts, secretariat, views  # noqa: E402,F401
