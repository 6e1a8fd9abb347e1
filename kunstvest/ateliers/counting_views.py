"""Counting visits on a phone and logging sales: counters, the tap API, locations and counters, the sales log."""

import uuid

import sqlalchemy as sa
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from kunstvest.applications.models import Application
from kunstvest.ateliers import bp, counting
from kunstvest.ateliers.counting_forms import AssignCounterForm, SalesForm, TapForm, parse_tap_batch
from kunstvest.ateliers.models import LocationKind, VisitLocation
from kunstvest.auth.forms import ConfirmForm
from kunstvest.auth.models import Role, RoleGrant, User
from kunstvest.common.decorators import role_required
from kunstvest.common.formatting import weekday_and_day
from kunstvest.common.forms import choices
from kunstvest.common.models import utcnow
from kunstvest.extensions import db
from kunstvest.reference.models import Season

COUNTERS = (Role.ADMIN, Role.VOLUNTEER, Role.ARTIST)


def _counting_place(location_id: int) -> counting.CountingPlace:
    """The location and its days, if the current user may count there; 404 otherwise, so that it stays unknown."""
    place = counting.countable_location(location_id=location_id, user=current_user)
    if place is None:
        abort(404)
    return place


def _kind_labels() -> dict:
    return {LocationKind.EXHIBITION: _("Exhibition"), LocationKind.ATELIER: _("Atelier")}


# --- counting ---------------------------------------------------------------------------------------------------------

@bp.route("/count")
@role_required(*COUNTERS)
def my_counters():
    """The locations the user counts at, with today's totals."""
    locations = counting.locations_counted_by(user=current_user)
    today = counting.today_in_oslo()
    totals = counting.totals_by_location(location_ids=[location.id for location in locations], day=today)
    return render_template("ateliers/counter_mine.html", locations=locations, totals=totals, today=today,
                           kind_labels=_kind_labels())


@bp.route("/count/<int:location_id>", methods=["GET", "POST"])
@role_required(*COUNTERS)
def counter(location_id: int):
    """The counter: +1, +5, a group, undo; without JavaScript each button is a plain form post."""
    place = _counting_place(location_id)
    location = place.location
    form = TapForm()
    if request.method == "POST":
        if form.validate_on_submit():
            tap = counting.TapInput(client_id=form.client_id.data, tapped_at=utcnow(),
                                    visitors=form.visitors.data or 1, group_label=(form.group_label.data or "").strip(),
                                    undoes=form.undoes.data or None)
            try:
                outcome = counting.record_taps(location=location, user=current_user, taps=[tap], days=place.days)
            except counting.CountingError as error:
                db.session.rollback()
                flash(str(error), "error")
            else:
                db.session.commit()
                if outcome.accepted:
                    flash(_("Undone.") if tap.undoes else _("Counted %(visitors)s.", visitors=tap.visitors),
                          "success")
        else:
            flash(_("The tap was not counted: the number of visitors must be from 1 to %(most)s.",
                    most=counting.MAX_VISITORS), "error")
        return redirect(url_for("ateliers.counter", location_id=location.id))
    today = counting.today_in_oslo()
    return render_template(
        "ateliers/counter.html", location=location, today=today, today_label=format_date(today, "full"),
        total=counting.location_total(location=location, day=today),
        is_counting_day=today in place.days,
        last_tap=counting.last_undoable_tap(location=location, user=current_user),
        client_id=str(uuid.uuid4()), max_visitors=counting.MAX_VISITORS)


