"""The season plan: staff pages for events, schedules, staff and fees, replies, attendance and messages; the
guardians' calendar and replies; attendance on a phone; the iCal feeds."""

from datetime import date

import sqlalchemy as sa
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from kunstvest.auth.forms import ConfirmForm
from kunstvest.auth.models import Role, User
from kunstvest.budget.models import BudgetLine
from kunstvest.budget.services import budget_lines_with_actuals
from kunstvest.common.commits import committed_or_flashed
from kunstvest.common.decorators import role_required
from kunstvest.common.formatting import money, weekday_and_day
from kunstvest.common.forms import choices
from kunstvest.extensions import db
from kunstvest.orchestra import bp, events
from kunstvest.orchestra.events_forms import (NONE_CHOSEN, AttendanceForm, CalendarLinkForm, EventForm,
                                              MessageForm, ReplyForm, SessionForm, StaffForm)
from kunstvest.orchestra.models import (AttendanceStatus, EventKind, EventSession, EventStaff, OrchestraEvent,
                                        OrchestraSeason, Section, SessionKind, StaffRole)
from kunstvest.orchestra.services import may_read_event_health
from kunstvest.reference.models import Season, Venue

STAFF = events.STAFF_ROLES


def _labels() -> dict:
    """Labels the templates share, resolved once per request rather than once per row."""
    return {"kind_labels": {kind: str(label) for kind, label in events.KIND_LABELS.items()},
            "role_labels": {role: str(label) for role, label in events.STAFF_ROLE_LABELS.items()},
            "session_labels": {kind: str(label) for kind, label in events.SESSION_KIND_LABELS.items()},
            "attendance_labels": {status: str(label) for status, label in events.ATTENDANCE_LABELS.items()}}


def _sections() -> list[Section]:
    return list(db.session.scalars(sa.select(Section).order_by(Section.position)))


def _section_choices(sections: list[Section], empty: str | None = None) -> list:
    pairs = [(section.id, section.name) for section in sections]
    return choices(([(NONE_CHOSEN, empty)] if empty else []) + pairs)


def _seasons() -> list[OrchestraSeason]:
    return list(db.session.scalars(sa.select(OrchestraSeason).join(Season).order_by(Season.year.desc())))


# --- the season plan (staff) ------------------------------------------------------------------------------------------

@bp.route("/staff/seasons/<int:orchestra_season_id>/events")
@role_required(*STAFF)
def staff_events(orchestra_season_id: int):
    """The season's plan: weekends, concerts, tours and masterclasses with their reply state."""
    orchestra_season = db.get_or_404(OrchestraSeason, orchestra_season_id)
    overview = events.season_attendance(orchestra_season=orchestra_season)
    return render_template("orchestra/events_staff.html", orchestra_season=orchestra_season,
                           events=overview.events, missing=overview.missing_by_event, seasons=_seasons(),
                           **_labels())


def _event_form(orchestra_season: OrchestraSeason, event: OrchestraEvent | None) -> EventForm:
    form = EventForm()
    reason = _("the season %(year)s", year=orchestra_season.year)
    for field in (form.starts_on, form.ends_on):
        field.limit(orchestra_season.starts_on, orchestra_season.ends_on, reason=reason)
    form.reply_deadline.limit(date(orchestra_season.year - 1, 1, 1), orchestra_season.ends_on, reason=reason)
    form.venue_id.choices = choices([(NONE_CHOSEN, _("(no venue in the list)"))] + [
        (venue.id, f"{venue.name}, {venue.municipality.name}") for venue in events.member_venues()])
    if request.method == "GET" and event is not None:
        form.process(data={"kind": event.kind.value, "title": event.title, "starts_on": event.starts_on,
                           "ends_on": event.ends_on, "venue_id": event.venue_id or NONE_CHOSEN,
                           "place": event.place, "description": event.description,
                           "reply_deadline": event.reply_deadline, "is_public": event.is_public})
    return form


@bp.route("/staff/seasons/<int:orchestra_season_id>/events/new", methods=["GET", "POST"],
          defaults={"orchestra_event_id": None})
@bp.route("/staff/events/<int:orchestra_event_id>/edit", methods=["GET", "POST"],
          defaults={"orchestra_season_id": None})
