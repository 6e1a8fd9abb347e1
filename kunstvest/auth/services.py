"""Accounts: registration, verification, login with throttling, password reset, email change and roles."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from kunstvest.auth.models import LoginAttempt, Role, RoleGrant, User, new_session_token
from kunstvest.common.audit import record_audit
from kunstvest.common.models import utcnow
from kunstvest.common.outbox import queue_mail
from kunstvest.extensions import db

password_hasher = PasswordHasher()


class AccountError(Exception):
    """A rule about accounts was broken; the message is shown to the user."""


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    error: str | None = None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return password_hasher.hash(password)


def check_password(*, user: User, password: str) -> bool:
    """Verify a password, rehashing it when argon2's parameters have been raised since."""
    if not user.password_hash:
        return False
    try:
        password_hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if password_hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return True


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"kunstvest.{purpose}")


def make_token(*, user: User, purpose: str, **claims) -> str:
    """A signed, expiring token bound to the user's current email and session token."""
    return _serializer(purpose).dumps({"uid": user.id, "email": user.email, "st": user.session_token, **claims})


def read_token(*, token: str, purpose: str) -> tuple[User, dict]:
    """Return the user and claims of a valid token, or raise AccountError."""
    max_age = int(current_app.config["TOKEN_MAX_AGE"].total_seconds())
    try:
        claims = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise AccountError(_l("The link has expired. Ask for a new one.")) from error
    except BadSignature as error:
        raise AccountError(_l("The link is not valid.")) from error
    user = db.session.get(User, claims.get("uid"))
    if user is None or user.email != claims.get("email") or user.session_token != claims.get("st"):
        raise AccountError(_l("The link has already been used or is no longer valid."))
    return user, claims


def register_user(*, email: str, password: str, full_name: str, role: Role | None, locale: str) -> User:
    """Create an unverified account with an optional self-service role and queue the verification mail."""
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise AccountError(_l("An account with this email address already exists. Log in or reset your password."))
    if role is not None and role not in (Role.ARTIST, Role.GUARDIAN):
        raise AccountError(_l("This role is granted by the secretariat."))
    user = User(email=email, password_hash=hash_password(password), full_name=full_name.strip(), locale=locale)
    if role is not None:
        user.role_grants.append(RoleGrant(role=role))
    db.session.add(user)
    db.session.flush()
    send_verification(user=user)
    return user


def send_verification(*, user: User, email: str | None = None) -> None:
    """Queue a mail with a link that verifies the account's email (or a new email, when given)."""
    if email is None:
        link = url_for("auth.verify_email", token=make_token(user=user, purpose="verify"), _external=True)
        queue_mail(to=user.email, template="verify_email", subject=_l("Confirm your email address"),
                   locale=user.locale, user=user, link=link)
    else:
        token = make_token(user=user, purpose="change-email", new_email=email)
        link = url_for("auth.confirm_email_change", token=token, _external=True)
        queue_mail(to=email, template="confirm_email_change", subject=_l("Confirm your new email address"),
                   locale=user.locale, user=user, link=link, new_email=email)


def verify_email(*, token: str) -> User:
    """Mark the account's email as verified."""
    user, _claims = read_token(token=token, purpose="verify")
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user


def failures_since(*, email: str, ip: str, since: datetime) -> tuple[int, int]:
    """Failed logins since a moment, for this account and for this address."""
    failed = sa.select(sa.func.count()).select_from(LoginAttempt).where(
        LoginAttempt.succeeded.is_(False), LoginAttempt.attempted_at >= since
    )
    by_email = db.session.scalar(failed.where(LoginAttempt.email == email))
    by_ip = db.session.scalar(failed.where(LoginAttempt.ip == ip))
    return by_email, by_ip