@bp.route("/count/<int:location_id>/taps", methods=["POST"])
@role_required(*COUNTERS)
def record_taps(location_id: int):
    """Store a batch of taps from the counter's queue; a tap whose client id is stored already is skipped."""
    place = _counting_place(location_id)
    location = place.location
    try:
        taps = parse_tap_batch(request.get_json(silent=True))
        outcome = counting.record_taps(location=location, user=current_user, taps=taps, days=place.days)
    except counting.TapRefused as error:
        db.session.rollback()
        return jsonify(error=str(error), index=error.index, client_id=error.client_id), 422
    today_total = counting.location_total(location=location, day=counting.today_in_oslo())
    # Every tap of every phone comes here: after the commit only the user's own row is read again (by the
    # security headers), and this request did not change it, so reloading it would be two queries of waste.
    db.session().expire_on_commit = False
    db.session.commit()
    return jsonify(accepted=outcome.accepted, duplicates=outcome.duplicates, today_total=today_total)


# --- locations and counters (admin) -----------------------------------------------------------------------------------

def _volunteers() -> list[User]:
    return list(db.session.scalars(
        sa.select(User).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == Role.VOLUNTEER, User.is_enabled, User.erased_at.is_(None))
        .order_by(User.full_name, User.id)))


@bp.route("/admin/<year:year>/locations")
@role_required(Role.ADMIN)
def admin_locations(year: int):
    """The year's counting locations, who counts at each, and today's and all days' totals."""
    season = counting.season_of_year(year)
    locations = counting.locations_of_season(season=season) if season else []
    ids = [location.id for location in locations]
    form = AssignCounterForm()
    form.location_id.choices = choices((location.id, location.name) for location in locations)
    form.user_id.choices = choices((user.id, f"{user.full_name} ({user.email})") for user in _volunteers())
    today = counting.today_in_oslo()
    return render_template(
        "ateliers/locations_admin.html", year=year, season=season, locations=locations, form=form,
        today_totals=counting.totals_by_location(location_ids=ids, day=today),
        totals=counting.totals_by_location(location_ids=ids), kind_labels=_kind_labels(),
        confirm_form=ConfirmForm())


@bp.route("/admin/<year:year>/locations/sync", methods=["POST"])
@role_required(Role.ADMIN)
def admin_sync_locations(year: int):
    """Make the locations of the year's exhibition and ateliers, and assign each atelier's artists."""
    season = counting.season_of_year(year)
    if season is None:
        flash(_("There is no exhibition or open-atelier weekend for %(year)s.", year=year), "error")
    else:
        locations = counting.sync_locations(season=season)
        db.session.commit()
        flash(_("%(count)s locations are ready for counting.", count=len(locations)), "success")
    return redirect(url_for("ateliers.admin_locations", year=year))


@bp.route("/admin/<year:year>/counters", methods=["POST"])
@role_required(Role.ADMIN)
def admin_assign_counter(year: int):
    """Let a volunteer count at one of the year's locations."""
    season = counting.season_of_year(year)
    locations = counting.locations_of_season(season=season) if season else []
    form = AssignCounterForm()
    form.location_id.choices = choices((location.id, location.name) for location in locations)
    form.user_id.choices = choices((user.id, user.full_name) for user in _volunteers())
    if form.validate_on_submit():
        location = db.session.get(VisitLocation, form.location_id.data)
        user = db.session.get(User, form.user_id.data)
        try:
            is_new = counting.assign_counter(location=location, user=user)
        except counting.CountingError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            if is_new:
                flash(_("%(name)s counts at %(location)s and has been emailed the place, the days and the link.",
                        name=user.full_name, location=location.name), "success")
            else:
                flash(_("%(name)s already counts at %(location)s; nothing changed and no email was sent.",
                        name=user.full_name, location=location.name), "info")
    else:
        flash(_("Choose a location and a user with the volunteer role."), "error")
    return redirect(url_for("ateliers.admin_locations", year=year))


@bp.route("/admin/locations/<int:location_id>/counters/<int:user_id>/remove", methods=["POST"])
@role_required(Role.ADMIN)
def admin_unassign_counter(location_id: int, user_id: int):
    """Stop a user counting at a location; what they counted stays."""
    location = db.get_or_404(VisitLocation, location_id)
    user = db.get_or_404(User, user_id)
    if counting.unassign_counter(location=location, user=user):
        db.session.commit()
        flash(_("%(name)s no longer counts at %(location)s.", name=user.full_name, location=location.name),
              "success")
    return redirect(url_for("ateliers.admin_locations", year=db.session.get(Season, location.season_id).year))