@role_required(*STAFF)
def staff_edit_event(orchestra_season_id: int | None, orchestra_event_id: int | None):
    """Create an event of the season, or edit one."""
    event = db.get_or_404(OrchestraEvent, orchestra_event_id) if orchestra_event_id is not None else None
    orchestra_season = event.orchestra_season if event else db.get_or_404(OrchestraSeason, orchestra_season_id)
    form = _event_form(orchestra_season, event)
    error = None
    if form.validate_on_submit():
        venue = db.session.get(Venue, form.venue_id.data) if form.venue_id.data else None
        try:
            saved = events.save_event(
                orchestra_season=orchestra_season, event=event, kind=EventKind(form.kind.data),
                title=form.title.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data, venue=venue,
                place=form.place.data or "", description=form.description.data or "",
                reply_deadline=form.reply_deadline.data, is_public=form.is_public.data)
        except events.EventError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(_("The event is saved."), "success")
            return redirect(url_for("orchestra.staff_event", orchestra_event_id=saved.id))
    page_title = _("Edit %(title)s", title=event.title) if event else _("New event in %(year)s",
                                                                         year=orchestra_season.year)
    return render_template("orchestra/event_form.html", form=form, page_title=page_title, error=error,
                           orchestra_season=orchestra_season, event=event)


def _session_form(event: OrchestraEvent, sections: list[Section]) -> SessionForm:
    form = SessionForm(prefix="session")
    form.day.choices = choices((day.isoformat(), weekday_and_day(day)) for day in events.event_days(event))
    form.section_ids.choices = _section_choices(sections)
    form.tutor_id.choices = choices([(NONE_CHOSEN, _("(none)"))] + [
        (staff.id, staff.name) for staff in event.staff if staff.role in (StaffRole.CONDUCTOR,
                                                                           StaffRole.SECTION_TUTOR,
                                                                           StaffRole.TEACHER)])
    return form


def _staff_form(event: OrchestraEvent, sections: list[Section]) -> StaffForm:
    form = StaffForm(prefix="staff")
    form.section_id.choices = _section_choices(sections, empty=_("(no section)"))
    form.budget_line_id.choices = choices([(NONE_CHOSEN, _("(no fee)"))] + [
        (line.id, line.name) for line in events.fee_budget_lines(orchestra_season=event.orchestra_season)])
    return form


def _render_event(event: OrchestraEvent, *, session_form=None, staff_form=None, error=None, status=200):
    sections = _sections()
    page = render_template(
        "orchestra/event_staff.html", event=event, days=events.event_days(event),
        session_form=session_form or _session_form(event, sections),
        staff_form=staff_form or _staff_form(event, sections), booked=events.booked_fees(event=event),
        budget_lines={line.id: line for line in events.fee_budget_lines(orchestra_season=event.orchestra_season)},
        confirm_form=ConfirmForm(), error=error, today=events.today_in_oslo(), **_labels())
    return page, status


@bp.route("/staff/events/<int:orchestra_event_id>")
@role_required(*STAFF)
def staff_event(orchestra_event_id: int):
    """An event's schedule (tutti and sectionals) and its staff with fees."""
    return _render_event(db.get_or_404(OrchestraEvent, orchestra_event_id))


@bp.route("/staff/events/<int:orchestra_event_id>/sessions", methods=["POST"])
@role_required(*STAFF)
def staff_add_session(orchestra_event_id: int):
    """Add a session to the event's schedule."""
    event = db.get_or_404(OrchestraEvent, orchestra_event_id)
    sections = _sections()
    form = _session_form(event, sections)
    if not form.validate_on_submit():
        return _render_event(event, session_form=form, status=400)
    chosen = set(form.section_ids.data or [])
    tutor = db.session.get(EventStaff, form.tutor_id.data) if form.tutor_id.data else None
    try:
        events.add_session(event=event, kind=SessionKind(form.kind.data), day=date.fromisoformat(form.day.data),
                           starts=form.starts.data, ends=form.ends.data, room=form.room.data or "",
                           sections=[section for section in sections if section.id in chosen], tutor=tutor)
    except events.EventError as exc:
        db.session.rollback()
        return _render_event(event, session_form=form, error=str(exc), status=400)
    db.session.commit()
    flash(_("The session is added."), "success")
    return redirect(url_for("orchestra.staff_event", orchestra_event_id=event.id))


@bp.route("/staff/sessions/<int:session_id>/remove", methods=["POST"])
@role_required(*STAFF)
def staff_remove_session(session_id: int):
    """Take a session off the schedule."""
    session = db.get_or_404(EventSession, session_id)
    event_id = session.event_id
    if ConfirmForm().validate_on_submit():
        events.remove_session(session=session)
        db.session.commit()
        flash(_("The session is removed."), "success")
    return redirect(url_for("orchestra.staff_event", orchestra_event_id=event_id))


