"""Reference data: municipalities, venues and seasons."""

from flask import Blueprint

bp = Blueprint("reference", __name__)

from kunstvest.reference import views  # noqa: E402,F401
