"""The jury's pages: their calls, their own list of applications, scoring, and conflicts of interest."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import lazyload

from kunstvest.applications import bp, reviewing, services
from kunstvest.applications.forms import ConflictAnswerForm, DeclareConflictForm, score_form
from kunstvest.applications.labels import DISCIPLINE_LABELS
from kunstvest.applications.models import Application, CallPhase, Conflict, OpenCall
from kunstvest.auth.models import Role
from kunstvest.common.commits import committed_or_flashed
from kunstvest.common.decorators import role_required
from kunstvest.common.forms import flash_errors
from kunstvest.extensions import db


# The conflict form's field names keep the prefix they had when it shared the page with the scoring form.
CONFLICT_PREFIX = "conflict"


def _jury_call(call_id: int) -> OpenCall:
    """The call, for a juror who sits on its jury (403 for other jurors), once its applications are theirs to read.

    Before the jury phase it is 404, as if there were nothing: not even how many have applied shows.
    """
    call = db.get_or_404(OpenCall, call_id)
    if not reviewing.is_assigned(call=call, juror=current_user):
        abort(403)
    if not reviewing.jury_may_read(call=call):
        abort(404)
    return call


def _readable_application(call: OpenCall, application_id: int) -> Application:
    """The application, if the juror may read it; 404 otherwise, so that a conflict does not confirm it exists."""
    # The call is loaded already: joining it again would reload its criteria and jurors too.
    application = db.session.get(Application, application_id, options=[lazyload(Application.call)])
    if (application is None or application.call_id != call.id
            or not reviewing.may_read(application=application, juror=current_user)):
        abort(404)
    return application


def _after_scoring(call: OpenCall, application: Application) -> str:
    """Where the juror goes next: their next unscored application, or their list once none is left."""
    following = reviewing.next_unscored(order=reviewing.juror_order(call=call, juror=current_user),
                                        scored=reviewing.reviewed_ids(call=call, juror=current_user),
                                        after=application.id)
    if following is None:
        return url_for(".jury_call", call_id=call.id)
    return url_for(".jury_application", call_id=call.id, application_id=following)


def _closing(moment) -> dict:
    return {"date": format_date(moment, "long"), "time": format_time(moment, "short")}


@bp.route("/jury/")
@role_required(Role.JURY)
def jury_index():
    calls = [(call, services.phase_of(call), reviewing.jury_progress(call=call, juror=current_user)
              if reviewing.jury_may_read(call=call) else None,
              _closing(services.closing_time(call) or call.closes_at))
             for call in reviewing.juror_calls(juror=current_user)]
    return render_template("applications/jury_index.html", calls=calls, phase_labels=services.PHASE_LABELS,
                           phases=CallPhase)


@bp.route("/jury/<int:call_id>")
@role_required(Role.JURY)
def jury_call(call_id: int):
    call = _jury_call(call_id)
    applications = reviewing.readable_applications(call=call, juror=current_user)
    scored = reviewing.reviewed_ids(call=call, juror=current_user)
    is_open = reviewing.scoring_is_open(call=call)
    return render_template(
        "applications/jury_call.html", call=call, applications=applications, scored=scored, is_open=is_open,
        progress=reviewing.jury_progress(call=call, juror=current_user),
        next_unscored=reviewing.next_unscored(order=[a.id for a in applications], scored=scored) if is_open
        else None,
        suggested=reviewing.suggested_conflicts(call=call, juror=current_user) if is_open else [],
        conflict_form=ConflictAnswerForm(), discipline_labels=DISCIPLINE_LABELS)


@bp.route("/jury/<int:call_id>/applications/<int:application_id>", methods=["GET", "POST"])
@role_required(Role.JURY)
def jury_application(call_id: int, application_id: int):
    call = _jury_call(call_id)
    application = _readable_application(call, application_id)
    is_open = reviewing.scoring_is_open(call=call)
    if request.method == "POST" and not is_open:
        flash(_("Scores can be given or changed only while the jury is at work."), "error")
        return redirect(url_for(".jury_application", call_id=call.id, application_id=application.id))
    review, others = reviewing.reviews_seen_by(application=application, juror=current_user)
    form = score_form(call.criteria, review=review)
    if form.validate_on_submit():
        try:
            reviewing.score_application(application=application, juror=current_user, scores=form.scores(),
                                        comment=(form.comment.data or "").strip())
        except services.ApplicationError as error:
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Your scores are saved."), "success")
            return redirect(_after_scoring(call, application))
    order = reviewing.juror_order(call=call, juror=current_user)
    position = order.index(application.id)
    return render_template(
        "applications/jury_application.html", call=call, application=application, form=form, review=review,
        is_open=is_open, position=position + 1, total=len(order),
        previous_id=order[position - 1] if position > 0 else None,
        next_id=order[position + 1] if position + 1 < len(order) else None,
        others=None if others is None else [(other, reviewing.weighted_score(other, call.criteria))
                                            for other in others],
        discipline_labels=DISCIPLINE_LABELS)


@bp.route("/jury/<int:call_id>/applications/<int:application_id>/conflict", methods=["GET", "POST"])
@role_required(Role.JURY)
def jury_declare_conflict(call_id: int, application_id: int):
    """Ask before the juror declares a conflict, saying that it takes the application and their scores away."""
    call = _jury_call(call_id)
    application = _readable_application(call, application_id)
    back = url_for(".jury_application", call_id=call.id, application_id=application.id)
    if not reviewing.scoring_is_open(call=call):
        flash(_("Conflicts of interest can be declared only while the jury is at work; after that, tell the "
                "secretariat."), "error")
        return redirect(back)
    own_review = reviewing.reviews_seen_by(application=application, juror=current_user)[0]
    form = DeclareConflictForm(prefix=CONFLICT_PREFIX)
    if form.validate_on_submit():
        with committed_or_flashed(services.ApplicationError, back=back):
            reviewing.declare_conflict(application=application, juror=current_user,
                                       reason=(form.reason.data or "").strip())
        if own_review is not None:
            flash(_("Conflict of interest with %(reference)s noted: it is off your list, and your scores of it are "
                    "deleted.", reference=application.reference or "—"), "success")
        else:
            flash(_("Conflict of interest with %(reference)s noted: it is off your list. You had not scored it.",
                    reference=application.reference or "—"), "success")
        return redirect(url_for(".jury_call", call_id=call.id))
    return render_template("applications/jury_conflict.html", call=call, application=application, form=form,
                           own_review=own_review, back=back), 422 if form.errors else 200


@bp.route("/jury/conflicts/<int:conflict_id>", methods=["POST"])
@role_required(Role.JURY)
def jury_resolve_conflict(conflict_id: int):
    conflict = db.get_or_404(Conflict, conflict_id)
    if conflict.juror_id != current_user.id or not reviewing.jury_may_read(call=conflict.application.call):
        abort(404)
    call_id = conflict.application.call_id
    form = ConflictAnswerForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for(".jury_call", call_id=call_id))
    is_conflict = form.is_conflict.data == "1"
    with committed_or_flashed(services.ApplicationError, back=url_for(".jury_call", call_id=call_id)):
        reviewing.resolve_conflict(conflict=conflict, juror=current_user, is_conflict=is_conflict)
    if is_conflict:
        flash(_("Conflict of interest noted: the application stays off your list."), "success")
    else:
        flash(_("No conflict: the application is on your list."), "success")
    return redirect(url_for(".jury_call", call_id=call_id))
