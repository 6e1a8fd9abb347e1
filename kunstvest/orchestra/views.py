"""The guardians' side of the youth orchestra: the public page, their children, a second guardian, consent and health
information; and the staff's consent texts and health reading."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from kunstvest.auth.forms import ConfirmForm
from kunstvest.auth.models import Role
from kunstvest.common.decorators import role_required
from kunstvest.common.forms import choices
from kunstvest.extensions import db
from kunstvest.orchestra import bp, personal_data, services  # noqa: F401 — personal_data registers its exporter
from kunstvest.orchestra.forms import (CONSENT_PREFIX, AcceptInvitationForm, ChildForm, ConsentTextForm, HealthForm,
                                       InviteGuardianForm, consent_form)
from kunstvest.orchestra.models import Child, ConsentPurpose, GuardianInvitation, Level
from kunstvest.orchestra.sections import INSTRUMENT_LABELS
from kunstvest.reference.models import Municipality
from kunstvest.reference.services import member_municipalities

LABELS = {"instruments": INSTRUMENT_LABELS, "levels": services.LEVEL_LABELS,
          "statuses": services.ENROLMENT_STATUS_LABELS, "purposes": services.CONSENT_PURPOSE_LABELS,
          "answers": services.CONSENT_ANSWER_LABELS}


@bp.route("/")
def about():
    """The orchestra school for everyone, and whether registration for the coming season is open."""
    return render_template("orchestra/public_about.html", season=services.registration_season())


# --- a guardian's children --------------------------------------------------------------------------------------------

def _my_child(child_id: int) -> Child:
    """The logged-in guardian's child; 404 for another family's child, so that guessing reveals nothing."""
    child = services.child_of(user=current_user, child_id=child_id)
    if child is None:
        abort(404)
    return child


@bp.route("/children")
@role_required(Role.GUARDIAN)
def my_children():
    """The guardian's children with their place in the orchestra and the consents still to answer."""
    children = services.children_of(user=current_user)
    return render_template(
        "orchestra/guardian_children.html", children=children, season=services.registration_season(),
        enrolments=services.enrolments_of(children=children), consents=services.consent_state(children=children),
        texts=services.current_texts(), labels=LABELS)


def _child_form(child: Child | None = None) -> ChildForm:
    form = ChildForm(obj=child)
    form.municipality_id.choices = choices([(0, _("Choose a municipality"))]) + choices(
        (municipality.id, municipality.name) for municipality in member_municipalities())
    if child is not None and request.method == "GET":
        form.level.data = child.level.value
        main, *others = child.instruments
        form.instrument.data, form.years_played.data = main.instrument, main.years_played
        if others:
            form.second_instrument.data, form.second_years_played.data = others[0].instrument, others[0].years_played
    return form


def _details(form: ChildForm) -> services.ChildDetails:
    return services.ChildDetails(
        first_name=form.first_name.data.strip(), last_name=form.last_name.data.strip(),
        date_of_birth=form.date_of_birth.data, instruments=form.instruments(), level=Level(form.level.data),
        teacher=(form.teacher.data or "").strip(), school=(form.school.data or "").strip(),
        culture_school=(form.culture_school.data or "").strip(),
        municipality=db.session.get(Municipality, form.municipality_id.data), notes=(form.notes.data or "").strip())


@bp.route("/children/new", methods=["GET", "POST"])
@role_required(Role.GUARDIAN)
def register_child():
    """Register a child for the season open for registration."""
    season = services.registration_season()
    form = _child_form()
    if season is not None and form.validate_on_submit():
        try:
            child = services.register_child(guardian=current_user, orchestra_season=season, details=_details(form))
        except services.RegistrationError as error:
            db.session.rollback()
            form.date_of_birth.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("%(name)s is registered. Answer the consent questions below.", name=child.first_name), "success")
            return redirect(url_for("orchestra.child_consent", child_id=child.id))
    return render_template("orchestra/child_form.html", form=form, season=season, child=None), (
        422 if form.errors else 200)


