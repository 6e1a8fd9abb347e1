"""Demo open calls of Kunst rett vest: fictional artists, their works, the jury's scores and decisions.

2017 follows the annual report: 168 applicants, a jury of two (a painter and a craft artist), 114 accepted of whom
27 first-timers. 2016 had 140 applicants. The live year's call (the year the demo is loaded in) is published: 16 of
the earlier applicants applied, 12 were accepted and have chosen the work they show. Next year's call is open today,
from two weeks ago until two months ahead, so the demo artist can click through applying.
Rows are created in bulk where the services would only repeat their rules once per row.
"""

import io
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from PIL import Image, ImageDraw

from kunstvest.applications import deciding, services
from kunstvest.applications.images import ImageLimits
from kunstvest.applications.models import (
    Application,
    ApplicationStatus,
    ArtistProfile,
    CallPhase,
    ChosenWork,
    Discipline,
    ImageFile,
    OpenCall,
    Review,
    Score,
    Work,
)
from kunstvest.applications.services import CriterionSpec
from kunstvest.ateliers.models import OpenAteliers
from kunstvest.auth.models import Role, RoleGrant, User
from kunstvest.auth.services import hash_password
from kunstvest.budget.services import project_by_code
from kunstvest.common.models import utcnow
from kunstvest.common.storage import storage
from kunstvest.demo import foundation
from kunstvest.demo.days import OSLO, DemoDay, oslo
from kunstvest.exhibitions.models import Exhibition
from kunstvest.extensions import db
from kunstvest.reference.models import Season
from kunstvest.reference.services import ensure_season, member_municipalities

SEED = 2017
PROJECT_CODE = "kunst-rett-vest"


def _oslo(year: int, month: int, day: int, hour: int = 12) -> datetime:
    """A whole hour in Oslo time."""
    return datetime(year, month, day, hour, tzinfo=OSLO)


# --- the calls -------------------------------------------------------------------------------------------------------

SECOND_JUROR = ("jury2@example.org", "Ingrid Solheim")
# What each juror adds to an application's quality, on the 1–7 scale: the painter (first) is the stricter.
JUROR_LENIENCY = (-0.5, 0.25)
JUROR_NOISE = 0.4  # a juror's impression of an application, around its quality
CRITERION_NOISE = 0.6

RUBRIC = [
    CriterionSpec("Kunstnerisk kvalitet", Decimal("2"), description="Styrke, helhet og egenart i verkene."),
    CriterionSpec("Håndverk og utførelse", Decimal("1"), description="Materialbeherskelse og teknisk kvalitet."),
    CriterionSpec("Originalitet", Decimal("1"), description="Et eget blikk og en egen stemme."),
    CriterionSpec("Egnethet for utstillingen", Decimal("1"),
                  description="Hvordan verkene vil fungere i fellesutstillingen."),
]
ELIGIBILITY = ("Profesjonelle billedkunstnere og kunsthåndverkere som bor eller har atelier i en av Vestregionens "
               "15 kommuner. Send 3–6 verk fra de siste tre årene, CV og en kort tekst om arbeidet ditt.")

# year → (opens, closes, work-choice deadline, decided, published)
CALL_DATES = {
    2016: (_oslo(2016, 1, 11, 9), _oslo(2016, 3, 1), date(2016, 6, 1), _oslo(2016, 4, 18, 14),
           _oslo(2016, 4, 20)),
    2017: (_oslo(2017, 1, 9, 9), _oslo(2017, 3, 1), date(2017, 6, 1), _oslo(2017, 4, 19, 14),
           _oslo(2017, 4, 21)),
}
JURY_2017 = (_oslo(2017, 3, 6, 9), _oslo(2017, 4, 7, 16))

ACCEPTED_2016 = 115  # of 140 applicants
APPLICANTS_2017 = 168
ACCEPTED_2017 = 114
WAITLIST_2017 = 6
FIRST_TIMERS_2017 = 27
CHOSEN_WORKS_2017 = 100
# Who of the 2017 applicants took part in 2016: (accepted in 2017?, 2016 decision) → how many. 2016 is written after
# the 2017 jury has ranked, so that exactly 27 of the accepted come out as first-timers (never accepted before).
HISTORY_2016 = {
    (True, ApplicationStatus.ACCEPTED): ACCEPTED_2017 - FIRST_TIMERS_2017,
    (True, ApplicationStatus.REJECTED): 8,
    (False, ApplicationStatus.ACCEPTED): 12,
    (False, ApplicationStatus.REJECTED): 7,
}
ONLY_IN_2016 = {ApplicationStatus.ACCEPTED: 16, ApplicationStatus.REJECTED: 10}
# The calls before 2016 are not in the demo: of the artists accepted in 2016 this share was new that year.
FIRST_TIMER_SHARE_2016 = 0.2

