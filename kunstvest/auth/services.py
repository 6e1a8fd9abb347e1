"""Accounts: registration, verification, login with throttling, password reset, email change and roles."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from kunstvest.auth.models import SELF_SERVICE_ROLES, LoginAttempt, Role, RoleGrant, User, new_session_token
from kunstvest.common.audit import record_audit
from kunstvest.common.links import public_url_for
from kunstvest.common.models import utcnow
from kunstvest.common.outbox import OutboxMessage, queue_mail
from kunstvest.extensions import db

password_hasher = PasswordHasher()
# A network's wait doubles for every this many further addresses that failed from it.
NETWORK_ADDRESSES_PER_DOUBLING = 10


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


@cache
def _dummy_password_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def check_password(*, user: User | None, password: str) -> bool:
    """Verify a password, rehashing it when argon2's parameters have been raised since."""
    # Without an account a dummy hash is verified all the same, so timing does not tell who has an account.
    stored_hash = user.password_hash if user is not None and user.password_hash else None
    try:
        password_hasher.verify(stored_hash or _dummy_password_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    if stored_hash is None:
        return False
    if password_hasher.check_needs_rehash(stored_hash):
        user.password_hash = hash_password(password)
    return True


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"kunstvest.{purpose}")


def account_fingerprint(user: User) -> str:
    """A keyed digest of the account's email, password hash and session token; it changes when any of them does."""
    material = "\0".join([user.email, user.password_hash or "", user.session_token])
    return hmac.new(current_app.config["SECRET_KEY"].encode(), material.encode(), hashlib.sha256).hexdigest()[:32]


def make_token(*, user: User, purpose: str, **claims) -> str:
    """A signed, expiring token that dies when the email, password or sessions change."""
    # The payload is readable base64: it holds the user id and a keyed fingerprint, never a secret.
    return _serializer(purpose).dumps({"uid": user.id, "fp": account_fingerprint(user), **claims})


def read_token(*, token: str, purpose: str) -> tuple[User, dict]:
    """Return the user and claims of a valid token, or raise AccountError."""
    max_age = int(current_app.config["TOKEN_MAX_AGE"].total_seconds())
    try:
        claims = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise AccountError(_l("The link has expired. Ask for a new one.")) from error
    except BadSignature as error:
        raise AccountError(_l("The link is not valid.")) from error
    user_id, fingerprint = claims.get("uid"), claims.get("fp")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not isinstance(fingerprint, str) \
            or not hmac.compare_digest(fingerprint, account_fingerprint(user)):
        raise AccountError(_l("The link has already been used or is no longer valid."))
    return user, claims


def _may_mail(*, recipient: str, template: str, now: datetime) -> bool:
    """Whether fewer than ACCOUNT_MAILS_PER_HOUR mails of this kind went to the address in the past hour."""
    sent = db.session.scalar(
        sa.select(sa.func.count()).select_from(OutboxMessage).where(
            OutboxMessage.recipient == recipient, OutboxMessage.template == template,
            OutboxMessage.created_at >= now - timedelta(hours=1))
    )
    return sent < current_app.config["ACCOUNT_MAILS_PER_HOUR"]


def register_user(*, email: str, password: str, full_name: str, role: Role | None, locale: str) -> User | None:
    """Create an unverified account and queue its verification mail; for a taken address mail the owner instead.

    Returns None for a taken address, and the caller answers exactly as for a new one: nobody learns who has an account.
    """
    if role is not None and role not in SELF_SERVICE_ROLES:
        raise AccountError(_l("This role is granted by the secretariat."))
    email = normalise_email(email)
    password_hash = hash_password(password)  # hashed either way, so both answers take as long
    existing = find_user_by_email(email)
    if existing is not None:
        tell_owner_of_registration_attempt(user=existing)
        return None
    user = User(email=email, password_hash=password_hash, full_name=full_name.strip(), locale=locale)
    if role is not None:
        user.role_grants.append(RoleGrant(role=role))
    db.session.add(user)
    db.session.flush()
    send_verification(user=user)
    return user


def tell_owner_of_registration_attempt(*, user: User) -> None:
    """Mail the owner that someone tried to register with their address, with links to log in or reset (no token)."""
    if not user.is_active or not _may_mail(recipient=user.email, template="account_exists", now=utcnow()):
        return
    queue_mail(to=user.email, template="account_exists", subject=_l("You already have an account"),
               locale=user.locale, user=user, login_link=public_url_for("auth.login"),
               reset_link=public_url_for("auth.request_reset"))


def send_verification(*, user: User, email: str | None = None) -> None:
    """Queue a mail with a link that verifies the account's email (or a new email, when given)."""
    if email is None:
        link = public_url_for("auth.verify_email", token=make_token(user=user, purpose="verify"))
        queue_mail(to=user.email, template="verify_email", subject=_l("Confirm your email address"),
                   locale=user.locale, user=user, link=link)
    else:
        token = make_token(user=user, purpose="change-email", new_email=email)
        link = public_url_for("auth.confirm_email_change", token=token)
        queue_mail(to=email, template="confirm_email_change", subject=_l("Confirm your new email address"),
                   locale=user.locale, user=user, link=link, new_email=email)


def verify_email(*, token: str) -> User:
    """Mark the account's email as verified."""
    user, _claims = read_token(token=token, purpose="verify")
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user


def _since_last_clean_slate(*, email: str, user: User | None, since: datetime) -> datetime:
    """The later of `since`, the account's last successful login and its last password change."""
    last_success = db.session.scalar(sa.select(sa.func.max(LoginAttempt.attempted_at))
                                     .where(LoginAttempt.email == email, LoginAttempt.succeeded.is_(True)))
    changed = user.password_changed_at if user is not None else None
    return max(moment for moment in (since, last_success, changed) if moment is not None)


