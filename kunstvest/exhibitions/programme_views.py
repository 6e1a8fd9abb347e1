"""The side programme: the admin's events and sign-ups, the public programme by day, sign-up, cancelling, iCal."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from kunstvest.auth.forms import ConfirmForm
from kunstvest.auth.models import Role
from kunstvest.common.commits import committed_or_flashed
from kunstvest.common.decorators import role_required
from kunstvest.common.models import utcnow
from kunstvest.exhibitions import bp, programme
from kunstvest.exhibitions.models import EventKind, Exhibition, ProgrammeEvent, Signup, SignupStatus
from kunstvest.exhibitions.programme_forms import CancelEventForm, EventForm, SignupForm
from kunstvest.extensions import db


def _labels() -> dict:
    """Labels the programme templates share, resolved once per request rather than once per row."""
    return {"kind_labels": {kind: str(label) for kind, label in programme.KIND_LABELS.items()},
            "status_labels": {status: str(label) for status, label in programme.SIGNUP_STATUS_LABELS.items()},
            "language_names": dict(programme.language_choices())}


def _exhibition_of_year_or_404(year: int) -> Exhibition:
    exhibition = programme.exhibition_of_year(year)
    if exhibition is None:
        abort(404)
    return exhibition


# --- admin ------------------------------------------------------------------------------------------------------------

@bp.route("/admin/<int:exhibition_id>/programme")
@role_required(Role.ADMIN)
def admin_programme(exhibition_id: int):
    """The exhibition's events by day with their sign-up figures."""
    exhibition = db.get_or_404(Exhibition, exhibition_id)
    events = programme.events_of(exhibition=exhibition)
    return render_template("exhibitions/programme_admin.html", exhibition=exhibition,
                           days=programme.by_day(events), occupancy=programme.occupancy(events=events), **_labels())


@bp.route("/admin/<int:exhibition_id>/programme/new", methods=["GET", "POST"], defaults={"event_id": None})
@bp.route("/admin/events/<int:event_id>/edit", methods=["GET", "POST"], defaults={"exhibition_id": None})
@role_required(Role.ADMIN)
def admin_edit_event(exhibition_id: int | None, event_id: int | None):
    """Create an event, or edit one."""
    event = db.get_or_404(ProgrammeEvent, event_id) if event_id is not None else None
    exhibition = event.exhibition if event else db.get_or_404(Exhibition, exhibition_id)
    form = EventForm()
    form.day.within_years(exhibition.year, reason=_("the exhibition of %(year)s", year=exhibition.year))
    if request.method == "GET" and event is not None:
        form.process(data={"kind": event.kind.value, "title": event.title, "description": event.description,
                           "day": programme.oslo_day(event.starts_at),
                           "starts": event.starts_at.astimezone(programme.OSLO).time(),
                           "ends": event.ends_at.astimezone(programme.OSLO).time(), "place": event.place,
                           "language": event.language, "capacity": event.capacity, "has_signup": event.has_signup})
    elif request.method == "GET":
        form.day.data = exhibition.opens_on
    error = None
    if form.validate_on_submit():
        try:
            event = programme.save_event(
                exhibition=exhibition, event=event, kind=EventKind(form.kind.data), title=form.title.data.strip(),
                description=(form.description.data or "").strip(), day=form.day.data, starts=form.starts.data,
                ends=form.ends.data, place=(form.place.data or "").strip(), language=form.language.data,
                capacity=form.capacity.data, has_signup=form.has_signup.data)
        except programme.ProgrammeError as failure:
            db.session.rollback()
            error = str(failure)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("exhibitions.admin_programme", exhibition_id=exhibition.id))
    return render_template("exhibitions/programme_event_form.html", form=form, event=event, exhibition=exhibition,
                           error=error)


@bp.route("/admin/events/<int:event_id>/signups")
@role_required(Role.ADMIN)
def admin_event_signups(event_id: int):
    """An event's sign-ups with their status and place on the waiting list."""
    event = db.get_or_404(ProgrammeEvent, event_id)
    return render_template("exhibitions/programme_signups.html", event=event,
                           occupancy=programme.occupancy(events=[event])[event.id],
                           signups=programme.signups_of(event=event), confirm_form=ConfirmForm(),
                           cancel_form=CancelEventForm(), **_labels())


@bp.route("/admin/events/<int:event_id>/cancel", methods=["POST"])
@role_required(Role.ADMIN)
def admin_cancel_event(event_id: int):
    """Cancel an event and email everyone signed up for it."""
    event = db.get_or_404(ProgrammeEvent, event_id)
    if not CancelEventForm().validate_on_submit():
        flash(_("Tick the box to confirm that you want to cancel the event."), "error")
        return redirect(url_for("exhibitions.admin_event_signups", event_id=event.id))
    back = url_for("exhibitions.admin_event_signups", event_id=event.id)
    with committed_or_flashed(programme.ProgrammeError, back=back):
        outcome = programme.cancel_event(event=event, actor=current_user)
    flash(ngettext("The event is cancelled; %(num)d person signed up has been emailed.",
                   "The event is cancelled; %(num)d people signed up have been emailed.", outcome.mailed), "success")
    if unmailed := len(outcome.cancelled) - outcome.mailed:
        flash(ngettext("%(num)d sign-up was erased at its holder's request, so no email went to it.",
                       "%(num)d sign-ups were erased at their holders' request, so no email went to them.",
                       unmailed), "info")
    return redirect(back)


