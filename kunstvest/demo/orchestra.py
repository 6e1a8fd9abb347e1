"""Demo youth orchestra: the 2017 season of Vestregionens Ungdomssymfonikere, and next year's open for registration.

The figures are the 2017 annual report's (DOMAIN.md): 52 members, 29 aged 12–18 and 23 under 12, seven rehearsal
weekends at changing places in the member municipalities and two concerts; the junior group plays one day of each
weekend (Sunday). Sectionals are led by tutors whose fees go to the budget line «Dirigent og gruppeinstruktører».
Next year's season (the year after the one the demo is loaded in) runs from 1 January to 31 December like 2017's, so
ages count from its start and a child aged 8–18 then can be registered today. Its members have been admitted, its
seven weekends and two concerts lie ahead on the same weekends of the year as 2017's, and its waiting list has a
violinist and the demo guardian's violist; the violas, the bassoons and the horns are short of their targets, so the
waiting list has something to say. Every person is fictional; the demo guardian (Nina Aas) has a 2017 member and a
child on next year's waiting list.
Rows are inserted directly; a season that exists is left alone, and next year's waits while another season is open
for registration. The 2017 events are marked held and their fees booked as the staff book them in the app, once, so
booking them again changes nothing.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from kunstvest.auth.models import Role, RoleGrant, User
from kunstvest.budget.models import BudgetLine, Project
from kunstvest.budget.services import project_by_code
from kunstvest.common.models import utcnow
from kunstvest.demo import foundation
from kunstvest.demo.days import DemoDay, oslo
from kunstvest.extensions import db
from kunstvest.orchestra.events import book_fees, events_of_season
from kunstvest.orchestra.models import (Attendance, AttendanceStatus, Child, ChildInstrument, ConsentPurpose,
                                        ConsentRecord, ConsentText, Enrolment, EnrolmentStatus, EventKind,
                                        EventSession, EventStaff, Group, Guardianship, HealthInfo, Level,
                                        OrchestraEvent, OrchestraSeason, Reply, SectionTarget, SessionKind,
                                        StaffRole)
from kunstvest.orchestra.sections import STANDARD_SECTIONS, ensure_sections
from kunstvest.reference.models import Municipality, Season, Venue
from kunstvest.reference.services import ensure_season

SEED = 2017
PROJECT_CODE = "ungdomssymfonikerne"
FEE_LINE = "Dirigent og gruppeinstruktører"
SEASON_2017 = (date(2017, 1, 1), date(2017, 12, 31))  # the reports count the orchestra's season by calendar year
ADMITTED_ON = oslo(date(2016, 12, 5), time(12))
# When the 2017 members registered: (first day, days after it) for returning players and for new ones.
REGISTERED_2017 = {True: (date(2016, 5, 2), 40), False: (date(2016, 9, 1), 75)}
# Next year's season: members re-registered or applied in the weeks before today and were admitted a week ago.
REGISTERED_NEXT = {True: (timedelta(days=-75), 40), False: (timedelta(days=-45), 35)}
ADMITTED_NEXT = timedelta(days=-7)
APPLICANTS_NEXT_FROM = timedelta(days=-30)  # the waiting list and the undecided applied after the members
REREGISTRATION_DEADLINE = (4, 30)

# Section → target players; the orchestra plays without harp and piano.
TARGETS = {"violin_1": 8, "violin_2": 8, "viola": 4, "cello": 5, "double_bass": 2, "flute": 3, "oboe": 2,
           "clarinet": 3, "bassoon": 2, "horn": 3, "trumpet": 3, "trombone": 2, "tuba": 1, "percussion": 3}
# Section → (members aged 12–18, members under 12) on 1 January 2017: 29 + 23 = 52. Violins are over their target,
# violas, bassoons and horns short.
MEMBERS_2017 = {"violin_1": (7, 3), "violin_2": (3, 7), "viola": (2, 0), "cello": (3, 3), "double_bass": (2, 0),
                "flute": (2, 2), "oboe": (2, 0), "clarinet": (2, 2), "bassoon": (1, 0), "horn": (1, 1),
                "trumpet": (1, 2), "trombone": (1, 1), "tuba": (1, 0), "percussion": (1, 2)}
FAMILIES_OF_SECTIONS = {
    "strings": ("violin_1", "violin_2", "viola", "cello", "double_bass"),
    "woodwinds": ("flute", "oboe", "clarinet", "bassoon"),
    "brass": ("horn", "trumpet", "trombone", "tuba"),
    "percussion": ("percussion",),
}
FAMILY_OF_INSTRUMENT = {instrument: family for family, codes in FAMILIES_OF_SECTIONS.items()
                        for code, _, instrument in STANDARD_SECTIONS if code in codes}
SECTIONAL_ROOMS = {"strings": "Rom 1", "woodwinds": "Rom 2", "brass": "Rom 3", "percussion": "Slagverkrommet"}
TUTTI_ROOM = "Salen"

MUNICIPALITY_WEIGHTS = {"Drammen": 9, "Lier": 7, "Asker": 7, "Bærum": 7, "Ringerike": 4, "Nedre Eiker": 4,
                        "Øvre Eiker": 3, "Modum": 3, "Røyken": 3, "Hurum": 2, "Hole": 1, "Svelvik": 1}
# Municipality → (primary school, lower-secondary school, upper-secondary school nearby).
SCHOOLS = {
    "Drammen": ("Marienlyst skole", "Marienlyst skole", "Drammen videregående skole"),
    "Lier": ("Lierbyen skole", "Hallingstad skole", "Lier videregående skole"),
    "Asker": ("Bondi skole", "Borgen ungdomsskole", "Asker videregående skole"),
    "Bærum": ("Jar skole", "Ringstabekk skole", "Sandvika videregående skole"),
    "Ringerike": ("Benterud skole", "Hov ungdomsskole", "Ringerike videregående skole"),
    "Nedre Eiker": ("Krokstad skole", "Mjøndalen skole", "Drammen videregående skole"),
    "Øvre Eiker": ("Hokksund barneskole", "Hokksund ungdomsskole", "Drammen videregående skole"),
    "Modum": ("Vikersund skole", "Vikersund skole", "Rosthaug videregående skole"),
    "Røyken": ("Slemmestad barneskole", "Slemmestad ungdomsskole", "Røyken videregående skole"),
    "Hurum": ("Tofte skole", "Tofte skole", "Røyken videregående skole"),
    "Hole": ("Sundvollen oppvekstsenter", "Hole ungdomsskole", "Ringerike videregående skole"),
    "Svelvik": ("Tangen skole", "Svelvik ungdomsskole", "Drammen videregående skole"),
}
LOWER_SECONDARY_FROM_AGE = 13
UPPER_SECONDARY_FROM_AGE = 16

GIRLS = ["Emma", "Nora", "Sara", "Ingrid", "Thea", "Maja", "Selma", "Sofie", "Linnea", "Ella", "Hedda", "Astrid",
         "Tiril", "Live", "Vilde", "Mathilde", "Frida", "Jenny", "Aurora", "Julie", "Oda", "Amalie", "Hanna",
         "Marte", "Sigrid", "Mia", "Eline", "Synne"]
BOYS = ["Jakob", "Noah", "Oskar", "Lucas", "Filip", "Mathias", "Henrik", "Sander", "Aksel", "Magnus", "Elias",
        "Tobias", "Johannes", "Jonas", "Kasper", "Theodor", "Sebastian", "Isak", "William", "Even", "Sindre",
        "Vetle", "Ole", "Håkon"]
WOMEN = ["Kari", "Hilde", "Anne", "Marianne", "Silje", "Camilla", "Ingvild", "Tone", "Lene", "Kristin", "Heidi",
         "Randi", "Trine", "Siri", "Maria", "Elin", "Monica", "Gunn"]
MEN = ["Per", "Lars", "Espen", "Thomas", "Morten", "Geir", "Anders", "Rune", "Trond", "Kjetil", "Stian", "Bjørn",
       "Øyvind", "Jørgen", "Knut", "Erlend", "Vegard", "Fredrik"]
SURNAMES = ["Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen",
            "Karlsen", "Berg", "Haugen", "Hagen", "Eriksen", "Bakke", "Lie", "Dahl", "Moen", "Strand", "Solberg",
            "Aasen", "Halvorsen", "Sæther", "Myhre", "Nygård", "Lund", "Holm", "Bråten", "Engen", "Vik",
            "Amundsen", "Tangen", "Rud", "Hovland", "Sandvik", "Ødegård"]
TEACHERS = {
    "strings": ["Kristin Ulvestad", "Paal Grønvold", "Hege Midtbø", "Irina Kovaleva"],
    "woodwinds": ["Stine Fjellheim", "Ola Brattli", "Gunvor Rekdal"],
    "brass": ["Tor Inge Skarpsno", "Anette Klemetsrud", "Lasse Fosshaug"],
    "percussion": ["Remi Tollefsrud", "Tove Hjelmeland"],
}
CHILD_NOTES = ["Spiller også i skolekorpset.", "Foreldrene kjører i fellesskap fra Hokksund.",
               "Ønsker å prøve bratsj etter hvert.", "Har eget instrument; trenger notestativ.",
               "Går på musikklinja fra høsten.", "Er med i juniororkesteret for andre år."]
SECOND_INSTRUMENT_SHARE = 0.15
SIBLING_SHARE = 0.08
SINGLE_GUARDIAN_SHARE = 0.3

# The demo guardian's children: a 2017 member (cello, junior group) and one on next year's waiting list for viola.
DEMO_SECOND_GUARDIAN = ("anders.aas@example.org", "Anders Aas")
DEMO_MEMBER = ("Emil", "Aas", date(2006, 3, 14), "cello", 3, "Lier")
# Next year's applicants, born (years before the season's year, month, day): 9 to 12 on its first day.
DEMO_WAITLISTED = ("Ida", "Aas", (10, 8, 30), "viola", 1, "Lier")
APPLICANTS_NEXT = [
    ("Vetle", "Grinde", (11, 11, 2), "violin", 2, "Drammen", EnrolmentStatus.WAITLISTED),
    ("Maja", "Tveter", (13, 6, 21), "cello", 4, "Asker", EnrolmentStatus.APPLIED),
    ("Oskar", "Lindahl", (12, 1, 9), "trumpet", 3, "Øvre Eiker", EnrolmentStatus.APPLIED),
]
RETURNING_SHARE = 0.6  # of the members aged 10 or more, those who played in the orchestra the season before

# The weekends at changing places in the member municipalities: (Saturday, municipality, place or reference venue).
WEEKENDS_2017 = [
    (date(2017, 1, 21), "Drammen", "Drammen kulturskole"),
    (date(2017, 2, 11), "Asker", "Asker kulturskole"),
    (date(2017, 3, 11), "Bærum", "Bærum kulturskole"),
    (date(2017, 4, 1), "Lier", "Lier kulturskole"),
    (date(2017, 9, 9), "Ringerike", "Fengselet Hønefoss"),
    (date(2017, 10, 21), "Nedre Eiker", "Nedre Eiker kulturskole"),
    (date(2017, 11, 11), "Røyken", "Røyken kulturskole"),
]
# (day, title, municipality, place or reference venue, public, description)
CONCERTS_2017 = [
    (date(2017, 6, 11), "Sommerkonsert", "Bærum", "Bærum kulturhus", True,
     "Sommerkonsert med hele orkesteret og juniorene. Generalprøve kl. 14, konsert kl. 18. Gratis inngang."),
    (date(2017, 12, 3), "Julekonsert for familie og venner", "Drammen", "Drammen kulturskole", False,
     "Julekonsert for foresatte, søsken og venner. Oppmøte kl. 14 til generalprøve, konsert kl. 17."),
]
# Next year's weekends and concerts fall on the same weekend of the year as 2017's.
WEEKEND_DESCRIPTION = ("Tutti med dirigenten og gruppeøvelser for strykere, treblåsere, messing og slagverk. "
                       "Juniorene er med søndag. Ta med noter, blyant og matpakke; lunsj kl. 12.")
MONTHS = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
          "november", "desember"]
WEEKEND_REPLY_DAYS = 7
CONCERT_REPLY_DAYS = 14

# A session of the weekend's schedule: (day offset, start, end, kind); sectionals run for every family at once.
WEEKEND_SCHEDULE = [
    (0, time(10), time(11, 45), SessionKind.TUTTI),
    (0, time(12, 30), time(14, 30), SessionKind.SECTIONAL),
    (0, time(14, 45), time(16, 30), SessionKind.TUTTI),
    (1, time(10), time(11, 30), SessionKind.SECTIONAL),
    (1, time(12), time(14, 30), SessionKind.TUTTI),
]
CONCERT_REHEARSAL = (time(14), time(16))
CONDUCTOR = "Arvid Kolstad"
TUTORS = {
    "strings": ["Marte Solvang", "Henrik Bergersen", "Jelena Marković"],
    "woodwinds": ["Silje Havnås", "Oddvar Rønningen"],
    "brass": ["Kenneth Aasheim", "Ragnhild Tveitan"],
    "percussion": ["Jon Erik Skaug", "Line Hamre"],
}
CONDUCTOR_FEE = {EventKind.REHEARSAL_WEEKEND: Decimal("9000"), EventKind.CONCERT: Decimal("6000")}
TUTOR_FEE = Decimal("5500")

WEEKEND_NO_NOTES = ["Håndballcup denne helgen.", "Konfirmasjon i familien.", "Syk.", "Bortreist med familien.",
                    "Skirenn lørdag, kan ikke komme.", "Eksamensforberedelser."]
# (note, arrives late on Saturday)
WEEKEND_YES_NOTES = [("Kommer kl. 12 på lørdag (fotballkamp).", True), ("Må gå kl. 14 på søndag.", False),
                     ("Kommer litt sent lørdag, tog fra Hønefoss.", True)]
CONCERT_NO_NOTES = ["Reiser på ferie.", "Dansekonkurranse samme dag.", "Bursdag i familien."]
WEEKEND_NO_REPLIES, WEEKEND_NOTED_YES = 3, 2
CONCERT_YES_SHARE, CONCERT_NO_SHARE = 0.8, 0.08
LATE_SHARE, UNANNOUNCED_ABSENCE_SHARE = 0.05, 0.03

CONSENT_TEXTS_V1 = {
    ConsentPurpose.PHOTOS_WEB:
        "Jeg samtykker i at Vestregionens Ungdomssymfonikere kan publisere bilder og video der barnet mitt er med, "
        "på orkesterets nettsider. Barnets navn publiseres ikke sammen med bildene. Samtykket kan trekkes tilbake "
        "når som helst.",
    ConsentPurpose.PHOTOS_PRESS:
        "Jeg samtykker i at pressen kan ta og publisere bilder der barnet mitt er med, når de omtaler orkesterets "
        "konserter og samlinger.",
    ConsentPurpose.HEALTH_INFO:
        "Jeg samtykker i at opplysninger om barnets helse, allergier og nødkontakter lagres i orkesterets system. "
        "Bare orkesterets ansatte og lederne på samlingene kan lese dem, og bare for barnets sikkerhet. "
        "Opplysningene slettes når barnet slutter i orkesteret.",
    ConsentPurpose.TRAVEL:
        "Jeg samtykker i at barnet mitt kan reise med orkesteret til samlinger, konserter og turneer, med "
        "orkesterets ledere og ledsagere som ansvarlige voksne.",
}
# The new website shows pictures on social media too and keeps them longer, so everyone is asked again.
CONSENT_TEXT_PHOTOS_WEB_V2 = (
    "Jeg samtykker i at Vestregionens Ungdomssymfonikere kan publisere bilder og video der barnet mitt er med, på "
    "orkesterets nettsider og på orkesterets sider på Facebook og Instagram. Barnets fornavn kan stå i "
    "bildeteksten. Bildene ligger ute i inntil tre år. Samtykket kan trekkes tilbake når som helst.")
CONSENT_V1_PUBLISHED = oslo(date(2016, 9, 1), time(9))
CONSENT_V2_PUBLISHED = oslo(date(2017, 8, 28), time(9))
CONSENT_MISSING_SHARE = 0.08
CONSENT_WITHDRAWN = 3
PHOTOS_WEB_V2_ANSWERED_SHARE = 0.6
PHOTOS_WEB_V2_DECLINED = 2

# (allergies, medical); every member with health information has consent to store it.
HEALTH = [
    ("Peanøtter og hasselnøtter. Har adrenalinpenn i sekken.", ""),
    ("Laktoseintoleranse.", ""),
    ("Cøliaki: tåler ikke gluten.", ""),
    ("Pollen (bjørk); tar allergimedisin i april og mai.", "Astma; bruker inhalator ved behov."),
    ("", "Diabetes type 1; måler blodsukker før lunsj. Har druesukker i fiolinkassen."),
    ("Egg.", ""),
]


def load(day: DemoDay | None = None) -> None:
    """The 2017 season as reported, and next year's open for registration; a season that exists is left alone."""
    day = day or DemoDay.of()
    project = project_by_code(PROJECT_CODE)
    season = ensure_season(project=project, year=2017, title=foundation.SEASON_TITLES[(PROJECT_CODE, 2017)])
    loaded = db.session.scalar(sa.select(OrchestraSeason).where(OrchestraSeason.season_id == season.id))
    if loaded is None:
        _season_2017(season, project.id, day)
    else:
        _book_fees_of_held_events(loaded, day)  # a demo loaded before the fees were booked gets them now
    if _is_registration_wanted(day):
        _season_next(foundation.ensure_demo_season(PROJECT_CODE, day.next_year, day), project.id, day)


