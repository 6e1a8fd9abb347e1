"""The main navigation: each entry names the roles that see it."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from kunstvest.auth.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: tuple[Role, ...] = ()


NAVIGATION = (
    NavItem(_l("Dashboard"), "main.dashboard"),
    NavItem(_l("My application"), "applications.my_application", (Role.ARTIST,)),
    NavItem(_l("My atelier"), "ateliers.my_atelier", (Role.ARTIST,)),
    NavItem(_l("Count visits"), "ateliers.my_counters", (Role.VOLUNTEER, Role.ARTIST)),
    NavItem(_l("My children"), "orchestra.my_children", (Role.GUARDIAN,)),
    NavItem(_l("Orchestra calendar"), "orchestra.my_calendar", (Role.GUARDIAN,)),
    NavItem(_l("Orchestra"), "orchestra.staff_seasons", (Role.ORCHESTRA_STAFF, Role.ADMIN)),
    NavItem(_l("Jury"), "applications.jury_index", (Role.JURY,)),
    NavItem(_l("Open calls"), "applications.admin_calls", (Role.ADMIN,)),
    NavItem(_l("Exhibitions"), "exhibitions.admin_hosts", (Role.ADMIN,)),
    NavItem(_l("Open ateliers"), "ateliers.admin_weekends", (Role.ADMIN,)),
    NavItem(_l("Budget"), "budget.index", (Role.ADMIN,)),
    NavItem(_l("Reports"), "budget.reports_index", (Role.ADMIN,)),
    NavItem(_l("Reference data"), "reference.municipalities", (Role.ADMIN,)),
    NavItem(_l("Users"), "admin.users", (Role.ADMIN,)),
    NavItem(_l("Outbox"), "admin.outbox", (Role.ADMIN,)),
    NavItem(_l("Audit log"), "admin.audit_log", (Role.ADMIN,)),
)


def navigation_for(user) -> list[NavItem]:
    """The entries a user may follow: none for visitors, role-free ones for everyone logged in."""
    if not user or not user.is_authenticated:
        return []
    return [item for item in NAVIGATION if not item.roles or user.has_role(*item.roles)]
