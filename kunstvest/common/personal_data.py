"""Personal data export and erasure; each domain registers what it holds about a user."""

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from kunstvest.auth.models import LoginAttempt, User, new_session_token
from kunstvest.common.audit import record_audit
from kunstvest.common.models import utcnow
from kunstvest.common.outbox import queue_mail
from kunstvest.extensions import db

Exporter = Callable[[User], dict[str, Any]]
Eraser = Callable[[User], None]
Notice = Callable[[User], list[str]]

_exporters: dict[str, Exporter] = {}
_erasers: list[Eraser] = []
_notices: list[Notice] = []


def personal_data_exporter(section: str):
    """Register a function that returns one section of a user's personal data export."""

    def register(function: Exporter) -> Exporter:
        _exporters[section] = function
        return function

    return register


def personal_data_eraser(function: Eraser) -> Eraser:
    """Register a function that erases a domain's personal fields of a user."""
    _erasers.append(function)
    return function


def erasure_notice(function: Notice) -> Notice:
    """Register a function that says, before an erasure, what it will do beyond the account itself (e.g. to a
    guardian's children, or an artist's applications)."""
    _notices.append(function)
    return function


def erasure_notices(*, user: User) -> list[str]:
    """What erasing the user will do beyond their own account, one sentence each, for the confirmation page."""
    return [sentence for notice in _notices for sentence in notice(user)]


def export_personal_data(*, user: User) -> dict[str, Any]:
    """Everything kunstvest holds about a user, as JSON-ready sections."""
    return {
        "exported_at": utcnow().isoformat(),
        **{section: exporter(user) for section, exporter in sorted(_exporters.items())},
    }


def request_erasure(*, user: User) -> None:
    """Record the user's request to be erased, for the secretariat to carry out."""
    if user.deletion_requested_at is None:
        user.deletion_requested_at = utcnow()
        record_audit(actor=user, action="user.erasure_requested", target=user)


def erase_user(*, user: User, erased_by: User) -> None:
    """Replace a user's personal fields; rows kept for the accounts point to the anonymous user."""
    for eraser in _erasers:
        eraser(user)
    queue_mail(to=user.email, template="data_erased", subject=_l("Your personal data has been erased"),
               locale=user.locale, user=user)
    db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.email == user.email))
    user.email = f"erased-{user.id}@invalid"
    user.full_name = "—"
    user.phone = None
    user.password_hash = None
    user.is_enabled = False
    user.session_token = new_session_token()
    user.role_grants.clear()
    user.erased_at = utcnow()
    record_audit(actor=erased_by, action="user.erased", target=user)


@personal_data_exporter("account")
def _export_account(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "phone": user.phone,
        "locale": user.locale,
        "roles": sorted(role.value for role in user.roles),
        "created_at": user.created_at.isoformat() if user.created_at else None,
        "email_verified_at": user.email_verified_at.isoformat() if user.email_verified_at else None,
        "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
    }


@personal_data_exporter("logins")
def _export_logins(user: User) -> list[dict[str, Any]]:
    attempts = db.session.scalars(
        sa.select(LoginAttempt).where(LoginAttempt.email == user.email).order_by(LoginAttempt.attempted_at)
    )
    return [{"at": attempt.attempted_at.isoformat(), "ip": attempt.ip, "succeeded": attempt.succeeded}
            for attempt in attempts]
