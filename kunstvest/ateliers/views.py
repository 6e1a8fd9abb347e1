"""Open ateliers: the weekends, proofing and publishing (secretariat), the artist's atelier, the public guide."""

import json

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from kunstvest.applications.labels import DISCIPLINE_LABELS
from kunstvest.ateliers import bp, documents, services
from kunstvest.ateliers.forms import HOURS_PREFIX, GuideFilterForm, JoinForm, PublishForm, WeekendsForm, atelier_form
from kunstvest.ateliers.models import Atelier
from kunstvest.auth.forms import ConfirmForm
from kunstvest.auth.models import Role
from kunstvest.budget.models import Project
from kunstvest.budget.services import active_projects
from kunstvest.common import stored_pdfs
from kunstvest.common.commits import committed_or_flashed
from kunstvest.common.decorators import role_required
from kunstvest.common.forms import choices
from kunstvest.common.models import utcnow
from kunstvest.extensions import db
from kunstvest.reference.models import Municipality
from kunstvest.reference.services import ensure_season, member_municipalities


def _discipline_labels() -> dict:
    return {key: str(label) for key, label in DISCIPLINE_LABELS.items()}


def _open_ateliers_or_404(year: int):
    open_ateliers = services.open_ateliers_in(year=year)
    if open_ateliers is None:
        abort(404)
    return open_ateliers


# --- the secretariat --------------------------------------------------------------------------------------------------

@bp.route("/admin/weekends", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_weekends():
    """The open-atelier days and proofing deadline of a season, and every season's weekends."""
    form = WeekendsForm()
    form.project_id.choices = choices(
        (project.id, project.name)
        for project in active_projects())
    editing = services.open_ateliers_in(year=request.args.get("year", type=int) or 0)
    if request.method == "GET":
        if editing is not None:
            form.project_id.data, form.year.data = editing.season.project_id, editing.year
            form.proofing_deadline.data = editing.proofing_deadline
            for entry, day in zip(form.days, editing.days):
                entry.data = day.day
        else:
            form.year.data = utcnow().year
    for number, entry in enumerate(form.days, start=1):
        entry.label.text = _("Day %(number)d", number=number)
    error = None
    if form.validate_on_submit():
        try:
            season = ensure_season(project=db.get_or_404(Project, form.project_id.data), year=form.year.data)
            services.save_open_ateliers(season=season, days=[entry.data for entry in form.days if entry.data],
                                        proofing_deadline=form.proofing_deadline.data, actor=current_user)
        except services.AtelierError as failure:
            db.session.rollback()
            error = str(failure)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("ateliers.admin_ateliers", year=form.year.data))
    return render_template("ateliers/admin_weekends.html", form=form, error=error,
                           seasons=services.all_open_ateliers()), 422 if error or form.errors else 200


@bp.route("/admin/<year:year>")
@role_required(Role.ADMIN)
def admin_ateliers(year: int):
    """The season's ateliers with their artists and who has approved their entry; publishing the guide."""
    open_ateliers = _open_ateliers_or_404(year)
    ateliers = services.ateliers_of(open_ateliers=open_ateliers)
    waiting = [artist for atelier in ateliers for artist in atelier.artists if artist.approved_at is None]
    return render_template(
        "ateliers/admin_ateliers.html", open_ateliers=open_ateliers, ateliers=ateliers, unapproved=waiting,
        without_atelier=services.accepted_without_atelier(open_ateliers=open_ateliers),
        artist_count=sum(len(atelier.artists) for atelier in ateliers))


