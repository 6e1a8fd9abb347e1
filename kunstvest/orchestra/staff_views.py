"""The orchestra staff's admission pages: seasons and targets, applications, the waiting list and offers,
re-registration, the roster and the member figures; the guardian's answer to an offered place; and an event's
participants for reading their health information."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from kunstvest.auth.forms import ConfirmForm
from kunstvest.auth.models import Role
from kunstvest.budget.models import Project
from kunstvest.budget.services import active_projects
from kunstvest.common.decorators import role_required
from kunstvest.common.downloads import attachment
from kunstvest.common.forms import choices, flash_errors
from kunstvest.common.jobs import try_job_lock
from kunstvest.common.spreadsheets import XLSX, report_to_xlsx
from kunstvest.extensions import db
from kunstvest.orchestra import admission, bp, services
from kunstvest.orchestra.models import (Enrolment, EnrolmentStatus, Group, OrchestraEvent, OrchestraSeason,
                                        Section)
from kunstvest.orchestra.staff_forms import (AnswerForm, DecisionForm, OfferNextForm, OrchestraSeasonForm,
                                             target_field_name, targets_form)
from kunstvest.reference.services import ensure_season

STAFF = (Role.ORCHESTRA_STAFF, Role.ADMIN)


def _labels() -> dict:
    """Labels the staff templates share, resolved once per request."""
    return {"group_labels": {key: str(label) for key, label in admission.GROUP_LABELS.items()},
            "status_labels": {key: str(label) for key, label in admission.STATUS_LABELS.items()},
            "level_labels": {key: str(label) for key, label in admission.LEVEL_LABELS.items()},
            "instrument_label": admission.instrument_label, "age_on": admission.age_on}


# --- seasons ----------------------------------------------------------------------------------------------------------

@bp.route("/staff/seasons")
@role_required(*STAFF)
def staff_seasons():
    """Every orchestra season with its pages."""
    return render_template("orchestra/staff_seasons.html", seasons=admission.orchestra_seasons())


def _season_form(orchestra_season: OrchestraSeason | None) -> OrchestraSeasonForm:
    form = OrchestraSeasonForm(obj=orchestra_season)
    if orchestra_season is None:
        form.project_id.choices = choices(
            (project.id, project.name)
            for project in active_projects())
    else:
        # The season's year is fixed: its members, weekends and figures belong to it.
        del form.project_id
        del form.year
        form.keep_to_year(orchestra_season.year)
    return form


@bp.route("/staff/seasons/new", methods=["GET", "POST"], defaults={"orchestra_season_id": None})
@bp.route("/staff/seasons/<int:orchestra_season_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def staff_edit_season(orchestra_season_id: int | None):
    """Create or edit an orchestra season: dates, ages, registration and the offer rules."""
    orchestra_season = db.get_or_404(OrchestraSeason, orchestra_season_id) if orchestra_season_id else None
    form = _season_form(orchestra_season)
    error = None
    if form.validate_on_submit():
        try:
            season = orchestra_season.season if orchestra_season else ensure_season(
                project=db.get_or_404(Project, form.project_id.data), year=form.year.data)
            orchestra_season = admission.save_orchestra_season(
                orchestra_season=orchestra_season, season=season, starts_on=form.starts_on.data,
                ends_on=form.ends_on.data, min_age=form.min_age.data, max_age=form.max_age.data,
                senior_from_age=form.senior_from_age.data, is_registration_open=form.is_registration_open.data,
                reregistration_deadline=form.reregistration_deadline.data, offer_days=form.offer_days.data)
        except admission.AdmissionError as failure:
            db.session.rollback()
            error = str(failure)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("orchestra.staff_targets", orchestra_season_id=orchestra_season.id))
    return render_template("orchestra/staff_season_form.html", form=form, orchestra_season=orchestra_season,
                           error=error)


@bp.route("/staff/seasons/<int:orchestra_season_id>/targets", methods=["GET", "POST"])
@role_required(*STAFF)
def staff_targets(orchestra_season_id: int):
    """How many players each section should have this season."""
    orchestra_season = db.get_or_404(OrchestraSeason, orchestra_season_id)
    sections = admission.all_sections()
    form = targets_form(sections, {target.section_id: target.target for target in orchestra_season.targets})
    if form.validate_on_submit():
        admission.save_targets(orchestra_season=orchestra_season,
                               targets={section: form[target_field_name(section)].data for section in sections})
        db.session.commit()
        flash(_("The targets are saved."), "success")
        return redirect(url_for("orchestra.staff_waiting_list", orchestra_season_id=orchestra_season.id))
    return render_template("orchestra/staff_targets.html", form=form, orchestra_season=orchestra_season,
                           field_names=[target_field_name(section) for section in sections])


# --- applications and decisions ---------------------------------------------------------------------------------------

def _decision_form(enrolment: Enrolment, sections: list[Section]) -> DecisionForm:
    form = DecisionForm(prefix=f"enrolment-{enrolment.id}")
    form.section_id.choices = choices([(0, _("Choose a section")), *(
        (section.id, section.name) for section in admission.sections_first_for(enrolment.instrument, sections))])
    if request.method == "GET":
        form.section_id.data = enrolment.section_id or next(
            (section.id for section in sections if section.instrument == enrolment.instrument), 0)
    return form


@bp.route("/staff/seasons/<int:orchestra_season_id>/applications")
@role_required(*STAFF)
def staff_applications(orchestra_season_id: int):
    """Applications, the waiting list and open offers of a season, each with the staff's decisions."""
    orchestra_season = db.get_or_404(OrchestraSeason, orchestra_season_id)
    sections = admission.all_sections()
    enrolments = admission.applications(orchestra_season=orchestra_season)
    rows = []
    for enrolment in enrolments:
        child = enrolment.child
        years = next((played.years_played for played in child.instruments
                      if played.instrument == enrolment.instrument), None)
        rows.append({"enrolment": enrolment, "age": admission.age_on(child.date_of_birth, orchestra_season.starts_on),
                     "group": admission.group_for(orchestra_season=orchestra_season,
                                                  date_of_birth=child.date_of_birth),
                     "years": years, "form": _decision_form(enrolment, sections)})
    return render_template("orchestra/staff_applications.html", orchestra_season=orchestra_season, rows=rows,
                           shortages=admission.shortages(orchestra_season=orchestra_season), **_labels())


