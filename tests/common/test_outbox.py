"""The outbox: queued in the caller's transaction, delivered once by the worker, kept while the server is down."""

from datetime import timedelta

import sqlalchemy as sa

from kunstvest.common.models import utcnow
from kunstvest.common.outbox import (OutboxMessage, OutboxStatus, queue_mail, resend, retry_delay,
                                     send_due_messages)
from tests import factories


def _queue(db, to="artist@example.org"):
    user = factories.make_user()
    message = queue_mail(to=to, template="data_erased", subject="Hei", user=user)
    db.session.commit()
    return message


def test_mail_is_queued_in_the_callers_transaction(db):
    user = factories.make_user()
    queue_mail(to="x@example.org", template="data_erased", subject="Hei", user=user)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_queue_renders_text_and_html_in_the_recipients_language(db):
    user = factories.make_user(full_name="Kari Nordmann", locale="en")
    message = queue_mail(to="x@example.org", template="data_erased", subject="Hi", locale="en", user=user)
    assert "Hello Kari Nordmann" in message.body_text
    assert "<p>" in message.body_html


def test_worker_delivers_to_the_smtp_server_exactly_once(db, smtp_sink):
    message = _queue(db)
    assert send_due_messages() == {"sent": 1, "retry": 0, "failed": 0, "stale": 0}
    assert send_due_messages()["sent"] == 0
    assert len(smtp_sink.messages) == 1
    delivered = smtp_sink.messages[0]
    assert delivered["To"] == "artist@example.org" and delivered["Subject"] == "Hei"
    db.session.refresh(message)
    assert message.status == OutboxStatus.SENT and message.sent_at is not None


def test_smtp_down_loses_nothing_and_delivers_once_when_it_returns(db, smtp_sink):
    messages = [_queue(db, to=f"guardian{n}@example.org") for n in range(3)]
    smtp_sink.stop()
    first = send_due_messages()
    assert first["sent"] == 0 and first["retry"] == 3
    for message in messages:
        db.session.refresh(message)
        assert message.status == OutboxStatus.QUEUED and message.attempts == 1
        assert "ConnectionRefused" in message.last_error
        assert message.next_attempt_at > utcnow()
    assert send_due_messages()["retry"] == 0, "backoff: nothing is retried before it is due"

    smtp_sink.start()
    later = utcnow() + timedelta(minutes=5)
    assert send_due_messages(now=later)["sent"] == 3
    assert send_due_messages(now=later + timedelta(hours=1))["sent"] == 0
    assert sorted(m["To"] for m in smtp_sink.messages) == [f"guardian{n}@example.org" for n in range(3)]


def test_a_message_claimed_by_another_worker_is_not_sent_again(db, smtp_sink):
    message = _queue(db)
    db.session.execute(sa.update(OutboxMessage).values(status=OutboxStatus.SENDING, next_attempt_at=utcnow()))
    db.session.commit()
    assert send_due_messages()["sent"] == 0
    assert smtp_sink.messages == []
    interrupted = send_due_messages(now=utcnow() + timedelta(minutes=20))
    assert interrupted["stale"] == 1
    db.session.refresh(message)
    assert message.status == OutboxStatus.FAILED and "interrupted" in message.last_error
    assert smtp_sink.messages == []


def test_gives_up_after_max_attempts_and_admin_can_resend(app, db, smtp_sink):
    message = _queue(db)
    smtp_sink.stop()
    now = utcnow()
    for _ in range(app.config["OUTBOX_MAX_ATTEMPTS"]):
        send_due_messages(now=now)
        now += timedelta(hours=7)
    db.session.refresh(message)
    assert message.status == OutboxStatus.FAILED
    smtp_sink.start()
    resend(message=message)
    db.session.commit()
    assert send_due_messages()["sent"] == 1
    assert len(smtp_sink.messages) == 1


def test_retry_delay_grows_and_is_capped():
    assert [retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert retry_delay(30) == timedelta(hours=6)


def test_cli_outbox_send(runner, db, smtp_sink):
    _queue(db)
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "sent=1" in result.output
    assert len(smtp_sink.messages) == 1
