"""The secretariat's administration: users and roles, erasure, the outbox and the audit log."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from kunstvest.admin import views  # noqa: E402,F401
