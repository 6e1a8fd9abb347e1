"""The front page, the dashboard per role, language choice and the health check."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from kunstvest.main import views  # noqa: E402,F401
