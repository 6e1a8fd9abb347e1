"""Open-atelier rules: the weekends, registering and sharing an atelier, proofing, numbering and the public guide."""

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import lazyload, raiseload, selectinload

from kunstvest.applications.models import Application, ApplicationStatus, ArtistProfile, CallPhase, OpenCall
from kunstvest.ateliers.models import Atelier, AtelierArtist, AtelierDay, AtelierHours, OpenAteliers
from kunstvest.auth.models import Role
from kunstvest.common.audit import record_audit
from kunstvest.common.models import utcnow
from kunstvest.extensions import db
from kunstvest.reference.models import Municipality, Season

OSLO = ZoneInfo("Europe/Oslo")


class AtelierError(ValueError):
    """A rule of the open ateliers was broken; the message is shown to the user."""


# --- the weekends -----------------------------------------------------------------------------------------------------

def save_open_ateliers(*, season: Season, days: list[date], proofing_deadline: date | None,
                       actor) -> OpenAteliers:
    """Create or update a season's open-atelier weekends; opening hours on days no longer in them are dropped."""
    days = sorted(set(days))
    if not days:
        raise AtelierError(_l("Give at least one day of the open-atelier weekends."))
    if any(day.year != season.year for day in days):
        raise AtelierError(_l("Every day must be in %(year)s, the season's year.", year=season.year))
    if proofing_deadline is not None and proofing_deadline > days[0]:
        raise AtelierError(_l("The proofing deadline must come before the first open day."))
    open_ateliers = db.session.scalar(sa.select(OpenAteliers).where(OpenAteliers.season_id == season.id))
    if open_ateliers is None:
        open_ateliers = OpenAteliers(season=season)
        db.session.add(open_ateliers)
    kept = {day.day: day for day in open_ateliers.days if day.day in days}
    open_ateliers.days = [kept.get(day) or AtelierDay(day=day) for day in days]
    open_ateliers.proofing_deadline = proofing_deadline
    db.session.flush()
    if open_ateliers.id is not None:
        db.session.execute(sa.delete(AtelierHours).where(
            AtelierHours.atelier_id.in_(sa.select(Atelier.id).where(Atelier.open_ateliers_id == open_ateliers.id)),
            AtelierHours.day.not_in(days)))
    record_audit(actor=actor, action="open_ateliers.saved", target=open_ateliers,
                 details={"days": [day.isoformat() for day in days]})
    return open_ateliers


def all_open_ateliers() -> list[OpenAteliers]:
    """Every season's open-atelier weekends, newest first."""
    return list(db.session.scalars(
        sa.select(OpenAteliers).join(OpenAteliers.season).order_by(Season.year.desc(), OpenAteliers.id)))


def open_ateliers_in(*, year: int) -> OpenAteliers | None:
    """The open-atelier weekends of a year, if they are set."""
    return db.session.scalar(
        sa.select(OpenAteliers).join(OpenAteliers.season).where(Season.year == year).order_by(OpenAteliers.id)
        .limit(1))


def is_published(open_ateliers: OpenAteliers) -> bool:
    """True once the public guide is published."""
    return open_ateliers.guide_published_at is not None


# --- the artist's atelier ---------------------------------------------------------------------------------------------

def accepted_season_of(*, user) -> tuple[OpenAteliers, Application] | None:
    """The newest open-atelier season in which the user is accepted in a published call, with that application."""
    row = db.session.execute(
        sa.select(OpenAteliers, Application)
        .join(OpenCall, OpenCall.season_id == OpenAteliers.season_id)
        .join(Application, Application.call_id == OpenCall.id)
        .join(ArtistProfile, Application.artist_id == ArtistProfile.id)
        .join(Season, OpenAteliers.season_id == Season.id)
        .where(ArtistProfile.user_id == user.id, Application.status == ApplicationStatus.ACCEPTED,
               OpenCall.phase == CallPhase.PUBLISHED)
        .order_by(Season.year.desc()).limit(1)).first()
    return (row[0], row[1]) if row else None


