"""The artist's side of the open call: the public call page, profile, application, works, the chosen work, images."""

import io

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import RequestedRangeNotSatisfiable

from kunstvest.applications import bp, images, services
from kunstvest.applications.forms import (ChosenWorkForm, ProfileForm, RemoveWorkForm, StatementForm, WithdrawForm,
                                          WorkForm)
from kunstvest.applications.labels import DISCIPLINE_LABELS, STATUS_LABELS
from kunstvest.applications.models import Application, ApplicationStatus, ChosenWork, Work
from kunstvest.auth.forms import ConfirmForm
from kunstvest.auth.models import Role
from kunstvest.common.commits import committed_or_flashed
from kunstvest.common.decorators import role_required
from kunstvest.common.forms import choices
from kunstvest.common.storage import storage
from kunstvest.extensions import db
from kunstvest.reference.models import Municipality


def _limits() -> images.ImageLimits:
    return images.ImageLimits.from_config(current_app.config)


def _with_image_limits(form):
    """Show the image limits before upload, and let the browser check the size before sending the file."""
    limits = _limits()
    form.image.description = limits.describe()
    form.image.render_kw = {"accept": "image/jpeg,image/png,image/webp", "data-max-bytes": limits.max_bytes,
                            "data-too-large": _("The file is larger than the limit above; choose a smaller "
                                                "one or export it at a lower quality.")}
    return form


@bp.route("/")
def call_page():
    """The current call for everyone: dates, who may apply, what to send."""
    call = services.current_call()
    return render_template("applications/call.html", call=call, limits=_limits(),
                           phase=services.phase_of(call) if call else None,
                           closed_at=services.closing_time(call) if call else None,
                           is_open=call is not None and services.accepts_submissions(call))


# --- profile and application -----------------------------------------------------------------------------------------

@bp.route("/profile", methods=["GET", "POST"])
@role_required(Role.ARTIST)
def profile():
    artist = services.profile_of(current_user)
    form = ProfileForm(obj=artist)
    form.municipality_id.choices = choices(
        (m.id, m.name) for m in db.session.scalars(sa.select(Municipality).where(Municipality.is_member)
                                                   .order_by(Municipality.name)))
    if request.method == "GET":
        form.name.data = form.name.data or current_user.full_name
        form.discipline.data = artist.discipline.value if artist else None
    if form.validate_on_submit():
        services.save_profile(
            user=current_user, name=form.name.data.strip(), phone=form.phone.data or "",
            address=form.address.data.strip(), postcode=form.postcode.data, city=form.city.data.strip(),
            municipality=db.session.get(Municipality, form.municipality_id.data), discipline=form.discipline.data,
            education=form.education.data or "", cv=form.cv.data or "", website=form.website.data or "",
            instagram=(form.instagram.data or "").strip(), studio_collective=(form.studio_collective.data or "").strip())
        db.session.commit()
        flash(_("Your artist profile is saved."), "success")
        return redirect(url_for("applications.my_application"))
    return render_template("applications/profile.html", form=form)


def _my_artist():
    artist = services.profile_of(current_user)
    if artist is None:
        flash(_("Fill in your artist profile first."), "info")
    return artist


def _my_current_application() -> Application:
    """The logged-in artist's application to the current call; 404 when there is none."""
    call, artist = services.current_call(), services.profile_of(current_user)
    application = services.application_of(call=call, artist=artist) if call and artist else None
    if application is None:
        abort(404)
    return application


@bp.route("/my")
@role_required(Role.ARTIST)
def my_application():
    artist = _my_artist()
    if artist is None:
        return redirect(url_for("applications.profile"))
    call = services.current_call()
    application = services.application_of(call=call, artist=artist) if call else None
    earlier = [a for a in db.session.scalars(
        sa.select(Application).where(Application.artist_id == artist.id).order_by(Application.id.desc()))
        if a is not application]
    statement_form = StatementForm(obj=application)
    return render_template(
        "applications/my_application.html", call=call, artist=artist, application=application, earlier=earlier,
        statement_form=statement_form, action_form=ConfirmForm(), withdraw_form=WithdrawForm(),
        status=services.visible_status(application) if application else None,
        missing=services.missing_for_submission(application) if application else [],
        status_note=services.status_note(application) if application else "",
        is_open=call is not None and services.accepts_submissions(call), status_labels=STATUS_LABELS,
        discipline_labels=DISCIPLINE_LABELS, visible_status=services.visible_status)


def _refused(error: services.ApplicationError):
    db.session.rollback()
    flash(str(error), "error")
    return redirect(url_for("applications.my_application"))


