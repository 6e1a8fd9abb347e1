"""Demo exhibitions and open ateliers of Kunst rett vest: the reported 2016 and 2017, the live year's, and the hosts
of the two years after it.

The figures are the annual reports' (DOMAIN.md): 2016 at Lien/Dikemark in Asker, 10–25 September, atelier weekends
17–18 and 24–25 September, 4,250 exhibition visits (750 of them tenth-graders), 14,300 visits in 109 ateliers and
sales of NOK 970,000; 2017 at Fossekleiva kultursenter in Svelvik, 7–24 September, weekends 16–17 and 23–24
September, 2,000 exhibition visits, 11,000 in the ateliers (one atelier had 600 in one weekend) and sales of just over
NOK 1 million, with its side programme. The live year (the year the demo is loaded in) is on today: the exhibition at
Bærum kulturhus runs from nine days ago to sixteen days ahead, two atelier days include today, the guide is
published, the demo volunteer counts at the exhibition and a short side programme runs on its days; every date
stays inside the live year. Next year's host, Drammen, is confirmed with dates in September; the year after has no
host yet. Every person is fictional.

Visits are stored as the counter stores a group: one tap per location and hour carrying that hour's visitors, with a
client id made from location, day and hour, so that the few thousand rows hold the reported totals exactly.
Rows are inserted directly; a season whose exhibition or open ateliers exist is left alone.
"""

import random
import secrets
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from kunstvest.applications.models import Application, ApplicationStatus, CallPhase, OpenCall
from kunstvest.applications.services import exhibition_works
from kunstvest.ateliers.models import (Atelier, AtelierArtist, AtelierDay, AtelierHours, LocationAssignment,
                                       LocationKind, OpenAteliers, Sale, VisitLocation, VisitTap)
from kunstvest.auth.models import Role, User
from kunstvest.budget.models import BudgetLine
from kunstvest.budget.services import project_by_code
from kunstvest.demo import foundation
from kunstvest.demo.days import DemoDay, oslo, within_year
from kunstvest.exhibitions.models import (EventKind, Exhibition, Funding, HostStatus, OpeningHours, Placement,
                                          ProgrammeEvent, Signup, SignupStatus)
from kunstvest.exhibitions.services import receive_funding
from kunstvest.extensions import db
from kunstvest.reference.models import Municipality, Season, Venue
from kunstvest.reference.services import ensure_season

SEED = 2017
PROJECT_CODE = "kunst-rett-vest"

# year → (venue, host, host status, contribution, opens, closes, budget line of the contribution, note)
EXHIBITIONS = {
    2016: ("Lien, Dikemark", "Asker", HostStatus.CONFIRMED, "200000", date(2016, 9, 10), date(2016, 9, 25),
           "Vertskapsbidrag Asker kommune",
           "Jubileumsutstilling på det tidligere psykiatriske sykehuset Dikemark. Vertskapsbidraget redusert fra "
           "500 000 til 200 000 kr (styringsgruppen, sak 36/2015)."),
    2017: ("Fossekleiva kultursenter", "Svelvik", HostStatus.CONFIRMED, "200000", date(2017, 9, 7),
           date(2017, 9, 24), "Vertskapsbidrag Svelvik kommune",
           "Styringsgruppen reduserte Svelvik kommunes vertskapsbidrag fra 500 000 til 200 000 kr."),
}
EXHIBITION_TITLES = {2016: "Kunst rett vest 2016 – jubileumsutstillingen"}
LIVE_HOST = ("Bærum kulturhus", "Bærum", HostStatus.CONFIRMED, "500000")
LIVE_HOST_NOTE = "Bærum kommune er vertskommune; utstillingen står i kulturhuset i Sandvika."
NEXT_HOST = ("Drammens Museum", "Drammen", HostStatus.CONFIRMED, "500000")
NEXT_HOST_NOTE = "Drammen kommune har bekreftet vertskapet; datoene er avtalt med museet."
HOST_WANTED = "Ingen vertskommune ennå. Lier og Ringerike er spurt; svar ventes etter budsjettbehandlingen."
CONTRIBUTION_RECEIVED = {2016: date(2016, 10, 14), 2017: date(2017, 10, 13)}
# Weekday (0 = Monday) → opening hours; closed on Mondays.
EXHIBITION_HOURS = {weekday: (time(12), time(17)) for weekday in range(1, 5)} | {
    weekday: (time(11), time(17)) for weekday in (5, 6)}