# The live year's call: earlier applicants apply again, a few are accepted (few, so that the demo loads quickly).
LIVE_APPLICANTS, LIVE_FROM_ACCEPTED_2017 = 16, 12
LIVE_ACCEPTED, LIVE_WAITLIST = 12, 1
# The live call's milestones as shares of the months before the live exhibition opens (at most LIVE_CALL_SPAN).
LIVE_CALL_SPAN = timedelta(days=240)
LIVE_CALL_TIMELINE = {"opens": 0.0, "closes": 0.35, "jury_starts": 0.38, "jury_ends": 0.55, "decided": 0.57,
                      "published": 0.6, "work_choice_deadline": 0.8}

# Next year's call: open from two weeks ago until two months ahead, with its applicants so far.
NEXT_CALL_OPENED, NEXT_CALL_CLOSES = timedelta(days=14), timedelta(days=60)
RETURNING_NEXT, NEW_NEXT = 3, 2  # two returning and one new have submitted, the others have drafts

# --- the artists -------------------------------------------------------------------------------------------------------

FIRST_NAMES = [
    "Anne", "Astrid", "Berit", "Camilla", "Dagny", "Eli", "Elisabeth", "Frida", "Gro", "Guro", "Hanne", "Hege",
    "Hilde", "Ida", "Ingeborg", "Kari", "Kristin", "Liv", "Maren", "Marit", "Mona", "Nora", "Ragnhild", "Randi",
    "Sigrid", "Silje", "Siri", "Solveig", "Tone", "Tove", "Turid", "Unni", "Vigdis", "Åse",
    "Anders", "Arne", "Bjørn", "Dag", "Einar", "Erik", "Espen", "Frode", "Geir", "Gunnar", "Håkon", "Helge",
    "Jan", "Jon", "Kjetil", "Knut", "Lars", "Magnus", "Morten", "Nils", "Odd", "Ola", "Per", "Rune", "Sindre",
    "Stein", "Sverre", "Terje", "Trond", "Vegard", "Øystein",
]
SURNAMES = [
    "Aasen", "Andersen", "Bakke", "Berge", "Bjerke", "Borg", "Dahl", "Eide", "Engen", "Fossum", "Gjerde",
    "Grønli", "Halvorsen", "Haugen", "Hagen", "Hovland", "Holm", "Jacobsen", "Johansen", "Karlsen", "Kvam",
    "Larsen", "Lie", "Lund", "Lunde", "Moen", "Myhre", "Nilsen", "Nygård", "Olsen", "Pedersen", "Rustad",
    "Sandvik", "Skaug", "Stensrud", "Strand", "Sæther", "Thorsen", "Tveit", "Ulven", "Vik", "Wold", "Østby",
    "Øverland", "Aune", "Brenna", "Evensen", "Fjeldstad", "Gulbrandsen", "Hellum", "Kolstad", "Lien", "Mathisen",
    "Nordby", "Ruud", "Sletten", "Torp", "Vestby",
]
STREETS = [
    "Storgata", "Kirkeveien", "Skolegata", "Bjørkeveien", "Granveien", "Solveien", "Parkveien", "Åsveien",
    "Elvegata", "Fjordveien", "Bakkeveien", "Lindeveien", "Furuveien", "Hageveien", "Stasjonsveien", "Møllebakken",
    "Gamle Drammensvei", "Strandveien", "Liaveien", "Tunveien",
]
# Postcodes and post towns per member municipality.
POST_TOWNS = {
    "Asker": [("1383", "Asker"), ("1384", "Asker"), ("1389", "Heggedal"), ("1390", "Vollen"), ("1394", "Nesbru")],
    "Bærum": [("1337", "Sandvika"), ("1344", "Haslum"), ("1350", "Lommedalen"), ("1356", "Bekkestua"),
              ("1358", "Jar"), ("1363", "Høvik"), ("1368", "Stabekk")],
    "Drammen": [("3015", "Drammen"), ("3018", "Drammen"), ("3022", "Drammen"), ("3036", "Drammen"),
                ("3041", "Drammen"), ("3045", "Drammen")],
    "Hole": [("3530", "Røyse"), ("3531", "Krokkleiva")],
    "Hurum": [("3475", "Sætre"), ("3480", "Filtvet"), ("3482", "Tofte"), ("3484", "Holmsbu")],
    "Krødsherad": [("3535", "Krøderen"), ("3536", "Noresund")],
    "Lier": [("3400", "Lier"), ("3406", "Tranby"), ("3410", "Sylling"), ("3414", "Lierstranda")],
    "Modum": [("3340", "Åmot"), ("3360", "Geithus"), ("3370", "Vikersund")],
    "Nedre Eiker": [("3050", "Mjøndalen"), ("3055", "Krokstadelva"), ("3057", "Solbergelva")],
    "Ringerike": [("3510", "Hønefoss"), ("3515", "Hønefoss"), ("3524", "Nes i Ådal"), ("3533", "Tyristrand")],
    "Røyken": [("3430", "Spikkestad"), ("3440", "Røyken"), ("3470", "Slemmestad"), ("3478", "Nærsnes")],
    "Sande": [("3070", "Sande i Vestfold"), ("3075", "Berger")],
    "Sigdal": [("3350", "Prestfoss"), ("3358", "Nedre Eggedal"), ("3359", "Eggedal")],
    "Svelvik": [("3060", "Svelvik")],
    "Øvre Eiker": [("3300", "Hokksund"), ("3320", "Vestfossen"), ("3322", "Fiskum"), ("3330", "Skotselv")],
}
# Artists live roughly where people live, if a little more spread out than inhabitants are.
MUNICIPALITY_WEIGHTS = {name: inhabitants ** 0.75 for _, name, _, inhabitants in foundation.MUNICIPALITIES}
VISUAL_ART_SHARE = 0.65
STUDIO_COLLECTIVE_SHARE = 0.15
STUDIO_COLLECTIVES = ["Atelierfellesskapet Smia", "Verkstedet på Brygga", "Ateliergården Vollen",
                      "Kunstnerhuset Elvebredden", "Glassverkstedet i Mjøndalen"]

