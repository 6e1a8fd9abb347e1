"""Reminders before the deadline: an email to each artist whose application is still a draft as the call closes."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from kunstvest.applications.models import Application, ApplicationStatus, CallPhase, OpenCall
from kunstvest.applications.services import mail_artist, missing_for_submission, why_no_mail
from kunstvest.common.audit import AuditEvent, record_audit
from kunstvest.common.models import utcnow
from kunstvest.extensions import db

DRAFT_REMINDED = "application.draft_reminded"


@dataclass
class DraftReminders:
    """What a reminder run did: the drafts whose artists were emailed now, those reminded by an earlier run, and
    those whose artist cannot be emailed, with the reason."""

    mailed: list[Application] = field(default_factory=list)
    reminded_before: list[Application] = field(default_factory=list)
    not_mailed: list[tuple[Application, str]] = field(default_factory=list)


def drafts_closing_within(*, days: int, now: datetime) -> list[Application]:
    """The drafts of open calls that close within `days` days from now (and have not closed yet), by deadline."""
    return list(db.session.scalars(
        sa.select(Application).join(Application.call)
        .where(Application.status == ApplicationStatus.DRAFT, OpenCall.phase == CallPhase.OPEN,
               OpenCall.closes_at > now, OpenCall.closes_at <= now + timedelta(days=days))
        .order_by(OpenCall.closes_at, Application.id)))


def _reminded_ids(applications: list[Application]) -> set[int]:
    """The applications already reminded: the audit log holds one event per reminder sent."""
    return {int(object_id) for object_id in db.session.scalars(
        sa.select(AuditEvent.object_id).where(
            AuditEvent.action == DRAFT_REMINDED, AuditEvent.object_type == Application.__tablename__,
            AuditEvent.object_id.in_([str(application.id) for application in applications])))}


def remind_drafts(*, days: int = 3, now: datetime | None = None) -> DraftReminders:
    """Email, once per draft, each artist whose application is not submitted when its call closes within `days`
    days: the deadline, what is missing and the link; running it again emails nobody twice."""
    now = now or utcnow()
    drafts = drafts_closing_within(days=days, now=now)
    reminded = _reminded_ids(drafts)
    outcome = DraftReminders()
    for draft in drafts:
        if draft.id in reminded:
            outcome.reminded_before.append(draft)
        elif (reason := why_no_mail(draft.artist)) is not None:
            outcome.not_mailed.append((draft, str(reason)))
        else:
            mail_artist(draft, "draft_reminder",
                        _l("Your application to %(call)s is not submitted yet", call=draft.call.title),
                        missing_for_submission=missing_for_submission)
            record_audit(actor=None, action=DRAFT_REMINDED, target=draft,
                         details={"closes_at": draft.call.closes_at.isoformat()})
            outcome.mailed.append(draft)
    db.session.flush()
    return outcome
