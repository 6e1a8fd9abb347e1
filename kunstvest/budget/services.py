"""Budget services: projects, lines, versions and approval, and actual amounts booked against lines.

Other domains attach their incomes and costs with find_budget_line() and record_actual().
"""

import enum
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from kunstvest.budget.models import (BudgetAmount, BudgetCategory, BudgetLine, BudgetVersion, ClosedYear, LineKind,
                                     Project, ResultCoverage, Transaction, VersionStatus)
from kunstvest.common.audit import record_audit
from kunstvest.common.models import to_money, utcnow
from kunstvest.extensions import db

ZERO = Decimal("0.00")


class BudgetError(Exception):
    """A budget rule was broken; the message is shown to the user."""


class BudgetLocked(BudgetError):
    """The budget is approved; changes go into a new version."""


class YearClosed(BudgetError):
    """The fiscal year is closed; it takes only counter-entries."""


def is_year_closed(year: int) -> bool:
    """Whether the accounts of a fiscal year are closed."""
    return db.session.get(ClosedYear, year) is not None


def ensure_year_open(year: int) -> None:
    """Refuse a booking, change or deletion in a closed fiscal year."""
    if is_year_closed(year):
        raise YearClosed(_l("The accounts for %(year)s are closed. Correct them with a counter-entry.", year=year))


@dataclass(frozen=True)
class LineFigures:
    line: BudgetLine
    budgeted: Decimal
    actual: Decimal

    @property
    def variance(self) -> Decimal:
        """Actual minus budget, signed so that positive is good for the result (more income, less cost)."""
        difference = self.actual - self.budgeted
        return difference if self.line.kind == LineKind.INCOME else -difference


def active_projects() -> list[Project]:
    """The projects still running, by name: the choices wherever a project is picked."""
    return list(db.session.scalars(sa.select(Project).where(Project.is_active).order_by(Project.name)))


def project_by_code(code: str) -> Project:
    """The project with this code, e.g. «kunst-rett-vest»."""
    project = db.session.scalar(sa.select(Project).where(Project.code == code))
    if project is None:
        raise BudgetError(_l("No project with code %(code)s.", code=code))
    return project


def save_project(*, project: Project | None = None, code: str, name: str, description: str = "",
                 is_active: bool = True) -> Project:
    """Create or update a project; codes and names are unique."""
    clash = db.session.scalar(sa.select(Project).where(sa.or_(Project.code == code, Project.name == name)))
    if clash is not None and clash is not project:
        raise BudgetError(_l("Another project already has this code or name."))
    if project is None:
        project = Project()
        db.session.add(project)
    project.code, project.name, project.description, project.is_active = code, name, description, is_active
    db.session.flush()
    return project


def versions_of(*, project: Project, year: int) -> list[BudgetVersion]:
    """A project's budget versions for a year, oldest first."""
    return list(db.session.scalars(sa.select(BudgetVersion).where(
        BudgetVersion.project_id == project.id, BudgetVersion.year == year).order_by(BudgetVersion.number)))


def draft_version(*, project: Project, year: int) -> BudgetVersion:
    """The version that can be edited: the newest draft, version 1 when there is none; refused once approved."""
    versions = versions_of(project=project, year=year)
    if not versions:
        version = BudgetVersion(project_id=project.id, year=year, number=1, status=VersionStatus.DRAFT)
        db.session.add(version)
        db.session.flush()
        return version
    if versions[-1].is_locked:
        raise BudgetLocked(_l("The %(year)s budget of %(project)s is approved and locked. Create a new version "
                              "to change it.", year=year, project=project.name))
    return versions[-1]


def compared_version(versions: list[BudgetVersion]) -> BudgetVersion | None:
    """The version reports compare with: the newest approved one, else the newest draft."""
    approved = [version for version in versions if version.is_locked]
    return (approved or versions or [None])[-1]


def new_version(*, project: Project, year: int, created_by) -> BudgetVersion:
    """Start a new draft from the newest approved version, with the same amounts."""
    versions = versions_of(project=project, year=year)
    if not versions or not versions[-1].is_locked:
        raise BudgetError(_l("There is already a draft to edit."))
    previous = versions[-1]
    version = BudgetVersion(project_id=project.id, year=year, number=previous.number + 1)
    db.session.add(version)
    db.session.flush()
    for amount in db.session.scalars(sa.select(BudgetAmount).where(BudgetAmount.version_id == previous.id)):
        db.session.add(BudgetAmount(version_id=version.id, line_id=amount.line_id, amount=amount.amount))
    record_audit(actor=created_by, action="budget.version_created", target=version,
                 details={"project": project.code, "year": year, "number": version.number})
    db.session.flush()
    return version