@bp.route("/staff/enrolments/<int:enrolment_id>/decide", methods=["POST"])
@role_required(*STAFF)
def staff_decide(enrolment_id: int):
    """Admit, offer a place, put on the waiting list or decline one application."""
    enrolment = db.get_or_404(Enrolment, enrolment_id)
    form = _decision_form(enrolment, admission.all_sections())
    back = redirect(url_for("orchestra.staff_applications", orchestra_season_id=enrolment.orchestra_season_id))
    if not form.validate_on_submit():
        flash_errors(form)
        return back
    section = db.session.get(Section, form.section_id.data) if form.section_id.data else None
    group = Group(form.group.data) if form.group.data else None
    name = enrolment.child.name
    try:
        if form.decision.data == "admit":
            admission.admit(enrolment=enrolment, section=section, group=group, actor=current_user)
            message = _("%(child)s is admitted to %(section)s; the guardians have been emailed.", child=name,
                        section=section.name)
        elif form.decision.data == "offer":
            admission.offer_place(enrolment=enrolment, section=section, group=group,
                                  today=admission.today_in_oslo(), actor=current_user)
            message = _("%(child)s is offered a place in %(section)s; the guardians have been emailed.",
                        child=name, section=section.name)
        elif form.decision.data == "waitlist":
            admission.put_on_waiting_list(enrolment=enrolment, actor=current_user)
            message = _("%(child)s is on the waiting list.", child=name)
        else:
            admission.decline(enrolment=enrolment, actor=current_user)
            message = _("The application of %(child)s is declined; the guardians have been emailed.", child=name)
    except admission.AdmissionError as error:
        db.session.rollback()
        flash(str(error), "error")
        return back
    db.session.commit()
    flash(message, "success")
    return back


# --- the waiting list -------------------------------------------------------------------------------------------------

@bp.route("/staff/seasons/<int:orchestra_season_id>/waiting-list")
@role_required(*STAFF)
def staff_waiting_list(orchestra_season_id: int):
    """Where the orchestra is short of its targets, and each instrument's waiting list."""
    orchestra_season = db.get_or_404(OrchestraSeason, orchestra_season_id)
    lists = admission.waiting_lists(orchestra_season=orchestra_season)
    shortages = admission.shortages(orchestra_season=orchestra_season)
    return render_template("orchestra/staff_waiting_list.html", orchestra_season=orchestra_season,
                           shortages=shortages, lists=lists, confirm_form=ConfirmForm(),
                           offer_form=OfferNextForm(), **_labels())