@bp.route("/my/start", methods=["POST"])
@role_required(Role.ARTIST)
def start():
    artist, call = services.profile_of(current_user), services.current_call()
    if artist is None or call is None:
        return redirect(url_for("applications.my_application"))
    try:
        services.start_application(call=call, artist=artist)
    except services.ApplicationError as error:
        return _refused(error)
    db.session.commit()
    return redirect(url_for("applications.my_application"))


@bp.route("/my/statement", methods=["POST"])
@role_required(Role.ARTIST)
def edit_statement():
    application = _my_current_application()
    form = StatementForm()
    if not form.validate_on_submit():
        flash(" ".join(map(str, form.statement.errors)) or _("The statement could not be saved."), "error")
        return redirect(url_for("applications.my_application"))
    try:
        services.save_statement(application=application, statement=form.statement.data.strip())
    except services.ApplicationError as error:
        return _refused(error)
    db.session.commit()
    flash(_("Your statement is saved."), "success")
    return redirect(url_for("applications.my_application"))


def _uploaded_image(field):
    """The uploaded image checked, cleaned and stored; None when no file was chosen."""
    if not field.data or not getattr(field.data, "filename", ""):
        return None
    return services.save_image(stream=field.data.stream, limits=_limits(), store=storage())


def _dimensions(form) -> dict:
    return {"width_cm": form.width_cm.data, "height_cm": form.height_cm.data, "depth_cm": form.depth_cm.data}


@bp.route("/my/works/new", methods=["GET", "POST"], defaults={"work_id": None})
@bp.route("/my/works/<int:work_id>", methods=["GET", "POST"])
@role_required(Role.ARTIST)
def edit_work(work_id: int | None):
    application = _my_current_application()
    work = next((w for w in application.works if w.id == work_id), None)
    if work_id is not None and work is None:
        abort(404)
    form = _with_image_limits(WorkForm(obj=work))
    if form.validate_on_submit():
        try:
            image = _uploaded_image(form.image)
            services.save_work(application=application, work=work, title=form.title.data.strip(),
                               year=form.year.data, technique=form.technique.data.strip(), price=form.price.data,
                               image=image, **_dimensions(form))
        except images.ImageRejected as error:
            db.session.rollback()
            form.image.errors.append(str(error))
        except services.ApplicationError as error:
            db.session.rollback()
            form.image.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The work is saved."), "success")
            return redirect(url_for("applications.my_application"))
    status = 422 if form.errors else 200
    return render_template("applications/work_form.html", form=form, work=work, limits=_limits()), status


@bp.route("/my/works/<int:work_id>/remove", methods=["GET", "POST"])
@role_required(Role.ARTIST)
def remove_work(work_id: int):
    """Ask before removing a work, saying when that returns a submitted application to draft; then remove it."""
    application = _my_current_application()
    work = next((w for w in application.works if w.id == work_id), None)
    if work is None:
        abort(404)
    if not services.is_changeable(application):
        flash(_("This application can no longer be changed."), "error")
        return redirect(url_for("applications.my_application"))
    form = RemoveWorkForm()
    if form.validate_on_submit():
        title = work.title
        with committed_or_flashed(services.ApplicationError, back=url_for("applications.remove_work",
                                                                           work_id=work_id)):
            returned = services.remove_work(application=application, work=work, actor=current_user,
                                            return_to_draft=form.return_to_draft.data == "1")
        if returned:
            flash(f"{_('%(title)s is removed.', title=title)} {services.status_note(application)}", "warning")
        else:
            flash(_("%(title)s is removed.", title=title), "success")
        return redirect(url_for("applications.my_application"))
    if request.method == "POST":
        abort(400)
    returns_to_draft = services.removal_returns_to_draft(application)
    form.return_to_draft.data = "1" if returns_to_draft else ""
    return render_template("applications/remove_work.html", application=application, call=application.call,
                           work=work, form=form, returns_to_draft=returns_to_draft)


@bp.route("/my/works/<int:work_id>/move", methods=["POST"])
@role_required(Role.ARTIST)
def move_work(work_id: int):
    """Move a work one place up or down in the application's order (`direction` in the form)."""
    application = _my_current_application()
    work = next((w for w in application.works if w.id == work_id), None)
    if work is None:
        abort(404)
    direction = request.form.get("direction")
    if direction not in services.MOVES:
        abort(400)
    try:
        place = services.move_work(work=work, direction=direction)
    except services.ApplicationError as error:
        return _refused(error)
    db.session.commit()
    if place is not None:
        flash(_("«%(title)s» is now work %(place)d of %(count)d.", title=work.title, place=place,
                count=len(application.works)), "success")
    return redirect(url_for("applications.my_application", _anchor=f"work-{work.id}"))


