"""The secretariat's side of the open call: calls and rubrics, the jury, the ranking and decisions, and exports."""

from datetime import UTC
from urllib.parse import quote, urlencode

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from kunstvest.applications import bp, deciding, reviewing, services
from kunstvest.applications.forms import (CallForm, CutLineForm, DecisionForm, DiscussionForm, JurorForm,
                                          MailDecisionForm, PhaseForm, PromoteForm, PublishForm)
from kunstvest.applications.labels import DISCIPLINE_LABELS, STATUS_LABELS
from kunstvest.applications.models import (Application, ApplicationStatus, CallPhase, ChosenWork, ConflictStatus,
                                           JointRecommendation, OpenCall)
from kunstvest.auth.forms import ConfirmForm
from kunstvest.auth.models import Role, RoleGrant, User
from kunstvest.budget.models import Project
from kunstvest.budget.reports import Report, Table
from kunstvest.budget.services import active_projects
from kunstvest.common.commits import committed_or_flashed
from kunstvest.common.decorators import role_required
from kunstvest.common.downloads import attachment
from kunstvest.common.formatting import fixed_formatter
from kunstvest.common.forms import choices
from kunstvest.common.links import public_url_for
from kunstvest.common.models import utcnow
from kunstvest.common.spreadsheets import CSV, XLSX, report_to_xlsx, table_to_csv
from kunstvest.extensions import db
from kunstvest.reference.services import ensure_season

# On the ranking page a submitted application is one still waiting for its decision.
RANKING_STATUS_LABELS = {**STATUS_LABELS, ApplicationStatus.SUBMITTED: _l("pending decision")}
RECOMMENDATION_LABELS = {
    JointRecommendation.ACCEPT: _l("accept"),
    JointRecommendation.WAITLIST: _l("waiting list"),
    JointRecommendation.REJECT: _l("do not accept"),
}


def _labels() -> dict:
    """The labels the secretariat's templates share, resolved once per request rather than once per row."""
    return {"phase_labels": {key: str(label) for key, label in services.PHASE_LABELS.items()},
            "status_labels": {key: str(label) for key, label in STATUS_LABELS.items()},
            "discipline_labels": {key: str(label) for key, label in DISCIPLINE_LABELS.items()},
            "recommendation_labels": {key: str(label) for key, label in RECOMMENDATION_LABELS.items()}}


# --- calls ------------------------------------------------------------------------------------------------------------

@bp.route("/admin/calls")
@role_required(Role.ADMIN)
def admin_calls():
    calls = services.calls()
    return render_template("applications/admin_calls.html", calls=calls, phase_of=services.phase_of,
                           closing_time=services.closing_time,
                           counts=deciding.status_counts(calls=calls), copy_form=ConfirmForm(), **_labels())


def _call_form(call: OpenCall | None) -> CallForm:
    form = CallForm(obj=call)
    if call is None:
        form.project_id.choices = choices(
            (project.id, project.name)
            for project in active_projects())
        if request.method == "GET":
            form.year.data = utcnow().year
    else:
        # The season of a call is fixed: its applications, jury and statistics belong to that year.
        del form.project_id
        del form.year
        form.fixed_year = call.year
        if call.phase != CallPhase.DRAFT:
            del form.criteria
    return form


def _rubric(form: CallForm) -> list[services.CriterionSpec] | None:
    """The rubric rows that have a name; None when the rubric is no longer on the form."""
    if "criteria" not in form:
        return None
    rows = [entry.form for entry in form.criteria]
    return [services.CriterionSpec(name=row.name.data.strip(), description=(row.description.data or "").strip(),
                                   scale_min=row.scale_min.data, scale_max=row.scale_max.data, weight=row.weight.data)
            for row in rows if (row.name.data or "").strip()]


