"""make_* factories: the smallest valid objects, with overrides as keyword arguments."""

import io
import itertools
from decimal import Decimal

import sqlalchemy as sa

from kunstvest.auth.models import Role, RoleGrant, User
from kunstvest.auth.services import hash_password
from kunstvest.budget.models import BudgetCategory
from kunstvest.budget.services import save_budget_line, save_project
from kunstvest.common.models import utcnow
from kunstvest.extensions import db
from kunstvest.reference.services import save_county, save_municipality, save_venue

PASSWORD = "correct horse battery"
_sequence = itertools.count(1)

# Hashing with argon2's default cost in every factory call would dominate the suite's time.
_PASSWORD_HASH = None


def _password_hash(password: str) -> str:
    global _PASSWORD_HASH
    if password != PASSWORD:
        return hash_password(password)
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = hash_password(PASSWORD)
    return _PASSWORD_HASH


def make_user(*, roles=(), email: str | None = None, full_name: str | None = None, verified: bool = True,
              password: str = PASSWORD, locale: str = "nb") -> User:
    """A user with the given roles, verified unless told otherwise."""
    number = next(_sequence)
    user = User(email=email or f"user{number}@example.org", full_name=full_name or f"Test Person {number}",
                password_hash=_password_hash(password), locale=locale,
                email_verified_at=utcnow() if verified else None)
    for role in roles:
        user.role_grants.append(RoleGrant(role=Role(role)))
    db.session.add(user)
    db.session.flush()
    return user


def make_county(*, number: str = "06", name: str = "Buskerud", is_member: bool = True):
    """A county."""
    return save_county(number=number, name=name, is_member=is_member)


def make_municipality(*, name: str | None = None, inhabitants: int = 10_000, county=None):
    """A member municipality (with a county when none is given)."""
    number = next(_sequence)
    return save_municipality(number=f"{number:04d}"[-4:], name=name or f"Kommune {number}",
                             county=county or make_county(number=f"{number % 100:02d}", name=f"Fylke {number}"),
                             inhabitants=inhabitants)


def make_venue(*, name: str | None = None, municipality=None):
    """A venue in a municipality."""
    return save_venue(name=name or f"Lokale {next(_sequence)}", address="Storgata 1",
                      municipality=municipality or make_municipality())


def make_project(*, code: str | None = None, name: str | None = None):
    """A project."""
    number = next(_sequence)
    return save_project(code=code or f"project-{number}", name=name or f"Project {number}")


def make_budget_line(*, project=None, year: int = 2017, category: BudgetCategory = BudgetCategory.MATERIALS,
                     name: str | None = None, amount: str = "1000.00", funder: str | None = None):
    """A budget line of a project and year."""
    return save_budget_line(project=project or make_project(), year=year, category=category,
                            name=name or f"Line {next(_sequence)}", budgeted_amount=Decimal(amount), funder=funder)


def make_call(*, year: int = 2017, phase=None, criteria=None, capacity: int = 100, min_works: int = 1,
              max_works: int = 6, is_blind: bool = True, jurors=(), opens_at=None, closes_at=None, **fields):
    """An open call for a season, open now unless told otherwise, with a two-criterion rubric."""
    from datetime import timedelta

    from kunstvest.applications.models import CallPhase
    from kunstvest.applications.services import CriterionSpec, assign_juror, save_call
    from kunstvest.reference.services import ensure_season

    season = ensure_season(project=make_project(), year=year)
    now = utcnow()
    call = save_call(season=season, title=f"Kunst rett vest {year}", opens_at=opens_at or now - timedelta(days=10),
                     closes_at=closes_at or now + timedelta(days=10), capacity=capacity, min_works=min_works,
                     max_works=max_works, is_blind=is_blind,
                     work_choice_deadline=fields.pop("work_choice_deadline", (now + timedelta(days=60)).date()),
                     criteria=criteria or [CriterionSpec("Artistic quality", Decimal("2")),
                                           CriterionSpec("Fit for the exhibition", Decimal("1"))], **fields)
    call.phase = phase or CallPhase.OPEN
    for juror in jurors:
        assign_juror(call=call, juror=juror, actor=None)
    db.session.flush()
    return call


def make_artist(*, user=None, name: str | None = None, municipality=None, **fields):
    """An artist profile (with an artist account unless `user=False`)."""
    from kunstvest.applications.services import save_profile

    if user is None:
        user = make_user(roles=[Role.ARTIST], full_name=name)
    return save_profile(user=user or None, name=name or (user.full_name if user else "Artist"),
                        municipality=municipality or make_municipality(), **fields)