@bp.route("/children/<int:child_id>/edit", methods=["GET", "POST"])
@role_required(Role.GUARDIAN)
def edit_child(child_id: int):
    """Change what the orchestra knows about a child; invite a second guardian."""
    child = _my_child(child_id)
    form = _child_form(child)
    if form.validate_on_submit():
        try:
            services.update_child(child=child, details=_details(form))
        except services.RegistrationError as error:
            db.session.rollback()
            form.date_of_birth.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The details of %(name)s are saved.", name=child.first_name), "success")
            return redirect(url_for("orchestra.my_children"))
    return render_template("orchestra/child_form.html", form=form, child=child, season=None,
                           invite_form=InviteGuardianForm(), confirm_form=ConfirmForm(),
                           guardians=services.guardians_of(child=child),
                           is_first_guardian=services.is_first_guardian(user=current_user, child=child),
                           invitations=services.pending_invitations(child=child)), 422 if form.errors else 200


# --- a second guardian ------------------------------------------------------------------------------------------------

@bp.route("/children/<int:child_id>/invite", methods=["POST"])
@role_required(Role.GUARDIAN)
def invite_guardian(child_id: int):
    """Email another guardian a link that lets them follow the child."""
    child = _my_child(child_id)
    form = InviteGuardianForm()
    if not form.validate_on_submit():
        flash(" ".join(map(str, form.email.errors)) or _("The invitation could not be sent."), "error")
        return redirect(url_for("orchestra.edit_child", child_id=child.id))
    try:
        services.invite_guardian(child=child, email=form.email.data, invited_by=current_user)
    except services.RegistrationError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("The invitation is sent to %(email)s.", email=form.email.data), "success")
    return redirect(url_for("orchestra.edit_child", child_id=child.id))


@bp.route("/children/<int:child_id>/invitations/<int:invitation_id>/withdraw", methods=["POST"])
@role_required(Role.GUARDIAN)
def withdraw_invitation(child_id: int, invitation_id: int):
    """The first guardian withdraws an invitation not yet accepted; its link stops working."""
    child = _my_child(child_id)
    invitation = db.session.get(GuardianInvitation, invitation_id)
    if invitation is None or invitation.child_id != child.id or invitation.accepted_at is not None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    email = invitation.email
    try:
        services.withdraw_invitation(invitation=invitation, withdrawn_by=current_user)
    except services.RegistrationError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("The invitation to %(email)s is withdrawn.", email=email), "success")
    return redirect(url_for("orchestra.edit_child", child_id=child.id))


@bp.route("/children/<int:child_id>/guardians/<int:user_id>/remove", methods=["GET", "POST"])
@role_required(Role.GUARDIAN)
def remove_guardian(child_id: int, user_id: int):
    """The first guardian removes another guardian, after confirming; both are told by email."""
    child = _my_child(child_id)
    guardian = next((user for user in services.guardians_of(child=child) if user.id == user_id), None)
    if guardian is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.remove_guardian(child=child, guardian=guardian, removed_by=current_user)
        except services.RegistrationError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("%(guardian)s is no longer a guardian of %(name)s.", guardian=guardian.full_name,
                    name=child.first_name), "success")
        return redirect(url_for("orchestra.edit_child", child_id=child.id))
    if not services.is_first_guardian(user=current_user, child=child) or guardian.id == current_user.id:
        abort(403)
    return render_template("orchestra/guardian_remove.html", child=child, guardian=guardian, form=form)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@login_required
def accept_invitation(token: str):
    """The invited guardian accepts, logged in with the invited address; a used or unknown invitation is not
    found."""
    invitation = services.open_invitation(token=token[:100])
    if invitation is None:
        abort(404)
    if not services.may_accept(invitation=invitation, user=current_user):
        return render_template("orchestra/guardian_invitation_other.html", invitation=invitation,
                               masked_email=services.masked_email(invitation.email)), 403
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        child = services.accept_invitation(invitation=invitation, user=current_user)
        db.session.commit()
        flash(_("You are now a guardian of %(name)s.", name=child.first_name), "success")
        return redirect(url_for("orchestra.my_children"))
    return render_template("orchestra/guardian_invitation.html", invitation=invitation, form=form)


# --- consent and health -----------------------------------------------------------------------------------------------