def approve_version(*, version: BudgetVersion, decision_reference: str, decided_on: date, approved_by) -> None:
    """Approve a draft by a decision (e.g. «sak 36/2015»); from then on it cannot be changed."""
    if version.is_locked:
        raise BudgetLocked(_l("This version is approved already."))
    if not decision_reference.strip():
        raise BudgetError(_l("Give the decision reference, e.g. «sak 36/2015»."))
    version.status = VersionStatus.APPROVED
    version.decision_reference = decision_reference.strip()
    version.decided_on = decided_on
    version.approved_at = utcnow()
    version.approved_by_id = approved_by.id
    record_audit(actor=approved_by, action="budget.approved", target=version, details={
        "project": version.project.code, "year": version.year, "number": version.number,
        "decision": version.decision_reference, "decided_on": decided_on.isoformat()})
    db.session.flush()


def latest_amount(*, line: BudgetLine) -> Decimal:
    """The line's amount in its newest version (what the edit form starts from)."""
    amount = db.session.scalar(sa.select(BudgetAmount.amount).join(BudgetVersion).where(
        BudgetAmount.line_id == line.id).order_by(BudgetVersion.number.desc()).limit(1))
    return to_money(amount if amount is not None else ZERO)


def _in_approved_version(line: BudgetLine) -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(BudgetAmount).join(BudgetVersion).where(
        BudgetAmount.line_id == line.id, BudgetVersion.status == VersionStatus.APPROVED)) > 0


def save_budget_line(*, line: BudgetLine | None = None, project: Project, year: int, category: BudgetCategory,
                     name: str, budgeted_amount, funder: str | None = None, note: str = "") -> BudgetLine:
    """Create or update a line and its amount in the draft version; the kind follows from the category."""
    category = BudgetCategory(category)
    amount = to_money(budgeted_amount)
    if amount < 0:
        raise BudgetError(_l("The budgeted amount cannot be negative. Expenses are entered as positive amounts "
                             "in an expense category."))
    if category.kind == LineKind.EXPENSE and funder:
        raise BudgetError(_l("Only income lines have a funder."))
    clash = db.session.scalar(sa.select(BudgetLine).where(
        BudgetLine.project_id == project.id, BudgetLine.year == year, BudgetLine.name == name))
    if clash is not None and clash is not line:
        raise BudgetError(_l("The project already has a line called «%(name)s» in %(year)s.", name=name, year=year))
    version = draft_version(project=project, year=year)
    if line is None:
        line = BudgetLine()
        db.session.add(line)
    elif _in_approved_version(line) and (line.name, line.category, line.project_id, line.year) != (
            name, category, project.id, year):
        raise BudgetError(_l("A line in an approved budget keeps its name, category, project and year."))
    line.project, line.year, line.category, line.kind = project, year, category, category.kind
    line.name, line.funder, line.note = name, (funder or None), note
    db.session.flush()
    budget_amount = db.session.get(BudgetAmount, (version.id, line.id)) or BudgetAmount(version_id=version.id,
                                                                                        line_id=line.id)
    budget_amount.amount = amount
    db.session.add(budget_amount)
    db.session.flush()
    return line


def settle_result(*, project: Project, year: int, amount, settled_by: str, decision_reference: str,
                  decided_on: date, decided_by) -> ResultCoverage:
    """Record how a year's deficit or surplus is settled (e.g. covered from the reserve fund); audited."""
    coverage = db.session.scalar(sa.select(ResultCoverage).where(
        ResultCoverage.project_id == project.id, ResultCoverage.year == year)) or ResultCoverage(
        project_id=project.id, year=year)
    coverage.amount, coverage.settled_by = to_money(amount), settled_by
    coverage.decision_reference, coverage.decided_on = decision_reference, decided_on
    db.session.add(coverage)
    db.session.flush()
    record_audit(actor=decided_by, action="budget.result_settled", target=coverage, details={
        "project": project.code, "year": year, "amount": str(coverage.amount), "settled_by": settled_by,
        "decision": decision_reference})
    return coverage


def find_budget_line(*, project_code: str, year: int, category: BudgetCategory,
                     funder: str | None = None) -> BudgetLine | None:
    """The first line of a project and year in a category (and of a funder), for domains that book amounts."""
    query = (sa.select(BudgetLine).join(Project)
             .where(Project.code == project_code, BudgetLine.year == year, BudgetLine.category == category)
             .order_by(BudgetLine.id))
    if funder is not None:
        query = query.where(BudgetLine.funder == funder)
    return db.session.scalars(query).first()


