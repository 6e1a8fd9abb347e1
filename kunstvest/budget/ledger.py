"""The ledger: the transactions behind every budget figure, corrections of manual ones, and closed fiscal years.

Only a transaction entered by hand is edited or deleted here: an import is undone as a whole batch, and a booking
made by a domain (exhibition funding, orchestra fees) is changed where it was made. A closed year takes only
counter-entries, which point at the transaction they correct.
"""

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased, contains_eager, joinedload

from kunstvest.budget.models import BudgetLine, ClosedYear, LineKind, Project, Transaction, TransactionSource
from kunstvest.budget.services import ZERO, BudgetError, YearClosed, ensure_year_open, is_year_closed
from kunstvest.common.audit import record_audit
from kunstvest.common.models import to_money
from kunstvest.extensions import db

PER_PAGE = 100

DOMAIN_LABELS = {
    "exhibition-funding": _l("Exhibition funding"),
    "orchestra-fee": _l("Orchestra fees"),
    "demo": _l("Demo data"),
}


class NotEditable(BudgetError):
    """The transaction is not one entered by hand, so it is corrected where it came from."""


class VoucherTaken(BudgetError):
    """Another transaction of the year already has the voucher number."""


def domain_label(source_ref: str) -> str:
    """Which part of kunstvest booked a transaction, from its source reference («orchestra-fee:12»)."""
    prefix = source_ref.partition(":")[0]
    return str(DOMAIN_LABELS.get(prefix, prefix))


@dataclass(frozen=True)
class LedgerFilter:
    """Which transactions the ledger shows; None leaves that part open."""

    year: int | None = None
    project_id: int | None = None
    line_id: int | None = None
    start: date | None = None
    end: date | None = None
    source: TransactionSource | None = None
    batch_id: int | None = None


@dataclass(frozen=True)
class LedgerRow:
    transaction: Transaction
    line: BudgetLine
    year_closed: bool
    corrected_voucher: str | None = None
    corrected_on: date | None = None

    @property
    def is_editable(self) -> bool:
        return self.transaction.source == TransactionSource.MANUAL and not self.year_closed


@dataclass(frozen=True)
class LedgerPage:
    """One page of the filtered transactions, with the count and the sums of every filtered row."""

    rows: list[LedgerRow]
    page: int
    per_page: int
    total: int
    income: Decimal
    expense: Decimal

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    @property
    def result(self) -> Decimal:
        return self.income - self.expense


def _where(filters: LedgerFilter) -> list:
    # The year is the budget line's, as in the budget's figures, so that a line's rows add up to its actual.
    conditions = []
    if filters.year is not None:
        conditions.append(BudgetLine.year == filters.year)
    if filters.project_id is not None:
        conditions.append(BudgetLine.project_id == filters.project_id)
    if filters.line_id is not None:
        conditions.append(Transaction.budget_line_id == filters.line_id)
    if filters.start is not None:
        conditions.append(Transaction.booked_on >= filters.start)
    if filters.end is not None:
        conditions.append(Transaction.booked_on <= filters.end)
    if filters.batch_id is not None:
        conditions.append(Transaction.batch_id == filters.batch_id)
    if filters.source == TransactionSource.IMPORT:
        conditions.append(Transaction.batch_id.is_not(None))
    elif filters.source == TransactionSource.DOMAIN:
        conditions += [Transaction.batch_id.is_(None), Transaction.source_ref.is_not(None)]
    elif filters.source == TransactionSource.MANUAL:
        conditions += [Transaction.batch_id.is_(None), Transaction.source_ref.is_(None)]
    return conditions


def closed_years() -> list[ClosedYear]:
    """Every closed fiscal year, newest first."""
    return list(db.session.scalars(sa.select(ClosedYear).order_by(ClosedYear.year.desc())))


