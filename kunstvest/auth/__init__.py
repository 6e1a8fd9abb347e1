"""Accounts: register, verify, log in and out, reset password, change email, personal data."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from kunstvest.auth import views  # noqa: E402,F401  (routes register themselves on bp)
