"""Outbox workers on several machines: each claims its own batches (FOR UPDATE SKIP LOCKED), none waits for another,
and every message is sent exactly once."""

import os
import threading
import time
from collections import Counter

import pytest
import sqlalchemy as sa

from kunstvest.common import outbox
from kunstvest.common.outbox import OutboxMessage, OutboxStatus, send_due_messages

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs PostgreSQL: SQLite ignores FOR UPDATE SKIP LOCKED and has one writer, so two workers there only "
           "take turns (tests/common/test_outbox.py covers the claim guard)")


def _queue(db, count: int) -> list[int]:
    db.session.execute(sa.insert(OutboxMessage), [
        {"recipient": f"guardian{number}@example.org", "subject": f"Melding {number}", "body_text": "Hei",
         "template": "test"} for number in range(count)])
    db.session.commit()
    return list(db.session.scalars(sa.select(OutboxMessage.id).order_by(OutboxMessage.id)))


def _statuses(db) -> Counter:
    db.session.expire_all()
    return Counter(db.session.scalars(sa.select(OutboxMessage.status)))


@pytest.fixture
def mail_sender(monkeypatch):
    """A fake mail sender that counts deliveries per message id, slow enough for two workers to overlap."""
    delivered: Counter = Counter()
    lock = threading.Lock()

    def deliver(message):
        with lock:
            delivered[message.id] += 1
        time.sleep(0.002)

    monkeypatch.setattr(outbox, "_deliver", deliver)
    return delivered


def _worker(app, start: threading.Barrier, results: list) -> None:
    """One worker: its own app context, so its own session and database connection."""
    with app.app_context():
        start.wait(timeout=30)
        results.append(send_due_messages(limit=1000))


def test_two_workers_drain_the_queue_and_send_every_message_exactly_once(app, db, mail_sender):
    ids = _queue(db, 200)
    start, results = threading.Barrier(2), []
    workers = [threading.Thread(target=_worker, args=(app, start, results)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert len(results) == 2, "a worker did not finish"
    assert sorted(mail_sender) == ids and set(mail_sender.values()) == {1}
    assert sum(result["sent"] for result in results) == 200
    assert all(result["sent"] > 0 for result in results), f"one worker sent everything: {results}"
    assert _statuses(db) == {OutboxStatus.SENT: 200}


def test_a_worker_skips_the_messages_another_has_locked_instead_of_waiting(app, db, mail_sender):
    ids = _queue(db, 30)
    with db.engine.connect() as other_worker:
        locked = other_worker.execute(sa.text(
            "SELECT id FROM outbox_messages ORDER BY id LIMIT 10 FOR UPDATE")).scalars().all()
        results: list = []
        worker = threading.Thread(target=_worker, args=(app, threading.Barrier(1), results))
        worker.start()
        worker.join(timeout=15)
        finished_while_locked = not worker.is_alive()
        other_worker.rollback()
    worker.join(timeout=30)

    assert finished_while_locked, "the worker waited for the other worker's locks"
    assert results == [{"sent": 20, "retry": 0, "failed": 0, "stale": 0}]
    assert sorted(mail_sender) == ids[10:] and not set(locked) & set(mail_sender)
    assert _statuses(db) == {OutboxStatus.SENT: 20, OutboxStatus.QUEUED: 10}
