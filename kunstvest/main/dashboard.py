"""Dashboard panels: what each role can do, with live counts where the foundation has them."""

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from kunstvest.auth.models import Role, User
from kunstvest.common.outbox import OutboxMessage, OutboxStatus
from kunstvest.extensions import db


@dataclass
class Panel:
    role: Role
    title: str
    links: list[tuple[str, str]] = field(default_factory=list)
    facts: list[tuple[str, int]] = field(default_factory=list)


def _admin_panel() -> Panel:
    outbox_counts = dict(db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)).all())
    pending_erasures = db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.deletion_requested_at.is_not(None), User.erased_at.is_(None)))
    return Panel(Role.ADMIN, _l("Secretariat"), links=[
        (_l("Budget lines"), "budget.index"), (_l("Projects"), "budget.projects"),
        (_l("Municipalities"), "reference.municipalities"), (_l("Venues"), "reference.venues"),
        (_l("Seasons"), "reference.seasons"), (_l("Users and roles"), "admin.users"),
        (_l("Outbox"), "admin.outbox"), (_l("Audit log"), "admin.audit_log"),
    ], facts=[
        (_l("Mail waiting to be sent"), outbox_counts.get(OutboxStatus.QUEUED, 0)),
        (_l("Mail that failed"), outbox_counts.get(OutboxStatus.FAILED, 0)),
        (_l("Requests to erase personal data"), pending_erasures),
    ])


ROLE_PANELS = {
    Role.ADMIN: _admin_panel,
    Role.JURY: lambda: Panel(Role.JURY, _l("Jury")),
    Role.VOLUNTEER: lambda: Panel(Role.VOLUNTEER, _l("Volunteer")),
    Role.ARTIST: lambda: Panel(Role.ARTIST, _l("Artist")),
    Role.GUARDIAN: lambda: Panel(Role.GUARDIAN, _l("Parent or guardian")),
    Role.ORCHESTRA_STAFF: lambda: Panel(Role.ORCHESTRA_STAFF, _l("Orchestra staff")),
}


def panels_for(user: User) -> list[Panel]:
    """One panel per role the user holds, in a fixed order."""
    return [ROLE_PANELS[role]() for role in Role if role in user.roles]