WEEKENDS = {2016: [date(2016, 9, day) for day in (17, 18, 24, 25)],
            2017: [date(2017, 9, day) for day in (16, 17, 23, 24)]}
GUIDE_PUBLISHED = {2016: oslo(date(2016, 8, 25), time(10)), 2017: oslo(date(2017, 8, 24), time(10))}
PROOFING_DEADLINE = {2016: date(2016, 8, 15), 2017: date(2017, 8, 14)}
ATELIERS = {2016: 109, 2017: 104}  # of 115 and 114 accepted artists: some share an atelier
MOST_SHARING = 3

# Reported totals: (exhibition visits, of them school classes, atelier visits, sales in NOK).
TOTALS = {2016: (4_250, 750, 14_300, 970_000), 2017: (2_000, 0, 11_000, 1_046_500)}
SCHOOL_CLASS_SIZE = 25
SCHOOLS_2016 = ["Borgen ungdomsskole", "Bondi skole", "Hval skole", "Heggedal skole", "Arnestad skole",
                "Vollen ungdomsskole"]
# The record: one atelier in Vikersund, Modum, had 600 visitors in the first weekend of 2017.
RECORD_ATELIER = ("Modum", 2017, 600)
# The exhibition is busier at weekends; the ateliers' Sundays a little busier than Saturdays.
EXHIBITION_DAY_WEIGHT = {5: 3.0, 6: 3.5}
ATELIER_DAY_WEIGHTS = (1.0, 1.25, 0.9, 1.1)

# Approximate centres of the member municipalities' built-up areas and how far (degrees) ateliers scatter from them.
CENTRES = {
    "Asker": (59.833, 10.435, 0.025), "Bærum": (59.905, 10.530, 0.030), "Drammen": (59.744, 10.204, 0.015),
    "Hole": (60.075, 10.285, 0.020), "Hurum": (59.610, 10.520, 0.025), "Krødsherad": (60.150, 9.700, 0.025),
    "Lier": (59.785, 10.245, 0.025), "Modum": (59.950, 9.980, 0.025), "Nedre Eiker": (59.757, 10.030, 0.015),
    "Ringerike": (60.168, 10.256, 0.030), "Røyken": (59.750, 10.410, 0.020), "Sande": (59.590, 10.210, 0.015),
    "Sigdal": (60.045, 9.640, 0.025), "Svelvik": (59.611, 10.407, 0.008), "Øvre Eiker": (59.780, 9.910, 0.020),
}
ATELIER_HOURS = [(time(11), time(17)), (time(12), time(17)), (time(12), time(16)), (time(11), time(16))]
ACCESSIBILITY = ["Trinnfri adkomst og parkering ved huset.", "Atelieret ligger i 2. etasje; ingen heis.",
                 "Grusvei siste 200 meter; rullestol kommer fram.", "Inngang fra bakgården, to trinn.", ""]
DESCRIPTIONS = ["Atelier og verksted i et gammelt uthus.", "Nytt verksted med visningsrom.",
                "Atelier i kjelleren; følg skiltene fra veien.", "Verkstedet ligger i hagen bak bolighuset.",
                "Atelier i et tidligere skolebygg.", "Kunstnerne viser nye og eldre arbeider."]

