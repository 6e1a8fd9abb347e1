"""Demo reference data, the 2016–2017 seasons with their budgets and results, and one login per role."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from kunstvest.auth.models import Role, RoleGrant, User
from kunstvest.auth.services import hash_password
from kunstvest.budget.models import BudgetCategory, BudgetLine, Project, ResultCoverage, Transaction
from kunstvest.budget.services import (approve_version, project_by_code, record_actual, save_budget_line,
                                       save_project, settle_result, versions_of)
from kunstvest.common.models import to_money, utcnow
from kunstvest.demo.days import DemoDay
from kunstvest.extensions import db
from kunstvest.reference.models import Season, Venue
from kunstvest.reference.services import ensure_season, save_county, save_municipality, save_venue

DEMO_PASSWORD = "kunstvest-demo"

COUNTIES = [("02", "Akershus", True), ("06", "Buskerud", True), ("07", "Vestfold", False)]

# Member municipalities with their 2017 municipality numbers; inhabitants are rounded SSB figures
# for 1 January 2017 (approximate; the secretariat corrects them on the municipality page).
MUNICIPALITIES = [
    ("0220", "Asker", "02", 61_000), ("0219", "Bærum", "02", 124_000), ("0602", "Drammen", "06", 68_400),
    ("0612", "Hole", "06", 6_800), ("0628", "Hurum", "06", 9_500), ("0622", "Krødsherad", "06", 2_200),
    ("0626", "Lier", "06", 26_300), ("0623", "Modum", "06", 13_900), ("0625", "Nedre Eiker", "06", 24_900),
    ("0605", "Ringerike", "06", 30_100), ("0627", "Røyken", "06", 22_200), ("0713", "Sande", "07", 9_300),
    ("0621", "Sigdal", "06", 3_500), ("0711", "Svelvik", "07", 6_600), ("0624", "Øvre Eiker", "06", 19_000),
]

# Coordinates are approximate, for the map; addresses as published by the venues.
VENUES = [
    ("Fossekleiva kultursenter", "Fossekleiva, 3060 Svelvik", "Svelvik", "59.6018", "10.4194"),
    ("Lien, Dikemark", "Dikemarkveien, 1385 Asker", "Asker", "59.8106", "10.3617"),
    ("Drammens Museum", "Konnerudgata 7, 3045 Drammen", "Drammen", "59.7370", "10.1980"),
    ("Fengselet Hønefoss", "Storgata 8, 3510 Hønefoss", "Ringerike", "60.1667", "10.2583"),
    ("Støa", "Støa, 3482 Tofte", "Hurum", "59.5440", "10.5620"),
    ("Bærum kulturhus", "Sandviksveien 2, 1337 Sandvika", "Bærum", "59.8910", "10.5230"),
]

PROJECTS = [
    ("kunst-rett-vest", "Kunst rett vest",
     "Juried art trail: open call, joint exhibition in a rotating host municipality and open-atelier weekends."),
    ("ungdomssymfonikerne", "Vestregionens Ungdomssymfonikere",
     "Free orchestra school for ages 8–18 with monthly rehearsal weekends and concerts."),
]

SEASON_TITLES = {
    ("kunst-rett-vest", 2016): "Lien/Dikemark, Asker (jubileum)",
    ("kunst-rett-vest", 2017): "Fossekleiva kultursenter, Svelvik",
    ("ungdomssymfonikerne", 2016): "Sesong 2016 med turné til Spania",
    ("ungdomssymfonikerne", 2017): "Sesong 2017",
}
# The seasons after the history, by how many years they lie after the live year (the year the demo is loaded in).
LATER_SEASON_TITLES = {
    ("kunst-rett-vest", 0): "Bærum kulturhus, Sandvika",
    ("kunst-rett-vest", 1): "Drammens Museum, Drammen",
    ("ungdomssymfonikerne", 1): "Sesong {year}",
}

C = BudgetCategory
# Budgets as approved: Kunst rett vest 2017 with a planned deficit of NOK 300,000 (DOMAIN.md), the orchestra
# balanced. Income lines follow the annual report; the split of expenses is illustrative.
BUDGETS = {
    ("kunst-rett-vest", 2017): [
        (C.MEMBERSHIP_FEE, "Bidrag fra Vestregionen", "Vestregionen", "900000"),
        (C.COUNTY_COUNCIL, "Akershus fylkeskommune", "Akershus fylkeskommune", "200000"),
        (C.COUNTY_COUNCIL, "Buskerud fylkeskommune", "Buskerud fylkeskommune", "155000"),
        (C.ARTS_COUNCIL, "Norsk kulturråd", "Norsk kulturråd", "200000"),
        (C.HOST_MUNICIPALITY, "Vertskapsbidrag Svelvik kommune", "Svelvik kommune", "200000"),
        (C.SALARIES, "Prosjektleder", None, "650000"),
        (C.ARTIST_FEES, "Utstillingshonorar fellesutstilling", None, "342000"),
        (C.MATERIALS, "Materialstøtte uteverk", None, "100000"),
        (C.MATERIALS, "Produksjon fellesutstilling", None, "280000"),
        (C.VENUE, "Lokaler og vakthold", None, "150000"),
        (C.MARKETING, "Atelierguide, trykk og annonser", None, "300000"),
        (C.ARTIST_FEES, "Sideprogram: honorarer", None, "123000"),
        (C.OTHER_EXPENSE, "#Plast rett vest: premie", None, "10000"),
    ],
    ("kunst-rett-vest", 2016): [
        (C.MEMBERSHIP_FEE, "Bidrag fra Vestregionen", "Vestregionen", "1000000"),
        (C.COUNTY_COUNCIL, "Akershus og Buskerud fylkeskommuner", "Fylkeskommunene", "300000"),
        (C.ARTS_COUNCIL, "Norsk kulturråd", "Norsk kulturråd", "200000"),
        (C.HOST_MUNICIPALITY, "Vertskapsbidrag Asker kommune", "Asker kommune", "200000"),
        (C.SALARIES, "Prosjektleder", None, "640000"),
        (C.ARTIST_FEES, "Utstillingshonorar fellesutstilling", None, "420000"),
        (C.MATERIALS, "Produksjon jubileumsutstilling", None, "520000"),
        (C.VENUE, "Lokaler og vakthold", None, "160000"),
        (C.MARKETING, "Atelierguide, trykk og annonser", None, "249794"),
    ],
    ("ungdomssymfonikerne", 2017): [
        (C.MEMBERSHIP_FEE, "Bidrag fra Vestregionen", "Vestregionen", "500000"),
        (C.FOUNDATION, "Sparebankstiftelsen DNB", "Sparebankstiftelsen DNB", "75000"),
        (C.UNOF_FRIFOND, "UNOF / Frifond", "De unges orkesterforbund", "25700"),
        (C.TUTOR_FEES, "Dirigent og gruppeinstruktører", None, "330000"),
        (C.SALARIES, "Prosjektleder (20 %)", None, "140000"),
        (C.VENUE, "Lokaler til helgesamlinger", None, "60000"),
        (C.TRAVEL, "Reise og transport", None, "40000"),
        (C.MATERIALS, "Noter og materiell", None, "20700"),
        (C.MARKETING, "Konsertprogram og annonser", None, "10000"),
    ],
}

# Approval of the budgets by the steering group (the decision references are illustrative).
APPROVALS = {
    ("kunst-rett-vest", 2016): ("sak 36/2015", date(2015, 12, 10)),
    ("kunst-rett-vest", 2017): ("sak 41/2016", date(2016, 12, 8)),
    ("ungdomssymfonikerne", 2017): ("sak 41/2016", date(2016, 12, 8)),
}

# How the deficits were covered: from the reserve fund (disposisjonsfond) by the steering group.
COVERAGES = {
    ("kunst-rett-vest", 2016): ("289794", "Disposisjonsfond", "sak 12/2017", date(2017, 3, 16)),
    ("kunst-rett-vest", 2017): ("223707", "Disposisjonsfond", "sak 10/2018", date(2018, 3, 15)),
}

# Actual amounts per line, so the budget pages reproduce the annual reports: Kunst rett vest 2017 deficit 223,707
# (budgeted 300,000), 2016 deficit 289,794 (as budgeted), the orchestra 2017 surplus 7,086. The split of the
# expenses is illustrative; the income and the results are the reported ones. Part of some lines is booked by the
# domains, as the app books it, so that booking it again in the app changes nothing: the host contributions as
# received funding (demo/exhibitions.py), the conductor's and tutors' fees of the events held (demo/orchestra.py).
# The demo's own instalments hold only the rest of each line.
ACTUALS = {
    ("kunst-rett-vest", 2017): {
        "Bidrag fra Vestregionen": "900000", "Akershus fylkeskommune": "200000", "Buskerud fylkeskommune": "155000",
        "Norsk kulturråd": "200000", "Vertskapsbidrag Svelvik kommune": "200000", "Prosjektleder": "650000",
        "Utstillingshonorar fellesutstilling": "342000", "Materialstøtte uteverk": "100000",
        "Produksjon fellesutstilling": "231214", "Lokaler og vakthold": "142500",
        "Atelierguide, trykk og annonser": "285493", "Sideprogram: honorarer": "117500",
        "#Plast rett vest: premie": "10000",
    },
    ("kunst-rett-vest", 2016): {
        "Bidrag fra Vestregionen": "1000000", "Akershus og Buskerud fylkeskommuner": "300000",
        "Norsk kulturråd": "200000", "Vertskapsbidrag Asker kommune": "200000", "Prosjektleder": "640000",
        "Utstillingshonorar fellesutstilling": "420000", "Produksjon jubileumsutstilling": "531480",
        "Lokaler og vakthold": "152000", "Atelierguide, trykk og annonser": "246314",
    },
    ("ungdomssymfonikerne", 2017): {
        "Bidrag fra Vestregionen": "500000", "Sparebankstiftelsen DNB": "75000", "UNOF / Frifond": "25700",
        "Dirigent og gruppeinstruktører": "326500", "Prosjektleder (20 %)": "140000",
        "Lokaler til helgesamlinger": "58300", "Reise og transport": "39114", "Noter og materiell": "19700",
        "Konsertprogram og annonser": "10000",
    },
}
# One booking per four-month period (tertial), so that later period reports have something to show.
TERTIAL_DATES = ((4, 20), (8, 20), (12, 15))

DEMO_USERS = [
    (Role.ADMIN, "sekretariat@example.org", "Mette Fjeld"),
    (Role.JURY, "jury@example.org", "Harald Brekke"),
    (Role.VOLUNTEER, "frivillig@example.org", "Sofie Lund"),
    (Role.ARTIST, "kunstner@example.org", "Jonas Berg"),
    (Role.GUARDIAN, "foresatt@example.org", "Nina Aas"),
    (Role.ORCHESTRA_STAFF, "orkester@example.org", "Eirik Moe"),
]


def load() -> list[tuple[str, str]]:
    """Reference data, projects, seasons, budgets, settled results and demo logins; safe to run again."""
    counties = {number: save_county(number=number, name=name, is_member=is_member)
                for number, name, is_member in COUNTIES}
    municipalities = {name: save_municipality(number=number, name=name, county=counties[county],
                                              inhabitants=inhabitants)
                      for number, name, county, inhabitants in MUNICIPALITIES}
    for name, address, municipality, latitude, longitude in VENUES:
        _ensure_venue(name, address, municipalities[municipality], Decimal(latitude), Decimal(longitude))
    projects = {code: _ensure_project(code, name, description) for code, name, description in PROJECTS}
    for (code, year), title in SEASON_TITLES.items():
        ensure_season(project=projects[code], year=year, title=title)
    for (code, year), lines in BUDGETS.items():
        for category, name, funder, amount in lines:
            _ensure_budget_line(projects[code], year, category, name, funder, amount)
    logins = [(role.value, _ensure_user(role, email, full_name)) for role, email, full_name in DEMO_USERS]
    secretariat = logins[0][1]
    for (code, year), (decision, decided_on) in APPROVALS.items():
        version = versions_of(project=projects[code], year=year)[-1]
        if not version.is_locked:
            approve_version(version=version, decision_reference=decision, decided_on=decided_on,
                            approved_by=secretariat)
    settled = set(db.session.execute(sa.select(ResultCoverage.project_id, ResultCoverage.year)).all())
    for (code, year), (amount, settled_by, decision, decided_on) in COVERAGES.items():
        if (projects[code].id, year) in settled:
            continue
        settle_result(project=projects[code], year=year, amount=amount, settled_by=settled_by,
                      decision_reference=decision, decided_on=decided_on, decided_by=secretariat)
    return [(role, user.email) for role, user in logins]


def ensure_demo_season(code: str, year: int, day: DemoDay) -> Season:
    """The project's season of `year` with its demo title, created when missing."""
    title = SEASON_TITLES.get((code, year)) or LATER_SEASON_TITLES.get((code, year - day.live_year), "")
    return ensure_season(project=project_by_code(code), year=year, title=title.format(year=year))