SCHOOLS = {
    Discipline.VISUAL_ART: ["Kunsthøgskolen i Oslo, Kunstakademiet", "Kunstakademiet i Trondheim, NTNU",
                            "Kunsthøgskolen i Bergen", "Einar Granum kunstfagskole", "Strykejernet kunstskole",
                            "Det Kongelige Danske Kunstakademi, København", "Statens kunstakademi"],
    Discipline.CRAFT: ["Kunsthøgskolen i Oslo, Kunst og håndverk", "Kunsthøgskolen i Bergen, Keramikk",
                       "Statens håndverks- og kunstindustriskole", "HDK, Göteborg", "Konstfack, Stockholm",
                       "Bergen kunsthåndverksskole"],
}
DEGREES = ["Master", "Bachelor", "Fordypningsstudium"]
EXHIBITIONS = ["Separatutstilling", "Separatutstilling", "Gruppeutstilling", "Duoutstilling"]
GALLERIES = ["Galleri Trafo, Asker", "Drammens Kunstforening", "Buskerud Kunstsenter, Drammen",
             "Bærum Kunstforening", "Lier Kunstforening", "Modum Kunstforening", "Kunstnerforbundet, Oslo",
             "Haugar Vestfold kunstmuseum, Tønsberg", "Høstutstillingen, Kunstnernes Hus, Oslo",
             "Blaafarveværket, Modum", "Vestfold Kunstsenter, Tønsberg", "Galleri Format, Oslo"]
MEMBERSHIPS = {Discipline.VISUAL_ART: "Medlem av Norske Billedkunstnere (NBK)",
               Discipline.CRAFT: "Medlem av Norske Kunsthåndverkere"}

STATEMENTS = {
    Discipline.VISUAL_ART: [
        "Jeg maler landskapet rundt fjorden slik det ser ut i overgangene: tidlig morgen, tåke, sent lys. Bildene "
        "bygges opp i mange tynne lag, og det er lyset mellom lagene som interesserer meg.",
        "Grafikken min handler om spor – det som blir igjen når noe er borte. Jeg skjærer og trykker selv, og lar "
        "ujevnhetene i trykket bli en del av bildet.",
        "Arbeidene tar utgangspunkt i hverdagsgjenstander som forstørres og forskyves til de blir fremmede igjen.",
        "Jeg undersøker forholdet mellom kropp og rom gjennom tegning og skulptur. Verkene i søknaden er laget "
        "det siste året i atelieret mitt.",
        "Fargen er hovedsaken i maleriene mine. Jeg arbeider raskt og vått, og lar komposisjonen vokse fram "
        "underveis.",
        "Akvarellene er malt ute, på vandringer langs elva gjennom et helt år. Serien er en dagbok i farger.",
    ],
    Discipline.CRAFT: [
        "Jeg dreier og bygger i steintøy og glaserer med askeglasurer jeg blander selv, av ved fra egen hage.",
        "Glasset blåses i verkstedet mitt. Formene er enkle; det er fargen og tykkelsen i glasset som bærer "
        "uttrykket.",
        "Vevene mine er laget av plantefarget ull og lin. Mønstrene bygger på gamle åklær, men forskyves og brytes "
        "opp.",
        "Smykkene er laget i gjenbrukt sølv og funnet materiale fra strendene langs fjorden.",
        "Jeg arbeider med porselen i tynne, gjennomskinnelige former, der lyset blir en del av verket.",
        "Treet henter jeg i skogen i nærheten. Hver skål dreies mens treet ennå er rått, så den slår seg når den "
        "tørker.",
    ],
}
# (technique, flat?) per discipline: flat works have no depth.
TECHNIQUES = {
    Discipline.VISUAL_ART: [("Olje på lerret", True), ("Akryl på lerret", True), ("Akvarell", True),
                            ("Tresnitt", True), ("Litografi", True), ("Etsning", True), ("Kull på papir", True),
                            ("Blandingsteknikk på papir", True), ("Fotografi, pigmentprint", True),
                            ("Tempera på plate", True), ("Bronse", False)],
    Discipline.CRAFT: [("Steintøy, glasert", False), ("Porselen", False), ("Raku", False), ("Glass, blåst", False),
                       ("Glass, støpt", False), ("Sølv", False), ("Billedvev, ull og lin", True),
                       ("Ull, tovet", False), ("Tre, dreid", False), ("Emalje på kobber", True)],
}
TITLES = {
    Discipline.VISUAL_ART: ["Fjordlys", "Etter regnet", "Tidevann", "Vinterhage", "Grenseland", "Lysbrudd",
                            "Nattsvermer", "Morgen ved Tyrifjorden", "Kyststripe", "Glemt hage", "Skyggespill",
                            "Spor i snø", "Huset ved elva", "Overgang", "Tåkebanke", "Stille vann", "Fragment",
                            "Åsen i oktober", "Innenfra", "Vindu mot vest", "Lavvann", "Sommernatt", "Uten tittel"],
    Discipline.CRAFT: ["Krukke med askeglasur", "Skål", "Fat", "Vase", "Brosje", "Halssmykke", "Åkle",
                       "Lysestake", "Tekanne", "Beger", "Kar", "Strandfunn", "Hvit rekke", "Sjøgress", "Nattblå",
                       "Fjære", "Tre skåler"],
}
SERIES_NUMBERS = ["", "", "", " I", " II", " III"]
PRICE_RANGE = (4_000, 60_000)
REVIEW_COMMENTS = ["Sterk og konsekvent serie.", "Ujevnt utvalg; det beste verket bærer søknaden.",
                   "God materialforståelse.", "Interessant, men litt forutsigbart.",
                   "Vil fungere godt i fellesutstillingen.", "Bør diskuteres i juryen."]
