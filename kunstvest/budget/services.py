"""Budget core services; other domains attach their incomes and costs to budget lines through these."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from kunstvest.budget.models import BudgetCategory, BudgetLine, LineKind, Project, Transaction
from kunstvest.common.models import to_money
from kunstvest.extensions import db


class BudgetError(Exception):
    """A budget rule was broken; the message is shown to the user."""


@dataclass(frozen=True)
class LineFigures:
    line: BudgetLine
    actual: Decimal

    @property
    def variance(self) -> Decimal:
        """Actual minus budget, signed so that positive is good for the result (more income, less cost)."""
        difference = self.actual - self.line.budgeted_amount
        return difference if self.line.kind == LineKind.INCOME else -difference


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


def save_budget_line(*, line: BudgetLine | None = None, project: Project, year: int, category: BudgetCategory,
                     name: str, budgeted_amount, funder: str | None = None, note: str = "") -> BudgetLine:
    """Create or update a budget line; the kind follows from the category, and only income has a funder."""
    category = BudgetCategory(category)
    amount = to_money(budgeted_amount)
    if amount < 0:
        raise BudgetError(_l("The budgeted amount cannot be negative; choose an income or expense category."))
    if category.kind == LineKind.EXPENSE and funder:
        raise BudgetError(_l("Only income lines have a funder."))
    clash = db.session.scalar(sa.select(BudgetLine).where(
        BudgetLine.project_id == project.id, BudgetLine.year == year, BudgetLine.name == name))
    if clash is not None and clash is not line:
        raise BudgetError(_l("The project already has a line called «%(name)s» in %(year)s.", name=name, year=year))
    if line is None:
        line = BudgetLine()
        db.session.add(line)
    line.project, line.year, line.category, line.kind = project, year, category, category.kind
    line.name, line.budgeted_amount, line.funder, line.note = name, amount, (funder or None), note
    db.session.flush()
    return line


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
    transaction = None
    if source_ref is not None:
        transaction = db.session.scalar(sa.select(Transaction).where(Transaction.source_ref == source_ref))
    if transaction is None:
        transaction = Transaction(source_ref=source_ref)
        db.session.add(transaction)
    transaction.budget_line_id = line.id
    transaction.amount = to_money(amount)
    transaction.booked_on = booked_on
    transaction.text = text
    transaction.voucher_number = voucher_number
    db.session.flush()
    return transaction


def budget_lines_with_actuals(*, year: int, project: Project | None = None) -> list[LineFigures]:
    """Every line of a year (optionally one project) with its actual sum, in two queries whatever the size."""
    actual_sum = (sa.select(Transaction.budget_line_id, sa.func.sum(Transaction.amount).label("actual"))
                  .group_by(Transaction.budget_line_id).subquery())
    query = (sa.select(BudgetLine, sa.func.coalesce(actual_sum.c.actual, 0))
             .outerjoin(actual_sum, actual_sum.c.budget_line_id == BudgetLine.id)
             .where(BudgetLine.year == year)
             .order_by(BudgetLine.project_id, BudgetLine.kind.desc(), BudgetLine.category, BudgetLine.name))
    if project is not None:
        query = query.where(BudgetLine.project_id == project.id)
    return [LineFigures(line, to_money(actual)) for line, actual in db.session.execute(query)]


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
    def summed(kind: LineKind, amount_of) -> Decimal:
        return sum((amount_of(figure) for figure in figures if figure.line.kind == kind), Decimal("0.00"))

    def budgeted(figure: LineFigures) -> Decimal:
        return figure.line.budgeted_amount

    def actual(figure: LineFigures) -> Decimal:
        return figure.actual

    return Totals(summed(LineKind.INCOME, budgeted), summed(LineKind.INCOME, actual),
                  summed(LineKind.EXPENSE, budgeted), summed(LineKind.EXPENSE, actual))
