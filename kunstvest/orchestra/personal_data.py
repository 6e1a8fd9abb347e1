"""What the youth orchestra holds about a guardian and their children: exported on request; on erasure the
guardianships go, and a child left without a guardian is anonymised."""

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext, ngettext

from kunstvest.common.personal_data import erasure_notice, personal_data_eraser, personal_data_exporter
from kunstvest.extensions import db
from kunstvest.orchestra import services
from kunstvest.orchestra.events import today_in_oslo
from kunstvest.orchestra.models import ConsentRecord, Guardianship


def _export_child(child, enrolments, consents: list[ConsentRecord]) -> dict[str, Any]:
    health = services.health_info_of(child=child)
    return {
        "first_name": child.first_name, "last_name": child.last_name,
        "date_of_birth": child.date_of_birth.isoformat(), "level": child.level.value, "teacher": child.teacher,
        "school": child.school, "culture_school": child.culture_school,
        "municipality": child.municipality.name if child.municipality else None, "notes": child.notes,
        "instruments": [{"instrument": item.instrument, "years_played": item.years_played}
                        for item in child.instruments],
        "enrolments": [{"season": enrolment.orchestra_season.year, "status": enrolment.status.value,
                        "instrument": enrolment.instrument,
                        "section": enrolment.section.name if enrolment.section else None,
                        "applied_at": enrolment.applied_at.isoformat()} for enrolment in enrolments],
        "consents": [{"purpose": record.consent_text.purpose.value, "version": record.consent_text.version,
                      "is_given": record.is_given, "recorded_at": record.recorded_at.isoformat()}
                     for record in consents],
        "health": {"allergies": health.allergies, "medical": health.medical,
                   "emergency_contacts": health.emergency_contacts} if health else None,
    }


@personal_data_exporter("orchestra")
def export_guardian(user) -> dict[str, Any] | None:
    """The guardian's children with instruments, enrolments, consents and health information."""
    children = services.children_of(user=user)
    if not children:
        return None
    enrolments = services.enrolments_of(children=children)
    consents = {child.id: list(reversed(services.consent_history(child=child))) for child in children}
    return {"children": [_export_child(child, enrolments[child.id], consents[child.id]) for child in children]}


def _outcome_sentence(outcome: services.ErasureOutcome) -> str:
    child = outcome.child
    if outcome.withdrawal is None:
        return gettext("%(child)s stays registered with the other guardian: %(guardians)s.", child=child.name,
                       guardians=", ".join(guardian.full_name for guardian in outcome.remaining_guardians))
    parts = [gettext("%(child)s has no other guardian: the child's name, notes and health information are "
                     "anonymised.", child=child.name)]
    if outcome.withdrawal.applications:
        parts.append(ngettext("%(num)d open application or offer is withdrawn.",
                              "%(num)d open applications or offers are withdrawn.",
                              len(outcome.withdrawal.applications)))
    if outcome.withdrawal.memberships:
        parts.append(ngettext("The membership of %(num)d season not yet over ends.",
                              "The memberships of %(num)d seasons not yet over end.",
                              len(outcome.withdrawal.memberships)))
    parts.append(gettext("Year of birth and municipality stay in the figures of past seasons."))
    return " ".join(parts)


@erasure_notice
def guardian_erasure_notice(user) -> list[str]:
    """What erasing the guardian does to each of their children."""
    return [_outcome_sentence(outcome) for outcome in services.erasure_outcomes(user=user, today=today_in_oslo())]


@personal_data_eraser
def erase_guardian(user) -> None:
    """Remove the user's guardianships; a child with no guardian left is taken out of the orchestra's lists (open
    applications withdrawn, current memberships ended) and anonymised."""
    children = services.children_of(user=user)
    db.session.execute(sa.delete(Guardianship).where(Guardianship.user_id == user.id))
    db.session.flush()
    for child in children:
        db.session.expire(child, ["guardianships"])
        if not child.guardianships:
            services.withdraw_child(child=child, today=today_in_oslo())
            services.anonymise_child(child=child)