def _season_2017(season: Season, project_id: int, day: DemoDay) -> None:
    """The 2017 season with members, guardians, consent, weekends, concerts, replies and attendance."""
    rng = random.Random(SEED)
    sections = ensure_sections()
    season_2017 = _orchestra_season(season, SEASON_2017, sections, is_registration_open=False)
    staff = db.session.scalar(sa.select(User).where(User.email == _demo_email(Role.ORCHESTRA_STAFF)))
    families = _Families(rng, _demo_guardian())
    members = _members(season_2017, sections, families, rng, registered=REGISTERED_2017, decided_at=ADMITTED_ON,
                       with_demo_member=True)
    db.session.flush()
    _consent_records([(child, enrolment.applied_at) for child, enrolment in members], _consent_texts(), rng,
                     withdrawals=(date(2017, 3, 1), 120))
    _health([child for child, _ in members], rng)
    events = _events(season_2017, sections, staff, project_id, WEEKENDS_2017, CONCERTS_2017)
    db.session.flush()
    _replies_and_attendance(events, members, staff, rng, day)
    db.session.flush()
    _book_fees_of_held_events(season_2017, day)


def _is_registration_wanted(day: DemoDay) -> bool:
    """True when next year has no orchestra season and no other season is open for registration."""
    return not db.session.scalar(sa.select(sa.exists().where(sa.or_(
        OrchestraSeason.is_registration_open.is_(True),
        OrchestraSeason.season_id.in_(sa.select(Season.id).join(Project, Project.id == Season.project_id).where(
            Project.code == PROJECT_CODE, Season.year == day.next_year))))))