def membership_of(*, application: Application) -> AtelierArtist | None:
    """The application's place in an atelier, if the artist has registered or joined one."""
    return db.session.scalar(sa.select(AtelierArtist).where(AtelierArtist.application_id == application.id))


def _require_changeable(open_ateliers: OpenAteliers, actor) -> None:
    if is_published(open_ateliers) and not (actor is not None and actor.has_role(Role.ADMIN)):
        raise AtelierError(_l("The guide is published; ask the secretariat to change your entry."))


def _require_accepted(application: Application, open_ateliers: OpenAteliers) -> None:
    if (application.call.season_id != open_ateliers.season_id or application.status != ApplicationStatus.ACCEPTED
            or application.call.phase != CallPhase.PUBLISHED):
        raise AtelierError(_l("Only artists accepted for this season can show in the open ateliers."))


def public_entry(atelier: Atelier) -> tuple:
    """What the guide shows of an atelier; when it changes, every artist of the atelier must approve again."""
    return (atelier.name, atelier.address, atelier.postcode, atelier.city, atelier.municipality_id,
            atelier.latitude, atelier.longitude, atelier.accessibility, atelier.description,
            tuple(sorted((hours.day, hours.opens, hours.closes) for hours in atelier.hours)),
            tuple(sorted(artist.application_id for artist in atelier.artists)))


def _clear_approvals(atelier: Atelier) -> None:
    for artist in atelier.artists:
        artist.approved_at = None


@dataclass(frozen=True)
class DayHours:
    """Opening hours on one day; None for both means closed."""

    day: date
    opens: time | None = None
    closes: time | None = None


def _coordinate(value: Decimal | None, limit: int, name) -> Decimal | None:
    if value is not None and not -limit <= value <= limit:
        raise AtelierError(_l("%(name)s must be between −%(limit)d and %(limit)d.", name=name, limit=limit))
    return value


def save_atelier(*, open_ateliers: OpenAteliers, atelier: Atelier | None = None,
                 application: Application | None = None, actor, name: str = "", address: str, postcode: str = "",
                 city: str = "", municipality: Municipality, latitude: Decimal | None = None,
                 longitude: Decimal | None = None, accessibility: str = "", description: str = "",
                 hours: list[DayHours] = ()) -> Atelier:
    """Register a new atelier for `application`'s artist, or change one; a changed entry needs every approval again."""
    _require_changeable(open_ateliers, actor)
    if (latitude is None) != (longitude is None):
        raise AtelierError(_l("Give both latitude and longitude, or neither."))
    _coordinate(latitude, 90, _l("Latitude"))
    _coordinate(longitude, 180, _l("Longitude"))
    season_days = {day.day for day in open_ateliers.days}
    for entry in hours:
        if entry.day not in season_days:
            raise AtelierError(_l("%(day)s is not a day of the open-atelier weekends.", day=entry.day.isoformat()))
        if (entry.opens is None) != (entry.closes is None):
            raise AtelierError(_l("Give both opening and closing time on %(day)s, or neither.",
                                  day=entry.day.isoformat()))
        if entry.opens is not None and entry.closes <= entry.opens:
            raise AtelierError(_l("On %(day)s the atelier must close after it opens.", day=entry.day.isoformat()))
    if atelier is None:
        if application is None:
            raise AtelierError(_l("A new atelier needs an artist."))
        _require_accepted(application, open_ateliers)
        if membership_of(application=application) is not None:
            raise AtelierError(_l("You already show in an atelier this season."))
        atelier = Atelier(open_ateliers=open_ateliers, artists=[AtelierArtist(application=application)])
        db.session.add(atelier)
        before = None
    else:
        before = public_entry(atelier)
    atelier.name, atelier.address, atelier.postcode, atelier.city = name, address, postcode, city
    atelier.municipality = municipality
    atelier.latitude, atelier.longitude = latitude, longitude
    atelier.accessibility, atelier.description = accessibility, description
    wanted = {entry.day: entry for entry in hours if entry.opens is not None}
    atelier.hours = [_hours_row(atelier, entry) for entry in wanted.values()]
    db.session.flush()
    if before is not None and public_entry(atelier) != before:
        _clear_approvals(atelier)
    return atelier


