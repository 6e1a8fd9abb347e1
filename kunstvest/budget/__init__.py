"""Budget: projects, budget lines and what has been booked against them."""

from flask import Blueprint

bp = Blueprint("budget", __name__)

from kunstvest.budget import views  # noqa: E402,F401
