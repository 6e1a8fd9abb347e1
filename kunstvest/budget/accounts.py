"""Accounts of the Norwegian chart of accounts (NS 4102), and the budget line each goes to per project and year.

Class 3 is operating income, classes 4 to 7 operating costs and class 8 financial items (80 income, 81 costs);
classes 1 and 2 are the balance sheet, which a project's result never holds. One account may go to different lines
in different projects (6790 «other external services» is the project leader in one, tutors in another), and several
accounts may go to one line.
"""

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from kunstvest.budget.models import AccountMapping, BudgetCategory, BudgetLine, LineKind, Project
from kunstvest.budget.services import BudgetError
from kunstvest.common.audit import record_audit
from kunstvest.extensions import db

ACCOUNT = re.compile(r"[3-8]\d{3,9}")
# Where NS 4102 says what an account is for, a line of that category is the likely choice; the longest prefix wins.
CATEGORY_HINTS = {"30": BudgetCategory.SALES, "31": BudgetCategory.SALES, "32": BudgetCategory.SALES,
                  "5": BudgetCategory.SALARIES, "63": BudgetCategory.VENUE, "65": BudgetCategory.MATERIALS,
                  "71": BudgetCategory.TRAVEL, "73": BudgetCategory.MARKETING}


class AccountError(BudgetError):
    """The account cannot be mapped: not an income or cost account, or a line of another project or year."""


def account_error(account: str) -> str | None:
    """Why `account` is not an income or cost account of the chart of accounts, or None when it is one."""
    if not account.isascii() or not account.isdigit() or len(account) < 4 or len(account) > 10:
        return _l("«%(account)s» is not an account number of the chart of accounts (four digits, e.g. 6790).",
                  account=account)
    if not ACCOUNT.fullmatch(account):
        return _l("Account %(account)s is not an income or cost account (classes 3 to 8 of the chart of accounts).",
                  account=account)
    return None


def account_kind(account: str) -> LineKind | None:
    """The kind of line an account's amounts belong on by its class: 3xxx income, 4xxx–7xxx costs, 80xx/81xx."""
    if account.startswith(("3", "80")):
        return LineKind.INCOME
    if account.startswith(("4", "5", "6", "7", "81")):
        return LineKind.EXPENSE
    return None


def default_line(account: str, lines: list[BudgetLine]) -> BudgetLine | None:
    """The line an account most likely goes to: of the kind its class says, in the category NS 4102 suggests."""
    kind = account_kind(account)
    candidates = [line for line in lines if line.kind == kind] or lines
    hint = next((CATEGORY_HINTS[prefix] for prefix in sorted(CATEGORY_HINTS, key=len, reverse=True)
                 if account.startswith(prefix)), None)
    return next((line for line in candidates if line.category == hint), candidates[0] if candidates else None)


def lines_of(*, project: Project, year: int) -> list[BudgetLine]:
    """A project's lines for a year, income first, as the mapping choices list them."""
    return list(db.session.scalars(sa.select(BudgetLine).where(
        BudgetLine.project_id == project.id, BudgetLine.year == year).order_by(
        BudgetLine.kind.desc(), BudgetLine.category, BudgetLine.name)))


def mappings_for(*, project: Project, year: int) -> list[AccountMapping]:
    """A project's account mappings for a year, by account."""
    return list(db.session.scalars(sa.select(AccountMapping).where(
        AccountMapping.project_id == project.id, AccountMapping.year == year).order_by(AccountMapping.account)))


def mapped_lines(*, keys: set[tuple[int, int, str]]) -> dict[tuple[int, int, str], BudgetLine]:
    """The line of each (project id, year, account) that has a mapping, in one query."""
    if not keys:
        return {}
    query = sa.select(AccountMapping).where(
        AccountMapping.project_id.in_({project_id for project_id, _, _ in keys}),
        AccountMapping.year.in_({year for _, year, _ in keys}),
        AccountMapping.account.in_({account for _, _, account in keys}))
    return {key: mapping.budget_line for mapping in db.session.scalars(query)
            if (key := (mapping.project_id, mapping.year, mapping.account)) in keys}


def save_account_mapping(*, project: Project, year: int, account: str, line: BudgetLine,
                         mapped_by) -> AccountMapping:
    """Send an account to a line of the same project and year, from now on; a new mapping or a changed one, audited."""
    account = account.strip()
    if error := account_error(account):
        raise AccountError(error)
    if (line.project_id, line.year) != (project.id, year):
        raise AccountError(_l("The line must be in the %(year)s budget of %(project)s.", year=year,
                              project=project.name))
    mapping = db.session.scalar(sa.select(AccountMapping).where(
        AccountMapping.project_id == project.id, AccountMapping.year == year, AccountMapping.account == account))
    previous = mapping.budget_line.name if mapping is not None else None
    if mapping is None:
        mapping = AccountMapping(project_id=project.id, year=year, account=account)
        db.session.add(mapping)
    mapping.budget_line_id = line.id
    mapping.budget_line = line
    db.session.flush()
    record_audit(actor=mapped_by, action="budget.account_mapped", target=mapping, details={
        "project": project.code, "year": year, "account": account, "line": line.name, "previous_line": previous})
    return mapping


def remove_account_mapping(*, mapping: AccountMapping, removed_by) -> None:
    """Forget where an account goes; transactions already imported stay on their line. Audited."""
    record_audit(actor=removed_by, action="budget.account_unmapped", target=mapping, details={
        "project": mapping.project.code, "year": mapping.year, "account": mapping.account,
        "line": mapping.budget_line.name})
    db.session.delete(mapping)
    db.session.flush()
