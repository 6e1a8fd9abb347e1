"""Open-atelier weekends: registration and proofing, the public guide, counting visits and sales, the figures."""

from flask import Blueprint

bp = Blueprint("ateliers", __name__)

from kunstvest.ateliers import counting_views, figures_views, models, views  # noqa: E402,F401