@bp.route("/children/<int:child_id>/consent", methods=["GET", "POST"])
@role_required(Role.GUARDIAN)
def child_consent(child_id: int):
    """The current consent texts for a child, each answered yes or no."""
    child = _my_child(child_id)
    texts = services.current_texts()
    state = services.consent_state(children=[child])[child.id]
    form = consent_form(texts)
    if request.method == "GET":
        for field in form.purpose_fields():
            answer = state[ConsentPurpose(field.name.removeprefix(CONSENT_PREFIX))]
            field.data = {services.ConsentAnswer.GIVEN: "yes", services.ConsentAnswer.WITHDRAWN: "no"}.get(answer)
    if form.validate_on_submit():
        recorded = services.record_consents(child=child, answers=form.answers(), by=current_user)
        db.session.commit()
        flash(_("The answers for %(name)s are saved (%(count)d changed).", name=child.first_name, count=recorded),
              "success")
        return redirect(url_for("orchestra.my_children"))
    return render_template("orchestra/consent_child.html", child=child, form=form, texts=texts, state=state,
                           history=services.consent_history(child=child), labels=LABELS), 422 if form.errors else 200


@bp.route("/children/<int:child_id>/health", methods=["GET", "POST"])
@role_required(Role.GUARDIAN)
def child_health(child_id: int):
    """The child's emergency contacts, and with the health consent its allergies and medical information; showing
    the stored information is audited."""
    child = _my_child(child_id)
    has_consent = services.has_health_consent(child=child)
    stored = None
    if request.method == "GET" and has_consent:
        stored = services.read_own_health_info(child=child, guardian=current_user, ip=request.remote_addr)
        db.session.commit()
    elif request.method == "GET":
        stored = services.health_info_of(child=child)  # only the emergency contacts are shown
    form = HealthForm(obj=stored)
    if not has_consent:
        # Contacts are not health information: without the consent only they are asked for.
        del form.allergies, form.medical
        form.submit.label.text = _("Save emergency contacts")
    if form.validate_on_submit():
        try:
            services.save_health_info(
                child=child, allergies=(form.allergies.data or "").strip() if has_consent else "",
                medical=(form.medical.data or "").strip() if has_consent else "",
                emergency_contacts=form.emergency_contacts.data.strip())
        except services.ConsentError as error:
            db.session.rollback()
            form.emergency_contacts.errors.append(str(error))
        else:
            db.session.commit()
            if has_consent:
                flash(_("The health information of %(name)s is saved.", name=child.first_name), "success")
            else:
                flash(_("The emergency contacts of %(name)s are saved.", name=child.first_name), "success")
            return redirect(url_for("orchestra.my_children"))
    return render_template("orchestra/health_form.html", child=child, form=form, has_consent=has_consent), (
        422 if form.errors else 200)


# --- staff ------------------------------------------------------------------------------------------------------------

@bp.route("/staff/consent-texts", methods=["GET", "POST"])
@role_required(Role.ORCHESTRA_STAFF, Role.ADMIN)
def staff_consent_texts():
    """The current consent texts, and a new version published for a purpose; when that emails guardians, the staff
    confirm first, seeing how many."""
    form = ConsentTextForm()
    if form.validate_on_submit():
        today = services.today_in_oslo()
        guardians = services.guardians_of_current_members(today=today)
        if guardians and form.confirmed.data != "yes":
            form.confirmed.data = "yes"
            return render_template("orchestra/consent_text_confirm.html", form=form, guardians=guardians,
                                   purpose=services.CONSENT_PURPOSE_LABELS[ConsentPurpose(form.purpose.data)])
        consent_text = services.publish_consent_text(purpose=ConsentPurpose(form.purpose.data), text=form.text.data,
                                                     actor=current_user)
        mailed = services.ask_guardians_to_answer(consent_text=consent_text, today=today)
        db.session.commit()
        flash(ngettext("Version %(version)d is published; %(num)d guardian has been emailed to answer it.",
                       "Version %(version)d is published; %(num)d guardians have been emailed to answer it.",
                       mailed, version=consent_text.version), "success")
        return redirect(url_for("orchestra.staff_consent_texts"))
    return render_template("orchestra/consent_texts.html", form=form, texts=services.current_texts(),
                           labels=LABELS), 422 if form.errors else 200


@bp.route("/staff/children/<int:child_id>/health")
@login_required
def staff_child_health(child_id: int):
    """A child's health information for the staff and the weekend's leaders; every read is audited."""
    child = db.session.get(Child, child_id)
    if child is None:
        abort(404)
    if not services.can_read_health(user=current_user, child=child):
        abort(403)
    health = services.read_health_info(child=child, reader=current_user, ip=request.remote_addr)
    state = services.consent_state(children=[child])[child.id]
    db.session.commit()
    return render_template("orchestra/health_staff.html", child=child, health=health,
                           consent=state[ConsentPurpose.HEALTH_INFO], labels=LABELS)
