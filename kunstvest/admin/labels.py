"""Translated labels for roles and statuses, shared by forms and templates."""

from flask_babel import lazy_gettext as _l

from kunstvest.auth.models import Role
from kunstvest.common.outbox import OutboxStatus

ROLE_LABELS = {
    Role.ADMIN.value: _l("Secretariat (admin)"),
    Role.JURY.value: _l("Juror"),
    Role.VOLUNTEER.value: _l("Volunteer"),
    Role.ARTIST.value: _l("Artist"),
    Role.GUARDIAN.value: _l("Parent or guardian"),
    Role.ORCHESTRA_STAFF.value: _l("Orchestra staff"),
}

OUTBOX_STATUS_LABELS = {
    OutboxStatus.QUEUED.value: _l("Queued"),
    OutboxStatus.SENDING.value: _l("Sending"),
    OutboxStatus.SENT.value: _l("Sent"),
    OutboxStatus.FAILED.value: _l("Failed"),
}