@bp.route("/staff/seasons/<int:orchestra_season_id>/offer-next", methods=["POST"])
@role_required(*STAFF)
def staff_offer_next(orchestra_season_id: int):
    """Offer a section's free place to the first child waiting on its instrument."""
    orchestra_season = db.get_or_404(OrchestraSeason, orchestra_season_id)
    form = OfferNextForm()
    back = redirect(url_for("orchestra.staff_waiting_list", orchestra_season_id=orchestra_season.id))
    section = db.session.get(Section, form.section_id.data) if form.validate_on_submit() else None
    if section is None:
        flash(_("Choose a section."), "error")
        return back
    offered = admission.offer_next(orchestra_season=orchestra_season, section=section,
                                   today=admission.today_in_oslo(), actor=current_user)
    db.session.commit()
    if offered is None:
        flash(_("%(section)s has no free place or nobody is waiting for it.", section=section.name), "warning")
    else:
        flash(_("%(child)s is offered the place in %(section)s; the guardians have been emailed.",
                child=offered.child.name, section=section.name), "success")
    return back


@bp.route("/staff/seasons/<int:orchestra_season_id>/expire-offers", methods=["POST"])
@role_required(*STAFF)
def staff_expire_offers(orchestra_season_id: int):
    """Expire the offers past their accept-by date now, rather than waiting for the nightly run."""
    orchestra_season = db.get_or_404(OrchestraSeason, orchestra_season_id)
    back = redirect(url_for("orchestra.staff_waiting_list", orchestra_season_id=orchestra_season.id))
    # The same lock as the nightly `flask orchestra expire-offers`, so the two never offer one freed place twice.
    if not try_job_lock(admission.EXPIRE_OFFERS_JOB):
        flash(_("The nightly run is expiring offers right now. Look at the waiting list again in a minute."), "info")
        return back
    outcome = admission.expire_offers(today=admission.today_in_oslo())
    db.session.commit()
    flash(ngettext("%(num)d offer expired", "%(num)d offers expired", len(outcome.expired)) + " (" +
          ngettext("%(num)d guardian emailed", "%(num)d guardians emailed", outcome.guardians_mailed) + "); " +
          ngettext("%(num)d place offered to the next on the waiting list",
                   "%(num)d places offered to the next on the waiting list", len(outcome.offered)) + ".", "success")
    return back


# --- re-registration --------------------------------------------------------------------------------------------------

@bp.route("/staff/seasons/<int:orchestra_season_id>/reregistration", methods=["GET", "POST"])
@role_required(*STAFF)
def staff_reregistration(orchestra_season_id: int):
    """Offer last season's members their places for this season, and follow their answers."""
    orchestra_season = db.get_or_404(OrchestraSeason, orchestra_season_id)
    from_season = admission.previous_season(orchestra_season)
    form = ConfirmForm()
    if from_season is not None and form.validate_on_submit():
        try:
            outcome = admission.open_reregistration(from_season=from_season, to_season=orchestra_season,
                                                    actor=current_user)
        except admission.AdmissionError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(ngettext("%(num)d member was offered their place", "%(num)d members were offered their places",
                           len(outcome.offered)) + " (" +
                  ngettext("%(num)d guardian emailed", "%(num)d guardians emailed", outcome.guardians_mailed) + ").",
                  "success")
        return redirect(url_for("orchestra.staff_reregistration", orchestra_season_id=orchestra_season.id))
    return render_template(
        "orchestra/staff_reregistration.html", orchestra_season=orchestra_season, from_season=from_season,
        form=form, offers=admission.reregistrations(orchestra_season=orchestra_season),
        aged_out=admission.aged_out(from_season=from_season, to_season=orchestra_season) if from_season else [],
        **_labels())


# --- roster and figures -----------------------------------------------------------------------------------------------

@bp.route("/staff/seasons/<int:orchestra_season_id>/roster")
@role_required(*STAFF)
def staff_roster(orchestra_season_id: int):
    """The season's members by section in score order, with guardians' contacts and consent."""
    orchestra_season = db.get_or_404(OrchestraSeason, orchestra_season_id)
    members = admission.roster(orchestra_season=orchestra_season)
    by_section: dict[Section, list] = {}
    for member in members:
        by_section.setdefault(member.enrolment.section, []).append(member)
    return render_template("orchestra/roster.html", orchestra_season=orchestra_season, by_section=by_section,
                           member_count=len(members), **_labels())


