"""Reference-data routes, for the secretariat."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from kunstvest.auth.models import Role
from kunstvest.budget.models import Project
from kunstvest.common.decorators import role_required
from kunstvest.extensions import db
from kunstvest.reference import bp
from kunstvest.reference.forms import MunicipalityForm, SeasonForm, VenueForm
from kunstvest.reference.models import County, Municipality, Season, Venue
from kunstvest.reference.services import ReferenceError, ensure_season, member_inhabitants, save_venue
from kunstvest.common.forms import choices


@bp.before_request
@role_required(Role.ADMIN)
def require_admin():
    """Reference data is kept by the secretariat."""


@bp.route("/municipalities")
def municipalities():
    rows = db.session.scalars(sa.select(Municipality).order_by(Municipality.is_member.desc(), Municipality.name))
    counties = db.session.scalars(sa.select(County).order_by(County.name))
    return render_template("reference/municipalities.html", municipalities=list(rows), counties=list(counties),
                           member_inhabitants=member_inhabitants())


@bp.route("/municipalities/<int:municipality_id>/edit", methods=["GET", "POST"])
def edit_municipality(municipality_id: int):
    municipality = db.get_or_404(Municipality, municipality_id)
    form = MunicipalityForm(obj=municipality)
    if form.validate_on_submit():
        municipality.inhabitants = form.inhabitants.data
        municipality.is_member = form.is_member.data
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("reference.municipalities"))
    return render_template("reference/municipality_form.html", form=form, municipality=municipality)


@bp.route("/venues")
def venues():
    rows = db.session.scalars(sa.select(Venue).join(Municipality).order_by(Municipality.name, Venue.name))
    return render_template("reference/venues.html", venues=list(rows))


def _venue_form(venue: Venue | None) -> VenueForm:
    form = VenueForm(obj=venue)
    form.municipality_id.choices = choices((m.id, m.name) for m in db.session.scalars(
        sa.select(Municipality).order_by(Municipality.name)))
    return form


@bp.route("/venues/new", methods=["GET", "POST"], defaults={"venue_id": None})
@bp.route("/venues/<int:venue_id>/edit", methods=["GET", "POST"])
def edit_venue(venue_id: int | None):
    venue = db.get_or_404(Venue, venue_id) if venue_id is not None else None
    form = _venue_form(venue)
    if form.validate_on_submit():
        try:
            save_venue(venue=venue, name=form.name.data.strip(), address=form.address.data or "",
                       municipality=db.session.get(Municipality, form.municipality_id.data),
                       latitude=form.latitude.data, longitude=form.longitude.data)
        except ReferenceError as error:
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("reference.venues"))
    return render_template("reference/venue_form.html", form=form, venue=venue)


@bp.route("/seasons", methods=["GET", "POST"])
def seasons():
    form = SeasonForm()
    form.project_id.choices = choices((p.id, p.name) for p in db.session.scalars(sa.select(Project).order_by(Project.name)))
    if form.validate_on_submit():
        ensure_season(project=db.session.get(Project, form.project_id.data), year=form.year.data,
                      title=form.title.data or "")
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("reference.seasons"))
    rows = db.session.scalars(sa.select(Season).order_by(Season.year.desc(), Season.project_id))
    return render_template("reference/seasons.html", seasons=list(rows), form=form)