@bp.route("/admin/calls/new", methods=["GET", "POST"], defaults={"call_id": None})
@bp.route("/admin/calls/<int:call_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_edit_call(call_id: int | None):
    call = db.get_or_404(OpenCall, call_id) if call_id is not None else None
    form = _call_form(call)
    error = None
    if form.validate_on_submit():
        try:
            season = call.season if call else ensure_season(project=db.get_or_404(Project, form.project_id.data),
                                                             year=form.year.data)
            call = services.save_call(
                call=call, season=season, title=form.title.data.strip(),
                opens_at=form.opens_at.data.astimezone(UTC), closes_at=form.closes_at.data.astimezone(UTC),
                eligibility=(form.eligibility.data or "").strip(), min_works=form.min_works.data,
                max_works=form.max_works.data, is_blind=form.is_blind.data, capacity=form.capacity.data,
                waitlist_size=form.waitlist_size.data, disagreement_margin=form.disagreement_margin.data,
                work_choice_deadline=form.work_choice_deadline.data, criteria=_rubric(form))
        except services.ApplicationError as failure:
            db.session.rollback()
            error = str(failure)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("applications.admin_call", call_id=call.id))
    return render_template("applications/admin_call_form.html", form=form, call=call, error=error)


@bp.route("/admin/calls/<int:call_id>/copy", methods=["POST"])
@role_required(Role.ADMIN)
def admin_copy_call(call_id: int):
    source = db.get_or_404(OpenCall, call_id)
    with committed_or_flashed(services.ApplicationError, back=url_for("applications.admin_calls")):
        season = ensure_season(project=source.season.project, year=source.year + 1)
        copy = services.copy_call(source=source, season=season)
    flash(_("This is a copy of %(title)s as a draft; check the dates and the text.", title=source.title), "success")
    return redirect(url_for("applications.admin_edit_call", call_id=copy.id))


def _jury_users() -> list[User]:
    return list(db.session.scalars(
        sa.select(User).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == Role.JURY, User.is_enabled, User.erased_at.is_(None)).order_by(User.full_name)))


@bp.route("/admin/calls/<int:call_id>")
@role_required(Role.ADMIN)
def admin_call(call_id: int):
    call = db.get_or_404(OpenCall, call_id)
    assigned = {assignment.juror_id for assignment in call.jurors}
    juror_form = JurorForm()
    juror_form.juror_id.choices = choices((user.id, f"{user.full_name} ({user.email})")
                                          for user in _jury_users() if user.id not in assigned)
    is_published, next_phases = call.phase == CallPhase.PUBLISHED, services.next_phases(call)
    return render_template(
        "applications/admin_call.html", call=call, phase=services.phase_of(call),
        next_phases=next_phases, counts=deciding.status_counts(calls=[call])[call.id],
        conflicts=deciding.conflict_counts(call=call), conflict_statuses=list(ConflictStatus),
        waitlist=deciding.waitlist(call=call) if is_published else [],
        without_work=services.accepted_without_chosen_work(call=call) if is_published else [],
        unmailed=deciding.unmailed_decisions(call=call) if is_published else [],
        closed_at=services.closing_time(call), juror_form=juror_form, confirm_form=ConfirmForm(),
        jury_start=reviewing.jury_start_plan(call=call) if CallPhase.JURYING in next_phases else None,
        **_labels())


@bp.route("/admin/calls/<int:call_id>/phase", methods=["POST"])
@role_required(Role.ADMIN)
def admin_move_phase(call_id: int):
    call = db.get_or_404(OpenCall, call_id)
    form = PhaseForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the phases offered."), "error")
        return redirect(url_for("applications.admin_call", call_id=call.id))
    target = CallPhase(form.phase.data)
    if target == CallPhase.CLOSED and services.is_closing_early(call):
        return redirect(url_for("applications.admin_close_call", call_id=call.id))
    try:
        jury_start = services.move_phase(call=call, to=target, actor=current_user)
    except services.ApplicationError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        message = _("The call is now %(phase)s.", phase=services.PHASE_LABELS[target])
        if jury_start is not None:
            message += " " + ngettext("%(num)d juror has been emailed.", "%(num)d jurors have been emailed.",
                                      len(jury_start.mailed))
            if jury_start.mailed_before:
                message += " " + ngettext("%(num)d juror was emailed at the earlier start and not again.",
                                          "%(num)d jurors were emailed at the earlier start and not again.",
                                          len(jury_start.mailed_before))
            if jury_start.erased:
                message += " " + ngettext("%(num)d juror's account is erased, so no email went to them.",
                                          "%(num)d jurors' accounts are erased, so no email went to them.",
                                          len(jury_start.erased))
        flash(message, "success")
    return redirect(url_for("applications.admin_call", call_id=call.id))


