"""make_* factories: the smallest valid objects, with overrides as keyword arguments."""

import itertools
from decimal import Decimal

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