@bp.route("/admin/signups/<int:signup_id>/cancel", methods=["POST"])
@role_required(Role.ADMIN)
def admin_cancel_signup(signup_id: int):
    """Cancel someone's sign-up on their behalf; the waiting list moves up."""
    signup = db.get_or_404(Signup, signup_id)
    try:
        promoted = programme.cancel_signup(signup=signup, cancelled_by=current_user)
    except programme.ProgrammeError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(ngettext("The sign-up of %(name)s is cancelled; %(num)d moved up from the waiting list.",
                       "The sign-up of %(name)s is cancelled; %(num)d moved up from the waiting list.",
                       len(promoted), name=signup.name), "success")
        if promoted:
            flash(ngettext("%(num)d person who moved up has been emailed.",
                           "%(num)d people who moved up have been emailed.",
                           sum(not programme.is_erased(each) for each in promoted)), "success")
        if erased := sum(map(programme.is_erased, [signup, *promoted])):
            flash(ngettext("%(num)d sign-up was erased at its holder's request, so no email went to it.",
                           "%(num)d sign-ups were erased at their holders' request, so no email went to them.",
                           erased), "info")
    return redirect(url_for("exhibitions.admin_event_signups", event_id=signup.event_id))


# --- public -----------------------------------------------------------------------------------------------------------

def _render_programme(exhibition: Exhibition, *, failed_event_id: int | None = None,
                      failed_form: SignupForm | None = None, error: str | None = None, status: int = 200):
    events = programme.events_of(exhibition=exhibition)
    now = utcnow()
    forms = {event.id: failed_form if event.id == failed_event_id else
             SignupForm(prefix=f"event-{event.id}", formdata=None)
             for event in events if event.has_signup and not event.is_cancelled and event.starts_at > now}
    page = render_template("exhibitions/programme.html", exhibition=exhibition, days=programme.by_day(events),
                           occupancy=programme.occupancy(events=events), forms=forms,
                           failed_event_id=failed_event_id, error=error, **_labels())
    return page, status


@bp.route("/<year:year>/programme", endpoint="programme")
def programme_page(year: int):
    """The season's side programme by day, with free sign-up."""
    return _render_programme(_exhibition_of_year_or_404(year))


@bp.route("/<year:year>/programme.ics")
def programme_ical(year: int):
    """The season's programme as an iCalendar feed."""
    exhibition = _exhibition_of_year_or_404(year)
    body = programme.programme_calendar(exhibition=exhibition, events=programme.events_of(exhibition=exhibition))
    return Response(body, content_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f"inline; filename=kunstvest-programme-{year}.ics"})


@bp.route("/events/<int:event_id>/sign-up", methods=["POST"])
def sign_up(event_id: int):
    """Sign up for an event without an account; a seat if one is left, else a place on the waiting list."""
    event = db.get_or_404(ProgrammeEvent, event_id)
    if not event.has_signup:
        abort(404)
    exhibition = event.exhibition
    form = SignupForm(prefix=f"event-{event.id}")
    if not form.validate_on_submit():
        return _render_programme(exhibition, failed_event_id=event.id, failed_form=form, status=400)
    try:
        signup = programme.sign_up(event=event, name=form.name.data, email=form.email.data, seats=form.seats.data,
                                   locale=str(get_locale()))
    except programme.ProgrammeError as failure:
        db.session.rollback()
        return _render_programme(exhibition, failed_event_id=event.id, failed_form=form, error=str(failure),
                                 status=409)
    db.session.commit()
    if signup.status == SignupStatus.CONFIRMED:
        flash(_("You are signed up for %(title)s. We have sent a confirmation to %(email)s.",
                title=event.title, email=signup.email), "success")
    elif left := programme.seats_left(event=event):
        flash(ngettext("Only %(num)d seat is left, fewer than the %(seats)d you asked for, so you are on the waiting "
                       "list for %(title)s. We email %(email)s if enough seats become free.",
                       "Only %(num)d seats are left, fewer than the %(seats)d you asked for, so you are on the "
                       "waiting list for %(title)s. We email %(email)s if enough seats become free.",
                       left, seats=signup.seats, title=event.title, email=signup.email), "success")
    else:
        flash(_("%(title)s is full, so you are on the waiting list. We email %(email)s if a place becomes free.",
                title=event.title, email=signup.email), "success")
    return redirect(url_for("exhibitions.programme", year=exhibition.year, _anchor=f"event-{event.id}"))


@bp.route("/signups/<token>", methods=["GET", "POST"])
def cancel_signup(token: str):
    """The link in the sign-up email: shows the sign-up and cancels it on confirmation."""
    signup = programme.signup_by_token(token)
    if signup is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        event = signup.event
        try:
            programme.cancel_signup(signup=signup)
        except programme.ProgrammeError:
            db.session.rollback()
            abort(404)
        db.session.commit()
        flash(_("Your sign-up for %(title)s is cancelled. We have sent a confirmation to %(email)s.",
                title=event.title, email=signup.email), "success")
        return redirect(url_for("exhibitions.programme", year=event.exhibition.year))
    return render_template("exhibitions/programme_cancel_signup.html", signup=signup, event=signup.event, form=form,
                           **_labels())