# The 2017 side programme at Fossekleiva: (day, start, minutes, kind, title, place, language, capacity, signup).
PROGRAMME_2017 = [
    (9, time(12), 180, EventKind.WORKSHOP, "Fossekleiva for Kids: #Plast rett vest-verksted", "Verkstedet",
     "nb", 12, True),
    (10, time(13), 90, EventKind.GUIDED_TOUR, "En smak av Berger – historisk vandring", "Berger museum",
     "nb", 30, True),
    (10, time(15), 60, EventKind.GUIDED_TOUR, "Omvisning i fellesutstillingen", "Fellesutstillingen", "nb", 25,
     True),
    (12, time(18), 90, EventKind.TALK, "Foredrag: Kunst, helse og livskvalitet", "Fabrikksalen", "nb", 60, True),
    (14, time(18), 60, EventKind.YOGA, "Yoga i fellesutstillingen", "Fellesutstillingen", "nb", 15, True),
    (16, time(11), 360, EventKind.CAFE, "Kafé med lunsj og kaker", "Cafe Jebsen", "nb", None, False),
    (16, time(13), 60, EventKind.GUIDED_TOUR, "Oprowadzanie po wystawie po polsku (omvisning på polsk)",
     "Fellesutstillingen", "pl", 20, True),
    (17, time(14), 45, EventKind.PERFORMANCE, "Musikk- og danseperformance ved uteverkene", "Uteområdet", "nb",
     None, False),
    (23, time(13), 60, EventKind.GUIDED_TOUR, "Guided tour in English", "Fellesutstillingen", "en", 25, True),
    (24, time(12), 120, EventKind.WORKSHOP, "Utendørs strektegning for store og små", "Uteområdet", "nb", 20,
     True),
]
SIGNUP_NAMES = ["Kari Nordmann", "Per Hansen", "Liv Aasen", "Tor Bakken", "Eva Lindqvist", "Ola Dahl",
                "Marta Kowalska", "Piotr Nowak", "Ingrid Foss", "Sara Holt", "Amir Haddad", "Julie Strand",
                "Emma Vik", "Jonas Moe", "Nora Lie", "Ali Rahimi"]
# Seats per sign-up for the full workshop: 12 confirmed, then three families on the waiting list.
FULL_WORKSHOP_SEATS = ([2, 3, 1, 2, 2, 2], [2, 1, 3])

# The live year: its accepted artists share a few ateliers; the guide was published a week before the atelier days.
LIVE_ATELIERS = 8
LIVE_PROOFING_BEFORE, LIVE_GUIDE_BEFORE, APPROVALS_BEFORE_GUIDE = (timedelta(days=10), timedelta(days=7),
                                                                   timedelta(days=12))
# Open every day, so that the demo's exhibition is open on whichever day it is loaded.
LIVE_EXHIBITION_HOURS = EXHIBITION_HOURS | {0: (time(12), time(17))}
LIVE_VISITORS_PER_DAY = (40, 120)
# The live side programme: (days after today, or None for the opening day; start, minutes, kind, title, place,
# language, capacity, signup). Each day is kept inside the exhibition's days.
LIVE_PROGRAMME = [
    (None, time(12), 90, EventKind.OTHER, "Åpning av fellesutstillingen", "Foajeen", "nb", None, False),
    (0, time(14), 60, EventKind.GUIDED_TOUR, "Omvisning i fellesutstillingen", "Fellesutstillingen", "nb", 25, True),
    (1, time(12), 180, EventKind.WORKSHOP, "Tegneverksted for store og små", "Verkstedet", "nb", 15, True),
    (3, time(18), 90, EventKind.TALK, "Kunstnersamtale med tre av årets kunstnere", "Scenen", "nb", 60, True),
    (5, time(15), 60, EventKind.GUIDED_TOUR, "Guided tour in English", "Fellesutstillingen", "en", 20, True),
]
LIVE_ROOMS = ("Sal 1", "Sal 2")


def load(day: DemoDay | None = None) -> None:
    """Exhibitions, atelier weekends with ateliers, visits and sales, and side programmes: 2016 and 2017 as reported,
    the live year's on today, and the hosts of the two years after it."""
    day = day or DemoDay.of()
    project = project_by_code(PROJECT_CODE)
    seasons = {year: ensure_season(project=project, year=year, title=foundation.SEASON_TITLES[(PROJECT_CODE, year)])
               for year in (2016, 2017)}
    municipalities = {m.name: m for m in db.session.scalars(sa.select(Municipality))}
    exhibitions = {year: _ensure_exhibition(season, municipalities, EXHIBITIONS[year])
                   for year, season in seasons.items()}
    volunteer = db.session.scalar(sa.select(User).where(User.email == _demo_email(Role.VOLUNTEER)))
    rng = random.Random(SEED)
    for year in (2016, 2017):
        if _open_ateliers_of(seasons[year]) is not None:
            continue
        open_ateliers = _open_ateliers(seasons[year])
        approvals_from = GUIDE_PUBLISHED[year] - APPROVALS_BEFORE_GUIDE
        ateliers = _ateliers(open_ateliers, _accepted(seasons[year]), rng, count=ATELIERS[year],
                             approved_between=(approvals_from, approvals_from + timedelta(hours=240)))
        exhibition_location = _location_of_exhibition(exhibitions[year])
        if year == 2017:
            exhibition_location.assignments.append(LocationAssignment(user_id=volunteer.id))
        atelier_locations = _locations_of_ateliers(ateliers)
        _visits(year, exhibitions[year], exhibition_location, atelier_locations, volunteer, rng)
        _sales(seasons[year], atelier_locations, rng)
    if not db.session.scalar(sa.select(sa.func.count(ProgrammeEvent.id))
                             .where(ProgrammeEvent.exhibition_id == exhibitions[2017].id)):
        _programme_2017(exhibitions[2017], rng)
    live_season = foundation.ensure_demo_season(PROJECT_CODE, day.live_year, day)
    if _is_live_season_wanted(live_season):
        _live_season(live_season, municipalities, volunteer, day)
    _hosts_ahead(municipalities, day)
    db.session.flush()


