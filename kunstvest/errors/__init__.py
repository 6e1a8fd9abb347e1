"""Error pages in both languages."""

from flask import Blueprint

bp = Blueprint("errors", __name__)

from kunstvest.errors import handlers  # noqa: E402,F401
