"""Personal data: export and erasure."""

import sqlalchemy as sa

from kunstvest.auth.models import LoginAttempt, Role
from kunstvest.common.audit import AuditEvent
from kunstvest.common.outbox import OutboxMessage
from kunstvest.common.personal_data import erase_user, export_personal_data
from tests import factories


def test_export_holds_account_and_login_history(db):
    user = factories.make_user(roles=[Role.ARTIST], email="a@example.org")
    db.session.add(LoginAttempt(email="a@example.org", ip="10.0.0.1", succeeded=True))
    exported = export_personal_data(user=user)
    assert exported["account"]["email"] == "a@example.org"
    assert exported["logins"][0]["ip"] == "10.0.0.1"


def test_erase_replaces_personal_fields_and_keeps_an_anonymous_reference(db):
    admin = factories.make_user(roles=[Role.ADMIN])
    user = factories.make_user(roles=[Role.ARTIST], email="gone@example.org", full_name="Borte Borte")
    db.session.add(LoginAttempt(email="gone@example.org", ip="10.0.0.1"))
    erase_user(user=user, erased_by=admin)
    db.session.commit()
    assert user.email == f"erased-{user.id}@invalid" and user.full_name == "—"
    assert user.password_hash is None and user.roles == set() and not user.is_active
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) == 0
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.erased"))
    assert event.object_id == str(user.id) and "gone@example.org" not in str(event.details)
    assert db.session.scalar(sa.select(OutboxMessage.recipient)) == "gone@example.org"


def test_admin_erases_from_the_user_page(client, login, db):
    login(Role.ADMIN)
    user = factories.make_user(email="x@example.org")
    db.session.commit()
    response = client.post(f"/admin/users/{user.id}/erase")
    assert response.status_code == 302
    db.session.expire_all()
    assert user.erased_at is not None