def _season_next(season: Season, project_id: int, day: DemoDay) -> None:
    """Next year's season, open for registration: its members admitted, a waiting list and two undecided
    applications, consent and health as at registration, and its weekends and concerts ahead."""
    year = season.year
    rng = random.Random(SEED + 1)
    sections = ensure_sections()
    deadline_month, deadline_day = REREGISTRATION_DEADLINE
    orchestra_season = _orchestra_season(season, (date(year, 1, 1), date(year, 12, 31)), sections,
                                         is_registration_open=True,
                                         reregistration_deadline=date(year, deadline_month, deadline_day))
    staff = db.session.scalar(sa.select(User).where(User.email == _demo_email(Role.ORCHESTRA_STAFF)))
    families = _Families(rng, _demo_guardian())
    registered = {is_returning: (day.today + offset, days) for is_returning, (offset, days) in REGISTERED_NEXT.items()}
    members = _members(orchestra_season, sections, families, rng, registered=registered,
                       decided_at=oslo(day.today + ADMITTED_NEXT, time(12)), with_demo_member=False)
    applicants = _applicants_next(orchestra_season, families, day)
    db.session.flush()
    _consent_records([(child, enrolment.applied_at) for child, enrolment in members] + applicants,
                     _consent_texts(), rng, withdrawals=(day.today + ADMITTED_NEXT, 6))
    _health([child for child, _ in members], rng)
    _events(orchestra_season, sections, staff, project_id,
            [(_same_weekday_in(year, saturday), *where) for saturday, *where in WEEKENDS_2017],
            [(_same_weekday_in(year, concert_day), *rest) for concert_day, *rest in CONCERTS_2017])
    db.session.flush()


