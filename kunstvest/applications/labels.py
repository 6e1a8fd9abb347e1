"""Labels shown for the open call's enums, in the visitor's language."""

from flask_babel import lazy_gettext as _l

from kunstvest.applications.models import ApplicationStatus, Discipline

DISCIPLINE_LABELS = {
    Discipline.VISUAL_ART.value: _l("Visual art"),
    Discipline.CRAFT.value: _l("Craft"),
}

STATUS_LABELS = {
    ApplicationStatus.DRAFT: _l("Draft, not submitted"),
    ApplicationStatus.SUBMITTED: _l("Submitted"),
    ApplicationStatus.ACCEPTED: _l("Accepted"),
    ApplicationStatus.WAITLISTED: _l("On the waiting list"),
    ApplicationStatus.REJECTED: _l("Not accepted"),
    ApplicationStatus.WITHDRAWN: _l("Withdrawn"),
}