def make_image(*, stored: bool = False):
    """An image row; with `stored`, a real JPEG processed and put in the app's storage like an upload.

    Without it there are no files on disk: enough for rules that only need a work to have an image.
    """
    from kunstvest.applications.models import ImageFile

    if stored:
        from flask import current_app
        from PIL import Image

        from kunstvest.applications.images import ImageLimits
        from kunstvest.applications.services import save_image
        from kunstvest.common.storage import storage

        stream = io.BytesIO()
        Image.new("RGB", (1600, 1200), (next(_sequence) % 256, 90, 60)).save(stream, "JPEG")
        stream.seek(0)
        return save_image(stream=stream, limits=ImageLimits.from_config(current_app.config), store=storage())
    image = ImageFile(sha256=f"{next(_sequence):064x}", width=2000, height=1500)
    db.session.add(image)
    db.session.flush()
    return image


def make_application(*, call=None, artist=None, works: int = 1, submit: bool = True, statement: str = "Mitt arbeid"):
    """An application with works (each with an image), submitted unless told otherwise."""
    from kunstvest.applications.services import save_statement, save_work, start_application, submit_application

    call = call or make_call()
    application = start_application(call=call, artist=artist or make_artist())
    save_statement(application=application, statement=statement)
    for number in range(works):
        save_work(application=application, title=f"Verk {number + 1}", year=2017, technique="Olje på lerret",
                  width_cm=Decimal("60"), height_cm=Decimal("80"), price=Decimal("12000"), image=make_image())
    if submit:
        submit_application(application=application)
    return application


def make_scored_applications(*, call, count: int, seed: int = 1):
    """`count` submitted applications with one work each, scored by every juror on every criterion, in bulk.

    Rows are inserted directly (not through the services) so that hundreds take a fraction of a second; the query
    count tests and bench/open_call.py use it to grow a call from 20 to 500 applications.
    """
    import random

    from kunstvest.applications.models import Application, ApplicationStatus, ArtistProfile, Review, Score, Work

    generator = random.Random(seed)
    municipalities = [make_municipality() for _ in range(3)]
    image = make_image()
    now = utcnow()
    artists = [ArtistProfile(name=f"Kunstner {next(_sequence)}", municipality=generator.choice(municipalities))
               for _ in range(count)]
    db.session.add_all(artists)
    db.session.flush()
    from kunstvest.applications.services import free_references

    references = free_references(call=call, count=count)
    applications = [Application(call_id=call.id, artist_id=artist.id, status=ApplicationStatus.SUBMITTED,
                                statement="Statement", submitted_at=now, reference=reference,
                                municipality_id=artist.municipality_id, discipline=artist.discipline,
                                is_first_timer=generator.random() < 0.25)
                    for artist, reference in zip(artists, references, strict=True)]
    db.session.add_all(applications)
    db.session.flush()
    db.session.add_all(Work(application_id=a.id, position=1, title=f"Verk {a.id}", image_id=image.id)
                       for a in applications)
    reviews = [Review(application_id=a.id, juror_id=assignment.juror_id, comment="")
               for a in applications for assignment in call.jurors]
    db.session.add_all(reviews)
    db.session.flush()
    db.session.add_all(Score(review_id=review.id, criterion_id=criterion.id,
                             value=generator.randint(criterion.scale_min, criterion.scale_max))
                       for review in reviews for criterion in call.criteria)
    db.session.flush()
    return applications


# --- exhibitions and open ateliers ---------------------------------------------------------------------------------------

def make_accepted_applications(*, call=None, count: int = 1, municipality=None):
    """`count` applications accepted and published, each with a confirmed chosen work (the first applied work)."""
    from kunstvest.applications.models import ApplicationStatus, CallPhase, ChosenWork

    call = call or make_call()
    applications = [make_application(call=call, artist=make_artist(municipality=municipality) if municipality
                                     else None) for _ in range(count)]
    now = utcnow()
    for application in applications:
        application.status, application.decided_at = ApplicationStatus.ACCEPTED, now
        work = application.works[0]
        db.session.add(ChosenWork(application=application, source_work_id=work.id, title=work.title, year=work.year,
                                  technique=work.technique, width_cm=work.width_cm, height_cm=work.height_cm,
                                  price=work.price, insurance_value=work.price, is_for_sale=True, image=work.image,
                                  confirmed_at=now))
    call.phase, call.published_at = CallPhase.PUBLISHED, now
    db.session.flush()
    return applications


def make_exhibition(*, season=None, year: int = 2017, host=None, venue=None, opens_on=None, closes_on=None,
                    **fields):
    """A season's joint exhibition (7–24 September of `year` unless told otherwise), open 12–17 Tuesday–Sunday."""
    from datetime import date, time

    from kunstvest.exhibitions.models import Exhibition, HostStatus, OpeningHours
    from kunstvest.reference.services import ensure_season

    season = season or ensure_season(project=make_project(), year=year)
    host = host or make_municipality()
    exhibition = Exhibition(
        season=season, title=fields.pop("title", f"Kunst rett vest {season.year}"), host_municipality=host,
        host_status=fields.pop("host_status", HostStatus.CONFIRMED), venue=venue or make_venue(municipality=host),
        opens_on=opens_on or date(season.year, 9, 7), closes_on=closes_on or date(season.year, 9, 24),
        opening_hours=[OpeningHours(weekday=weekday, opens=time(12), closes=time(17)) for weekday in range(1, 7)],
        **fields)
    db.session.add(exhibition)
    db.session.flush()
    return exhibition