def book_actuals() -> None:
    """Book the actual amounts that the domains' demos have not booked; run after them, and again: it adds nothing."""
    projects = {project.code: project for project in db.session.scalars(sa.select(Project))}
    for (code, year), amounts in ACTUALS.items():
        _book_actuals(projects[code], year, amounts)


def _booked_by_domains(line_ids: list[int]) -> dict[int, Decimal]:
    """Per line, the sum of the bookings the domains made (fees, received funding), not the demo's instalments."""
    return dict(db.session.execute(
        sa.select(Transaction.budget_line_id, sa.func.sum(Transaction.amount))
        .where(Transaction.budget_line_id.in_(line_ids), Transaction.source_ref.is_not(None),
               Transaction.batch_id.is_(None), Transaction.source_ref.not_like("demo:%"))
        .group_by(Transaction.budget_line_id)).all())


def _book_actuals(project, year: int, amounts: dict[str, str]) -> None:
    """Book the rest of each line's actual amount (what the domains did not book) in three tertial instalments."""
    lines = {line.name: line for line in db.session.scalars(
        sa.select(BudgetLine).where(BudgetLine.project_id == project.id, BudgetLine.year == year))}
    booked = _booked_by_domains([line.id for line in lines.values()])
    for number, (name, total) in enumerate(amounts.items(), start=1):
        # Never below zero: bookings made in the app beyond the reported amount stay visible.
        rest = max(Decimal(total) - to_money(booked.get(lines[name].id) or 0), Decimal("0.00"))
        if not rest:
            # Also mends a demo database whose instalments were booked before the domains booked the line.
            db.session.execute(sa.delete(Transaction).where(
                Transaction.source_ref.like(f"demo:{project.code}:{year}:{number}:%")))
            continue
        instalment = (rest / len(TERTIAL_DATES)).quantize(Decimal("0.01"))
        parts = [instalment] * (len(TERTIAL_DATES) - 1) + [rest - instalment * (len(TERTIAL_DATES) - 1)]
        for part_number, (part, (month, day)) in enumerate(zip(parts, TERTIAL_DATES), start=1):
            record_actual(line=lines[name], amount=part, booked_on=date(year, month, day), text=name,
                          voucher_number=f"{year}-{project.id}{number:02d}{part_number}",
                          source_ref=f"demo:{project.code}:{year}:{number}:{part_number}")


def _ensure_venue(name, address, municipality, latitude, longitude):
    venue = db.session.scalar(sa.select(Venue).where(Venue.name == name, Venue.municipality_id == municipality.id))
    return venue or save_venue(name=name, address=address, municipality=municipality,
                               latitude=latitude, longitude=longitude)


def _ensure_project(code, name, description):
    project = db.session.scalar(sa.select(Project).where(Project.code == code))
    return project or save_project(code=code, name=name, description=description)


def _ensure_budget_line(project, year, category, name, funder, amount):
    line = db.session.scalar(sa.select(BudgetLine).where(
        BudgetLine.project_id == project.id, BudgetLine.year == year, BudgetLine.name == name))
    return line or save_budget_line(project=project, year=year, category=category, name=name,
                                    budgeted_amount=amount, funder=funder)


def _ensure_user(role: Role, email: str, full_name: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(email=email, full_name=full_name, password_hash=hash_password(DEMO_PASSWORD),
                    email_verified_at=utcnow())
        user.role_grants.append(RoleGrant(role=role))
        db.session.add(user)
        db.session.flush()
    return user
