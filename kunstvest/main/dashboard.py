"""Dashboard panels: what each role can do, with live counts where the foundation has them."""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from kunstvest.applications import reviewing, services as applications
from kunstvest.applications.models import Application, ApplicationStatus, CallPhase
from kunstvest.auth.models import Role, User
from kunstvest.budget.models import Project
from kunstvest.exhibitions.services import host_warnings
from kunstvest.common.outbox import OutboxMessage, OutboxStatus
from kunstvest.extensions import db
from kunstvest.ateliers.services import accepted_season_of
from kunstvest.main import todos
from kunstvest.main.season import exhibition_now
from kunstvest.main.todos import Todo

KUNST_RETT_VEST = "kunst-rett-vest"
OSLO = ZoneInfo("Europe/Oslo")


@dataclass
class Panel:
    """A role's part of the dashboard. A link is (label, endpoint) or (label, endpoint, URL values)."""

    role: Role
    title: str
    links: list[tuple] = field(default_factory=list)
    todos: list[Todo] = field(default_factory=list)
    facts: list[tuple[str, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _admin_panel() -> Panel:
    outbox_counts = dict(db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)).all())
    pending_erasures = db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.deletion_requested_at.is_not(None), User.erased_at.is_(None)))
    call = applications.current_call()
    submitted = db.session.scalar(sa.select(sa.func.count(Application.id)).where(
        Application.call_id == call.id, Application.status != ApplicationStatus.DRAFT)) if call else 0
    project = db.session.scalar(sa.select(Project).where(Project.code == KUNST_RETT_VEST))
    today = datetime.now(OSLO).date()
    warnings = [str(warning.message) for warning in host_warnings(project=project, today=today)] if project else []
    exhibition = exhibition_now(today, project)  # the admin's links need the exhibition, not the concerts
    season_links = [
        (_l("Side programme %(year)s", year=exhibition.year), "exhibitions.admin_programme",
         {"exhibition_id": exhibition.id}),
        (_l("Counting locations and volunteers %(year)s", year=exhibition.year), "ateliers.admin_locations",
         {"year": exhibition.year}),
        (_l("Visitor figures %(year)s", year=exhibition.year), "ateliers.admin_figures", {"year": exhibition.year}),
        (_l("Sales %(year)s", year=exhibition.year), "ateliers.admin_sales_index", {"year": exhibition.year}),
    ] if exhibition else []
    return Panel(Role.ADMIN, _l("Secretariat"), warnings=warnings,
                 todos=todos.admin_todos(exhibition=exhibition, failed_mail=outbox_counts.get(OutboxStatus.FAILED, 0),
                                         erasures=pending_erasures), links=[
        (_l("Open calls"), "applications.admin_calls"), (_l("Applications by year"), "applications.admin_statistics"),
        (_l("Exhibitions and hosts"), "exhibitions.admin_hosts"), *season_links,
        (_l("Open ateliers"), "ateliers.admin_weekends"), (_l("Count visits"), "ateliers.my_counters"),
        (_l("Orchestra"), "orchestra.staff_seasons"),
        (_l("Budget lines"), "budget.index"), (_l("Transactions"), "budget.ledger"), (_l("Projects"), "budget.projects"),
        (_l("Municipalities"), "reference.municipalities"), (_l("Venues"), "reference.venues"),
        (_l("Seasons"), "reference.seasons"), (_l("Users and roles"), "admin.users"),
        (_l("Outbox"), "admin.outbox"), (_l("Audit log"), "admin.audit_log"),
    ], facts=[
        (_l("Applications to the current call"), submitted),
        (_l("Mail waiting to be sent"), outbox_counts.get(OutboxStatus.QUEUED, 0)),
        (_l("Mail that failed"), outbox_counts.get(OutboxStatus.FAILED, 0)),
        (_l("Requests to erase personal data"), pending_erasures),
    ])


def _jury_panel(user: User) -> Panel:
    left = sum(progress.total - progress.scored for progress in (
        reviewing.jury_progress(call=call, juror=user)
        for call in reviewing.juror_calls(juror=user) if applications.phase_of(call) == CallPhase.JURYING))
    return Panel(Role.JURY, _l("Jury"), links=[(_l("My calls to score"), "applications.jury_index")],
                 facts=[(_l("Applications left for you to score"), left)])


def _artist_panel(user: User) -> Panel:
    links = [(_l("The open call"), "applications.call_page"), (_l("My application"), "applications.my_application"),
             (_l("Artist profile"), "applications.profile")]
    if accepted_season_of(user=user) is not None:  # the atelier, counting and sales come with an acceptance
        links += [(_l("My atelier"), "ateliers.my_atelier"), (_l("Count visits"), "ateliers.my_counters"),
                  (_l("My sales"), "ateliers.my_sales")]
    return Panel(Role.ARTIST, _l("Artist"), links=links, todos=todos.artist_todos(user=user))


def _volunteer_panel(user: User) -> Panel:
    return Panel(Role.VOLUNTEER, _l("Volunteer"), links=[(_l("Count visits"), "ateliers.my_counters")],
                 todos=todos.volunteer_todos(user=user, today=datetime.now(OSLO).date()))


def _guardian_panel(user: User) -> Panel:
    return Panel(Role.GUARDIAN, _l("Parent or guardian"), links=[
        (_l("My children"), "orchestra.my_children"), (_l("Register a child"), "orchestra.register_child"),
        (_l("Orchestra calendar"), "orchestra.my_calendar"), (_l("Calendar link"), "orchestra.calendar_link")],
        todos=todos.guardian_todos(user=user, today=datetime.now(OSLO).date()))


def _orchestra_staff_panel(user: User) -> Panel:
    return Panel(Role.ORCHESTRA_STAFF, _l("Orchestra staff"), links=[
        (_l("Seasons, admission and roster"), "orchestra.staff_seasons"),
        (_l("Member figures"), "orchestra.staff_figures"), (_l("Consent texts"), "orchestra.staff_consent_texts")],
        todos=todos.orchestra_staff_todos(today=datetime.now(OSLO).date()))


ROLE_PANELS = {
    Role.ADMIN: lambda user: _admin_panel(),
    Role.JURY: _jury_panel,
    Role.VOLUNTEER: _volunteer_panel,
    Role.ARTIST: _artist_panel,
    Role.GUARDIAN: _guardian_panel,
    Role.ORCHESTRA_STAFF: _orchestra_staff_panel,
}


def panels_for(user: User) -> list[Panel]:
    """One panel per role the user holds, in a fixed order."""
    return [ROLE_PANELS[role](user) for role in Role if role in user.roles]
