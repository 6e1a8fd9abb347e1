"""Administration routes, for the secretariat only."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from kunstvest.admin import audit_words, bp
from kunstvest.admin.forms import RoleChangeForm, UserSearchForm
from kunstvest.admin.labels import OUTBOX_STATUS_LABELS, ROLE_LABELS
from kunstvest.auth.forms import ConfirmForm
from kunstvest.auth.models import Role, RoleGrant, User
from kunstvest.auth.services import AccountError, grant_role, revoke_role
from kunstvest.common.audit import AuditEvent
from kunstvest.common.decorators import role_required
from kunstvest.common.outbox import OutboxMessage, OutboxStatus, resend
from kunstvest.common.personal_data import erase_user, erasure_notices
from kunstvest.extensions import db

PER_PAGE = 50


@bp.before_request
@role_required(Role.ADMIN)
def require_admin():
    """Every admin route is for the secretariat only."""


@bp.route("/users")
def users():
    form = UserSearchForm(request.args)
    query = sa.select(User).order_by(User.full_name, User.id)
    if form.q.data:
        pattern = f"%{form.q.data.strip().lower()}%"
        query = query.where(sa.or_(sa.func.lower(User.full_name).like(pattern), User.email.like(pattern)))
    if form.role.data:
        query = query.where(User.id.in_(sa.select(RoleGrant.user_id).where(RoleGrant.role == Role(form.role.data))))
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=PER_PAGE, error_out=False)
    erasure_requests = db.session.scalars(sa.select(User).where(
        User.deletion_requested_at.is_not(None), User.erased_at.is_(None)).order_by(User.deletion_requested_at))
    return render_template("admin/users.html", form=form, page=page, role_labels=ROLE_LABELS,
                           erasure_requests=list(erasure_requests))


@bp.route("/users/<int:user_id>")
def user_detail(user_id: int):
    user = db.get_or_404(User, user_id)
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.object_type == User.__tablename__,
                                    AuditEvent.object_id == str(user.id))
        .order_by(AuditEvent.occurred_at.desc()).limit(20))
    return render_template("admin/user_detail.html", user=user, role_labels=ROLE_LABELS,
                           role_form=RoleChangeForm(), events=list(events))


@bp.route("/users/<int:user_id>/roles", methods=["POST"])
def change_role(user_id: int):
    user = db.get_or_404(User, user_id)
    form = RoleChangeForm()
    if not form.validate_on_submit() or form.action.data not in ("grant", "revoke"):
        abort(400)
    role = Role(form.role.data)
    try:
        if form.action.data == "grant":
            changed = grant_role(user=user, role=role, granted_by=current_user)
        else:
            changed = revoke_role(user=user, role=role, revoked_by=current_user)
    except AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("admin.user_detail", user_id=user.id))
    db.session.commit()
    if changed:
        flash(_("Roles updated for %(name)s.", name=user.full_name), "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/users/<int:user_id>/erase", methods=["GET", "POST"])
def erase(user_id: int):
    """Ask for confirmation, saying what erasing the user does beyond their account, then erase."""
    user = db.get_or_404(User, user_id)
    if user.erased_at is not None:
        flash(_("This user has already been erased."), "info")
        return redirect(url_for("admin.user_detail", user_id=user.id))
    if user.id == current_user.id:
        flash(_("You cannot erase your own account here."), "error")
        return redirect(url_for("admin.user_detail", user_id=user.id))
    form = ConfirmForm()
    if form.validate_on_submit():
        name, email = user.full_name, user.email
        erase_user(user=user, erased_by=current_user)
        db.session.commit()
        flash(_("The personal data of %(name)s (user %(id)s) is erased; the confirmation is queued to %(email)s.",
                name=name, id=user.id, email=email), "success")
        return redirect(url_for("admin.users"))
    if request.method == "POST":
        abort(400)
    return render_template("admin/erase_confirm.html", user=user, form=form,
                           roles=sorted(str(ROLE_LABELS[role.value]) for role in user.roles),
                           notices=erasure_notices(user=user))


@bp.route("/outbox")
def outbox():
    status = request.args.get("status", "")
    query = sa.select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if status in OUTBOX_STATUS_LABELS:
        query = query.where(OutboxMessage.status == OutboxStatus(status))
    counts = dict(db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)).all())
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=PER_PAGE, error_out=False)
    return render_template("admin/outbox.html", page=page, counts=counts, status=status,
                           status_labels=OUTBOX_STATUS_LABELS, resend_form=ConfirmForm())


@bp.route("/outbox/<int:message_id>")
def outbox_message(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template("admin/outbox_message.html", message=message, status_labels=OUTBOX_STATUS_LABELS,
                           resend_form=ConfirmForm())


@bp.route("/outbox/<int:message_id>/resend", methods=["POST"])
def outbox_resend(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if message.status == OutboxStatus.SENDING:
        flash(_("The message is being sent right now."), "error")
    else:
        resend(message=message)
        db.session.commit()
        flash(_("The message is queued again."), "success")
    return redirect(url_for("admin.outbox_message", message_id=message.id))


@bp.route("/audit")
def audit_log():
    action = request.args.get("action", "").strip()
    query = sa.select(AuditEvent).options(joinedload(AuditEvent.actor)).order_by(
        AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=PER_PAGE, error_out=False)
    return render_template("admin/audit_log.html", page=page, action=action, words=audit_words)