def _is_live_season_wanted(season: Season) -> bool:
    """True when the live year has its published call but no exhibition or atelier weekends yet."""
    call = db.session.scalar(sa.select(OpenCall).where(OpenCall.season_id == season.id))
    return (call is not None and call.phase == CallPhase.PUBLISHED
            and db.session.scalar(sa.select(Exhibition.id).where(Exhibition.season_id == season.id)) is None
            and _open_ateliers_of(season) is None)


def _hosts_ahead(municipalities: dict[str, Municipality], day: DemoDay) -> None:
    """Next year's host confirmed with its September dates, the year after's still wanted; existing ones stay."""
    opens_on = _first_thursday_from(date(day.next_year, 9, 4))
    venue, host, status, contribution = NEXT_HOST
    _ensure_exhibition(foundation.ensure_demo_season(PROJECT_CODE, day.next_year, day), municipalities,
                       (venue, host, status, contribution, opens_on, opens_on + timedelta(days=17), None,
                        NEXT_HOST_NOTE))
    _ensure_exhibition(foundation.ensure_demo_season(PROJECT_CODE, day.next_year + 1, day), municipalities, None)


def _first_thursday_from(day: date) -> date:
    """The first Thursday on or after `day`: the exhibition opens on a Thursday and closes on the third Sunday."""
    return day + timedelta(days=(3 - day.weekday()) % 7)


def _demo_email(role: Role) -> str:
    return next(email for demo_role, email, _ in foundation.DEMO_USERS if demo_role == role)


def _split(total: int, weights: list[float]) -> list[int]:
    """Whole parts of `total` in proportion to `weights` that add up to it exactly (largest remainder)."""
    whole = sum(weights)
    shares = [total * weight / whole for weight in weights]
    parts = [int(share) for share in shares]
    by_remainder = sorted(range(len(shares)), key=lambda index: shares[index] - parts[index], reverse=True)
    for index in by_remainder[:total - sum(parts)]:
        parts[index] += 1
    return parts


# --- hosts and exhibitions --------------------------------------------------------------------------------------------

def _ensure_exhibition(season: Season, municipalities: dict[str, Municipality], plan: tuple | None,
                       hours: dict[int, tuple[time, time]] = EXHIBITION_HOURS) -> Exhibition:
    """The season's exhibition with host, venue, dates, hours and the host contribution on its budget line, as
    `plan` (an EXHIBITIONS entry) says; without a plan the host is still wanted. An existing one is left alone."""
    exhibition = db.session.scalar(sa.select(Exhibition).where(Exhibition.season_id == season.id))
    if exhibition is not None:
        return exhibition
    title = EXHIBITION_TITLES.get(season.year, f"Kunst rett vest {season.year}")
    if plan is None:
        exhibition = Exhibition(season=season, title=title, host_status=HostStatus.WANTED, host_note=HOST_WANTED)
        db.session.add(exhibition)
        return exhibition
    venue_name, host, status, contribution, opens_on, closes_on, line_name, note = plan
    host_municipality = municipalities[host]
    venue = db.session.scalar(sa.select(Venue).where(Venue.name == venue_name,
                                                     Venue.municipality_id == host_municipality.id))
    exhibition = Exhibition(
        season=season, title=title, host_municipality=host_municipality,
        host_status=status, host_note=note, host_contribution=Decimal(contribution), venue=venue,
        opens_on=opens_on, closes_on=closes_on,
        opening_hours=[OpeningHours(weekday=weekday, opens=opens, closes=closes)
                       for weekday, (opens, closes) in hours.items()] if opens_on else [])
    if line_name:
        line = db.session.scalar(sa.select(BudgetLine).where(BudgetLine.project_id == season.project_id,
                                                             BudgetLine.year == season.year,
                                                             BudgetLine.name == line_name))
        funding = Funding(funder=f"{host} kommune", amount=Decimal(contribution), budget_line=line)
        exhibition.funding.append(funding)
    db.session.add(exhibition)
    db.session.flush()
    if line_name and season.year in CONTRIBUTION_RECEIVED:
        # Booked as the app books received funding, so the budget shows it once and saving it changes that booking.
        receive_funding(funding=funding, received_on=CONTRIBUTION_RECEIVED[season.year])
    return exhibition