@bp.route("/admin/calls/<int:call_id>/close", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_close_call(call_id: int):
    """Ask before closing an open call early, naming the drafts that will not be submitted; then close and mail."""
    call = db.get_or_404(OpenCall, call_id)
    back = url_for("applications.admin_call", call_id=call.id)
    if not services.is_closing_early(call):
        flash(_("The call is not open, so it cannot be closed early."), "info")
        return redirect(back)
    form = ConfirmForm()
    if form.validate_on_submit():
        with committed_or_flashed(services.ApplicationError, back=back):
            closing = services.close_call_early(call=call, actor=current_user)
        if closing.mailed or closing.not_mailed:
            flash(ngettext("The call is closed. %(num)d artist whose draft was not submitted has been emailed.",
                           "The call is closed. %(num)d artists whose drafts were not submitted have been emailed.",
                           len(closing.mailed)), "success")
        else:
            flash(_("The call is closed. No drafts were left unsubmitted."), "success")
        if closing.not_mailed:
            flash(ngettext("%(num)d artist with a draft got no email: %(names)s. Tell them yourself.",
                           "%(num)d artists with drafts got no email: %(names)s. Tell them yourself.",
                           len(closing.not_mailed), names=_names_with_reasons(closing.not_mailed)), "warning")
        return redirect(back)
    if request.method == "POST":
        abort(400)
    return render_template("applications/admin_close_call.html", call=call, form=form,
                           drafts=services.open_drafts(call=call), why_no_mail=services.why_no_mail,
                           submitted=deciding.status_counts(calls=[call])[call.id][ApplicationStatus.SUBMITTED])


def _names_with_reasons(applications: list[Application]) -> str:
    """«Anna Aas (no account), Bo Berg (account erased)»: the artists no email reached, and why."""
    return ", ".join(f"{application.artist.name} ({services.why_no_mail(application.artist)})"
                     for application in applications)


@bp.route("/admin/calls/<int:call_id>/jurors", methods=["POST"])
@role_required(Role.ADMIN)
def admin_assign_juror(call_id: int):
    call = db.get_or_404(OpenCall, call_id)
    form = JurorForm()
    form.juror_id.choices = choices((user.id, user.full_name) for user in _jury_users())
    if form.validate_on_submit():
        juror = db.session.get(User, form.juror_id.data)
        services.assign_juror(call=call, juror=juror, actor=current_user)
        db.session.commit()
        flash(_("%(name)s is on the jury.", name=juror.full_name), "success")
    else:
        flash(_("Choose a user with the jury role."), "error")
    return redirect(url_for("applications.admin_call", call_id=call.id))


@bp.route("/admin/calls/<int:call_id>/jurors/<int:user_id>/remove", methods=["POST"])
@role_required(Role.ADMIN)
def admin_unassign_juror(call_id: int, user_id: int):
    call = db.get_or_404(OpenCall, call_id)
    juror = db.get_or_404(User, user_id)
    services.unassign_juror(call=call, juror=juror, actor=current_user)
    db.session.commit()
    flash(_("%(name)s is no longer on the jury; the scores already given stay.", name=juror.full_name), "success")
    return redirect(url_for("applications.admin_call", call_id=call.id))


# --- ranking and decisions --------------------------------------------------------------------------------------------

def _jurors_of(call: OpenCall, ranked: list[deciding.RankedApplication] | list[deciding.RankingRow]) -> list[User]:
    """The call's jurors, and after them anyone taken off the jury whose scores still count."""
    jurors = [assignment.juror for assignment in call.jurors]
    former = {juror_id for entry in ranked for juror_id in entry.juror_scores} - {juror.id for juror in jurors}
    if former:
        jurors += db.session.scalars(sa.select(User).where(User.id.in_(former)).order_by(User.full_name))
    return jurors


@bp.route("/admin/calls/<int:call_id>/ranking", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_ranking(call_id: int):
    call = db.get_or_404(OpenCall, call_id)
    form = CutLineForm(data={"cut_line": call.effective_cut_line, "waitlist_size": call.waitlist_size})
    if form.validate_on_submit():
        try:
            deciding.apply_cut_line(call=call, cut_line=form.cut_line.data, waitlist_size=form.waitlist_size.data,
                                    actor=current_user)
        except services.ApplicationError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("The cut line is applied; decisions made by hand are kept."), "success")
        return redirect(url_for("applications.admin_ranking", call_id=call.id, queue=request.args.get("queue")))
    rows = deciding.ranking_rows(call=call)
    to_discuss = [row for row in rows if row.needs_discussion]
    is_discuss_queue = request.args.get("queue") == "discuss"
    jurors = _jurors_of(call, rows)
    labels = _labels()
    return render_template(
        "applications/admin_ranking.html", call=call, form=form, publish_form=PublishForm(),
        ranked=_with_score_texts(to_discuss if is_discuss_queue else rows, jurors), discuss_count=len(to_discuss),
        is_discuss_queue=is_discuss_queue, jurors=jurors, counts=deciding.decision_counts(call=call),
        is_deciding=call.phase == CallPhase.DECIDING,
        unmailed_count=deciding.unmailed_count(call=call) if call.phase == CallPhase.DECIDING else 0,
        progress={juror.id: reviewing.jury_progress(call=call, juror=juror) for juror in jurors}
        if call.phase == CallPhase.JURYING else {},
        # The id ends the route, so one url_for serves every row.
        application_url=url_for("applications.admin_application", application_id=0).removesuffix("0"),
        **{**labels, "discipline_labels": {**labels["discipline_labels"], None: "—"},
           "status_labels": {key: str(label) for key, label in RANKING_STATUS_LABELS.items()}})


def _with_score_texts(rows: list[deciding.RankingRow], jurors: list[User]) -> list[tuple]:
    """Each row with its jurors' scores, weighted mean and mean z-score as text, each distinct value formatted once."""
    score, z_score = fixed_formatter(), fixed_formatter(signed=True)
    juror_ids = [juror.id for juror in jurors]
    return [(row, [score(row.juror_scores.get(juror_id)) for juror_id in juror_ids], score(row.raw_mean),
             z_score(row.z_mean)) for row in rows]


@bp.route("/admin/applications/<int:application_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_application(application_id: int):
    application = db.get_or_404(Application, application_id)
    call = application.call
    decision_form = DecisionForm(data={"status": application.status.value if application.is_decision_manual
                                       else ApplicationStatus.SUBMITTED.value})
    discussion_form = DiscussionForm(obj=application)
    is_two_person_jury = len(call.jurors) == 2
    if not is_two_person_jury:
        del discussion_form.joint_recommendation
    if decision_form.decide.data and decision_form.validate_on_submit():
        try:
            deciding.decide(application=application, status=ApplicationStatus(decision_form.status.data),
                            actor=current_user)
        except services.ApplicationError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("The decision is saved."), "success")
        return redirect(url_for("applications.admin_application", application_id=application.id))
    if discussion_form.save_discussion.data and discussion_form.validate_on_submit():
        recommendation = application.joint_recommendation
        if is_two_person_jury:
            chosen = discussion_form.joint_recommendation.data
            recommendation = JointRecommendation(chosen) if chosen else None
        try:
            deciding.record_jury_discussion(application=application, recommendation=recommendation,
                                            note=(discussion_form.jury_note.data or "").strip(),
                                            is_to_discuss=discussion_form.is_to_discuss.data, actor=current_user)
        except services.ApplicationError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("The jury's discussion is saved."), "success")
        return redirect(url_for("applications.admin_application", application_id=application.id))
    reviews = [(review, {score.criterion_id: score.value for score in review.scores},
                reviewing.weighted_score(review, call.criteria))
               for review in deciding.reviews_of(application=application)]
    return render_template(
        "applications/admin_application.html", application=application, call=call, reviews=reviews,
        decision_form=decision_form, discussion_form=discussion_form, confirm_form=ConfirmForm(),
        is_deciding=call.phase == CallPhase.DECIDING,
        can_withdraw=_admin_may_withdraw(application), **_labels())