def authenticate(*, email: str, password: str, ip: str) -> LoginResult:
    """Check a login; throttled per account and per IP, every failure recorded and audited."""
    config = current_app.config
    email = normalise_email(email)
    now = utcnow()
    window = config["LOGIN_FAILURE_WINDOW"]
    by_email, by_ip = failures_since(email=email, ip=ip, since=now - window)
    if by_email >= config["LOGIN_MAX_FAILURES"] or by_ip >= config["LOGIN_MAX_FAILURES_PER_IP"]:
        record_audit(actor=None, action="login.throttled", details={"email": email}, ip=ip)
        minutes = int(window.total_seconds() // 60)
        return LoginResult(None, _l("Too many failed attempts. Wait %(minutes)s minutes and try again, "
                                    "or reset your password.", minutes=minutes))
    user = find_user_by_email(email)
    succeeded = user is not None and user.is_active and check_password(user=user, password=password)
    db.session.add(LoginAttempt(email=email, ip=ip, attempted_at=now, succeeded=succeeded))
    if not succeeded:
        record_audit(actor=None, action="login.failed", target=user, details={"email": email}, ip=ip)
        return LoginResult(None, _l("Wrong email or password."))
    if not user.is_verified:
        return LoginResult(None, _l("Confirm your email address first: we have sent you a link. "
                                    "You can ask for a new one below."))
    user.last_login_at = now
    return LoginResult(user)


def request_password_reset(*, email: str) -> None:
    """Queue a reset link if the account exists; say nothing either way to the caller."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    link = url_for("auth.reset_password", token=make_token(user=user, purpose="reset"), _external=True)
    queue_mail(to=user.email, template="reset_password", subject=_l("Reset your password"),
               locale=user.locale, user=user, link=link)


def set_password(*, user: User, password: str) -> None:
    """Set a new password and end every other session of the account."""
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()


def reset_password(*, token: str, password: str) -> User:
    """Set a new password from an emailed token; the token is single-use because the session token rotates."""
    user, _claims = read_token(token=token, purpose="reset")
    set_password(user=user, password=password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()  # the reset link proved the address
    return user


def request_email_change(*, user: User, new_email: str, password: str) -> None:
    """Queue a confirmation to the new address; the email changes only when that link is used."""
    new_email = normalise_email(new_email)
    if not check_password(user=user, password=password):
        raise AccountError(_l("The password is wrong."))
    if find_user_by_email(new_email) is not None:
        raise AccountError(_l("Another account uses this email address."))
    send_verification(user=user, email=new_email)


def confirm_email_change(*, token: str) -> User:
    """Switch the account to the new, now verified, email address."""
    user, claims = read_token(token=token, purpose="change-email")
    new_email = claims["new_email"]
    if find_user_by_email(new_email) is not None:
        raise AccountError(_l("Another account uses this email address."))
    old_email = user.email
    user.email = new_email
    user.email_verified_at = utcnow()
    user.session_token = new_session_token()
    record_audit(actor=user, action="user.email_changed", target=user,
                 details={"from": old_email, "to": new_email})
    return user


def grant_role(*, user: User, role: Role, granted_by: User) -> bool:
    """Give a user a role; audited. False when the user already had it."""
    if role in user.roles:
        return False
    user.role_grants.append(RoleGrant(role=role, granted_by_id=granted_by.id))
    record_audit(actor=granted_by, action="role.granted", target=user, details={"role": role.value})
    return True


def revoke_role(*, user: User, role: Role, revoked_by: User) -> bool:
    """Take a role away; audited. An admin cannot remove their own admin role (someone must stay in charge)."""
    grant = next((grant for grant in user.role_grants if grant.role == role), None)
    if grant is None:
        return False
    if role == Role.ADMIN and user.id == revoked_by.id:
        raise AccountError(_l("You cannot remove your own admin role."))
    user.role_grants.remove(grant)
    record_audit(actor=revoked_by, action="role.revoked", target=user, details={"role": role.value})
    return True


def create_admin(*, email: str, password: str, full_name: str) -> User:
    """Create a verified admin account (CLI and demo)."""
    user = User(email=normalise_email(email), password_hash=hash_password(password), full_name=full_name,
                email_verified_at=utcnow())
    user.role_grants.append(RoleGrant(role=Role.ADMIN))
    db.session.add(user)
    db.session.flush()
    record_audit(actor=None, action="role.granted", target=user, details={"role": Role.ADMIN.value, "via": "cli"})
    return user