def _location_of_exhibition(exhibition: Exhibition) -> VisitLocation:
    location = VisitLocation(season_id=exhibition.season_id, kind=LocationKind.EXHIBITION,
                             exhibition_id=exhibition.id, name=exhibition.venue.name,
                             municipality_id=exhibition.host_municipality_id)
    db.session.add(location)
    return location


# --- ateliers ---------------------------------------------------------------------------------------------------------

def _open_ateliers_of(season: Season) -> OpenAteliers | None:
    return db.session.scalar(sa.select(OpenAteliers).where(OpenAteliers.season_id == season.id))


def _open_ateliers(season: Season) -> OpenAteliers:
    """The season's two weekends, the guide published after every artist had approved their entry."""
    open_ateliers = OpenAteliers(season=season, proofing_deadline=PROOFING_DEADLINE[season.year],
                                 guide_published_at=GUIDE_PUBLISHED[season.year],
                                 days=[AtelierDay(day=day) for day in WEEKENDS[season.year]])
    db.session.add(open_ateliers)
    return open_ateliers


def _accepted(season: Season) -> list[Application]:
    """The season's accepted applications, with their artists."""
    return list(db.session.scalars(
        sa.select(Application).join(OpenCall, OpenCall.id == Application.call_id)
        .where(OpenCall.season_id == season.id, Application.status == ApplicationStatus.ACCEPTED)
        .order_by(Application.id)))


def _sharing(applications: list[Application], target: int, rng: random.Random) -> list[list[Application]]:
    """Artists grouped into `target` ateliers: members of a studio collective together, then neighbours in pairs."""
    groups: dict[tuple, list[Application]] = defaultdict(list)
    for application in applications:
        artist = application.artist
        key = (artist.municipality_id, artist.studio_collective) if artist.studio_collective else (application.id,)
        groups[key].append(application)
    ateliers = [group[i:i + MOST_SHARING] for group in groups.values() for i in range(0, len(group), MOST_SHARING)]
    while len(ateliers) > target:
        singles = [group for group in ateliers if len(group) == 1]
        rng.shuffle(singles)
        first = singles[0]
        partner = next((group for group in singles[1:]
                        if group[0].artist.municipality_id == first[0].artist.municipality_id), singles[1])
        first.extend(partner)
        ateliers.remove(partner)
    return ateliers


