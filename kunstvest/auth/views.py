"""Account routes. Views are thin: they validate forms, call services and commit once."""

import json

from flask import Response, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from kunstvest.auth import bp, services
from kunstvest.auth.forms import (ChangeEmailForm, ChangePasswordForm, ConfirmForm, EmailOnlyForm, LoginForm,
                                  NewPasswordForm, ProfileForm, RegisterForm)
from kunstvest.auth.models import Role, User
from kunstvest.common.personal_data import export_personal_data, request_erasure
from kunstvest.common.redirects import local_target
from kunstvest.extensions import db, login_manager

login_manager.login_view = "auth.login"
login_manager.login_message = None
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(user_token: str) -> User | None:
    user_id, _, session_token = user_token.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or user.session_token != session_token or not user.is_active:
        return None
    return user


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = RegisterForm()
    # Links such as «Register a child» or «Apply» say what the visitor came for; the form still lets them change it.
    if request.method == "GET" and request.args.get("as") in {choice.value for choice in form.role.choices}:
        form.role.data = request.args["as"]
    if form.validate_on_submit():
        role = None if form.role.data == "none" else Role(form.role.data)
        try:
            services.register_user(email=form.email.data, password=form.password.data,
                                   full_name=form.full_name.data, role=role,
                                   locale=session.get("locale", "nb"))
        except services.AccountError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            # The same page whether the address was new or its owner was mailed instead: nobody learns who has one.
            return render_template("auth/check_email.html", email=services.normalise_email(form.email.data))
    return render_template("auth/register.html", form=form)


@bp.route("/verify/<token>")
def verify_email(token: str):
    try:
        services.verify_email(token=token)
    except services.AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("auth.resend_verification"))
    db.session.commit()
    flash(_("Your email address is confirmed. You can log in now."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/verify", methods=["GET", "POST"])
def resend_verification():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(form.email.data)
        if user is not None and not user.is_verified and user.is_active:
            services.send_verification(user=user)
            db.session.commit()
        flash(_("If the address belongs to an unconfirmed account, we have sent a new link."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/resend_verification.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        result = services.authenticate(email=form.email.data, password=form.password.data,
                                       ip=request.remote_addr or "unknown")
        db.session.commit()
        if result.user is None:
            form.password.errors.append(str(result.error))
        else:
            login_user(result.user, remember=form.remember.data)
            session.setdefault("locale", result.user.locale)
            return redirect(local_target(request.args.get("next"), url_for("main.dashboard")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    ConfirmForm().validate_on_submit()
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/reset", methods=["GET", "POST"])
def request_reset():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.request_password_reset(email=form.email.data)
        db.session.commit()
        flash(_("If an account uses this address, we have sent a link to reset the password."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/request_reset.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token=token, password=form.password.data)
        except services.AccountError as error:
            flash(str(error), "error")
            return redirect(url_for("auth.request_reset"))
        db.session.commit()
        flash(_("Your password has been changed. Log in with the new one."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        current_user.full_name = form.full_name.data.strip()
        current_user.phone = form.phone.data or None
        current_user.locale = form.locale.data
        session["locale"] = form.locale.data
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form, confirm_form=ConfirmForm())


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not services.check_password(user=current_user, password=form.current_password.data):
            form.current_password.errors.append(_("The password is wrong."))
        else:
            services.set_password(user=current_user, password=form.password.data)
            db.session.commit()
            login_user(current_user._get_current_object())  # token rotated: keep this session, end others
            flash(_("Your password has been changed. Other devices have been logged out."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            services.request_email_change(user=current_user, new_email=form.new_email.data,
                                          password=form.password.data)
        except services.AccountError as error:
            form.new_email.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("We have sent a link to %(email)s. Your email address changes when you open the link.",
                    email=form.new_email.data), "info")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_email.html", form=form)


@bp.route("/email/<token>")
def confirm_email_change(token: str):
    try:
        services.confirm_email_change(token=token)
    except services.AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("main.index"))
    db.session.commit()
    logout_user()
    flash(_("Your email address has been changed. Log in with the new address."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/export")
@login_required
def export_data():
    payload = json.dumps(export_personal_data(user=current_user), ensure_ascii=False, indent=2)
    return Response(payload, mimetype="application/json",
                    headers={"Content-Disposition": "attachment; filename=kunstvest-personal-data.json"})


@bp.route("/account/delete", methods=["POST"])
@login_required
def request_deletion():
    if ConfirmForm().validate_on_submit():
        request_erasure(user=current_user)
        db.session.commit()
        flash(_("We have received your request. The secretariat erases your data and confirms by email."), "info")
    return redirect(url_for("auth.account"))
