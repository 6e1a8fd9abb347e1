"""Reference data services: municipalities, venues and seasons."""

from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from kunstvest.extensions import db
from kunstvest.reference.models import County, Municipality, Season, Venue


class ReferenceError(Exception):
    """A reference-data rule was broken; the message is shown to the user."""


def member_municipalities() -> list[Municipality]:
    """The alliance's member municipalities, by name."""
    return list(db.session.scalars(
        sa.select(Municipality).where(Municipality.is_member.is_(True)).order_by(Municipality.name)))


def member_inhabitants() -> int:
    """Inhabitants of all member municipalities: the base of the membership fee."""
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Municipality.inhabitants), 0)).where(Municipality.is_member.is_(True)))


def save_county(*, number: str, name: str, is_member: bool) -> County:
    """Create or update a county by its number."""
    county = db.session.scalar(sa.select(County).where(County.number == number)) or County(number=number)
    county.name, county.is_member = name, is_member
    db.session.add(county)
    db.session.flush()
    return county


def save_municipality(*, number: str, name: str, county: County, inhabitants: int,
                      is_member: bool = True) -> Municipality:
    """Create or update a municipality by its number."""
    if inhabitants < 0:
        raise ReferenceError(_l("Inhabitants cannot be negative."))
    municipality = (db.session.scalar(sa.select(Municipality).where(Municipality.number == number))
                    or Municipality(number=number))
    municipality.name, municipality.county, municipality.inhabitants = name, county, inhabitants
    municipality.is_member = is_member
    db.session.add(municipality)
    db.session.flush()
    return municipality


def save_venue(*, venue: Venue | None = None, name: str, address: str, municipality: Municipality,
               latitude: Decimal | None = None, longitude: Decimal | None = None) -> Venue:
    """Create or update a venue; one name per municipality."""
    clash = db.session.scalar(sa.select(Venue).where(Venue.name == name, Venue.municipality_id == municipality.id))
    if clash is not None and clash is not venue:
        raise ReferenceError(_l("%(municipality)s already has a venue called «%(name)s».",
                                municipality=municipality.name, name=name))
    if (latitude is None) != (longitude is None):
        raise ReferenceError(_l("Give both latitude and longitude, or neither."))
    if venue is None:
        venue = Venue()
        db.session.add(venue)
    venue.name, venue.address, venue.municipality = name, address, municipality
    venue.latitude, venue.longitude = latitude, longitude
    db.session.flush()
    return venue


def ensure_season(*, project, year: int, title: str = "") -> Season:
    """The project's season for a year, created when missing."""
    season = db.session.scalar(sa.select(Season).where(Season.project_id == project.id, Season.year == year))
    if season is None:
        season = Season(project_id=project.id, year=year, title=title)
        db.session.add(season)
        db.session.flush()
    return season