def _same_weekday_in(year: int, day: date) -> date:
    """The day of `year` nearest to `day`'s date that falls on the same weekday (a Saturday stays a Saturday)."""
    moved = day.replace(year=year)
    shift = (day.weekday() - moved.weekday()) % 7
    return moved + timedelta(days=shift if shift <= 3 else shift - 7)


def _demo_guardian() -> User:
    return db.session.scalar(sa.select(User).where(User.email == _demo_email(Role.GUARDIAN)))


def _demo_email(role: Role) -> str:
    return next(email for demo_role, email, _ in foundation.DEMO_USERS if demo_role == role)


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _born_aged(rng: random.Random, age: int, on: date) -> date:
    """A birthday that makes the child exactly `age` on `on`."""
    return on.replace(year=on.year - age - 1) + timedelta(days=1 + rng.randrange(364))


def _orchestra_season(season: Season, dates: tuple[date, date], sections: dict, **fields) -> OrchestraSeason:
    """An orchestra season with the demo's section targets."""
    starts_on, ends_on = dates
    orchestra_season = OrchestraSeason(season=season, starts_on=starts_on, ends_on=ends_on, **fields)
    orchestra_season.targets = [SectionTarget(section=sections[code], target=target)
                                for code, target in TARGETS.items()]
    db.session.add(orchestra_season)
    db.session.flush()  # the age limits' defaults are read below
    return orchestra_season