REVIEW_COMMENT_SHARE = 0.25
FOR_SALE_SHARE = 0.85

DEMO_ARTIST_PROFILE = {
    "address": "Tollbugata 12", "postcode": "3044", "city": "Drammen", "municipality": "Drammen",
    "discipline": Discipline.VISUAL_ART, "education": "Master, Kunsthøgskolen i Oslo, Kunstakademiet, 2011",
    "cv": "2016  Separatutstilling, Drammens Kunstforening\n2014  Gruppeutstilling, Buskerud Kunstsenter, Drammen",
}

# --- the demo images ---------------------------------------------------------------------------------------------------

DEMO_IMAGE_COUNT = 8
DEMO_IMAGE_SIZE = (1600, 1200)
SHAPES_PER_IMAGE = 7


def load(day: DemoDay | None = None) -> None:
    """The calls of 2016 and 2017, the live year's (published) and next year's (open); a call that exists is left
    alone, and next year's waits while another call is open."""
    day = day or DemoDay.of()
    project = project_by_code(PROJECT_CODE)
    seasons = {year: ensure_season(project=project, year=year, title=foundation.SEASON_TITLES[(PROJECT_CODE, year)])
               for year in (2016, 2017)}
    secretariat = _demo_user(Role.ADMIN)
    jurors = [_demo_user(Role.JURY), _ensure_second_juror()]
    images = _ensure_demo_images()
    _ensure_demo_artist_profile()
    if _call_of(seasons[2016]) is None and _call_of(seasons[2017]) is None:
        rng = random.Random(SEED)
        applications = _jury_2017(seasons[2017], jurors, secretariat, images, rng)
        _history_2016(seasons[2016], applications, images, rng)
        _mark_first_timers(applications)
        deadline = CALL_DATES[2017][2]
        _chosen_works(applications, rng, count=CHOSEN_WORKS_2017,
                      confirmed_between=(CALL_DATES[2017][4], oslo(deadline, time(12))))
    live_season = foundation.ensure_demo_season(PROJECT_CODE, day.live_year, day)
    if not _has_call_or_events(live_season):
        _live_call(live_season, jurors, secretariat, images, day)
    next_season = foundation.ensure_demo_season(PROJECT_CODE, day.next_year, day)
    if _call_of(next_season) is None and not any(services.accepts_submissions(call, now=day.now)
                                                 for call in services.calls()):
        _open_call_next(next_season, jurors, secretariat, images, day)


def _has_call_or_events(season: Season) -> bool:
    """True when the season has a call, an exhibition or atelier weekends: a live year that has any of them (as
    next year's call and host, loaded a year before) is left alone."""
    return any(db.session.scalar(sa.select(sa.exists().where(model.season_id == season.id)))
               for model in (OpenCall, Exhibition, OpenAteliers))


# --- people ----------------------------------------------------------------------------------------------------------

def _demo_user(role: Role) -> User:
    """The foundation's demo login for a role."""
    email = next(email for demo_role, email, _ in foundation.DEMO_USERS if demo_role == role)
    return db.session.scalar(sa.select(User).where(User.email == email))


def _ensure_second_juror() -> User:
    """The craft artist on the jury, beside the foundation's painter; same demo password."""
    email, full_name = SECOND_JUROR
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(email=email, full_name=full_name, password_hash=hash_password(foundation.DEMO_PASSWORD),
                    email_verified_at=utcnow())
        user.role_grants.append(RoleGrant(role=Role.JURY))
        db.session.add(user)
        db.session.flush()
    return user