@bp.route("/staff/events/<int:orchestra_event_id>/staff", methods=["POST"])
@role_required(*STAFF)
def staff_add_staff(orchestra_event_id: int):
    """Add a conductor, tutor, teacher, tour leader or companion with their fee."""
    event = db.get_or_404(OrchestraEvent, orchestra_event_id)
    sections = _sections()
    form = _staff_form(event, sections)
    if not form.validate_on_submit():
        return _render_event(event, staff_form=form, status=400)
    user = None
    if form.email.data:
        user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == form.email.data.lower()))
        if user is None:
            form.email.errors.append(_("No account has this email."))
            return _render_event(event, staff_form=form, status=400)
    try:
        events.add_staff(event=event, name=form.name.data, role=StaffRole(form.role.data), user=user,
                         section=db.session.get(Section, form.section_id.data) if form.section_id.data else None,
                         fee=form.fee.data, is_leader=form.is_leader.data,
                         budget_line=db.session.get(BudgetLine, form.budget_line_id.data)
                         if form.budget_line_id.data else None)
    except events.AlreadyOnStaff as exc:
        db.session.rollback()
        (form.email if user else form.name).errors.append(str(exc))
        return _render_event(event, staff_form=form, status=400)
    except events.EventError as exc:
        db.session.rollback()
        return _render_event(event, staff_form=form, error=str(exc), status=400)
    db.session.commit()
    flash(_("%(name)s is on the staff.", name=form.name.data), "success")
    return redirect(url_for("orchestra.staff_event", orchestra_event_id=event.id))


@bp.route("/staff/event-staff/<int:staff_id>/remove", methods=["POST"])
@role_required(*STAFF)
def staff_remove_staff(staff_id: int):
    """Take someone off an event's staff (not once their fee is booked)."""
    staff = db.get_or_404(EventStaff, staff_id)
    back = url_for("orchestra.staff_event", orchestra_event_id=staff.event_id)
    if ConfirmForm().validate_on_submit():
        with committed_or_flashed(events.EventError, back=back):
            events.remove_staff(staff=staff)
        flash(_("The person is taken off the staff."), "success")
    return redirect(back)