def _hours_row(atelier: Atelier, entry: DayHours) -> AtelierHours:
    row = next((hours for hours in atelier.hours if hours.day == entry.day), None) or AtelierHours(day=entry.day)
    row.opens, row.closes = entry.opens, entry.closes
    return row


def ateliers_to_join(*, open_ateliers: OpenAteliers) -> list[Atelier]:
    """The season's ateliers an artist may join (a shared atelier), by address."""
    return list(db.session.scalars(
        sa.select(Atelier).where(Atelier.open_ateliers_id == open_ateliers.id)
        .options(*_guide_loading()).order_by(Atelier.address, Atelier.id)))


def join_atelier(*, atelier: Atelier, application: Application, actor) -> AtelierArtist:
    """Add an accepted artist to an existing atelier at the same address; its other artists must approve again."""
    open_ateliers = atelier.open_ateliers
    _require_changeable(open_ateliers, actor)
    _require_accepted(application, open_ateliers)
    if membership_of(application=application) is not None:
        raise AtelierError(_l("You already show in an atelier this season."))
    membership = AtelierArtist(application=application)
    atelier.artists.append(membership)
    _clear_approvals(atelier)
    db.session.flush()
    return membership


def approve_entry(*, membership: AtelierArtist, now: datetime | None = None) -> None:
    """The artist approves their atelier's public entry as the guide will show it."""
    membership.approved_at = now or utcnow()


# --- proofing and publishing ------------------------------------------------------------------------------------------

def _guide_loading() -> list:
    """Load an atelier with its artists' names and disciplines in a fixed number of queries, and nothing more."""
    application = selectinload(Atelier.artists).joinedload(AtelierArtist.application)
    return [
        application.options(lazyload(Application.call), lazyload(Application.municipality),
                            raiseload(Application.works), raiseload(Application.chosen_work)),
        application.joinedload(Application.artist).options(lazyload(ArtistProfile.user),
                                                           lazyload(ArtistProfile.municipality)),
        selectinload(Atelier.hours),
    ]


def ateliers_of(*, open_ateliers: OpenAteliers, municipality_id: int | None = None) -> list[Atelier]:
    """The season's ateliers in guide order (by number; unnumbered ones by municipality and address)."""
    query = (sa.select(Atelier).join(Atelier.municipality).where(Atelier.open_ateliers_id == open_ateliers.id)
             .options(*_guide_loading())
             .order_by(Atelier.guide_number.is_(None), Atelier.guide_number, Municipality.name, Atelier.address,
                       Atelier.id))
    if municipality_id is not None:
        query = query.where(Atelier.municipality_id == municipality_id)
    return list(db.session.scalars(query).unique())


def unapproved(*, open_ateliers: OpenAteliers) -> list[AtelierArtist]:
    """The artists who have not approved their atelier's entry yet."""
    return [artist for atelier in ateliers_of(open_ateliers=open_ateliers) for artist in atelier.artists
            if artist.approved_at is None]


def accepted_without_atelier(*, open_ateliers: OpenAteliers) -> list[Application]:
    """Accepted artists of the season's published call who have neither registered nor joined an atelier."""
    registered = sa.select(AtelierArtist.application_id)
    return list(db.session.scalars(
        sa.select(Application).join(Application.call).join(Application.artist)
        .where(OpenCall.season_id == open_ateliers.season_id, OpenCall.phase == CallPhase.PUBLISHED,
               Application.status == ApplicationStatus.ACCEPTED, Application.id.not_in(registered))
        .options(raiseload(Application.works), raiseload(Application.chosen_work))
        .order_by(ArtistProfile.name)))


def number_ateliers(*, open_ateliers: OpenAteliers) -> None:
    """Number the ateliers 1…n: municipalities in alphabetical order, within each by address."""
    ateliers = list(db.session.scalars(
        sa.select(Atelier).join(Atelier.municipality).where(Atelier.open_ateliers_id == open_ateliers.id)
        .order_by(Municipality.name, Atelier.address, Atelier.id)))
    # Clear first: renumbering would otherwise collide with the unique (season, number) on the way.
    for atelier in ateliers:
        atelier.guide_number = None
    db.session.flush()
    for number, atelier in enumerate(ateliers, start=1):
        atelier.guide_number = number
    db.session.flush()


