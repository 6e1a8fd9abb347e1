"""The mail outbox: mail is queued in the caller's transaction and delivered by `flask outbox send`."""

import enum
import logging
import socket
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Message
from sqlalchemy.orm import Mapped, mapped_column

from kunstvest.common.links import public_url_for
from kunstvest.common.models import UTCDateTime, enum_type, utcnow
from kunstvest.extensions import db, mail

log = logging.getLogger(__name__)

STALE_SENDING_AFTER = timedelta(minutes=15)
# Claimed messages wait in "sending" until their turn: a small batch keeps that wait far below STALE_SENDING_AFTER
# (10 × MAIL_TIMEOUT_SECONDS at worst) and leaves few messages to check by hand if a worker dies mid-batch.
CLAIM_BATCH = 10


class OutboxStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (sa.Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recipient: Mapped[str] = mapped_column(sa.String(254), index=True)
    subject: Mapped[str] = mapped_column(sa.String(255))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    template: Mapped[str] = mapped_column(sa.String(100))
    status: Mapped[OutboxStatus] = mapped_column(enum_type(OutboxStatus), default=OutboxStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def queue_mail(*, to: str, template: str, subject: str, locale: str = "nb", **context) -> OutboxMessage:
    """Render templates/email/<template>.txt and .html in the recipient's language and queue them.

    Templates make their links with `public_url_for(...)` on PUBLIC_URL: an external url_for follows the Host header.
    """
    with force_locale(locale):
        body_text = render_template(f"email/{template}.txt", public_url_for=public_url_for, **context)
        body_html = render_template(f"email/{template}.html", public_url_for=public_url_for, **context)
        subject = str(subject)  # a lazy subject is resolved in the recipient's language too
    message = OutboxMessage(
        recipient=to, subject=subject, body_text=body_text, body_html=body_html, template=template
    )
    db.session.add(message)
    return message


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 1, 2, 4 … minutes, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _claim_batch(*, now: datetime, size: int) -> list[OutboxMessage]:
    """Move up to `size` due messages from queued to sending in one short transaction; those this worker got.

    On PostgreSQL the rows another worker is claiming are skipped, not waited for (FOR UPDATE SKIP LOCKED), so
    workers on several machines split the queue; SQLite ignores the clause and the status guard alone decides.
    """
    due_ids = db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(size)
        .with_for_update(skip_locked=True)
    ).all()
    claimed_ids = set(db.session.scalars(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(due_ids), OutboxMessage.status == OutboxStatus.QUEUED)
        .values(status=OutboxStatus.SENDING, attempts=OutboxMessage.attempts + 1, next_attempt_at=utcnow())
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )) if due_ids else set()
    db.session.commit()
    return list(db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.id.in_(claimed_ids)).order_by(OutboxMessage.id)
    )) if claimed_ids else []


def _deliver(message: OutboxMessage) -> None:
    previous_timeout = socket.getdefaulttimeout()
    # Flask-Mail has no timeout setting; a hung server must not block the worker for ever.
    socket.setdefaulttimeout(current_app.config["MAIL_TIMEOUT_SECONDS"])
    try:
        mail.send(Message(
            subject=message.subject, recipients=[message.recipient],
            body=message.body_text, html=message.body_html,
        ))
    finally:
        socket.setdefaulttimeout(previous_timeout)


def fail_stale_sends(*, now: datetime | None = None) -> int:
    """Mark sends interrupted mid-way as failed, for an admin to check and resend, rather than risk a duplicate."""
    now = now or utcnow()
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.SENDING,
               OutboxMessage.next_attempt_at < now - STALE_SENDING_AFTER)
        .values(status=OutboxStatus.FAILED, last_error="interrupted while sending; check before resending")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def _send(message: OutboxMessage, *, now: datetime, max_attempts: int) -> str:
    """Deliver one claimed message and record the outcome on it: "sent", "retry" (due again later) or "failed"."""
    try:
        _deliver(message)
    except Exception as error:  # noqa: BLE001 — any failure must leave the message retryable
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        log.warning("outbox message %s not delivered: %s", message.id, message.last_error)
        if message.attempts >= max_attempts:
            message.status = OutboxStatus.FAILED
            return "failed"
        message.status = OutboxStatus.QUEUED
        message.next_attempt_at = now + retry_delay(message.attempts)
        return "retry"
    message.status = OutboxStatus.SENT
    message.sent_at = utcnow()
    message.last_error = None
    return "sent"


def send_due_messages(*, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """Deliver up to `limit` queued messages that are due, claiming a small batch at a time so that no message is
    sent twice however many workers run.

    Unlike other services this one commits: the worker owns its transactions, one per claim and one per message.
    """
    now = now or utcnow()
    counts = {"sent": 0, "retry": 0, "failed": 0, "stale": fail_stale_sends(now=now)}
    db.session.commit()
    max_attempts = current_app.config["OUTBOX_MAX_ATTEMPTS"]
    handled = 0
    while handled < limit and (batch := _claim_batch(now=now, size=min(CLAIM_BATCH, limit - handled))):
        for message in batch:
            counts[_send(message, now=now, max_attempts=max_attempts)] += 1
            db.session.commit()
        handled += len(batch)
    return counts


def resend(*, message: OutboxMessage) -> None:
    """Put a failed or sent message back in the queue, due now."""
    message.status = OutboxStatus.QUEUED
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.last_error = None