# --- sales ------------------------------------------------------------------------------------------------------------

def _sales_form(application: Application) -> tuple[SalesForm, counting.SalesDays]:
    """The sales table of an application: one row per counting day, filled from what is logged."""
    days = counting.sales_days(application=application)
    logged = counting.sales_of(application=application)
    form = SalesForm()
    if request.method == "GET":
        for day in days.days:
            sale = logged.get(day)
            form.days.append_entry({"day": day.isoformat(), "works_sold": sale.works_sold if sale else 0,
                                    "amount": sale.amount if sale else 0, "note": sale.note if sale else ""})
    for entry, day in zip(form.days, days.days):
        shown = weekday_and_day(day)
        entry.form.works_sold.label.text = _("Works sold on %(day)s", day=shown)
        entry.form.amount.label.text = _("Amount in NOK on %(day)s", day=shown)
        entry.form.note.label.text = _("Note for %(day)s", day=shown)
    return form, days


def _save_sales(form: SalesForm, application: Application, days: counting.SalesDays) -> bool:
    """Save every row of a valid sales table; False (with errors on the form) when something is refused."""
    if not form.validate_on_submit():
        return False
    if [entry.form.day.data for entry in form.days] != [day.isoformat() for day in days.days]:
        form.form_errors.append(_("The days to log have changed since the page was opened; check them and save "
                                  "again."))
        return False
    try:
        for entry, day in zip(form.days, days.days):
            counting.save_sale(application=application, day=day, works_sold=entry.form.works_sold.data,
                               amount=entry.form.amount.data, note=entry.form.note.data or "",
                               recorded_by=current_user, days=days)
    except counting.CountingError as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return False
    db.session.commit()
    return True


def _sales_page(application: Application | None, *, back_url: str | None):
    if application is None:
        return render_template("ateliers/sales_form.html", application=None, form=None, rows=[], totals=None,
                               back_url=back_url)
    form, days = _sales_form(application)
    if request.method == "POST":
        if _save_sales(form, application, days):
            flash(_("The sales are saved."), "success")
            return redirect(request.url)
        flash(_("The sales were not saved; see the errors below."), "error")
    logged = counting.sales_of(application=application)
    totals = (sum(sale.works_sold for sale in logged.values()), sum((sale.amount for sale in logged.values()), 0))
    return render_template("ateliers/sales_form.html", application=application, form=form,
                           rows=list(zip(days.days, form.days)), totals=totals, back_url=back_url)


@bp.route("/my/sales", methods=["GET", "POST"])
@role_required(Role.ARTIST)
def my_sales():
    """The artist's own sales log: works sold and the amount for each counting day."""
    return _sales_page(counting.accepted_application_of(user=current_user), back_url=None)


@bp.route("/admin/<year:year>/sales")
@role_required(Role.ADMIN)
def admin_sales_index(year: int):
    """Every accepted artist of the year with their logged sales, linking to each artist's log."""
    season = counting.season_of_year(year)
    applications = counting.accepted_applications(season=season) if season else []
    totals = counting.sales_totals(application_ids=[application.id for application in applications])
    return render_template("ateliers/sales_admin_index.html", year=year, applications=applications, totals=totals)


@bp.route("/admin/sales/<int:application_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_sales(application_id: int):
    """An artist's sales log, as the secretariat sees and corrects it."""
    application = db.get_or_404(Application, application_id)
    if not counting.may_edit_sales(user=current_user, application=application):
        abort(404)
    return _sales_page(application, back_url=url_for("ateliers.admin_sales_index", year=application.call.year))