def ledger_page(*, filters: LedgerFilter, page: int = 1, per_page: int = PER_PAGE) -> LedgerPage:
    """A page of the filtered transactions by date, and the income and expense sums of all of them, in 3 queries."""
    conditions = _where(filters)
    count, income, expense = db.session.execute(
        sa.select(sa.func.count(Transaction.id),
                  sa.func.sum(sa.case((BudgetLine.kind == LineKind.INCOME, Transaction.amount), else_=0)),
                  sa.func.sum(sa.case((BudgetLine.kind == LineKind.EXPENSE, Transaction.amount), else_=0)))
        .select_from(Transaction).join(BudgetLine).where(*conditions)).one()
    page = min(max(page, 1), max(1, math.ceil(count / per_page)))  # past the end is the last page
    corrected = aliased(Transaction)
    query = (sa.select(Transaction, corrected.voucher_number, corrected.booked_on)
             .join(Transaction.budget_line).outerjoin(corrected, Transaction.corrects_id == corrected.id)
             .options(contains_eager(Transaction.budget_line).joinedload(BudgetLine.project),
                      joinedload(Transaction.batch))
             .where(*conditions)
             .order_by(Transaction.booked_on, Transaction.voucher_number, Transaction.id)
             .limit(per_page).offset((page - 1) * per_page))
    closed = set(db.session.scalars(sa.select(ClosedYear.year)))
    rows = [LedgerRow(transaction, transaction.budget_line, transaction.fiscal_year in closed, voucher, booked_on)
            for transaction, voucher, booked_on in db.session.execute(query).unique()]
    return LedgerPage(rows, page, per_page, count, to_money(income or ZERO), to_money(expense or ZERO))


def snapshot(transaction: Transaction) -> dict:
    """The fields a correction can change, as the audit log keeps them."""
    line = db.session.get(BudgetLine, transaction.budget_line_id)
    return {"line_id": line.id, "line": f"{line.project.code}/{line.name}",
            "booked_on": transaction.booked_on.isoformat(), "amount": str(to_money(transaction.amount)),
            "voucher": transaction.voucher_number, "account": transaction.account, "text": transaction.text}


def ensure_editable(transaction: Transaction) -> None:
    """Refuse to change or delete anything but a manual transaction of an open year."""
    if transaction.source == TransactionSource.IMPORT:
        raise NotEditable(_l("This transaction came with an import. Undo the whole import instead, or correct it "
                             "with a counter-entry once the year is closed."))
    if transaction.source == TransactionSource.DOMAIN:
        raise NotEditable(_l("This transaction was booked by %(domain)s. Change it there.",
                             domain=domain_label(transaction.source_ref)))
    ensure_year_open(transaction.fiscal_year)


def _ensure_voucher_free(*, year: int, voucher_number: str, other_than: Transaction | None = None) -> None:
    query = sa.select(Transaction.id).where(Transaction.fiscal_year == year,
                                            Transaction.voucher_number == voucher_number)
    if other_than is not None:
        query = query.where(Transaction.id != other_than.id)
    if db.session.scalar(query.limit(1)) is not None:
        raise VoucherTaken(_l("Voucher %(voucher)s is already booked in %(year)s.", voucher=voucher_number,
                              year=year))


def update_transaction(*, transaction: Transaction, line: BudgetLine, booked_on: date, amount, text: str,
                       voucher_number: str, account: str | None, changed_by) -> bool:
    """Correct a manual transaction of an open year; audited with the old and new values. False when nothing changed."""
    ensure_editable(transaction)
    if booked_on.year != line.year:
        raise BudgetError(_l("The line is in the budget for %(year)s; the date must be in that year.",
                             year=line.year))
    ensure_year_open(booked_on.year)
    _ensure_voucher_free(year=booked_on.year, voucher_number=voucher_number, other_than=transaction)
    old = snapshot(transaction)
    transaction.budget_line_id, transaction.booked_on = line.id, booked_on
    transaction.amount, transaction.text = to_money(amount), text
    transaction.voucher_number, transaction.account = voucher_number, account or None
    new = snapshot(transaction)
    if new == old:
        return False
    record_audit(actor=changed_by, action="budget.transaction_changed", target=transaction,
                 details={"old": old, "new": new})
    db.session.flush()
    return True