def account_wait(*, email: str, user: User | None, now: datetime) -> timedelta:
    """How long an address waits before its next try: 1, 2, 4 … minutes after each failure beyond the allowed."""
    # Failures before the last successful login or password change do not count: a reset lifts the wait.
    config = current_app.config
    window = config["LOGIN_FAILURE_WINDOW"]
    since = _since_last_clean_slate(email=email, user=user, since=now - window)
    failures, last_failure = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(LoginAttempt.attempted_at)).where(
            LoginAttempt.email == email, LoginAttempt.succeeded.is_(False), LoginAttempt.attempted_at >= since)
    ).one()
    excess = failures - config["LOGIN_MAX_FAILURES"]
    if excess < 0:
        return timedelta(0)
    wait = min(config["LOGIN_FIRST_WAIT"] * 2 ** min(excess, 16), window)
    return max(last_failure + wait - now, timedelta(0))


def network_wait(*, ip: str, now: datetime) -> timedelta:
    """How long a network waits between tries once its failures span many addresses: seconds, never minutes."""
    # A school class or a venue shares one IP: it is slowed, never locked out, and a few accounts' typos cost nothing.
    config = current_app.config
    addresses, last_failure = db.session.execute(
        sa.select(sa.func.count(sa.distinct(LoginAttempt.email)), sa.func.max(LoginAttempt.attempted_at)).where(
            LoginAttempt.ip == ip, LoginAttempt.succeeded.is_(False),
            LoginAttempt.attempted_at >= now - config["LOGIN_FAILURE_WINDOW"])
    ).one()
    excess = addresses - config["LOGIN_NETWORK_ADDRESSES"]
    if excess < 0:
        return timedelta(0)
    doublings = min(excess // NETWORK_ADDRESSES_PER_DOUBLING, 16)
    wait = min(config["LOGIN_NETWORK_WAIT"] * 2 ** doublings, config["LOGIN_NETWORK_MAX_WAIT"])
    return max(last_failure + wait - now, timedelta(0))


def _whole(wait: timedelta, unit: timedelta) -> int:
    return max(1, -(-wait // unit))  # rounded up: never tell someone to wait 0 minutes


def authenticate(*, email: str, password: str, ip: str) -> LoginResult:
    """Check a login, throttled per account and gently per network (README); every failure recorded and audited."""
    # Unknown addresses are hashed and throttled like accounts: neither answer nor timing tells who has an account.
    email = normalise_email(email)
    now = utcnow()
    user = find_user_by_email(email)
    if (wait := account_wait(email=email, user=user, now=now)) > timedelta(0):
        record_audit(actor=None, action="login.throttled", details={"email": email, "by": "account"}, ip=ip)
        minutes = _whole(wait, timedelta(minutes=1))
        return LoginResult(None, _ln("Too many failed attempts. Wait %(num)s minute and try again, or reset your "
                                     "password, which ends the wait.",
                                     "Too many failed attempts. Wait %(num)s minutes and try again, or reset your "
                                     "password, which ends the wait.", minutes))
    if (wait := network_wait(ip=ip, now=now)) > timedelta(0):
        record_audit(actor=None, action="login.throttled", details={"email": email, "by": "network"}, ip=ip)
        seconds = _whole(wait, timedelta(seconds=1))
        return LoginResult(None, _ln("Many failed logins come from your network. Wait %(num)s second and try again.",
                                     "Many failed logins come from your network. Wait %(num)s seconds and try "
                                     "again.", seconds))
    succeeded = check_password(user=user if user is not None and user.erased_at is None else None, password=password)
    db.session.add(LoginAttempt(email=email, ip=ip, attempted_at=now, succeeded=succeeded))
    if not succeeded:
        record_audit(actor=None, action="login.failed", target=user, details={"email": email}, ip=ip)
        return LoginResult(None, _l("Wrong email or password."))
    # Past the password, saying why is safe: only the account's owner gets this far.
    if not user.is_active:
        record_audit(actor=None, action="login.failed", target=user, details={"email": email, "by": "switched off"},
                     ip=ip)
        return LoginResult(None, _l("Your account is switched off. Ask the secretariat if you need it again."))
    if not user.is_verified:
        return LoginResult(None, _l("Confirm your email address first: we have sent you a link. "
                                    "You can ask for a new one below."))
    user.last_login_at = now
    return LoginResult(user)


def request_password_reset(*, email: str) -> None:
    """Queue a reset link if the account exists and is under its hourly limit; say nothing either way to the caller."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    if not _may_mail(recipient=user.email, template="reset_password", now=utcnow()):
        record_audit(actor=None, action="password_reset.limited", target=user)
        return
    link = public_url_for("auth.reset_password", token=make_token(user=user, purpose="reset"))
    queue_mail(to=user.email, template="reset_password", subject=_l("Reset your password"),
               locale=user.locale, user=user, link=link)


def set_password(*, user: User, password: str) -> None:
    """Set a new password, end every other session of the account and lift its login wait."""
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
    user.password_changed_at = utcnow()


def reset_password(*, token: str, password: str) -> User:
    """Set a new password from an emailed token; the token is single-use because the account's fingerprint changes."""
    user, _claims = read_token(token=token, purpose="reset")
    set_password(user=user, password=password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()  # the reset link proved the address
    record_audit(actor=user, action="user.password_reset", target=user)
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