def _ensure_demo_artist_profile() -> ArtistProfile:
    """The demo artist's profile, complete enough to apply to next year's open call."""
    user = _demo_user(Role.ARTIST)
    profile = services.profile_of(user)
    if profile is None:
        fields = dict(DEMO_ARTIST_PROFILE, municipality=_municipalities()[DEMO_ARTIST_PROFILE["municipality"]])
        profile = services.save_profile(user=user, name=user.full_name, **fields)
    return profile


def _municipalities() -> dict:
    """The member municipalities by name."""
    return {municipality.name: municipality for municipality in member_municipalities()}


def _new_artists(rng: random.Random, count: int) -> list[ArtistProfile]:
    """Fictional artists without accounts, with names no other artist has, spread over the member municipalities."""
    municipalities = _municipalities()
    names, weights = list(MUNICIPALITY_WEIGHTS), list(MUNICIPALITY_WEIGHTS.values())
    used, artists = set(db.session.scalars(sa.select(ArtistProfile.name))), []
    while len(artists) < count:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        if name in used:
            continue
        used.add(name)
        municipality = rng.choices(names, weights)[0]
        postcode, city = rng.choice(POST_TOWNS[municipality])
        discipline = Discipline.VISUAL_ART if rng.random() < VISUAL_ART_SHARE else Discipline.CRAFT
        artists.append(ArtistProfile(
            name=name, address=f"{rng.choice(STREETS)} {rng.randint(1, 60)}", postcode=postcode, city=city,
            municipality=municipalities[municipality], discipline=discipline,
            education=_education(rng, discipline), cv=_cv(rng, discipline),
            studio_collective=rng.choice(STUDIO_COLLECTIVES) if rng.random() < STUDIO_COLLECTIVE_SHARE else ""))
    db.session.add_all(artists)
    db.session.flush()
    return artists


def _education(rng: random.Random, discipline: Discipline) -> str:
    """One or two lines of art education."""
    finished = rng.randint(1980, 2014)
    lines = [f"{rng.choice(DEGREES)}, {rng.choice(SCHOOLS[discipline])}, {finished}"]
    if rng.random() < 0.4:
        lines.append(f"Grunnkurs, {rng.choice(SCHOOLS[discipline])}, {finished - rng.randint(2, 4)}")
    return "\n".join(lines)


def _cv(rng: random.Random, discipline: Discipline) -> str:
    """A few exhibitions, newest first, and a membership."""
    years = sorted(rng.sample(range(2005, 2017), rng.randint(2, 5)), reverse=True)
    lines = [f"{year}  {rng.choice(EXHIBITIONS)}, {rng.choice(GALLERIES)}" for year in years]
    return "\n".join([*lines, MEMBERSHIPS[discipline]])


# --- images ----------------------------------------------------------------------------------------------------------

def _ensure_demo_images() -> list[ImageFile]:
    """A few abstract pictures that every demo work shares, stored as uploads are (files and rows)."""
    rng = random.Random(SEED)  # its own generator: the same pictures, hence the same hashes, on every load
    limits = ImageLimits.from_config(current_app.config)
    return [services.save_image(stream=_abstract_picture(rng), limits=limits, store=storage())
            for _ in range(DEMO_IMAGE_COUNT)]


