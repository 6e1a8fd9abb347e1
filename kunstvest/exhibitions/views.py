"""The exhibition's admin pages (hosts, the exhibition, funding, placement, labels, price list) and the catalogue."""

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from kunstvest.auth.forms import ConfirmForm
from kunstvest.auth.models import Role
from kunstvest.budget.labels import CATEGORY_LABELS
from kunstvest.budget.models import BudgetLine, Project
from kunstvest.budget.services import BookingChange, active_projects, budget_lines_with_actuals
from kunstvest.common import stored_pdfs
from kunstvest.common.commits import committed_or_flashed
from kunstvest.common.decorators import role_required
from kunstvest.common.downloads import attachment
from kunstvest.common.formatting import date_short, money
from kunstvest.common.forms import choices
from kunstvest.exhibitions import bp, documents, services
from kunstvest.exhibitions.forms import ExhibitionForm, FundingForm, placement_form
from kunstvest.exhibitions.labels import HOST_STATUS_LABELS, WEEKDAY_LABELS
from kunstvest.exhibitions.models import Exhibition, Funding, HostStatus
from kunstvest.extensions import db
from kunstvest.reference.models import Municipality, Venue
from kunstvest.reference.services import ensure_season, member_municipalities

# The project whose exhibitions the pages show unless the admin picks another one.
PROJECT_CODE = "kunst-rett-vest"
OSLO = ZoneInfo("Europe/Oslo")


def _today():
    return datetime.now(OSLO).date()


def _labels() -> dict:
    return {"status_labels": {key: str(label) for key, label in HOST_STATUS_LABELS.items()},
            "weekday_labels": [str(label) for label in WEEKDAY_LABELS]}


def _project_by_code(code: str) -> Project | None:
    return db.session.scalar(sa.select(Project).where(Project.code == code))


def _pdf(body: bytes, filename: str) -> Response:
    return attachment(body, filename=filename, content_type="application/pdf")


def _documents_changed(exhibition: Exhibition) -> None:
    """Make the wall labels and price list once this response has gone out, so their next download is stored."""
    exhibition_id = exhibition.id
    stored_pdfs.after_response(lambda: documents.build_documents(exhibition_id))


# --- hosts and the exhibition -----------------------------------------------------------------------------------------

@bp.route("/admin/")
@role_required(Role.ADMIN)
def admin_hosts():
    """Every season's exhibition of a project, newest first, and a warning when next year's host is not settled."""
    project = _project_by_code(request.args.get("project", PROJECT_CODE))
    projects = active_projects()
    today = _today()
    return render_template(
        "exhibitions/admin_hosts.html", project=project, projects=projects, next_year=today.year + 1,
        exhibitions=services.hosts_overview(project=project) if project else [],
        warnings=services.host_warnings(project=project, today=today) if project else [], **_labels())


def _exhibition_form(exhibition: Exhibition | None) -> ExhibitionForm:
    hours = {row.weekday: row for row in exhibition.opening_hours} if exhibition else {}
    form = ExhibitionForm(obj=exhibition, data={"hours": [
        {"opens": hours[day].opens, "closes": hours[day].closes} if day in hours else {} for day in range(7)]})
    municipalities = member_municipalities()
    if exhibition is not None and exhibition.host_municipality and exhibition.host_municipality not in municipalities:
        municipalities.append(exhibition.host_municipality)
    form.host_municipality_id.choices = choices(
        [("", _("Not chosen yet"))] + [(municipality.id, municipality.name) for municipality in municipalities])
    venues = db.session.scalars(sa.select(Venue).join(Venue.municipality).order_by(Municipality.name, Venue.name))
    form.venue_id.choices = choices([("", _("No venue yet"))] + [
        (venue.id, f"{venue.name} ({venue.municipality.name})") for venue in venues])
    if exhibition is None:
        projects = active_projects()
        form.project_id.choices = choices((project.id, project.name) for project in projects)
        if request.method == "GET":
            default = _project_by_code(PROJECT_CODE)
            form.project_id.data = request.args.get("project_id", type=int) or (default.id if default else None)
            form.year.data = request.args.get("year", type=int) or _today().year + 1
    else:
        # The season is fixed: funding, works and the programme belong to it.
        del form.project_id
        del form.year
        form.keep_to_year(exhibition.year)
    return form


def _opening_hours(form: ExhibitionForm) -> dict:
    return {weekday: (entry.form.opens.data, entry.form.closes.data)
            for weekday, entry in enumerate(form.hours) if entry.form.opens.data is not None}