def record_actual(*, line: BudgetLine, amount, booked_on: date, text: str, source_ref: str | None = None,
                  voucher_number: str | None = None) -> Transaction:
    """Book an actual amount on a line; with a `source_ref` a second call updates the same booking."""
    ensure_year_open(booked_on.year)
    transaction = None
    if source_ref is not None:
        transaction = db.session.scalar(sa.select(Transaction).where(Transaction.source_ref == source_ref))
    is_new = transaction is None
    if is_new:
        transaction = Transaction(source_ref=source_ref)
    # Every field before the add: reading an expired line would otherwise autoflush a half-filled row.
    transaction.budget_line_id = line.id
    transaction.amount = to_money(amount)
    transaction.booked_on = booked_on
    transaction.text = text
    transaction.voucher_number = voucher_number
    if is_new:
        db.session.add(transaction)
    db.session.flush()
    return transaction


def compared_versions(*, year: int, project: Project | None = None) -> dict[int, BudgetVersion]:
    """Per project id, the version a year's reports compare with."""
    query = sa.select(BudgetVersion).where(BudgetVersion.year == year).order_by(BudgetVersion.number)
    if project is not None:
        query = query.where(BudgetVersion.project_id == project.id)
    by_project: dict[int, list[BudgetVersion]] = defaultdict(list)
    for version in db.session.scalars(query):
        by_project[version.project_id].append(version)
    return {project_id: compared_version(versions) for project_id, versions in by_project.items()}


def budget_lines_with_actuals(*, year: int, project: Project | None = None,
                              versions: dict[int, BudgetVersion] | None = None) -> list[LineFigures]:
    """Every line of a year (optionally one project) with its budget and actual sum, in a fixed number of queries."""
    versions = versions if versions is not None else compared_versions(year=year, project=project)
    budgeted = dict(db.session.execute(sa.select(BudgetAmount.line_id, BudgetAmount.amount).where(
        BudgetAmount.version_id.in_([version.id for version in versions.values()]))).all())
    actual_sum = (sa.select(Transaction.budget_line_id, sa.func.sum(Transaction.amount).label("actual"))
                  .group_by(Transaction.budget_line_id).subquery())
    query = (sa.select(BudgetLine, sa.func.coalesce(actual_sum.c.actual, 0))
             .outerjoin(actual_sum, actual_sum.c.budget_line_id == BudgetLine.id)
             .where(BudgetLine.year == year)
             .order_by(BudgetLine.project_id, BudgetLine.kind.desc(), BudgetLine.category, BudgetLine.name))
    if project is not None:
        query = query.where(BudgetLine.project_id == project.id)
    return [LineFigures(line, to_money(budgeted.get(line.id, ZERO)), to_money(actual))
            for line, actual in db.session.execute(query)]


def budget_years() -> list[int]:
    """Years that have budget lines, newest first."""
    return list(db.session.scalars(sa.select(BudgetLine.year).distinct().order_by(BudgetLine.year.desc())))


@dataclass(frozen=True)
class Totals:
    income_budget: Decimal
    income_actual: Decimal
    expense_budget: Decimal
    expense_actual: Decimal

    @property
    def result_budget(self) -> Decimal:
        return self.income_budget - self.expense_budget

    @property
    def result_actual(self) -> Decimal:
        return self.income_actual - self.expense_actual


def totals(figures: list[LineFigures]) -> Totals:
    """Income, expense and result, budgeted and actual, of a set of lines."""
    def summed(kind: LineKind, attribute: str) -> Decimal:
        return sum((getattr(figure, attribute) for figure in figures if figure.line.kind == kind), ZERO)

    return Totals(summed(LineKind.INCOME, "budgeted"), summed(LineKind.INCOME, "actual"),
                  summed(LineKind.EXPENSE, "budgeted"), summed(LineKind.EXPENSE, "actual"))


# --- bookings that tell what they did ---------------------------------------------------------------------------------

class BookingChange(enum.StrEnum):
    CREATED = "created"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Booking:
    """What booking an amount for a source does: the source's transaction (None before it is created) and the change."""

    transaction: Transaction | None
    change: BookingChange


def planned_booking(*, line: BudgetLine, amount, booked_on: date, source_ref: str) -> Booking:
    """What book_actual would do, without doing it: create the booking, change its line, amount or date, or nothing."""
    transaction = db.session.scalar(sa.select(Transaction).where(Transaction.source_ref == source_ref))
    if transaction is None:
        return Booking(None, BookingChange.CREATED)
    same = (transaction.budget_line_id, transaction.amount, transaction.booked_on) == (line.id, to_money(amount),
                                                                                         booked_on)
    return Booking(transaction, BookingChange.UNCHANGED if same else BookingChange.CHANGED)


def book_actual(*, line: BudgetLine, amount, booked_on: date, text: str, source_ref: str) -> Booking:
    """Book an amount once per source, as record_actual does, and tell whether that created, changed or left it."""
    planned = planned_booking(line=line, amount=amount, booked_on=booked_on, source_ref=source_ref)
    if planned.change == BookingChange.UNCHANGED:
        return planned
    return Booking(record_actual(line=line, amount=amount, booked_on=booked_on, text=text, source_ref=source_ref),
                   planned.change)