def make_open_ateliers(*, season=None, year: int = 2017, days=None, **fields):
    """A season's open-atelier weekends: by default the third and fourth weekend of September 2017's pattern."""
    from datetime import date

    from kunstvest.ateliers.models import AtelierDay, OpenAteliers
    from kunstvest.reference.services import ensure_season

    season = season or ensure_season(project=make_project(), year=year)
    days = days or [date(season.year, 9, day) for day in (16, 17, 23, 24)]
    open_ateliers = OpenAteliers(season=season, days=[AtelierDay(day=day) for day in days], **fields)
    db.session.add(open_ateliers)
    db.session.flush()
    return open_ateliers


def make_atelier(*, open_ateliers, applications=(), municipality=None, address: str | None = None, **fields):
    """An atelier of the given accepted applications, open 11–17 on every day of the weekends."""
    from datetime import time

    from kunstvest.ateliers.models import Atelier, AtelierArtist, AtelierHours

    atelier = Atelier(open_ateliers=open_ateliers, address=address or f"Verkstedveien {next(_sequence)}",
                      municipality=municipality or make_municipality(),
                      artists=[AtelierArtist(application=application) for application in applications],
                      hours=[AtelierHours(day=day.day, opens=time(11), closes=time(17))
                             for day in open_ateliers.days], **fields)
    db.session.add(atelier)
    db.session.flush()
    return atelier


def make_location(*, exhibition=None, atelier=None, users=()):
    """A place to count visits at (the exhibition or an atelier), with the users who may count there."""
    from kunstvest.ateliers.models import LocationAssignment, LocationKind, VisitLocation

    if exhibition is not None:
        location = VisitLocation(season_id=exhibition.season_id, kind=LocationKind.EXHIBITION,
                                 exhibition_id=exhibition.id, name=exhibition.venue.name if exhibition.venue
                                 else exhibition.title, municipality_id=exhibition.host_municipality_id)
    else:
        location = VisitLocation(season_id=atelier.open_ateliers.season_id, kind=LocationKind.ATELIER,
                                 atelier_id=atelier.id, name=atelier.name or atelier.address,
                                 municipality_id=atelier.municipality_id)
    location.assignments = [LocationAssignment(user_id=user.id) for user in users]
    db.session.add(location)
    db.session.flush()
    return location


# --- the youth orchestra ---------------------------------------------------------------------------------------------------

def make_orchestra_season(*, year: int = 2017, season=None, **fields):
    """An orchestra season starting 1 September of `year`, with the standard sections."""
    from datetime import date

    from kunstvest.orchestra.models import OrchestraSeason
    from kunstvest.orchestra.sections import ensure_sections
    from kunstvest.reference.services import ensure_season

    ensure_sections()
    season = season or ensure_season(project=make_project(), year=year)
    orchestra_season = OrchestraSeason(season=season, starts_on=fields.pop("starts_on", date(season.year, 9, 1)),
                                       ends_on=fields.pop("ends_on", date(season.year + 1, 6, 30)), **fields)
    db.session.add(orchestra_season)
    db.session.flush()
    return orchestra_season


def make_child(*, guardians=(), date_of_birth=None, instrument: str = "violin", years_played: int = 2, **fields):
    """A child of the given guardians (users with the guardian role are made when none are given)."""
    from datetime import date

    from kunstvest.orchestra.models import Child, ChildInstrument, Guardianship

    guardians = list(guardians) or [make_user(roles=[Role.GUARDIAN])]
    number = next(_sequence)
    child = Child(first_name=fields.pop("first_name", f"Barn{number}"), last_name=fields.pop("last_name", "Hansen"),
                  date_of_birth=date_of_birth or date(2005, 5, 17), municipality=fields.pop("municipality", None)
                  or make_municipality(), instruments=[ChildInstrument(instrument=instrument,
                                                                       years_played=years_played)],
                  guardianships=[Guardianship(user_id=guardian.id) for guardian in guardians], **fields)
    db.session.add(child)
    db.session.flush()
    return child


def make_enrolment(*, orchestra_season, child=None, status=None, section_code: str | None = None, **fields):
    """A child's enrolment in a season (admitted to the section of their instrument unless told otherwise)."""
    from kunstvest.orchestra.models import Enrolment, EnrolmentStatus, Group, Section

    child = child or make_child()
    instrument = child.instruments[0].instrument
    status = status or EnrolmentStatus.ADMITTED
    section = None
    if status == EnrolmentStatus.ADMITTED:
        query = sa.select(Section).where(Section.code == section_code) if section_code else (
            sa.select(Section).where(Section.instrument == instrument).order_by(Section.position))
        section = db.session.scalars(query).first()
    enrolment = Enrolment(orchestra_season=orchestra_season, child=child, status=status, instrument=instrument,
                          section=section, group=fields.pop("group", Group.SENIOR if section else None), **fields)
    db.session.add(enrolment)
    db.session.flush()
    return enrolment