@bp.route("/admin/<year:year>/publish", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_publish_guide(year: int):
    """Ask before publishing the guide, naming who is unapproved or has no atelier; then number and publish it."""
    open_ateliers = _open_ateliers_or_404(year)
    form = PublishForm()
    if form.validate_on_submit():
        with committed_or_flashed(services.AtelierError, back=url_for("ateliers.admin_publish_guide", year=year)):
            published = services.publish_guide(open_ateliers=open_ateliers, actor=current_user,
                                               anyway=form.anyway.data)
        _guide_published(open_ateliers)
        _flash_published(published)
        return redirect(url_for("ateliers.admin_ateliers", year=year))
    if request.method == "POST":
        abort(400)
    return render_template("ateliers/publish_confirm.html", open_ateliers=open_ateliers, form=form,
                           contents=services.guide_contents(open_ateliers=open_ateliers),
                           is_published=services.is_published(open_ateliers))


def _flash_published(published: services.GuideContents) -> None:
    """What publishing did: the ateliers numbered, and the artists shown unapproved or left out."""
    flash(ngettext("The guide is published with %(num)d atelier.", "The guide is published with %(num)d ateliers.",
                   len(published.ateliers)), "success")
    if published.unapproved:
        flash(ngettext("%(num)d artist in it has not approved their entry: %(names)s.",
                       "%(num)d artists in it have not approved their entry: %(names)s.", len(published.unapproved),
                       names=", ".join(member.application.artist.name for member in published.unapproved)),
              "warning")
    if published.without_atelier:
        flash(ngettext("%(num)d accepted artist has no atelier and is not in the guide: %(names)s.",
                       "%(num)d accepted artists have no atelier and are not in the guide: %(names)s.",
                       len(published.without_atelier),
                       names=", ".join(application.artist.name for application in published.without_atelier)),
              "warning")


# --- the artist -------------------------------------------------------------------------------------------------------

def _hours_data(atelier: Atelier | None) -> dict:
    if atelier is None:
        return {}
    return {**{f"{HOURS_PREFIX}{h.day.isoformat()}_opens": h.opens for h in atelier.hours},
            **{f"{HOURS_PREFIX}{h.day.isoformat()}_closes": h.closes for h in atelier.hours}}


@bp.route("/my", methods=["GET", "POST"])
@role_required(Role.ARTIST)
def my_atelier():
    """The accepted artist's atelier: register it or join a shared one, then proofread and approve the entry."""
    found = services.accepted_season_of(user=current_user)
    if found is None:
        return render_template("ateliers/not_accepted.html")
    open_ateliers, application = found
    membership = services.membership_of(application=application)
    atelier = membership.atelier if membership else None
    days = [day.day for day in open_ateliers.days]
    form = atelier_form(days, obj=atelier, data=_hours_data(atelier) if request.method == "GET" else None)
    form.municipality_id.choices = choices((m.id, m.name) for m in member_municipalities())
    if request.method == "GET" and atelier is None and application.artist.municipality_id:
        artist = application.artist
        form.address.data, form.postcode.data, form.city.data = artist.address, artist.postcode, artist.city
        form.municipality_id.data = artist.municipality_id
    error = None
    if form.validate_on_submit():
        try:
            atelier = services.save_atelier(
                open_ateliers=open_ateliers, atelier=atelier, application=application, actor=current_user,
                name=(form.name.data or "").strip(), address=form.address.data.strip(), postcode=form.postcode.data,
                city=form.city.data.strip(), municipality=db.get_or_404(Municipality, form.municipality_id.data),
                latitude=form.latitude.data, longitude=form.longitude.data,
                accessibility=(form.accessibility.data or "").strip(),
                description=(form.description.data or "").strip(),
                hours=[services.DayHours(day=day, opens=opens.data, closes=closes.data)
                       for day, opens, closes in form.hours_fields()])
        except services.AtelierError as failure:
            db.session.rollback()
            error = str(failure)
        else:
            db.session.commit()
            flash(_("Your atelier is saved. Check the entry below and approve it."), "success")
            return redirect(url_for("ateliers.my_atelier"))
    join_form = None
    if atelier is None:
        join_form = JoinForm()
        join_form.atelier_id.choices = choices(
            (a.id, f"{a.address}, {a.city} – {', '.join(m.application.artist.name for m in a.artists)}")
            for a in services.ateliers_to_join(open_ateliers=open_ateliers))
    return render_template(
        "ateliers/my_atelier.html", form=form, error=error, open_ateliers=open_ateliers, atelier=atelier,
        membership=membership, join_form=join_form, approve_form=ConfirmForm(),
        is_published=services.is_published(open_ateliers), discipline_labels=_discipline_labels(),
    ), 422 if error or form.errors else 200


def _my_membership_context():
    found = services.accepted_season_of(user=current_user)
    if found is None:
        flash(_("Only artists accepted for this season can show in the open ateliers."), "error")
        return None, None
    return found


@bp.route("/my/join", methods=["POST"])
@role_required(Role.ARTIST)
def join_atelier():
    """Join an atelier another accepted artist has registered at the same address."""
    open_ateliers, application = _my_membership_context()
    if application is None:
        return redirect(url_for("ateliers.my_atelier"))
    form = JoinForm()
    form.atelier_id.choices = choices((a.id, a.address) for a in open_ateliers.ateliers)
    if not form.validate_on_submit():
        flash(_("Choose one of the ateliers offered."), "error")
        return redirect(url_for("ateliers.my_atelier"))
    atelier = db.session.get(Atelier, form.atelier_id.data)
    back = url_for("ateliers.my_atelier")
    with committed_or_flashed(services.AtelierError, back=back):
        services.join_atelier(atelier=atelier, application=application, actor=current_user)
    flash(_("You have joined the atelier at %(address)s. Check the entry and approve it.", address=atelier.address),
          "success")
    return redirect(back)


@bp.route("/my/approve", methods=["POST"])
@role_required(Role.ARTIST)
def approve_entry():
    """The artist approves their atelier's entry exactly as the guide will show it."""
    application = _my_membership_context()[1]
    membership = services.membership_of(application=application) if application else None
    if membership is None:
        flash(_("Register your atelier before you approve its entry."), "error")
        return redirect(url_for("ateliers.my_atelier"))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.approve_entry(membership=membership)
    db.session.commit()
    flash(_("Thank you: your entry is approved for the guide."), "success")
    return redirect(url_for("ateliers.my_atelier"))


# --- the public guide -------------------------------------------------------------------------------------------------

def _guide_context(open_ateliers):
    """The filter form read from the query string, the sections it selects, and a name for that filter."""
    form = GuideFilterForm(formdata=request.args)
    municipalities = services.guide_municipalities(open_ateliers=open_ateliers)
    form.municipality.choices = choices([(0, _("All municipalities")), *((m.id, m.name) for m in municipalities)])
    municipality_id = form.municipality.data if form.validate() and form.municipality.data else None
    sections = services.guide_sections(open_ateliers=open_ateliers, municipality_id=municipality_id,
                                       open_now=utcnow() if form.open_now.data else None)
    return form, sections, f"{municipality_id or 'all'}-{'open-now' if form.open_now.data else 'any-time'}"


def _guide_published(open_ateliers) -> None:
    """Make the guide's PDF once this response has gone out, so that its first download is a stored file.

    Publishing is the one change: from then on the artists' entries are locked.
    """
    year = open_ateliers.year
    stored_pdfs.after_response(lambda: _whole_guide_pdf(year))


def _whole_guide_pdf(year: int) -> bytes:
    open_ateliers = services.open_ateliers_in(year=year)
    sections = services.guide_sections(open_ateliers=open_ateliers, municipality_id=None, open_now=None)
    return documents.guide_pdf(open_ateliers=open_ateliers, sections=sections, discipline_labels=_discipline_labels(),
                               variant="all-any-time")


def _may_see_guide(open_ateliers) -> bool:
    return services.is_published(open_ateliers) or (
        current_user.is_authenticated and current_user.has_role(Role.ADMIN))


@bp.route("/<year:year>/guide")
def guide(year: int):
    """The public guide: the numbered ateliers by municipality, a filter, a map and the printable guide."""
    open_ateliers = _open_ateliers_or_404(year)
    if not _may_see_guide(open_ateliers):
        return render_template("ateliers/guide_soon.html", open_ateliers=open_ateliers)
    form, sections, _variant = _guide_context(open_ateliers)
    markers = services.map_markers(sections)
    return render_template(
        "ateliers/guide.html", open_ateliers=open_ateliers, form=form, sections=sections,
        count=sum(len(section.ateliers) for section in sections), markers_json=json.dumps(markers),
        tile_url=current_app.config["MAP_TILE_URL"], attribution=current_app.config["MAP_ATTRIBUTION"],
        discipline_labels=_discipline_labels())


@bp.route("/<year:year>/guide.pdf")
def guide_pdf(year: int):
    """The printable guide as a PDF: the same list as the page, with the same filter."""
    open_ateliers = _open_ateliers_or_404(year)
    if not _may_see_guide(open_ateliers):
        abort(404)
    _, sections, variant = _guide_context(open_ateliers)
    body = documents.guide_pdf(open_ateliers=open_ateliers, sections=sections,
                               discipline_labels=_discipline_labels(), variant=variant)
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=atelierguide-{year}.pdf"})