def delete_transaction(*, transaction: Transaction, deleted_by) -> None:
    """Delete a manual transaction of an open year; the audit log keeps what it was."""
    ensure_editable(transaction)
    record_audit(actor=deleted_by, action="budget.transaction_deleted", target=transaction,
                 details={"old": snapshot(transaction), "new": None})
    db.session.delete(transaction)
    db.session.flush()


def book_counter_entry(*, original: Transaction, amount, booked_on: date, text: str, voucher_number: str,
                       booked_by) -> Transaction:
    """Correct a transaction of a closed year by a new one on the same line and in the same year; audited."""
    if not is_year_closed(original.fiscal_year):
        raise BudgetError(_l("The accounts for %(year)s are open: correct the transaction itself.",
                             year=original.fiscal_year))
    if booked_on.year != original.fiscal_year:
        raise BudgetError(_l("A counter-entry is dated in the year it corrects, %(year)s.",
                             year=original.fiscal_year))
    amount = to_money(amount)
    if amount == 0:
        raise BudgetError(_l("A counter-entry of zero corrects nothing."))
    if not text.strip():
        raise BudgetError(_l("Say why the transaction is corrected."))
    _ensure_voucher_free(year=booked_on.year, voucher_number=voucher_number)
    entry = Transaction(budget_line_id=original.budget_line_id, booked_on=booked_on, amount=amount, text=text.strip(),
                        voucher_number=voucher_number, account=original.account, corrects_id=original.id,
                        created_by_id=booked_by.id if booked_by is not None else None)
    db.session.add(entry)
    db.session.flush()
    record_audit(actor=booked_by, action="budget.counter_entry_booked", target=entry,
                 details={"corrects": original.id, "corrected": snapshot(original), "new": snapshot(entry)})
    return entry


@dataclass(frozen=True)
class YearSummary:
    """What closing a year freezes: its transactions, per project."""

    year: int
    transaction_count: int
    projects: list[tuple[str, int]]


def year_summary(year: int) -> YearSummary:
    """How many transactions a fiscal year holds, and how many in each project, by project name."""
    rows = db.session.execute(
        sa.select(Project.name, sa.func.count(Transaction.id)).select_from(Transaction).join(BudgetLine).join(Project)
        .where(Transaction.fiscal_year == year).group_by(Project.name).order_by(Project.name)).all()
    return YearSummary(year, sum(count for _, count in rows), [(name, count) for name, count in rows])


def close_year(*, year: int, note: str = "", closed_by, today: date) -> ClosedYear:
    """Close a fiscal year that has ended: from then on it takes only counter-entries. Audited with what it froze."""
    if is_year_closed(year):
        raise YearClosed(_l("The accounts for %(year)s are closed already.", year=year))
    if year >= today.year:
        raise BudgetError(_l("%(year)s has not ended; a year is closed after 31 December.", year=year))
    summary = year_summary(year)
    closed = ClosedYear(year=year, note=note.strip(), closed_by_id=closed_by.id if closed_by is not None else None)
    db.session.add(closed)
    db.session.flush()
    record_audit(actor=closed_by, action="budget.year_closed",
                 details={"year": year, "transactions": summary.transaction_count,
                          "projects": dict(summary.projects), "note": closed.note})
    return closed


def reopen_year(*, year: int, reason: str, reopened_by) -> None:
    """Open a closed year again, for a reason the audit log keeps with who closed it and when."""
    closed = db.session.get(ClosedYear, year)
    if closed is None:
        raise BudgetError(_l("The accounts for %(year)s are not closed.", year=year))
    if not reason.strip():
        raise BudgetError(_l("Say why the year is opened again."))
    record_audit(actor=reopened_by, action="budget.year_reopened",
                 details={"year": year, "reason": reason.strip(), "closed_at": closed.closed_at.isoformat(),
                          "closed_by_id": closed.closed_by_id, "note": closed.note})
    db.session.delete(closed)
    db.session.flush()