@dataclass(frozen=True)
class GuideContents:
    """What publishing the guide numbers, and who is left out of it or shown unapproved."""

    ateliers: list[Atelier]
    unapproved: list[AtelierArtist]
    without_atelier: list[Application]


def guide_contents(*, open_ateliers: OpenAteliers) -> GuideContents:
    """What the guide would hold if it were published now, for the confirmation page."""
    return GuideContents(ateliers=ateliers_of(open_ateliers=open_ateliers),
                         unapproved=unapproved(open_ateliers=open_ateliers),
                         without_atelier=accepted_without_atelier(open_ateliers=open_ateliers))


def publish_guide(*, open_ateliers: OpenAteliers, actor, anyway: bool = False,
                  now: datetime | None = None) -> GuideContents:
    """Number the ateliers and publish the guide; refused while an artist has not approved, unless `anyway`.

    Returns what was published, with the accepted artists who have no atelier and so are not in the guide.
    """
    if not open_ateliers.ateliers:
        raise AtelierError(_l("No atelier is registered yet, so there is no guide to publish."))
    contents = guide_contents(open_ateliers=open_ateliers)
    waiting = contents.unapproved
    if waiting and not anyway:
        raise AtelierError(_l("%(count)d artist(s) have not approved their entry. Wait for them, or tick "
                              "«publish anyway».", count=len(waiting)))
    number_ateliers(open_ateliers=open_ateliers)
    open_ateliers.guide_published_at = now or utcnow()
    record_audit(actor=actor, action="open_ateliers.guide_published", target=open_ateliers,
                 details={"ateliers": len(open_ateliers.ateliers), "unapproved": len(waiting)})
    return contents


# --- the public guide -------------------------------------------------------------------------------------------------

def is_open_at(atelier: Atelier, *, now: datetime) -> bool:
    """True when the atelier is open at the moment `now` (any zone), read against its Oslo opening hours."""
    local = now.astimezone(OSLO)
    return any(hours.day == local.date() and hours.opens <= local.time() < hours.closes for hours in atelier.hours)


@dataclass(frozen=True)
class GuideSection:
    """A municipality's heading in the guide and its ateliers in number order."""

    municipality: Municipality
    ateliers: list[Atelier]


def guide_sections(*, open_ateliers: OpenAteliers, municipality_id: int | None = None,
                   open_now: datetime | None = None) -> list[GuideSection]:
    """The guide's ateliers grouped by municipality; only those open at `open_now` when it is given."""
    ateliers = ateliers_of(open_ateliers=open_ateliers, municipality_id=municipality_id)
    if open_now is not None:
        ateliers = [atelier for atelier in ateliers if is_open_at(atelier, now=open_now)]
    return [GuideSection(municipality=municipality, ateliers=list(group))
            for municipality, group in itertools.groupby(ateliers, key=lambda atelier: atelier.municipality)]


def guide_municipalities(*, open_ateliers: OpenAteliers) -> list[Municipality]:
    """The municipalities that have an atelier in the season, for the guide's filter."""
    return list(db.session.scalars(
        sa.select(Municipality).where(Municipality.id.in_(
            sa.select(Atelier.municipality_id).where(Atelier.open_ateliers_id == open_ateliers.id)))
        .order_by(Municipality.name)))


def map_markers(sections: list[GuideSection]) -> list[dict]:
    """The ateliers with coordinates as map markers (number, name, address, position)."""
    return [{"number": atelier.guide_number, "name": atelier.name or ", ".join(
                artist.application.artist.name for artist in atelier.artists),
             "address": f"{atelier.address}, {atelier.postcode} {atelier.city}".strip(" ,"),
             "lat": float(atelier.latitude), "lng": float(atelier.longitude)}
            for section in sections for atelier in section.ateliers
            if atelier.latitude is not None and atelier.longitude is not None]