@bp.route("/staff/seasons/<int:orchestra_season_id>/roster.xlsx")
@role_required(*STAFF)
def staff_roster_export(orchestra_season_id: int):
    """The roster as an xlsx workbook."""
    orchestra_season = db.get_or_404(OrchestraSeason, orchestra_season_id)
    report = admission.roster_report(orchestra_season=orchestra_season,
                                     members=admission.roster(orchestra_season=orchestra_season))
    return attachment(report_to_xlsx(report), filename=f"{report.filename}.xlsx", content_type=XLSX)


@bp.route("/staff/figures")
@role_required(*STAFF)
def staff_figures():
    """Member counts by age band, section and municipality, season by season."""
    seasons = list(reversed(admission.orchestra_seasons()))
    report = admission.figures_report(figures=admission.member_figures(orchestra_seasons=seasons))
    return render_template("orchestra/staff_figures.html", report=report)


# --- the guardian's answer --------------------------------------------------------------------------------------------

def _own_offer_or_404(enrolment_id: int) -> Enrolment:
    """An enrolment of one of the guardian's own children; any other is 404, so that URLs reveal nothing."""
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or not admission.is_guardian_of(user=current_user, child=enrolment.child):
        abort(404)
    return enrolment


@bp.route("/offers/<int:enrolment_id>")
@role_required(Role.GUARDIAN)
def offer(enrolment_id: int):
    """The place offered to a guardian's child, with buttons to accept or decline."""
    enrolment = _own_offer_or_404(enrolment_id)
    return render_template("orchestra/offer_answer.html", enrolment=enrolment, form=AnswerForm(),
                           is_open=enrolment.status == EnrolmentStatus.OFFERED, **_labels())


@bp.route("/offers/<int:enrolment_id>/answer", methods=["POST"])
@role_required(Role.GUARDIAN)
def answer_offer(enrolment_id: int):
    """A guardian accepts or declines the place offered to their child."""
    enrolment = _own_offer_or_404(enrolment_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(_("Choose to accept or decline the place."), "error")
        return redirect(url_for("orchestra.offer", enrolment_id=enrolment.id))
    if form.answer.data != "accept":
        return redirect(url_for("orchestra.decline_offer", enrolment_id=enrolment.id))
    _answer_offer(enrolment, accept=True, done=lambda: _("Welcome! %(child)s has a place in %(section)s.",
                                                         child=enrolment.child.first_name,
                                                         section=enrolment.section.name))
    return redirect(url_for("orchestra.offer", enrolment_id=enrolment.id))


def _answer_offer(enrolment: Enrolment, *, accept: bool, done) -> None:
    """Record the guardian's answer and flash `done()`, or why the answer could not be taken."""
    try:
        admission.answer_offer(enrolment=enrolment, accept=accept, today=admission.today_in_oslo(),
                               actor=current_user)
    except admission.AdmissionError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(done(), "success")


@bp.route("/offers/<int:enrolment_id>/decline", methods=["GET", "POST"])
@role_required(Role.GUARDIAN)
def decline_offer(enrolment_id: int):
    """Ask a guardian before they decline the place offered to their child, for good; then decline it."""
    enrolment = _own_offer_or_404(enrolment_id)
    back = url_for("orchestra.offer", enrolment_id=enrolment.id)
    if enrolment.status != EnrolmentStatus.OFFERED:
        flash(_("This offer is no longer open."), "info")
        return redirect(back)
    form = ConfirmForm()
    if form.validate_on_submit():
        _answer_offer(enrolment, accept=False, done=lambda: _(
            "You have declined the place for %(child)s. Thank you for letting us know.",
            child=enrolment.child.first_name))
        return redirect(back)
    if request.method == "POST":
        abort(400)
    return render_template("orchestra/offer_decline.html", enrolment=enrolment, form=form, back=back)


# --- health information for an event ----------------------------------------------------------------------------------

@bp.route("/events/<int:orchestra_event_id>/health")
@login_required
def event_health(orchestra_event_id: int):
    """The members taking part in an event, each with a link to their health information, for the staff and, from a
    week before the event until it ends, its leaders; to everyone else the page does not exist."""
    event = db.get_or_404(OrchestraEvent, orchestra_event_id)
    if not services.may_read_event_health(user=current_user, event=event):
        abort(404)
    first_day, last_day = services.leader_window(event)
    return render_template("orchestra/event_health.html", event=event,
                           participants=services.event_participants(event=event), first_day=first_day,
                           last_day=last_day)