def _ascii(text: str) -> str:
    return text.lower().replace(" ", "").translate(str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e"}))


# --- families ---------------------------------------------------------------------------------------------------------

class _Families:
    """Fictional guardians with the demo users' password hash, and the children's names, each used once."""

    def __init__(self, rng: random.Random, demo_guardian: User):
        self.rng = rng
        self.demo_guardian = demo_guardian
        self.password_hash = demo_guardian.password_hash  # hashing once per guardian would take seconds
        self.emails = set(db.session.scalars(sa.select(User.email)))
        self.child_names = {f"{first} {last}" for first, last in
                            db.session.execute(sa.select(Child.first_name, Child.last_name))}
        self.municipalities = {m.name: m for m in db.session.scalars(sa.select(Municipality))}
        self.demo_family: list[User] | None = None

    def guardian(self, full_name: str, email: str | None = None) -> User:
        """A new guardian account with an example.org address nobody has yet."""
        if email is None:
            stem = ".".join(_ascii(part) for part in full_name.split(" ", 1))
            email, number = f"{stem}@example.org", 2
            while email in self.emails:
                email, number = f"{stem}{number}@example.org", number + 1
        self.emails.add(email)
        user = User(email=email, full_name=full_name, password_hash=self.password_hash,
                    email_verified_at=utcnow(), role_grants=[RoleGrant(role=Role.GUARDIAN)])
        db.session.add(user)
        return user

    def new_family(self) -> tuple[str, list[User], Municipality]:
        """A surname, one or two guardians and the municipality they live in."""
        surname = self.rng.choice(SURNAMES)
        guardians = [self.guardian(f"{self.rng.choice(WOMEN)} {surname}")]
        if self.rng.random() > SINGLE_GUARDIAN_SHARE:
            other_surname = surname if self.rng.random() < 0.6 else self.rng.choice(SURNAMES)
            guardians.append(self.guardian(f"{self.rng.choice(MEN)} {other_surname}"))
            self.rng.shuffle(guardians)
        names, weights = list(MUNICIPALITY_WEIGHTS), list(MUNICIPALITY_WEIGHTS.values())
        return surname, guardians, self.municipalities[self.rng.choices(names, weights)[0]]

    def demo_guardians(self) -> list[User]:
        """The demo guardian and the second guardian of her children."""
        if self.demo_family is None:
            email, full_name = DEMO_SECOND_GUARDIAN
            existing = db.session.scalar(sa.select(User).where(User.email == email))
            self.demo_family = [self.demo_guardian, existing or self.guardian(full_name, email)]
        return self.demo_family

    def first_name(self, surname: str) -> str:
        while True:
            first_name = self.rng.choice(GIRLS if self.rng.random() < 0.55 else BOYS)
            if f"{first_name} {surname}" not in self.child_names:
                self.child_names.add(f"{first_name} {surname}")
                return first_name


def _child(families: _Families, *, first_name: str, last_name: str, born: date, instrument: str,
           years_played: int, municipality: Municipality, guardians: list[User], on: date) -> Child:
    """A child with school, culture school, teacher and level as a guardian would register them."""
    rng = families.rng
    age = _age_on(born, on)
    schools = SCHOOLS[municipality.name]
    level = (Level.BEGINNER if years_played < 3 else Level.INTERMEDIATE if years_played < 7 else Level.ADVANCED)
    instruments = [ChildInstrument(instrument=instrument, years_played=years_played)]
    if rng.random() < SECOND_INSTRUMENT_SHARE:
        instruments.append(ChildInstrument(instrument="piano", years_played=rng.randint(1, max(1, years_played))))
    child = Child(first_name=first_name, last_name=last_name, date_of_birth=born, municipality=municipality,
                  school=schools[(age >= LOWER_SECONDARY_FROM_AGE) + (age >= UPPER_SECONDARY_FROM_AGE)],
                  culture_school=f"{municipality.name} kulturskole", teacher=rng.choice(TEACHERS[FAMILY_OF_INSTRUMENT[instrument]]),
                  level=level, notes=rng.choice(CHILD_NOTES) if rng.random() < 0.12 else "",
                  instruments=instruments, guardianships=[Guardianship(user=guardian) for guardian in guardians])
    db.session.add(child)
    return child


# --- members and applicants -------------------------------------------------------------------------------------------

def _members(season: OrchestraSeason, sections: dict, families: _Families, rng: random.Random, *,
             registered: dict[bool, tuple[date, int]], decided_at: datetime,
             with_demo_member: bool) -> list[tuple[Child, Enrolment]]:
    """52 admitted members aged 8–18 on the season's start, spread over the sections: returning players and new ones,
    who registered in the days `registered` gives (returning or not → first day, how many days)."""
    starts_on = season.starts_on
    places = [(code, rng.randint(12, 18) if senior else rng.randint(8, 11))
              for code, (seniors, juniors) in MEMBERS_2017.items()
              for senior in [True] * seniors + [False] * juniors]
    demo_place = (next(index for index, (code, age) in enumerate(places) if code == "cello" and age < 12)
                  if with_demo_member else None)
    members, sibling_of = [], None
    for index, (code, age) in enumerate(places):
        instrument = sections[code].instrument
        if index == demo_place:
            first_name, last_name, born, _, years_played, municipality = DEMO_MEMBER
            guardians, municipality = families.demo_guardians(), families.municipalities[municipality]
            families.child_names.add(f"{first_name} {last_name}")
        else:
            if sibling_of is not None and rng.random() < SIBLING_SHARE:
                last_name, guardians, municipality = sibling_of
            else:
                last_name, guardians, municipality = families.new_family()
            sibling_of = (last_name, guardians, municipality)
            first_name, born = families.first_name(last_name), _born_aged(rng, age, starts_on)
            years_played = rng.randint(1, min(age - 6, 4)) if age < 12 else rng.randint(2, min(age - 6, 10))
        child = _child(families, first_name=first_name, last_name=last_name, born=born, instrument=instrument,
                       years_played=years_played, municipality=municipality, guardians=guardians, on=starts_on)
        is_returning = age >= 10 and rng.random() < RETURNING_SHARE
        first_day, days = registered[is_returning]
        applied_at = oslo(first_day + timedelta(days=rng.randrange(days)), time(20 if is_returning else 21))
        enrolment = Enrolment(orchestra_season=season, child=child, status=EnrolmentStatus.ADMITTED,
                              instrument=instrument, section=sections[code],
                              group=Group.SENIOR if _age_on(born, starts_on) >= season.senior_from_age
                              else Group.JUNIOR,
                              applied_at=applied_at, decided_at=decided_at, is_reregistered=is_returning)
        db.session.add(enrolment)
        members.append((child, enrolment))
    return members


def _applicants_next(season: OrchestraSeason, families: _Families, day: DemoDay) -> list[tuple[Child, datetime]]:
    """Children registered for next year: the demo guardian's violist and a violinist waiting, two not yet decided."""
    applicants = []
    for number, (first_name, last_name, (years, month, day_of_month), instrument, years_played, municipality,
                 status) in enumerate([(*DEMO_WAITLISTED, EnrolmentStatus.WAITLISTED), *APPLICANTS_NEXT]):
        if number == 0:
            guardians = families.demo_guardians()
        else:
            guardians = [families.guardian(f"{families.rng.choice(WOMEN)} {last_name}")]
        families.child_names.add(f"{first_name} {last_name}")
        child = _child(families, first_name=first_name, last_name=last_name,
                       born=date(season.year - years, month, day_of_month), instrument=instrument,
                       years_played=years_played, municipality=families.municipalities[municipality],
                       guardians=guardians, on=season.starts_on)
        applied_at = oslo(day.today + APPLICANTS_NEXT_FROM + timedelta(days=5 * number), time(20, 30))
        db.session.add(Enrolment(orchestra_season=season, child=child, status=status, instrument=instrument,
                                 applied_at=applied_at))
        applicants.append((child, applied_at))
    return applicants


# --- consent and health -----------------------------------------------------------------------------------------------

def _consent_texts() -> dict[tuple[ConsentPurpose, int], ConsentText]:
    """Version 1 of the four texts, and version 2 of «photos on the web» published in August 2017."""
    texts = {(text.purpose, text.version): text for text in db.session.scalars(sa.select(ConsentText))}
    wanted = {(purpose, 1): (text, CONSENT_V1_PUBLISHED) for purpose, text in CONSENT_TEXTS_V1.items()}
    wanted[(ConsentPurpose.PHOTOS_WEB, 2)] = (CONSENT_TEXT_PHOTOS_WEB_V2, CONSENT_V2_PUBLISHED)
    for (purpose, version), (text, published_at) in wanted.items():
        if (purpose, version) not in texts:
            texts[(purpose, version)] = ConsentText(purpose=purpose, version=version, text=text,
                                                    published_at=published_at)
            db.session.add(texts[(purpose, version)])
    db.session.flush()
    return texts


def _consent_records(registrations: list[tuple[Child, datetime]], texts: dict, rng: random.Random, *,
                     withdrawals: tuple[date, int]) -> None:
    """Consent given at registration, a few withdrawn (in the days `withdrawals` gives: first day, how many) or never
    given; photos on the web asked again in autumn 2017 of those who had agreed to the first text."""
    records = []
    withdrawing = set(rng.sample(range(len(registrations)), CONSENT_WITHDRAWN))
    for number, (child, registered_at) in enumerate(registrations):
        guardian_id = child.guardianships[0].user.id
        registered_at = max(registered_at, CONSENT_V1_PUBLISHED)
        for purpose in ConsentPurpose:
            if purpose != ConsentPurpose.HEALTH_INFO and rng.random() < CONSENT_MISSING_SHARE:
                continue
            version = 2 if purpose == ConsentPurpose.PHOTOS_WEB and registered_at > CONSENT_V2_PUBLISHED else 1
            records.append(ConsentRecord(child_id=child.id, consent_text_id=texts[(purpose, version)].id,
                                         is_given=True, recorded_by_id=guardian_id, recorded_at=registered_at))
        if number in withdrawing:
            first_day, days = withdrawals
            withdrawn_at = oslo(first_day + timedelta(days=rng.randrange(days)), time(21))
            records.append(ConsentRecord(child_id=child.id, consent_text_id=texts[(ConsentPurpose.PHOTOS_PRESS, 1)].id,
                                         is_given=False, recorded_by_id=guardian_id, recorded_at=withdrawn_at))
    db.session.add_all(records)
    _photos_web_asked_again([child for child, _ in registrations], texts, records, rng)


def _photos_web_asked_again(children: list[Child], texts: dict, records: list[ConsentRecord],
                            rng: random.Random) -> None:
    """Most guardians who had agreed to version 1 answered version 2; two said no, the rest have not answered."""
    first, second = texts[(ConsentPurpose.PHOTOS_WEB, 1)].id, texts[(ConsentPurpose.PHOTOS_WEB, 2)].id
    agreed = sorted({record.child_id for record in records if record.consent_text_id == first and record.is_given})
    answering = rng.sample(agreed, round(len(agreed) * PHOTOS_WEB_V2_ANSWERED_SHARE))
    guardians = {child.id: child.guardianships[-1].user.id for child in children}
    db.session.add_all(
        ConsentRecord(child_id=child_id, consent_text_id=second, is_given=number >= PHOTOS_WEB_V2_DECLINED,
                      recorded_by_id=guardians[child_id],
                      recorded_at=CONSENT_V2_PUBLISHED + timedelta(days=1 + rng.randrange(50), hours=11))
        for number, child_id in enumerate(answering))


def _health(children: list[Child], rng: random.Random) -> None:
    """Allergies and conditions of a few members, with their guardians as emergency contacts."""
    for child, (allergies, medical) in zip(rng.sample(children, len(HEALTH)), HEALTH):
        contacts = "\n".join(f"{guardianship.user.full_name}, tlf. 400 00 {rng.randint(100, 999)}"
                             for guardianship in child.guardianships)
        db.session.add(HealthInfo(child_id=child.id, allergies=allergies, medical=medical,
                                  emergency_contacts=contacts))


# --- weekends and concerts --------------------------------------------------------------------------------------------

def _events(season: OrchestraSeason, sections: dict, leader: User, project_id: int, weekends: list[tuple],
            concerts: list[tuple]) -> list[OrchestraEvent]:
    """Rehearsal weekends with tutti and sectionals, and concerts, with conductor, tutors and leader; the fees go to
    the season's budget line when its year has one."""
    fee_line_id = db.session.scalar(sa.select(BudgetLine.id).where(
        BudgetLine.project_id == project_id, BudgetLine.year == season.year, BudgetLine.name == FEE_LINE))
    venues = {(venue.name, venue.municipality.name): venue for venue in db.session.scalars(sa.select(Venue))}
    played = [sections[code] for code in TARGETS]
    events = []
    for number, (saturday, municipality, place) in enumerate(weekends, start=1):
        event = OrchestraEvent(
            orchestra_season=season, kind=EventKind.REHEARSAL_WEEKEND,
            title=f"Helgesamling {number}: {MONTHS[saturday.month - 1]}", starts_on=saturday,
            ends_on=saturday + timedelta(days=1), description=WEEKEND_DESCRIPTION,
            reply_deadline=saturday - timedelta(days=WEEKEND_REPLY_DAYS),
            **_where(venues, place, municipality))
        conductor = _staff(event, CONDUCTOR, StaffRole.CONDUCTOR, CONDUCTOR_FEE[event.kind], fee_line_id)
        tutors = {family: _staff(event, names[number % len(names)], StaffRole.SECTION_TUTOR, TUTOR_FEE, fee_line_id,
                                 section=sections["percussion"] if family == "percussion" else None)
                  for family, names in TUTORS.items()}
        _leader(event, leader)
        for offset, starts, ends, kind in WEEKEND_SCHEDULE:
            day = saturday + timedelta(days=offset)
            if kind == SessionKind.TUTTI:
                event.sessions.append(EventSession(kind=kind, starts_at=oslo(day, starts), ends_at=oslo(day, ends),
                                                   room=TUTTI_ROOM, tutor=conductor, sections=played))
                continue
            for family, codes in FAMILIES_OF_SECTIONS.items():
                event.sessions.append(EventSession(
                    kind=kind, starts_at=oslo(day, starts), ends_at=oslo(day, ends), room=SECTIONAL_ROOMS[family],
                    tutor=tutors[family], sections=[sections[code] for code in codes]))
        events.append(event)
    for day, title, municipality, place, is_public, description in concerts:
        event = OrchestraEvent(orchestra_season=season, kind=EventKind.CONCERT, title=title, starts_on=day,
                               ends_on=day, description=description, is_public=is_public,
                               reply_deadline=day - timedelta(days=CONCERT_REPLY_DAYS),
                               **_where(venues, place, municipality))
        conductor = _staff(event, CONDUCTOR, StaffRole.CONDUCTOR, CONDUCTOR_FEE[event.kind], fee_line_id)
        _leader(event, leader)
        starts, ends = CONCERT_REHEARSAL
        event.sessions.append(EventSession(kind=SessionKind.TUTTI, starts_at=oslo(day, starts),
                                           ends_at=oslo(day, ends), room=TUTTI_ROOM, tutor=conductor,
                                           sections=played))
        events.append(event)
    db.session.add_all(events)
    return events


def _book_fees_of_held_events(season: OrchestraSeason, day: DemoDay) -> None:
    """Mark the season's events that have taken place held and book their fees, as the orchestra's staff would."""
    staff = db.session.scalar(sa.select(User).where(User.email == _demo_email(Role.ORCHESTRA_STAFF)))
    for event in events_of_season(orchestra_season=season):
        if event.starts_on <= day.today:
            book_fees(event=event, booked_by=staff)


def _where(venues: dict, place: str, municipality: str) -> dict:
    """The reference venue when there is one, else the place by name."""
    venue = venues.get((place, municipality))
    return {"venue": venue} if venue is not None else {"place": f"{place}, {municipality}"}


def _staff(event: OrchestraEvent, name: str, role: StaffRole, fee: Decimal, budget_line_id: int | None,
           section=None) -> EventStaff:
    staff = EventStaff(name=name, role=role, fee=fee, budget_line_id=budget_line_id if fee else None,
                       section=section)
    event.staff.append(staff)
    return staff


def _leader(event: OrchestraEvent, user: User) -> None:
    """The orchestra's staff member leads every weekend and concert, and may read health information there."""
    event.staff.append(EventStaff(user=user, name=user.full_name, role=StaffRole.TOUR_LEADER, is_leader=True))


def _replies_and_attendance(events: list[OrchestraEvent], members: list[tuple[Child, Enrolment]], recorder: User,
                            rng: random.Random, day: DemoDay) -> None:
    """Guardians' replies (weekends: a few no's and notes; concerts: yes or no, some silent) and the register."""
    replies, attendance = [], []
    for event in events:
        answers: dict[int, tuple[bool, str, bool]] = {}  # child → (attending, note, arrives late)
        if event.kind == EventKind.REHEARSAL_WEEKEND:
            chosen = rng.sample(members, WEEKEND_NO_REPLIES + WEEKEND_NOTED_YES)
            for number, (child, _) in enumerate(chosen):
                if number < WEEKEND_NO_REPLIES:
                    answers[child.id] = (False, rng.choice(WEEKEND_NO_NOTES), False)
                else:
                    answers[child.id] = (True, *rng.choice(WEEKEND_YES_NOTES))
        else:
            for child, _ in members:
                draw = rng.random()
                if draw < CONCERT_YES_SHARE:
                    answers[child.id] = (True, "", False)
                elif draw < CONCERT_YES_SHARE + CONCERT_NO_SHARE:
                    answers[child.id] = (False, rng.choice(CONCERT_NO_NOTES), False)
        guardians = {child.id: child.guardianships[0].user.id for child, _ in members}
        replied_at = oslo(event.reply_deadline - timedelta(days=2), time(21))
        replies += [Reply(event_id=event.id, child_id=child_id, is_attending=is_attending, note=note,
                          replied_by_id=guardians[child_id], created_at=replied_at, updated_at=replied_at)
                    for child_id, (is_attending, note, _) in answers.items()]
        if event.kind == EventKind.REHEARSAL_WEEKEND and event.ends_on < day.today:
            attendance += _register(event, members, answers, recorder, rng)
    db.session.add_all(replies + attendance)


def _register(event: OrchestraEvent, members: list[tuple[Child, Enrolment]], answers: dict, recorder: User,
              rng: random.Random) -> list[Attendance]:
    """Attendance per day: the seniors both days, the juniors on Sunday; announced absences and late arrivals."""
    rows = []
    for child, enrolment in members:
        is_attending, _, arrives_late = answers.get(child.id, (True, "", False))
        days = [event.ends_on] if enrolment.group == Group.JUNIOR else [event.starts_on, event.ends_on]
        for day in days:
            if not is_attending:
                status = AttendanceStatus.ABSENT
            elif arrives_late and day == event.starts_on:
                status = AttendanceStatus.LATE
            else:
                draw = rng.random()
                status = (AttendanceStatus.LATE if draw < LATE_SHARE else AttendanceStatus.ABSENT
                          if draw < LATE_SHARE + UNANNOUNCED_ABSENCE_SHARE else AttendanceStatus.PRESENT)
            rows.append(Attendance(event_id=event.id, child_id=child.id, day=day, status=status,
                                   recorded_by_id=recorder.id, recorded_at=oslo(day, time(10, 15))))
    return rows