@bp.route("/staff/events/<int:orchestra_event_id>/book-fees", methods=["GET", "POST"])
@role_required(*STAFF)
def staff_book_fees(orchestra_event_id: int):
    """Mark the event held: first what will be booked and what is booked already, then book the fees once."""
    event = db.get_or_404(OrchestraEvent, orchestra_event_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        back = url_for("orchestra.staff_event", orchestra_event_id=event.id)
        with committed_or_flashed(events.EventError, back=back):
            done = events.book_fees(event=event, booked_by=current_user)
        flash(_fees_booked_message(done), "success" if done.changes_anything else "info")
        return redirect(back)
    planned = events.planned_fee_bookings(event=event)
    season = event.orchestra_season.season
    figures = {figure.line.id: figure for figure in budget_lines_with_actuals(year=season.year,
                                                                              project=season.project)}
    lines = {fee.line.id: fee.line for fee in planned.fees}
    return render_template("orchestra/book_fees.html", event=event, planned=planned, form=form,
                           figures=[figures[line_id] for line_id in lines if line_id in figures],
                           has_started=event.starts_on <= events.today_in_oslo(), **_labels())


def _fees_booked_message(done: events.FeeBookings) -> str:
    """«3 fees booked (12 500,00 kr); 2 already booked, nothing changed.», from what booking the fees did."""
    if not done.fees:
        return _("Nobody on the staff has a fee to book; nothing changed.")
    if not done.changes_anything:
        return _("All fees were already booked; nothing changed.")
    parts = []
    if done.created:
        parts.append(ngettext("%(num)d fee booked (%(amount)s)", "%(num)d fees booked (%(amount)s)",
                              len(done.created), amount=money(done.total(done.created))))
    if done.changed:
        parts.append(ngettext("%(num)d booked fee changed (now %(amount)s)", "%(num)d booked fees changed (now "
                              "%(amount)s)", len(done.changed), amount=money(done.total(done.changed))))
    if done.unchanged:
        parts.append(ngettext("%(num)d already booked, nothing changed", "%(num)d already booked, nothing changed",
                              len(done.unchanged)))
    return "; ".join(parts) + "."


@bp.route("/staff/events/<int:orchestra_event_id>/replies")
@role_required(*STAFF)
def staff_replies(orchestra_event_id: int):
    """Who attends the event, who does not, and who has not replied."""
    event = db.get_or_404(OrchestraEvent, orchestra_event_id)
    rows = events.effective_replies(event=event)
    return render_template("orchestra/event_replies.html", event=event, rows=rows,
                           attending=sum(1 for row in rows if row.attending),
                           not_attending=sum(1 for row in rows if row.attending is False),
                           unknown=sum(1 for row in rows if row.attending is None), **_labels())


@bp.route("/staff/seasons/<int:orchestra_season_id>/attendance")
@role_required(*STAFF)
def staff_attendance(orchestra_season_id: int):
    """Attendance over the season per event, per section and per member, and the missing replies."""
    orchestra_season = db.get_or_404(OrchestraSeason, orchestra_season_id)
    return render_template("orchestra/attendance_staff.html", orchestra_season=orchestra_season,
                           overview=events.season_attendance(orchestra_season=orchestra_season), **_labels())


@bp.route("/staff/seasons/<int:orchestra_season_id>/message", methods=["GET", "POST"])
@role_required(*STAFF)
def staff_message(orchestra_season_id: int):
    """Email the guardians of the season, a section, an event's participants or those who have not replied."""
    orchestra_season = db.get_or_404(OrchestraSeason, orchestra_season_id)
    season_events = events.events_of_season(orchestra_season=orchestra_season)
    form = MessageForm()
    form.section_id.choices = _section_choices(_sections(), empty=_("(choose a section)"))
    form.event_id.choices = choices([(NONE_CHOSEN, _("(choose an event)"))] + [
        (event.id, f"{event.title} ({format_date(event.starts_on, 'short')})") for event in season_events])
    recipients, error = None, None
    if form.validate_on_submit():
        section = db.session.get(Section, form.section_id.data) if form.section_id.data else None
        event = next((e for e in season_events if e.id == form.event_id.data), None)
        audience = events.Audience(form.audience.data)
        try:
            if form.send.data:
                sent = events.send_message(orchestra_season=orchestra_season, audience=audience, section=section,
                                           event=event, subject=form.subject.data, body=form.body.data,
                                           sent_by=current_user)
                db.session.commit()
                flash(ngettext("The message is queued for %(num)d guardian.",
                               "The message is queued for %(num)d guardians.", len(sent)), "success")
                return redirect(url_for("orchestra.staff_message", orchestra_season_id=orchestra_season.id))
            recipients = events.message_recipients(orchestra_season=orchestra_season, audience=audience,
                                                   section=section, event=event)
        except events.EventError as exc:
            db.session.rollback()
            error = str(exc)
    return render_template("orchestra/messages_staff.html", orchestra_season=orchestra_season, form=form,
                           recipients=recipients, error=error)


# --- guardians --------------------------------------------------------------------------------------------------------

def _reply_prefix(event_id: int, child_id: int) -> str:
    return f"reply-{event_id}-{child_id}"


@bp.route("/my/calendar")
@role_required(Role.GUARDIAN)
def my_calendar():
    """The next events of each of the guardian's children, with a reply form per child."""
    today = events.today_in_oslo()
    rows = events.guardian_events(user=current_user, from_day=today)
    forms = {}
    for row in rows:
        form = ReplyForm(prefix=_reply_prefix(row.event.id, row.child.id), formdata=None)
        if row.attending is not None:
            form.is_attending.data = "yes" if row.attending else "no"
        form.note.data = row.reply.note if row.reply else ""
        forms[(row.event.id, row.child.id)] = form
    return render_template("orchestra/calendar_mine.html", rows=rows, forms=forms, today=today,
                           is_open={row.event.id: events.is_reply_open(row.event, today=today) for row in rows},
                           has_children=bool(rows) or bool(events.children_of_guardian(user=current_user)),
                           **_labels())


@bp.route("/events/<int:orchestra_event_id>/children/<int:child_id>/reply", methods=["POST"])
@role_required(Role.GUARDIAN)
def reply(orchestra_event_id: int, child_id: int):
    """A guardian's answer for one of their children; other families' children are 404."""
    child = events.guardian_child(user=current_user, child_id=child_id)
    event = db.session.get(OrchestraEvent, orchestra_event_id)
    if child is None or event is None or not events.is_member_of_event(event=event, child=child):
        abort(404)
    form = ReplyForm(prefix=_reply_prefix(event.id, child.id))
    back = url_for("orchestra.my_calendar", _anchor=f"event-{event.id}-child-{child.id}")
    if not form.validate_on_submit():
        flash(_("Answer yes or no for %(name)s.", name=child.first_name), "error")
        return redirect(back)
    with committed_or_flashed(events.EventError, back=back):
        events.save_reply(event=event, child=child, is_attending=form.is_attending.data == "yes",
                          note=form.note.data or "", replied_by=current_user, today=events.today_in_oslo())
    flash(_("Your reply for %(name)s is saved.", name=child.first_name), "success")
    return redirect(back)


@bp.route("/my/calendar-link", methods=["GET", "POST"])
@role_required(Role.GUARDIAN)
def calendar_link():
    """The guardian's secret calendar link: make one, see it, stop it."""
    form = CalendarLinkForm()
    if form.validate_on_submit():
        if form.revoke.data:
            events.revoke_calendar_links(user=current_user)
            flash(_("The calendar link no longer works."), "success")
        else:
            events.create_calendar_link(user=current_user)
            flash(_("Your new calendar link is ready; an older link no longer works."), "success")
        db.session.commit()
        return redirect(url_for("orchestra.calendar_link"))
    link = events.active_calendar_link(user=current_user)
    feed_url = url_for("orchestra.guardian_ical", token=link.token, _external=True) if link else None
    return render_template("orchestra/calendar_link.html", form=form, link=link, feed_url=feed_url)


def _ical_response(body: bytes, filename: str) -> Response:
    return Response(body, content_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f"inline; filename={filename}"})