def _abstract_picture(rng: random.Random) -> io.BytesIO:
    """A turned two-colour gradient with a few coloured rectangles and circles, as a JPEG stream."""
    width, height = DEMO_IMAGE_SIZE
    mask = Image.linear_gradient("L").rotate(rng.randrange(360)).resize(DEMO_IMAGE_SIZE)
    picture = Image.composite(Image.new("RGB", DEMO_IMAGE_SIZE, _colour(rng)),
                              Image.new("RGB", DEMO_IMAGE_SIZE, _colour(rng)), mask)
    draw = ImageDraw.Draw(picture)
    for _ in range(SHAPES_PER_IMAGE):
        side = rng.randrange(width // 16, width // 3)
        left, top = rng.randrange(width - side), rng.randrange(height - side)
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape((left, top, left + side, top + int(side * rng.uniform(0.5, 1.5))), fill=_colour(rng))
    stream = io.BytesIO()
    picture.save(stream, "JPEG", quality=95)
    stream.seek(0)
    return stream


def _colour(rng: random.Random) -> tuple[int, int, int]:
    """A random RGB colour."""
    return rng.randrange(256), rng.randrange(256), rng.randrange(256)


# --- calls, applications and works -----------------------------------------------------------------------------------

def _call_of(season: Season) -> OpenCall | None:
    """The season's call, if it has one."""
    return db.session.scalar(sa.select(OpenCall).where(OpenCall.season_id == season.id))


def _save_call(season: Season, *, opens_at: datetime, closes_at: datetime, work_choice_deadline: date,
               capacity: int, waitlist_size: int = WAITLIST_2017) -> OpenCall:
    """A draft call with the demo rubric: 3–6 works, blind jurying."""
    return services.save_call(season=season, title=f"Kunst rett vest {season.year}", opens_at=opens_at,
                              closes_at=closes_at, eligibility=ELIGIBILITY, min_works=3, max_works=6,
                              capacity=capacity, waitlist_size=waitlist_size,
                              work_choice_deadline=work_choice_deadline, criteria=RUBRIC)


def _submitted_applications(call: OpenCall, artists: list[ArtistProfile], images: list[ImageFile],
                            rng: random.Random, *, works: tuple[int, int]) -> list[Application]:
    """One submitted application per artist, with the reference and snapshots submit_application gives; in bulk."""
    references = services.free_references(call=call, count=len(artists))
    applications = [
        Application(call=call, artist=artist, status=ApplicationStatus.SUBMITTED, statement=_statement(rng, artist),
                    submitted_at=_submission_time(rng, call), reference=reference, municipality=artist.municipality,
                    discipline=artist.discipline,
                    works=[Work(position=position, **fields) for position, fields in enumerate(
                        _works(rng, artist, images, count=rng.randint(*works), year=call.year), start=1)])
        for artist, reference in zip(artists, references, strict=True)]
    db.session.add_all(applications)
    db.session.flush()
    return applications


def _statement(rng: random.Random, artist: ArtistProfile) -> str:
    """The artist's statement in Norwegian."""
    return rng.choice(STATEMENTS[artist.discipline])


def _submission_time(rng: random.Random, call: OpenCall) -> datetime:
    """A moment in the call's window; most artists submit in the last days."""
    window = call.closes_at - call.opens_at - timedelta(seconds=1)
    return call.opens_at + window * (1 - rng.random() ** 3)


def _works(rng: random.Random, artist: ArtistProfile, images: list[ImageFile], *, count: int,
           year: int) -> list[dict]:
    """The fields of works in the artist's discipline, mostly in one technique, each with a demo picture."""
    main_technique = rng.choice(TECHNIQUES[artist.discipline])
    works = []
    for _ in range(count):
        technique, is_flat = main_technique if rng.random() < 0.75 else rng.choice(TECHNIQUES[artist.discipline])
        width, height, depth = _dimensions(rng, is_flat)
        works.append(dict(title=rng.choice(TITLES[artist.discipline]) + rng.choice(SERIES_NUMBERS),
                          year=year - rng.choice((0, 1, 1, 2)), technique=technique, width_cm=width,
                          height_cm=height, depth_cm=depth, price=_price(rng), image=rng.choice(images)))
    return works


def _dimensions(rng: random.Random, is_flat: bool) -> tuple[Decimal, Decimal, Decimal | None]:
    """Width, height and depth in cm: pictures up to 1.5 m, objects up to 60 cm."""
    if is_flat:
        return Decimal(rng.randrange(20, 151, 5)), Decimal(rng.randrange(20, 151, 5)), None
    return tuple(Decimal(rng.randrange(8, 61)) for _ in range(3))


def _price(rng: random.Random) -> Decimal:
    """A price in whole 500s of NOK."""
    low, high = PRICE_RANGE
    return Decimal(rng.randrange(low, high + 1, 500))


# --- 2017: the jury ----------------------------------------------------------------------------------------------------

def _jury_2017(season: Season, jurors: list[User], secretariat: User, images: list[ImageFile],
               rng: random.Random) -> list[Application]:
    """The 2017 call from opening to published results: 168 applications, two reviews each, cut at 114."""
    opens_at, closes_at, deadline, decided_at, published_at = CALL_DATES[2017]
    call = _save_call(season, opens_at=opens_at, closes_at=closes_at, work_choice_deadline=deadline,
                      capacity=ACCEPTED_2017)
    for juror in jurors:
        services.assign_juror(call=call, juror=juror, actor=secretariat)
    services.move_phase(call=call, to=CallPhase.OPEN, actor=secretariat, now=opens_at)
    applications = _submitted_applications(call, _new_artists(rng, APPLICANTS_2017), images, rng, works=(3, 5))
    services.move_phase(call=call, to=CallPhase.JURYING, actor=secretariat, now=JURY_2017[0])
    _reviews(call, applications, jurors, rng, jury=JURY_2017)
    services.move_phase(call=call, to=CallPhase.DECIDING, actor=secretariat, now=JURY_2017[1])
    deciding.apply_cut_line(call=call, cut_line=ACCEPTED_2017, waitlist_size=WAITLIST_2017, actor=secretariat,
                            now=decided_at)
    # Set directly rather than through publish_decisions: 168 decision emails to fictional people are noise.
    call.phase, call.published_at = CallPhase.PUBLISHED, published_at
    db.session.flush()
    return applications


def _reviews(call: OpenCall, applications: list[Application], jurors: list[User], rng: random.Random, *,
             jury: tuple[datetime, datetime]) -> None:
    """Both jurors score every application around its hidden quality, each with their own leniency, while the jury
    works (`jury`: from, to); in bulk."""
    reviews = []
    for application in applications:
        quality = rng.gauss(4.3, 1.0)
        for juror, leniency in zip(jurors, JUROR_LENIENCY, strict=True):
            impression = quality + leniency + rng.gauss(0, JUROR_NOISE)
            scores = [Score(criterion_id=criterion.id, value=_on_scale(impression + rng.gauss(0, CRITERION_NOISE), criterion))
                      for criterion in call.criteria]
            comment = rng.choice(REVIEW_COMMENTS) if rng.random() < REVIEW_COMMENT_SHARE else ""
            reviews.append(Review(application_id=application.id, juror_id=juror.id, comment=comment,
                                  scored_at=_moment_between(rng, *jury), scores=scores))
    db.session.add_all(reviews)
    db.session.flush()


def _on_scale(value: float, criterion) -> int:
    """The nearest whole score on the criterion's scale."""
    return min(max(round(value), criterion.scale_min), criterion.scale_max)


def _moment_between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A random moment from start to end."""
    return start + (end - start) * rng.random()


def _mark_first_timers(applications: list[Application]) -> None:
    """Derive each 2017 applicant's first-timer flag from the history, as submission does."""
    # All look-ups before any change, so that the session does not flush once per application.
    first_timers = [services.is_first_timer(artist=a.artist, call=a.call) for a in applications]
    for application, is_first_timer in zip(applications, first_timers, strict=True):
        application.is_first_timer = is_first_timer


def _chosen_works(applications: list[Application], rng: random.Random, *, count: int,
                  confirmed_between: tuple[datetime, datetime]) -> None:
    """`count` of the accepted artists confirm one of their applied works for the exhibition; in bulk."""
    accepted = [a for a in applications if a.status == ApplicationStatus.ACCEPTED]
    chosen = []
    for application in rng.sample(accepted, min(count, len(accepted))):
        work = rng.choice(application.works)
        is_for_sale = rng.random() < FOR_SALE_SHARE
        chosen.append(ChosenWork(
            application_id=application.id, source_work_id=work.id, title=work.title, year=work.year,
            technique=work.technique, width_cm=work.width_cm, height_cm=work.height_cm, depth_cm=work.depth_cm,
            price=work.price if is_for_sale else None, insurance_value=work.price, is_for_sale=is_for_sale,
            image_id=work.image_id, confirmed_at=_moment_between(rng, *confirmed_between)))
    db.session.add_all(chosen)
    db.session.flush()


# --- 2016: the history ---------------------------------------------------------------------------------------------

def _history_2016(season: Season, applications_2017: list[Application], images: list[ImageFile],
                  rng: random.Random) -> OpenCall:
    """The published 2016 call: 140 applicants, drawn from the 2017 applicants as HISTORY_2016 says, plus others."""
    opens_at, closes_at, deadline, decided_at, published_at = CALL_DATES[2016]
    call = _save_call(season, opens_at=opens_at, closes_at=closes_at, work_choice_deadline=deadline,
                      capacity=ACCEPTED_2016)
    pools = {is_accepted: rng.sample(group, len(group)) for is_accepted, group in (
        (True, [a.artist for a in applications_2017 if a.status == ApplicationStatus.ACCEPTED]),
        (False, [a.artist for a in applications_2017 if a.status != ApplicationStatus.ACCEPTED]))}
    decisions = [(pools[is_accepted_2017].pop(), status)
                 for (is_accepted_2017, status), count in HISTORY_2016.items() for _ in range(count)]
    for status, count in ONLY_IN_2016.items():
        decisions += [(artist, status) for artist in _new_artists(rng, count)]
    rng.shuffle(decisions)
    applications = _submitted_applications(call, [artist for artist, _ in decisions], images, rng, works=(1, 1))
    for application, (_, status) in zip(applications, decisions, strict=True):
        application.status, application.decided_at = status, decided_at
        # Rejected in 2016 means never accepted before; of the accepted, some were new that year.
        application.is_first_timer = (status == ApplicationStatus.REJECTED
                                      or rng.random() < FIRST_TIMER_SHARE_2016)
    call.phase, call.published_at = CallPhase.PUBLISHED, published_at
    db.session.flush()
    return call


# --- the live year: published ----------------------------------------------------------------------------------------

def _live_call_timeline(day: DemoDay) -> dict[str, datetime]:
    """The live call's milestones, spread over the months before the live exhibition opens, inside the live year."""
    start_of_year = oslo(date(day.live_year, 1, 1), time(0))
    end = max(min(oslo(day.exhibition_opens, time(9)), day.now), start_of_year + timedelta(hours=1))
    start = max(start_of_year, end - LIVE_CALL_SPAN)
    return {milestone: start + (end - start) * share for milestone, share in LIVE_CALL_TIMELINE.items()}


def _live_call(season: Season, jurors: list[User], secretariat: User, images: list[ImageFile],
               day: DemoDay) -> OpenCall:
    """The live year's call, published: earlier applicants (most of them accepted in 2017) apply again, both jurors
    score, the cut line accepts 12, and every accepted artist has chosen a work, so the catalogue shows them."""
    rng = random.Random(SEED + 2)
    at = _live_call_timeline(day)
    call = _save_call(season, opens_at=at["opens"], closes_at=at["closes"],
                      work_choice_deadline=at["work_choice_deadline"].date(), capacity=LIVE_ACCEPTED,
                      waitlist_size=LIVE_WAITLIST)
    for juror in jurors:
        services.assign_juror(call=call, juror=juror, actor=secretariat)
    services.move_phase(call=call, to=CallPhase.OPEN, actor=secretariat, now=at["opens"])
    applications = _submitted_applications(call, _earlier_applicants(rng), images, rng, works=(3, 4))
    services.move_phase(call=call, to=CallPhase.JURYING, actor=secretariat, now=at["jury_starts"])
    _reviews(call, applications, jurors, rng, jury=(at["jury_starts"], at["jury_ends"]))
    services.move_phase(call=call, to=CallPhase.DECIDING, actor=secretariat, now=at["jury_ends"])
    deciding.apply_cut_line(call=call, cut_line=LIVE_ACCEPTED, waitlist_size=LIVE_WAITLIST, actor=secretariat,
                            now=at["decided"])
    # As in 2017: published without the decision emails to fictional people.
    call.phase, call.published_at = CallPhase.PUBLISHED, at["published"]
    db.session.flush()
    _mark_first_timers(applications)
    _chosen_works(applications, rng, count=LIVE_ACCEPTED,
                  confirmed_between=(at["published"], at["work_choice_deadline"]))
    return call


def _earlier_applicants(rng: random.Random) -> list[ArtistProfile]:
    """Artists without an account from the 2017 call: mostly ones accepted then, a few who were not."""
    applications = list(db.session.scalars(
        sa.select(Application).join(OpenCall, OpenCall.id == Application.call_id).join(Season)
        .join(ArtistProfile, ArtistProfile.id == Application.artist_id)
        .where(Season.year == 2017, Season.project_id == project_by_code(PROJECT_CODE).id,
               ArtistProfile.user_id.is_(None)).order_by(Application.id)))
    accepted = [a.artist for a in applications if a.status == ApplicationStatus.ACCEPTED]
    others = [a.artist for a in applications if a.status != ApplicationStatus.ACCEPTED]
    return (rng.sample(accepted, min(LIVE_FROM_ACCEPTED_2017, len(accepted)))
            + rng.sample(others, min(LIVE_APPLICANTS - LIVE_FROM_ACCEPTED_2017, len(others))))


# --- next year: open now ---------------------------------------------------------------------------------------------

def _open_call_next(season: Season, jurors: list[User], secretariat: User, images: list[ImageFile],
                    day: DemoDay) -> OpenCall:
    """Next year's call, open from two weeks ago until two months ahead, with a handful of applications so far."""
    # Relative to today rather than to its year, so that a demo artist can apply whenever the demo is loaded.
    closes_at = oslo(day.today + NEXT_CALL_CLOSES, time(12))
    call = _save_call(season, opens_at=oslo(day.today - NEXT_CALL_OPENED, time(9)), closes_at=closes_at,
                      work_choice_deadline=closes_at.date() + timedelta(days=90), capacity=ACCEPTED_2017)
    for juror in jurors:
        services.assign_juror(call=call, juror=juror, actor=secretariat)
    services.move_phase(call=call, to=CallPhase.OPEN, actor=secretariat, now=day.now)
    rng = random.Random(SEED + 1)
    returning, new = _returning_artists(rng, RETURNING_NEXT), _new_artists(rng, NEW_NEXT)
    for artist in (*returning[:2], *new[:1]):
        _apply(call, artist, images, rng, submit=True, now=day.now)
    for artist in (*returning[2:], *new[1:]):
        _apply(call, artist, images, rng, submit=False, now=day.now)
    return call


def _returning_artists(rng: random.Random, count: int) -> list[ArtistProfile]:
    """Artists without an account who were accepted in an earlier call."""
    accepted = list(db.session.scalars(
        sa.select(ArtistProfile).join(Application, Application.artist_id == ArtistProfile.id)
        .where(ArtistProfile.user_id.is_(None), Application.status == ApplicationStatus.ACCEPTED)
        .distinct().order_by(ArtistProfile.id)))
    return rng.sample(accepted, min(count, len(accepted)))


def _apply(call: OpenCall, artist: ArtistProfile, images: list[ImageFile], rng: random.Random, *,
           submit: bool, now: datetime) -> Application:
    """An application through the artist's own steps; a draft stops short of the works the call asks for."""
    application = services.start_application(call=call, artist=artist, now=now)
    services.save_statement(application=application, statement=_statement(rng, artist), now=now)
    count = call.min_works if submit else call.min_works - 1
    for fields in _works(rng, artist, images, count=count, year=call.year):
        services.save_work(application=application, now=now, **fields)
    if submit:
        services.submit_application(application=application, now=now)
    return application