@bp.route("/admin/new", methods=["GET", "POST"], defaults={"exhibition_id": None})
@bp.route("/admin/<int:exhibition_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_edit_exhibition(exhibition_id: int | None):
    """Create a season's exhibition or change its host, venue, dates, hours and description."""
    exhibition = db.get_or_404(Exhibition, exhibition_id) if exhibition_id is not None else None
    form = _exhibition_form(exhibition)
    error = None
    if form.validate_on_submit():
        host_id, venue_id = form.host_municipality_id.data, form.venue_id.data
        try:
            season = exhibition.season if exhibition else ensure_season(
                project=db.get_or_404(Project, form.project_id.data), year=form.year.data)
            exhibition = services.save_exhibition(
                exhibition=exhibition, season=season, title=form.title.data.strip(),
                host_municipality=db.session.get(Municipality, host_id) if host_id else None,
                host_status=HostStatus(form.host_status.data), host_note=(form.host_note.data or "").strip(),
                host_contribution=form.host_contribution.data,
                venue=db.session.get(Venue, venue_id) if venue_id else None, opens_on=form.opens_on.data,
                closes_on=form.closes_on.data, opening_hours=_opening_hours(form),
                description=(form.description.data or "").strip(), actor=current_user)
        except services.ExhibitionError as failure:
            db.session.rollback()
            error = str(failure)
        else:
            db.session.commit()
            _documents_changed(exhibition)
            flash(_("Saved."), "success")
            return redirect(url_for("exhibitions.admin_exhibition", exhibition_id=exhibition.id))
    return render_template("exhibitions/admin_exhibition_form.html", form=form, exhibition=exhibition, error=error,
                           **_labels())


# --- funding ----------------------------------------------------------------------------------------------------------

def _funding_form(exhibition: Exhibition, funding: Funding | None = None) -> FundingForm:
    form = FundingForm(obj=funding)
    # Booked as an actual of the season's budget: the day it came in lies in the budget's year.
    form.received_on.within_years(exhibition.year, reason=_("the budget of %(year)s", year=exhibition.year))
    form.budget_line_id.choices = choices(
        (line.id, f"{line.name} ({CATEGORY_LABELS[line.category.value]})")
        for line in services.income_lines(season=exhibition.season))
    return form


def _funding_step(form: FundingForm, exhibition: Exhibition, funding: Funding | None) -> tuple[object, str | None]:
    """The response to a valid funding form: a confirmation when saving books, else save and redirect; or an error."""
    line = db.session.get(BudgetLine, form.budget_line_id.data)
    planned = services.planned_funding_booking(funding=funding, amount=form.amount.data, budget_line=line,
                                               received_on=form.received_on.data)
    if planned is not None and planned.change != BookingChange.UNCHANGED and \
            request.form.get("confirm_booking") != "yes":
        figures = [figure for figure in budget_lines_with_actuals(year=exhibition.year,
                                                                  project=exhibition.season.project)
                   if figure.line.id == line.id]
        return render_template("exhibitions/confirm_funding_booking.html", form=form, exhibition=exhibition,
                               funding=funding, line=line, planned=planned, figures=figures), None
    try:
        saved = services.save_funding(exhibition=exhibition, funding=funding, funder=form.funder.data.strip(),
                                      amount=form.amount.data, budget_line=line, received_on=form.received_on.data,
                                      note=(form.note.data or "").strip())
    except services.ExhibitionError as failure:
        db.session.rollback()
        return None, str(failure)
    db.session.commit()
    flash(_funding_saved_message(saved), "success")
    return redirect(url_for("exhibitions.admin_exhibition", exhibition_id=exhibition.id)), None


def _funding_saved_message(saved: services.FundingSaved) -> str:
    """What saving the funding did, to the budget too."""
    booking = saved.booking
    if booking is None:
        return _("The funding is saved.")
    facts = {"amount": money(booking.transaction.amount), "line": saved.funding.budget_line.name,
             "date": date_short(booking.transaction.booked_on)}
    if booking.change == BookingChange.CREATED:
        return _("The funding is saved and %(amount)s is booked as received on «%(line)s», %(date)s.", **facts)
    if booking.change == BookingChange.CHANGED:
        return _("The funding is saved and its booking is changed to %(amount)s on «%(line)s», %(date)s.", **facts)
    return _("The funding is saved. It was booked already as received; the booking is unchanged.")


@bp.route("/admin/<int:exhibition_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_exhibition(exhibition_id: int):
    """One exhibition: its facts and hours, its funding (with a form to add some), and links to works and labels."""
    exhibition = db.get_or_404(Exhibition, exhibition_id)
    form = _funding_form(exhibition)
    error = None
    if form.validate_on_submit():
        response, error = _funding_step(form, exhibition, None)
        if response is not None:
            return response
    return render_template(
        "exhibitions/admin_exhibition.html", exhibition=exhibition, funding_form=form, error=error,
        host_offer=services.host_contribution_offer(exhibition=exhibition), confirm_form=ConfirmForm(),
        has_call=services.season_call(exhibition=exhibition) is not None, **_labels())


@bp.route("/admin/funding/<int:funding_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_edit_funding(funding_id: int):
    """Change a funding line or mark it received, which books it once in the budget's actuals after a confirmation."""
    funding = db.get_or_404(Funding, funding_id)
    exhibition = funding.exhibition
    form = _funding_form(exhibition, funding)
    error = None
    if form.validate_on_submit():
        response, error = _funding_step(form, exhibition, funding)
        if response is not None:
            return response
    return render_template("exhibitions/admin_funding_form.html", form=form, funding=funding, exhibition=exhibition,
                           error=error)


@bp.route("/admin/<int:exhibition_id>/funding/host-contribution", methods=["POST"])
@role_required(Role.ADMIN)
def admin_add_host_contribution(exhibition_id: int):
    """Add the host contribution as funding on the project's host municipality line."""
    exhibition = db.get_or_404(Exhibition, exhibition_id)
    back = url_for("exhibitions.admin_exhibition", exhibition_id=exhibition.id)
    if ConfirmForm().validate_on_submit():
        with committed_or_flashed(services.ExhibitionError, back=back):
            services.add_host_contribution(exhibition=exhibition)
        flash(_("The host contribution is added to the funding."), "success")
    return redirect(back)


# --- works, placement and printed documents ---------------------------------------------------------------------------

@bp.route("/admin/<int:exhibition_id>/placements", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_placements(exhibition_id: int):
    """The exhibition's works with their room, wall and label number, all edited in one form."""
    exhibition = db.get_or_404(Exhibition, exhibition_id)
    entries = services.exhibition_entries(exhibition=exhibition)
    form = placement_form(entries)
    error = None
    if form.validate_on_submit():
        rows = [services.PlacementSpec(chosen_id, (room.data or "").strip(), (wall.data or "").strip(), label.data)
                for chosen_id, (room, wall, label) in form.rows().items()]
        try:
            services.save_placements(exhibition=exhibition, rows=rows)
        except services.DuplicateLabelNumber as failure:
            db.session.rollback()
            error = str(failure)
            for chosen_id in failure.chosen_work_ids:
                form.rows()[chosen_id][2].errors = [_("This label number is used more than once.")]
        except services.ExhibitionError as failure:
            db.session.rollback()
            error = str(failure)
        else:
            db.session.commit()
            _documents_changed(exhibition)
            flash(_("The placement is saved."), "success")
            return redirect(url_for("exhibitions.admin_placements", exhibition_id=exhibition.id))
    return render_template("exhibitions/admin_placements.html", exhibition=exhibition, entries=entries, form=form,
                           error=error, has_call=services.season_call(exhibition=exhibition) is not None)


@bp.route("/admin/<int:exhibition_id>/wall-labels.pdf")
@role_required(Role.ADMIN)
def admin_wall_labels(exhibition_id: int):
    """The wall labels of every work as a PDF to print."""
    exhibition = db.get_or_404(Exhibition, exhibition_id)
    body = documents.wall_labels_pdf(exhibition=exhibition,
                                     entries=services.exhibition_entries(exhibition=exhibition))
    return _pdf(body, _("wall-labels-%(year)s.pdf", year=exhibition.year))


@bp.route("/admin/<int:exhibition_id>/price-list.pdf")
@role_required(Role.ADMIN)
def admin_price_list(exhibition_id: int):
    """The price list in label-number order as a PDF."""
    exhibition = db.get_or_404(Exhibition, exhibition_id)
    body = documents.price_list_pdf(exhibition=exhibition,
                                    entries=services.exhibition_entries(exhibition=exhibition))
    return _pdf(body, _("price-list-%(year)s.pdf", year=exhibition.year))


# --- the public catalogue ---------------------------------------------------------------------------------------------

@bp.route("/<year:year>/catalogue")
def catalogue(year: int):
    """The season's exhibition and its artists with one work each, once the jury's results are published."""
    project = _project_by_code(PROJECT_CODE)
    exhibition = services.exhibition_for(project=project, year=year) if project else None
    if exhibition is None:
        abort(404)
    return render_template("exhibitions/catalogue.html", exhibition=exhibition,
                           works=services.catalogue_works(exhibition=exhibition), **_labels())
