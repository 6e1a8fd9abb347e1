"""Account services: registration, tokens, throttling, reset, email change and roles."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from kunstvest.auth import services
from kunstvest.auth.models import LoginAttempt, Role
from kunstvest.common.audit import AuditEvent
from kunstvest.common.outbox import OutboxMessage
from tests import factories


@pytest.fixture(autouse=True)
def english(app):
    """Assert on the English source texts; the translations are checked in tests/test_i18n.py."""
    with app.test_request_context(), force_locale("en"):
        yield


def _outbox(db, recipient):
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.recipient == recipient)).all()


def test_register_hashes_with_argon2_and_queues_verification(app, db):
    with app.test_request_context():
        user = services.register_user(email=" Kari@Example.org ", password="a long password", full_name="Kari",
                                      role=Role.ARTIST, locale="nb")
    assert user.email == "kari@example.org"
    assert user.password_hash.startswith("$argon2id$")
    assert user.roles == {Role.ARTIST}
    assert not user.is_verified
    [message] = _outbox(db, "kari@example.org")
    assert "/auth/verify/" in message.body_text


def test_register_with_a_taken_email_mails_the_owner_and_refuses_granted_roles(app, db):
    owner = factories.make_user(email="taken@example.org")
    with app.test_request_context():
        assert services.register_user(email="TAKEN@example.org", password="x" * 12, full_name="A", role=None,
                                      locale="nb") is None
        with pytest.raises(services.AccountError):
            services.register_user(email="new@example.org", password="x" * 12, full_name="A", role=Role.ADMIN,
                                   locale="nb")
    [notice] = _outbox(db, "taken@example.org")
    assert notice.template == "account_exists"
    assert "/auth/reset" in notice.body_text and owner.full_name in notice.body_text
    assert _outbox(db, "new@example.org") == []


def test_verification_token_verifies_once_the_email_matches(app, db):
    user = factories.make_user(verified=False)
    with app.test_request_context():
        token = services.make_token(user=user, purpose="verify")
        assert services.verify_email(token=token) is user
        assert user.is_verified
        with pytest.raises(services.AccountError):
            services.verify_email(token=token + "x")
        with pytest.raises(services.AccountError):
            services.read_token(token=token, purpose="reset")


def test_expired_token_is_refused(app, db):
    user = factories.make_user()
    with app.test_request_context():
        token = services.make_token(user=user, purpose="verify")
        app.config["TOKEN_MAX_AGE"] = timedelta(seconds=-1)
        try:
            with pytest.raises(services.AccountError, match="expired"):
                services.read_token(token=token, purpose="verify")
        finally:
            app.config["TOKEN_MAX_AGE"] = timedelta(days=2)


def test_login_succeeds_and_records_the_attempt(app, db):
    user = factories.make_user(email="ok@example.org")
    with app.test_request_context():
        result = services.authenticate(email="OK@example.org", password=factories.PASSWORD, ip="10.0.0.1")
    assert result.user is user and result.error is None
    assert user.last_login_at is not None
    assert db.session.scalar(sa.select(LoginAttempt.succeeded)) is True


def test_unverified_account_cannot_log_in(app, db):
    factories.make_user(email="new@example.org", verified=False)
    with app.test_request_context():
        result = services.authenticate(email="new@example.org", password=factories.PASSWORD, ip="10.0.0.1")
    assert result.user is None
    assert "Confirm your email" in str(result.error)


def test_five_failures_lock_the_account_even_with_the_right_password(app, db):
    factories.make_user(email="target@example.org")
    with app.test_request_context():
        for attempt in range(5):
            result = services.authenticate(email="target@example.org", password="wrong", ip=f"10.0.0.{attempt}")
            assert "Wrong email or password" in str(result.error)
        locked = services.authenticate(email="target@example.org", password=factories.PASSWORD, ip="10.9.9.9")
    assert locked.user is None
    assert "Too many failed attempts" in str(locked.error)
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions.count("login.failed") == 5 and "login.throttled" in actions


def test_failures_across_many_addresses_slow_a_network_by_seconds(app, db):
    factories.make_user(email="victim@example.org")
    with app.test_request_context():
        for attempt in range(app.config["LOGIN_NETWORK_ADDRESSES"]):
            services.authenticate(email=f"guess{attempt}@example.org", password="wrong", ip="192.0.2.7")
        slowed = services.authenticate(email="victim@example.org", password=factories.PASSWORD, ip="192.0.2.7")
        elsewhere = services.authenticate(email="victim@example.org", password=factories.PASSWORD, ip="192.0.2.8")
    assert slowed.user is None and "from your network" in str(slowed.error)
    assert elsewhere.user is not None


def test_old_failures_do_not_count(app, db):
    factories.make_user(email="old@example.org")
    long_ago = services.utcnow() - timedelta(minutes=16)
    db.session.add_all([LoginAttempt(email="old@example.org", ip="10.0.0.1", attempted_at=long_ago)
                        for _ in range(10)])
    with app.test_request_context():
        result = services.authenticate(email="old@example.org", password=factories.PASSWORD, ip="10.0.0.1")
    assert result.user is not None


def test_audit_of_failed_login_holds_no_password(app, db):
    with app.test_request_context():
        services.authenticate(email="nobody@example.org", password="hunter2-secret", ip="10.0.0.1")
    event = db.session.scalar(sa.select(AuditEvent))
    assert event.action == "login.failed"
    assert "hunter2-secret" not in str(event.details)


def test_password_reset_link_works_once_and_ends_other_sessions(app, db):
    user = factories.make_user(email="reset@example.org")
    old_session = user.get_id()
    with app.test_request_context():
        services.request_password_reset(email="reset@example.org")
        services.request_password_reset(email="unknown@example.org")
        token = services.make_token(user=user, purpose="reset")
        services.reset_password(token=token, password="a brand new password")
        with pytest.raises(services.AccountError, match="already been used"):
            services.reset_password(token=token, password="another new password")
    assert len(_outbox(db, "reset@example.org")) == 1
    assert _outbox(db, "unknown@example.org") == []
    assert services.check_password(user=user, password="a brand new password")
    assert user.get_id() != old_session


def test_email_change_needs_password_and_confirmation_from_the_new_address(app, db):
    user = factories.make_user(email="before@example.org")
    factories.make_user(email="taken@example.org")
    with app.test_request_context():
        with pytest.raises(services.AccountError):
            services.request_email_change(user=user, new_email="after@example.org", password="wrong")
        with pytest.raises(services.AccountError):
            services.request_email_change(user=user, new_email="taken@example.org", password=factories.PASSWORD)
        services.request_email_change(user=user, new_email="After@example.org", password=factories.PASSWORD)
        assert user.email == "before@example.org"
        [message] = _outbox(db, "after@example.org")
        token = message.body_text.split("/auth/email/")[1].split()[0]
        services.confirm_email_change(token=token)
    assert user.email == "after@example.org" and user.is_verified
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.action == "user.email_changed"))


def test_grant_and_revoke_are_audited(app, db):
    admin = factories.make_user(roles=[Role.ADMIN])
    user = factories.make_user()
    assert services.grant_role(user=user, role=Role.JURY, granted_by=admin)
    assert not services.grant_role(user=user, role=Role.JURY, granted_by=admin)
    assert services.revoke_role(user=user, role=Role.JURY, revoked_by=admin)
    assert user.roles == set()
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert sorted((e.action, e.actor_id, e.object_id, e.details["role"]) for e in events) == [
        ("role.granted", admin.id, str(user.id), "jury"),
        ("role.revoked", admin.id, str(user.id), "jury"),
    ]


def test_admin_cannot_revoke_own_admin_role(app, db):
    admin = factories.make_user(roles=[Role.ADMIN])
    with pytest.raises(services.AccountError):
        services.revoke_role(user=admin, role=Role.ADMIN, revoked_by=admin)
    assert admin.has_role(Role.ADMIN)