@bp.route("/my/submit", methods=["POST"])
@role_required(Role.ARTIST)
def submit():
    application = _my_current_application()
    try:
        submitted = services.submit_application(application=application)
    except services.ApplicationError as error:
        return _refused(error)
    db.session.commit()
    if submitted:
        flash(_("Your application is submitted. A receipt is on its way to your email."), "success")
    else:
        flash(_("Your application was already submitted."), "info")
    return redirect(url_for("applications.my_application"))


@bp.route("/my/withdraw", methods=["POST"])
@role_required(Role.ARTIST)
def withdraw():
    application = _my_current_application()
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(" ".join(map(str, form.confirm.errors)), "error")
        return redirect(url_for("applications.my_application"))
    try:
        services.withdraw_application(application=application, actor=current_user)
    except services.ApplicationError as error:
        return _refused(error)
    db.session.commit()
    flash(_("Your application is withdrawn."), "success")
    return redirect(url_for("applications.my_application"))


# --- the chosen work -------------------------------------------------------------------------------------------------

@bp.route("/my/exhibition-work", methods=["GET", "POST"])
@role_required(Role.ARTIST)
def choose_work():
    application = _my_current_application()
    if services.visible_status(application) != ApplicationStatus.ACCEPTED:
        flash(_("Only accepted artists choose an exhibition work."), "info")
        return redirect(url_for("applications.my_application"))
    chosen = application.chosen_work
    form = _with_image_limits(ChosenWorkForm(obj=chosen))
    form.source_work_id.choices = choices(
        [(0, _l("A new work")), *((w.id, w.title) for w in application.works)])
    if request.method == "GET" and chosen is not None:
        form.source_work_id.data = chosen.source_work_id or 0
        form.confirm.data = chosen.confirmed_at is not None
    if form.validate_on_submit():
        source = next((w for w in application.works if w.id == form.source_work_id.data), None)
        try:
            services.save_chosen_work(
                application=application, source_work=source, title=(form.title.data or "").strip(),
                year=form.year.data, technique=(form.technique.data or "").strip(), price=form.price.data,
                insurance_value=form.insurance_value.data, is_for_sale=form.is_for_sale.data,
                image=_uploaded_image(form.image), confirm=form.confirm.data, **_dimensions(form))
        except services.PriceMissing as error:
            db.session.rollback()
            form.price.errors.append(str(error))
        except (images.ImageRejected, services.ApplicationError) as error:
            db.session.rollback()
            form.image.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Your exhibition work is confirmed.") if form.confirm.data
                  else _("Your exhibition work is saved; remember to confirm it."), "success")
            return redirect(url_for("applications.my_application"))
    status = 422 if form.errors else 200
    return render_template("applications/choose_work.html", form=form, application=application, chosen=chosen,
                           limits=_limits()), status


# --- images ---------------------------------------------------------------------------------------------------------

def _send_image(image, rendition: str):
    if image is None:
        abort(404)
    try:
        content = storage().get(images.image_key(sha256=image.sha256, rendition=rendition))
    except (KeyError, ValueError):
        abort(404)
    # No download name: in blind mode not even a file name may point to the artist. Nor a time: the file's
    # modification time is its upload time, so the ETag is the content's hash and there is no Last-Modified.
    response = send_file(io.BytesIO(content), mimetype="image/jpeg", max_age=3600, conditional=False,
                         etag=f"{image.sha256}-{rendition}")
    for header in ("Content-Disposition", "Last-Modified"):
        response.headers.pop(header, None)
    try:
        response = response.make_conditional(request, accept_ranges=True, complete_length=len(content))
    except RequestedRangeNotSatisfiable:
        response.close()
        raise
    response.cache_control.private = True
    response.cache_control.public = False
    return response


@bp.route("/works/<int:work_id>/image/<rendition>.jpg")
def work_image(work_id: int, rendition: str):
    """An applied work's image, for the artist, assigned jurors without a conflict, and admins."""
    work = db.get_or_404(Work, work_id)
    if not services.may_see_application(user=current_user, application=work.application):
        abort(404)
    return _send_image(work.image, rendition)


@bp.route("/exhibition-works/<int:chosen_id>/image/<rendition>.jpg")
def chosen_work_image(chosen_id: int, rendition: str):
    """An exhibition work's image: public once the results are published."""
    chosen = db.get_or_404(ChosenWork, chosen_id)
    if not (services.is_public(chosen)
            or services.may_see_application(user=current_user, application=chosen.application)):
        abort(404)
    return _send_image(chosen.image, rendition)