@bp.route("/calendar/<token>.ics")
def guardian_ical(token: str):
    """A guardian's iCal feed of all their children's events; unknown or revoked tokens are 404."""
    guardian = events.guardian_of_token(token)
    if guardian is None:
        abort(404)
    with force_locale(guardian.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):  # read by a calendar app
        response = _ical_response(events.guardian_calendar(user=guardian), "orkester.ics")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/calendar")
def public_calendar():
    """The orchestra's public concerts."""
    return render_template("orchestra/calendar_public.html",
                           events=events.public_events(from_day=events.today_in_oslo()), **_labels())


@bp.route("/calendar.ics")
def public_ical():
    """The public concerts as an iCal feed."""
    return _ical_response(events.public_calendar(), "orkester-konserter.ics")


# --- attendance on a phone --------------------------------------------------------------------------------------------

def _chosen_day(event: OrchestraEvent) -> date:
    days = events.event_days(event)
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        day = None
    if day in days:
        return day
    today = events.today_in_oslo()
    return today if today in days else days[0]


def _chosen_section_id(sections: list[Section], default: int | None) -> int | None:
    wanted = request.args.get("section")
    if wanted == "all":
        return None
    if wanted and wanted.isdigit() and int(wanted) in {section.id for section in sections}:
        return int(wanted)
    return default


@bp.route("/events/<int:orchestra_event_id>/attendance", methods=["GET", "POST"])
@login_required
def take_attendance(orchestra_event_id: int):
    """Attendance of a section for one day, on a phone: a radio group per member, one form post saves all."""
    event = db.get_or_404(OrchestraEvent, orchestra_event_id)
    own_entry = events.staff_entry_of(event=event, user=current_user)
    if own_entry is None and not events.is_orchestra_staff(current_user):
        abort(404)
    sections = _sections()
    day = _chosen_day(event)
    section_id = _chosen_section_id(sections, own_entry.section_id if own_entry else None)
    here = url_for("orchestra.take_attendance", orchestra_event_id=event.id, day=day.isoformat(),
                   section=section_id or "all")
    sheet = events.attendance_sheet(event=event, day=day, section_id=section_id)
    form = AttendanceForm()
    missing = []
    if request.method == "POST" and form.validate_on_submit():
        statuses = {}
        for row in sheet:
            value = request.form.get(f"status-{row.child.id}")
            if value in {status.value for status in AttendanceStatus}:
                statuses[row.child.id] = AttendanceStatus(value)
            else:
                missing.append(row.child.id)
        if not missing and statuses:
            events.save_attendance(event=event, day=day, statuses=statuses, recorded_by=current_user)
            db.session.commit()
            flash(ngettext("Attendance is saved for %(num)d member.", "Attendance is saved for %(num)d members.",
                           len(statuses)), "success")
            return redirect(here)
    elif request.method == "POST":
        abort(400)
    return render_template(
        "orchestra/attendance_take.html", event=event, sheet=sheet, day=day, days=events.event_days(event),
        sections=sections, section_id=section_id, form=form, action=here, missing=set(missing),
        statuses=list(AttendanceStatus), may_read_health=may_read_event_health(user=current_user, event=event),
        **_labels()), 400 if missing else 200