def _admin_may_withdraw(application: Application) -> bool:
    """The secretariat withdraws submitted or decided applications, on the artist's request; drafts are the artist's."""
    return application.status not in (ApplicationStatus.WITHDRAWN, ApplicationStatus.REJECTED,
                                      ApplicationStatus.DRAFT)


@bp.route("/admin/applications/<int:application_id>/withdraw", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_withdraw(application_id: int):
    """Ask before withdrawing an application on the artist's request, saying what that frees; then withdraw it."""
    application = db.get_or_404(Application, application_id)
    back = url_for("applications.admin_application", application_id=application.id)
    if not _admin_may_withdraw(application):
        flash(_("This application cannot be withdrawn."), "info")
        return redirect(back)
    call, was_accepted = application.call, application.status == ApplicationStatus.ACCEPTED
    form = ConfirmForm()
    if form.validate_on_submit():
        with committed_or_flashed(services.ApplicationError, back=back):
            services.withdraw_application(application=application, actor=current_user)
        flash(_("The application of %(name)s is withdrawn.", name=application.artist.name), "success")
        if was_accepted and call.phase == CallPhase.PUBLISHED and services.next_on_waitlist(call=call):
            flash(_("A place is free: offer it to the first on the waiting list from the call's page."), "info")
        return redirect(back)
    if request.method == "POST":
        abort(400)
    return render_template(
        "applications/admin_withdraw.html", application=application, call=call, form=form,
        next_in_line=services.next_on_waitlist(call=call) if was_accepted and call.phase == CallPhase.PUBLISHED
        else None, review_count=len(deciding.reviews_of(application=application)), **_labels())


@bp.route("/admin/calls/<int:call_id>/promote", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_promote(call_id: int):
    """Ask before offering a freed place, naming who is first on the waiting list; then promote and mail them."""
    call = db.get_or_404(OpenCall, call_id)
    back = url_for("applications.admin_call", call_id=call.id)
    first = services.next_on_waitlist(call=call) if call.phase == CallPhase.PUBLISHED else None
    if first is None:
        flash(_("The waiting list is empty.") if call.phase == CallPhase.PUBLISHED
              else _("The waitlist moves only after the results are published."), "info")
        return redirect(back)
    form = PromoteForm()
    if request.method == "GET":
        form.application_id.data = first.id
        return render_template("applications/admin_promote.html", call=call, application=first, form=form,
                               reason=services.why_no_mail(first.artist),
                               counts=deciding.status_counts(calls=[call])[call.id],
                               accepted=ApplicationStatus.ACCEPTED, waitlisted=ApplicationStatus.WAITLISTED)
    is_valid = form.validate_on_submit()
    if "csrf_token" in form.errors:
        abort(400)
    expected = db.session.get(Application, form.application_id.data) if is_valid else None
    if expected is None:
        flash(_("The waiting list has changed since the page was shown; check who is first now."), "error")
        return redirect(url_for("applications.admin_promote", call_id=call.id))
    with committed_or_flashed(services.ApplicationError, back=url_for("applications.admin_promote", call_id=call.id)):
        promoted = services.promote_from_waitlist(call=call, actor=current_user, expected=expected)
    if promoted is None:
        flash(_("The waiting list is empty."), "error")
    elif (reason := services.why_no_mail(promoted.artist)) is None:
        flash(_("%(name)s is offered the place and has been emailed.", name=promoted.artist.name), "success")
    else:
        flash(_with_link(_("%(name)s is offered the place, but no email went (%(reason)s): tell them yourself.",
                           name=promoted.artist.name, reason=reason),
                         url_for("applications.admin_unmailed", call_id=call.id), _("Applicants without email")),
              "warning")
    return redirect(url_for("applications.admin_call", call_id=call.id))


@bp.route("/admin/calls/<int:call_id>/publish", methods=["POST"])
@role_required(Role.ADMIN)
def admin_publish(call_id: int):
    call = db.get_or_404(OpenCall, call_id)
    form = PublishForm()
    if not form.validate_on_submit():
        flash(_("Tick «I have checked the decisions» to publish them."), "error")
        return redirect(url_for("applications.admin_ranking", call_id=call.id))
    with committed_or_flashed(services.ApplicationError, back=url_for("applications.admin_ranking", call_id=call.id)):
        outcome = deciding.publish_decisions(call=call, actor=current_user)
    flash(ngettext("The decisions are published: %(num)d email queued.",
                   "The decisions are published: %(num)d emails queued.", outcome.queued), "success")
    if outcome.unmailed:
        flash(_with_link(ngettext("%(num)d applicant got no email: they have no account with an email address.",
                                  "%(num)d applicants got no email: they have no account with an email address.",
                                  len(outcome.unmailed)),
                         url_for("applications.admin_unmailed", call_id=call.id), _("Tell them yourself")), "warning")
    return redirect(url_for("applications.admin_call", call_id=call.id))


def _with_link(text: str, url: str, label: str) -> Markup:
    """A flash message with a link to where the secretariat can act on it (the text and label are escaped)."""
    return Markup('{} <a href="{}">{}</a>').format(text, url, label)


@bp.route("/admin/calls/<int:call_id>/without-email")
@role_required(Role.ADMIN)
def admin_unmailed(call_id: int):
    """The decided applicants kunstvest cannot email, with their postal address, to be told by hand."""
    call = db.get_or_404(OpenCall, call_id)
    rows = deciding.unmailed_decisions(call=call)
    return render_template("applications/admin_unmailed.html", call=call, rows=rows,
                           is_published=call.phase == CallPhase.PUBLISHED,
                           forms={row.application.id: MailDecisionForm(prefix=f"a{row.application.id}")
                                  for row in rows},
                           mailto={row.application.id: _decision_mailto(row.application) for row in rows},
                           **_labels())


def _decision_mailto(application: Application) -> str:
    """A mailto: link with the decision mail's subject and text filled in; the secretariat adds the address."""
    call = application.call
    with force_locale("nb"):
        subject = str(deciding.decision_subject(application.status, call))
        body = render_template(f"email/{deciding.DECISION_TEMPLATES[application.status]}.txt",
                               public_url_for=public_url_for, application=application, call=call,
                               artist=application.artist)
    return "mailto:?" + urlencode({"subject": subject, "body": body}, quote_via=quote)


@bp.route("/admin/applications/<int:application_id>/mail-decision", methods=["POST"])
@role_required(Role.ADMIN)
def admin_mail_decision(application_id: int):
    application = db.get_or_404(Application, application_id)
    form = MailDecisionForm(prefix=f"a{application.id}")
    back = url_for("applications.admin_unmailed", call_id=application.call_id, _anchor=f"application-{application.id}")
    if not form.validate_on_submit():
        flash(_("Enter the email address of %(name)s.", name=application.artist.name), "error")
        return redirect(back)
    email = form.email.data
    with committed_or_flashed(services.ApplicationError, back=back):
        deciding.mail_decision_to(application=application, email=email, actor=current_user)
    flash(_("The decision for %(name)s is queued to %(email)s.", name=application.artist.name, email=email),
          "success")
    return redirect(back)


# --- exports and figures ----------------------------------------------------------------------------------------------

def _scores_table(call: OpenCall) -> Table:
    """One row per application in rank order, with every juror's score on every criterion."""
    ranked = deciding.ranking(call=call)
    jurors = _jurors_of(call, ranked)
    scores = deciding.score_values(call=call)
    labels = _labels()
    headers = [_("Rank"), _("Reference"), _("Name"), _("Municipality"), _("Discipline"), _("Status"),
               _("Weighted mean"), _("Mean z-score")]
    headers += [f"{juror.full_name} – {criterion.name}" for juror in jurors for criterion in call.criteria]
    rows = []
    for entry in ranked:
        application = entry.application
        rows.append([
            entry.rank, application.reference or "", application.artist.name,
            application.municipality.name if application.municipality else "",
            labels["discipline_labels"].get(application.discipline, ""), str(RANKING_STATUS_LABELS[application.status]),
            # Not money: plain numbers, so the sheet does not show them in kroner.
            round(float(entry.raw_mean), 2) if entry.raw_mean is not None else None,
            round(entry.z_mean, 2) if entry.z_mean is not None else None,
            *[scores.get((application.id, juror.id, criterion.id)) for juror in jurors for criterion in call.criteria]])
    return Table(_("Scores"), headers, rows)


@bp.route("/admin/calls/<int:call_id>/scores.xlsx")
@role_required(Role.ADMIN)
def admin_scores_export(call_id: int):
    call = db.get_or_404(OpenCall, call_id)
    report = Report(title=_("Scores: %(call)s", call=call.title), filename=_("scores-%(year)s", year=call.year),
                    sheet_name=_("Jury scores"), tables=[_scores_table(call)])
    return attachment(report_to_xlsx(report), filename=f"{report.filename}.xlsx", content_type=XLSX)


def _dimensions(chosen: ChosenWork) -> str:
    sides = [side for side in (chosen.width_cm, chosen.height_cm, chosen.depth_cm) if side is not None]
    return _("%(sides)s cm", sides=" × ".join(format_decimal(side) for side in sides)) if sides else ""


def _exhibition_table(works: list[ChosenWork]) -> Table:
    headers = [_("Artist"), _("Municipality"), _("Title"), _("Year"), _("Technique"),
               _("Dimensions (W × H × D)"), _("Price"), _("Insurance value"), _("For sale"), _("Confirmed")]
    rows = [[chosen.application.artist.name,
             chosen.application.municipality.name if chosen.application.municipality else "",
             chosen.title, chosen.year, chosen.technique, _dimensions(chosen), chosen.price, chosen.insurance_value,
             _("yes") if chosen.is_for_sale else _("no"),
             chosen.confirmed_at]
            for chosen in works]
    return Table(_("Exhibition works"), headers, rows)


@bp.route("/admin/calls/<int:call_id>/exhibition-works")
@role_required(Role.ADMIN)
def admin_exhibition_works(call_id: int):
    call = db.get_or_404(OpenCall, call_id)
    return render_template("applications/admin_exhibition_works.html", call=call,
                           works=services.exhibition_works(call=call), dimensions=_dimensions)


@bp.route("/admin/calls/<int:call_id>/exhibition-works.<any(xlsx, csv):file_format>")
@role_required(Role.ADMIN)
def admin_exhibition_works_export(call_id: int, file_format: str):
    call = db.get_or_404(OpenCall, call_id)
    table = _exhibition_table(services.exhibition_works(call=call))
    filename = _("exhibition-works-%(year)s", year=call.year)
    if file_format == "csv":
        return attachment(table_to_csv(table), filename=f"{filename}.csv", content_type=CSV)
    report = Report(title=_("Exhibition works: %(call)s", call=call.title), filename=filename,
                    sheet_name=_("Exhibition works"), tables=[table])
    return attachment(report_to_xlsx(report), filename=f"{filename}.xlsx", content_type=XLSX)


@bp.route("/admin/statistics")
@role_required(Role.ADMIN)
def admin_statistics():
    figures = deciding.call_statistics(calls=services.calls())
    return render_template(
        "applications/admin_statistics.html", figures=figures,
        municipalities=sorted({name for entry in figures for name in entry.by_municipality}),
        disciplines=sorted({discipline for entry in figures for discipline in entry.by_discipline
                            if discipline is not None}), **_labels())
