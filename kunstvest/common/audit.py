"""The append-only audit log of decisions, role changes and failed logins."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kunstvest.common.models import UTCDateTime, utcnow
from kunstvest.extensions import db

SECRET_KEYS = {"password", "password_hash", "token", "session_token", "csrf_token"}


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(sa.String(64))
    object_id: Mapped[str | None] = mapped_column(sa.String(64))
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(sa.String(45))

    actor = relationship("User", lazy="raise")


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(mapper, connection, target) -> None:
    raise RuntimeError("the audit log is append-only")


def record_audit(*, actor, action: str, target=None, details: dict | None = None, ip: str | None = None) -> AuditEvent:
    """Append one audit event; secrets in `details` are refused, not silently dropped."""
    details = dict(details or {})
    leaked = SECRET_KEYS & set(details)
    if leaked:
        raise ValueError(f"audit details must not hold secrets: {sorted(leaked)}")
    audit_event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=target.__tablename__ if target is not None else None,
        object_id=str(target.id) if target is not None else None,
        details=details,
        ip=ip,
    )
    db.session.add(audit_event)
    return audit_event