def _ateliers(open_ateliers: OpenAteliers, applications: list[Application], rng: random.Random, *, count: int,
              approved_between: tuple[datetime, datetime]) -> list[Atelier]:
    """`count` ateliers, one per group of artists at the first artist's address, numbered by municipality in the
    guide; each artist approved their entry between the two moments."""
    approved_from, approved_until = approved_between
    approval_hours = max(int((approved_until - approved_from).total_seconds() // 3600), 1)
    days = [atelier_day.day for atelier_day in open_ateliers.days]
    ateliers = []
    for group in _sharing(applications, count, rng):
        host = group[0].artist
        municipality = host.municipality
        latitude, longitude, spread = CENTRES[municipality.name]
        opens, closes = rng.choice(ATELIER_HOURS)
        surnames = [application.artist.name.split()[-1] for application in group]
        # Named after the artists: the demo's collective names carry places that may be in another municipality.
        name = "Atelier " + " og ".join(dict.fromkeys(surnames))
        ateliers.append(Atelier(
            open_ateliers=open_ateliers, name=name, address=host.address, postcode=host.postcode, city=host.city,
            municipality=municipality,
            latitude=Decimal(f"{latitude + rng.uniform(-spread, spread):.6f}"),
            longitude=Decimal(f"{longitude + rng.uniform(-spread, spread) * 2:.6f}"),
            accessibility=rng.choice(ACCESSIBILITY), description=rng.choice(DESCRIPTIONS),
            artists=[AtelierArtist(application_id=application.id,
                                   approved_at=approved_from + timedelta(hours=rng.randrange(approval_hours)))
                     for application in group],
            hours=[AtelierHours(day=day, opens=opens, closes=closes) for day in days]))
    ateliers.sort(key=lambda atelier: (atelier.municipality.name, atelier.address))
    for number, atelier in enumerate(ateliers, start=1):
        atelier.guide_number = number
    db.session.add_all(ateliers)
    db.session.flush()
    return ateliers


def _locations_of_ateliers(ateliers: list[Atelier]) -> dict[Atelier, VisitLocation]:
    locations = {atelier: VisitLocation(season_id=atelier.open_ateliers.season_id, kind=LocationKind.ATELIER,
                                        atelier_id=atelier.id, name=atelier.name or atelier.address,
                                        municipality_id=atelier.municipality_id)
                 for atelier in ateliers}
    db.session.add_all(locations.values())
    db.session.flush()
    return locations


# --- visits -----------------------------------------------------------------------------------------------------------

def _hour_weights(opens: time, closes: time) -> list[tuple[int, float]]:
    """Each opening hour with a weight: quiet first hour, busiest early afternoon."""
    hours = list(range(opens.hour, closes.hour))
    return [(hour, 1.0 + 1.5 * (1 - abs(hour - 13.5) / 4)) for hour in hours]


def _tap_rows(prefix: str, location: VisitLocation, day: date, opens: time, closes: time, visitors: int,
              user_id: int | None, rng: random.Random) -> list[dict]:
    """A day's visitors at a location as one tap per hour, each tapped some minutes into the hour."""
    weighted = _hour_weights(opens, closes)
    rows = []
    for (hour, _), count in zip(weighted, _split(visitors, [weight for _, weight in weighted])):
        if count == 0:
            continue
        tapped_at = oslo(day, time(hour, rng.randrange(60))).astimezone(UTC)
        rows.append({"client_id": f"{prefix}-{location.id}-{day.isoformat()}-{hour:02d}", "location_id": location.id,
                     "user_id": user_id, "day": day, "tapped_at": tapped_at,
                     "recorded_at": tapped_at + timedelta(seconds=rng.randint(1, 20)), "visitors": count,
                     "group_label": ""})
    return rows


def _visits(year: int, exhibition: Exhibition, exhibition_location: VisitLocation,
            atelier_locations: dict[Atelier, VisitLocation], volunteer: User, rng: random.Random) -> None:
    """The season's reported visits, at the exhibition (with school classes) and in the ateliers, as hourly taps."""
    db.session.flush()
    exhibition_total, school_visits, atelier_total, _ = TOTALS[year]
    prefix = f"demo-{year}"
    user_id = volunteer.id if year == 2017 else None
    rows = []
    open_days = [exhibition.opens_on + timedelta(days=n)
                 for n in range((exhibition.closes_on - exhibition.opens_on).days + 1)]
    open_days = [day for day in open_days if day.weekday() in EXHIBITION_HOURS]
    school_days = [day for day in open_days if day.weekday() < 5]
    for number in range(school_visits // SCHOOL_CLASS_SIZE):
        day = school_days[number % len(school_days)]
        tapped_at = oslo(day, time(12, 5 + 3 * (number // len(school_days)))).astimezone(UTC)
        school = SCHOOLS_2016[number % len(SCHOOLS_2016)]
        rows.append({"client_id": f"{prefix}-{exhibition_location.id}-class-{number + 1:02d}",
                     "location_id": exhibition_location.id, "user_id": user_id, "day": day, "tapped_at": tapped_at,
                     "recorded_at": tapped_at, "visitors": SCHOOL_CLASS_SIZE,
                     "group_label": f"10. trinn, {school}"})
    day_weights = [EXHIBITION_DAY_WEIGHT.get(day.weekday(), 1.0) * rng.uniform(0.8, 1.2) for day in open_days]
    for day, visitors in zip(open_days, _split(exhibition_total - school_visits, day_weights)):
        opens, closes = EXHIBITION_HOURS[day.weekday()]
        rows += _tap_rows(prefix, exhibition_location, day, opens, closes, visitors, user_id, rng)

    days = WEEKENDS[year]
    record_municipality, record_year, record_visits = RECORD_ATELIER
    record = next((atelier for atelier in atelier_locations if year == record_year
                   and atelier.municipality.name == record_municipality), None)
    others = [atelier for atelier in atelier_locations if atelier is not record]
    remaining = atelier_total
    if record is not None:
        record_second_weekend = 140
        per_day = _split(record_visits, [1.0, 1.2]) + _split(record_second_weekend, [1.0, 1.0])
        remaining -= record_visits + record_second_weekend
        rows += _atelier_rows(prefix, record, atelier_locations[record], days, per_day, rng)
    popularity = [rng.lognormvariate(0, 0.55) * (1 + 0.3 * (len(atelier.artists) - 1)) for atelier in others]
    for atelier, visitors in zip(others, _split(remaining, popularity)):
        per_day = _split(visitors, [weight * rng.uniform(0.85, 1.15) for weight in ATELIER_DAY_WEIGHTS])
        rows += _atelier_rows(prefix, atelier, atelier_locations[atelier], days, per_day, rng)
    db.session.execute(sa.insert(VisitTap), rows)


def _atelier_rows(prefix: str, atelier: Atelier, location: VisitLocation, days: list[date], per_day: list[int],
                  rng: random.Random) -> list[dict]:
    hours = {opening.day: opening for opening in atelier.hours}
    return [row for day, visitors in zip(days, per_day)
            for row in _tap_rows(prefix, location, day, hours[day].opens, hours[day].closes, visitors, None, rng)]


# --- sales ------------------------------------------------------------------------------------------------------------

def _sales(season: Season, atelier_locations: dict[Atelier, VisitLocation], rng: random.Random) -> None:
    """Sales per artist and day in the ateliers, adding up to the reported amount; not every artist sells every day."""
    *_, total = TOTALS[season.year]
    slots = [(artist.application_id, location.id, day) for atelier, location in atelier_locations.items()
             for artist in atelier.artists for day in WEEKENDS[season.year]]
    rng.shuffle(slots)
    rows, sold = [], 0
    for application_id, location_id, day in slots:
        works = rng.choices((1, 2, 3, 4), weights=(60, 25, 10, 5))[0]
        amount = sum(rng.randrange(1_500, 12_001, 500) for _ in range(works))
        amount = min(amount, total - sold)
        sold += amount
        rows.append({"season_id": season.id, "application_id": application_id,
                     "location_id": location_id, "day": day, "works_sold": works, "amount": Decimal(amount),
                     "note": "Kortbetaling og Vipps" if rng.random() < 0.2 else ""})
        if sold == total:
            break
    db.session.execute(sa.insert(Sale), rows)


# --- the 2017 side programme -------------------------------------------------------------------------------------

def _programme_2017(exhibition: Exhibition, rng: random.Random) -> None:
    """The day-by-day programme at Fossekleiva; the first workshop is full and has a waiting list."""
    events = []
    for day, starts, minutes, kind, title, place, language, capacity, has_signup in PROGRAMME_2017:
        starts_at = oslo(date(2017, 9, day), starts)
        events.append(ProgrammeEvent(exhibition=exhibition, kind=kind, title=title, place=place, language=language,
                                     starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes),
                                     capacity=capacity, has_signup=has_signup))
    names = iter(SIGNUP_NAMES)
    full_workshop = events[0]
    confirmed, waiting = FULL_WORKSHOP_SEATS
    for seats, status in [(seats, SignupStatus.CONFIRMED) for seats in confirmed] + [
            (seats, SignupStatus.WAITLISTED) for seats in waiting]:
        full_workshop.signups.append(_signup(next(names), seats, status))
    for event in events[1:]:
        if event.has_signup:
            for _ in range(rng.randint(0, 1)):
                event.signups.append(_signup(next(names), rng.randint(1, 2), SignupStatus.CONFIRMED))
    db.session.add_all(events)


def _signup(name: str, seats: int, status: SignupStatus) -> Signup:
    email = name.lower().replace(" ", ".").translate(str.maketrans("æøå", "aoa")) + "@example.org"
    return Signup(name=name, email=email, seats=seats, status=status, token=secrets.token_urlsafe(32))


# --- the live year ----------------------------------------------------------------------------------------------------

def _live_season(season: Season, municipalities: dict[str, Municipality], volunteer: User, day: DemoDay) -> None:
    """The season on today: the exhibition, two atelier days with a published guide, counting locations with the demo
    volunteer at the exhibition, the visits counted so far, placed works and a short side programme."""
    rng = random.Random(SEED + 2)
    venue, host, status, contribution = LIVE_HOST
    exhibition = _ensure_exhibition(season, municipalities, (venue, host, status, contribution, day.exhibition_opens,
                                                             day.exhibition_closes, None, LIVE_HOST_NOTE),
                                    hours=LIVE_EXHIBITION_HOURS)
    first_day = day.atelier_days[0]
    guide_published_at = min(oslo(within_year(first_day - LIVE_GUIDE_BEFORE, season.year), time(10)), day.now)
    open_ateliers = OpenAteliers(season=season, guide_published_at=guide_published_at,
                                 proofing_deadline=within_year(first_day - LIVE_PROOFING_BEFORE, season.year),
                                 days=[AtelierDay(day=atelier_day) for atelier_day in day.atelier_days])
    db.session.add(open_ateliers)
    approvals_from = max(oslo(date(season.year, 1, 1), time(0)), guide_published_at - APPROVALS_BEFORE_GUIDE)
    ateliers = _ateliers(open_ateliers, _accepted(season), rng, count=LIVE_ATELIERS,
                         approved_between=(approvals_from, guide_published_at))
    exhibition_location = _location_of_exhibition(exhibition)
    exhibition_location.assignments.append(LocationAssignment(user_id=volunteer.id))
    _locations_of_ateliers(ateliers)
    _live_visits(exhibition, exhibition_location, volunteer, day, rng)
    _live_programme(exhibition, day, rng)
    _placements(exhibition)


def _live_visits(exhibition: Exhibition, location: VisitLocation, volunteer: User, day: DemoDay,
                 rng: random.Random) -> None:
    """The visits the volunteer counted on the exhibition's days before today, as hourly taps; today is theirs to
    count."""
    db.session.flush()
    rows = []
    for offset in range((day.today - exhibition.opens_on).days):
        open_day = exhibition.opens_on + timedelta(days=offset)
        opens, closes = LIVE_EXHIBITION_HOURS[open_day.weekday()]
        rows += _tap_rows(f"demo-{exhibition.year}", location, open_day, opens, closes,
                          rng.randint(*LIVE_VISITORS_PER_DAY), volunteer.id, rng)
    if rows:
        db.session.execute(sa.insert(VisitTap), rows)


def _live_programme(exhibition: Exhibition, day: DemoDay, rng: random.Random) -> None:
    """The opening and a few events from today on, each on a day of the exhibition, with a few sign-ups."""
    names = iter(rng.sample(SIGNUP_NAMES, len(SIGNUP_NAMES)))
    events = []
    for days_ahead, starts, minutes, kind, title, place, language, capacity, has_signup in LIVE_PROGRAMME:
        event_day = (exhibition.opens_on if days_ahead is None else
                     min(max(day.today + timedelta(days=days_ahead), exhibition.opens_on), exhibition.closes_on))
        starts_at = oslo(event_day, starts)
        event = ProgrammeEvent(exhibition=exhibition, kind=kind, title=title, place=place, language=language,
                               starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes),
                               capacity=capacity, has_signup=has_signup)
        if has_signup:
            event.signups = [_signup(next(names), rng.randint(1, 2), SignupStatus.CONFIRMED)
                             for _ in range(rng.randint(1, 3))]
        events.append(event)
    db.session.add_all(events)


def _placements(exhibition: Exhibition) -> None:
    """Every chosen work of the season's call in one of two rooms, its label numbered in artist order."""
    call = db.session.scalar(sa.select(OpenCall).where(OpenCall.season_id == exhibition.season_id))
    chosen = exhibition_works(call=call)
    db.session.add_all(Placement(exhibition_id=exhibition.id, chosen_work_id=work.id,
                                 room=LIVE_ROOMS[number * len(LIVE_ROOMS) // len(chosen)], label_number=number + 1)
                       for number, work in enumerate(chosen))
