"""The audit log is append-only and never holds secrets."""

import pytest
import sqlalchemy as sa

from kunstvest.common.audit import AuditEvent, record_audit
from tests import factories


def test_audit_events_cannot_be_changed_or_deleted(db):
    event = record_audit(actor=None, action="decision.made", details={"outcome": "accepted"})
    db.session.commit()
    event.action = "decision.unmade"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()


def test_secrets_are_refused(db):
    with pytest.raises(ValueError):
        record_audit(actor=None, action="x", details={"password": "p"})


def test_records_who_what_and_which_object(db):
    actor, target = factories.make_user(), factories.make_user()
    record_audit(actor=actor, action="role.granted", target=target, details={"role": "jury"}, ip="127.0.0.1")
    db.session.commit()
    event = db.session.scalar(sa.select(AuditEvent))
    assert (event.actor_id, event.object_type, event.object_id, event.ip) == (actor.id, "users", str(target.id),
                                                                           "127.0.0.1")
    assert event.occurred_at.tzinfo is not None
