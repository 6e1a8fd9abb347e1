"""Budget core: projects, budget lines per project and year, and the actual amounts booked against them."""

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from kunstvest.common.models import MONEY, TimestampMixin, UTCDateTime, enum_type, utcnow
from kunstvest.extensions import db


class LineKind(enum.StrEnum):
    INCOME = "income"
    EXPENSE = "expense"


class BudgetCategory(enum.StrEnum):
    MEMBERSHIP_FEE = "membership_fee"
    COUNTY_COUNCIL = "county_council"
    ARTS_COUNCIL = "arts_council"
    HOST_MUNICIPALITY = "host_municipality"
    FOUNDATION = "foundation"
    UNOF_FRIFOND = "unof_frifond"
    SALES = "sales"
    OTHER_INCOME = "other_income"
    ARTIST_FEES = "artist_fees"
    TUTOR_FEES = "tutor_fees"
    VENUE = "venue"
    MATERIALS = "materials"
    TRAVEL = "travel"
    MARKETING = "marketing"
    SALARIES = "salaries"
    OTHER_EXPENSE = "other_expense"

    @property
    def kind(self) -> LineKind:
        return LineKind.INCOME if self in INCOME_CATEGORIES else LineKind.EXPENSE


INCOME_CATEGORIES = frozenset({
    BudgetCategory.MEMBERSHIP_FEE, BudgetCategory.COUNTY_COUNCIL, BudgetCategory.ARTS_COUNCIL,
    BudgetCategory.HOST_MUNICIPALITY, BudgetCategory.FOUNDATION, BudgetCategory.UNOF_FRIFOND,
    BudgetCategory.SALES, BudgetCategory.OTHER_INCOME,
})


class Project(TimestampMixin, db.Model):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)


class VersionStatus(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"


class BudgetVersion(TimestampMixin, db.Model):
    """One version of a project's budget for a year: drafted, then approved by a decision and locked."""

    __tablename__ = "budget_versions"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "year", "number"),
        sa.CheckConstraint(
            "status = 'draft' OR (decision_reference IS NOT NULL AND decided_on IS NOT NULL "
            "AND approved_at IS NOT NULL)", name="approval_has_a_decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    year: Mapped[int]
    number: Mapped[int]
    status: Mapped[VersionStatus] = mapped_column(enum_type(VersionStatus), default=VersionStatus.DRAFT)
    decision_reference: Mapped[str | None] = mapped_column(sa.String(100))
    decided_on: Mapped[date | None]
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    project: Mapped["Project"] = relationship(lazy="joined")

    @property
    def is_locked(self) -> bool:
        return self.status == VersionStatus.APPROVED


class BudgetAmount(db.Model):
    """The amount budgeted on one line in one version."""

    __tablename__ = "budget_amounts"
    __table_args__ = (sa.CheckConstraint("amount >= 0", name="amount_not_negative"),)

    version_id: Mapped[int] = mapped_column(sa.ForeignKey("budget_versions.id", ondelete="CASCADE"),
                                            primary_key=True)
    line_id: Mapped[int] = mapped_column(sa.ForeignKey("budget_lines.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))

    version: Mapped[BudgetVersion] = relationship(lazy="joined")


@event.listens_for(BudgetAmount, "before_insert")
@event.listens_for(BudgetAmount, "before_update")
@event.listens_for(BudgetAmount, "before_delete")
def _refuse_change_to_approved(mapper, connection, target) -> None:
    status = connection.scalar(sa.select(BudgetVersion.status).where(BudgetVersion.id == target.version_id))
    if status == VersionStatus.APPROVED:
        raise RuntimeError("an approved budget version cannot be changed")


class BudgetLine(TimestampMixin, db.Model):
    """A line of a project's budget for a year; its amounts live in the versions (BudgetAmount)."""

    __tablename__ = "budget_lines"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "year", "name"),
        sa.CheckConstraint("kind = 'income' OR funder IS NULL", name="funder_only_on_income"),
        sa.Index("ix_budget_lines_project_id_year", "project_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"))
    year: Mapped[int]
    kind: Mapped[LineKind] = mapped_column(enum_type(LineKind))
    category: Mapped[BudgetCategory] = mapped_column(enum_type(BudgetCategory))
    name: Mapped[str] = mapped_column(sa.String(200))
    funder: Mapped[str | None] = mapped_column(sa.String(200))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    project: Mapped[Project] = relationship(lazy="joined")


class SignConvention(enum.StrEnum):
    """How an accounting export signs its amounts."""

    INCOME_POSITIVE = "income_positive"  # income positive, costs negative: a result report
    DEBIT_POSITIVE = "debit_positive"  # costs positive, income negative: a general ledger


class ImportBatch(db.Model):
    """One import of an accounting export: who, when, which file, how many rows and what they sum to."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    sign_convention: Mapped[SignConvention] = mapped_column(enum_type(SignConvention))
    row_count: Mapped[int]
    income_total: Mapped[Decimal] = mapped_column(MONEY)
    expense_total: Mapped[Decimal] = mapped_column(MONEY)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    imported_by = relationship("User", foreign_keys=[imported_by_id], lazy="joined")
    undone_by = relationship("User", foreign_keys=[undone_by_id], lazy="joined")

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None


class AccountMapping(TimestampMixin, db.Model):
    """Which budget line an account of the chart of accounts (NS 4102) goes to, for one project and year."""

    __tablename__ = "account_mappings"
    __table_args__ = (sa.UniqueConstraint("project_id", "year", "account"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"))
    year: Mapped[int]
    account: Mapped[str] = mapped_column(sa.String(10))
    budget_line_id: Mapped[int] = mapped_column(sa.ForeignKey("budget_lines.id", ondelete="CASCADE"), index=True)

    project: Mapped[Project] = relationship(lazy="joined")
    budget_line: Mapped[BudgetLine] = relationship(lazy="joined")


class ClosedYear(db.Model):
    """A fiscal year whose accounts are closed: from then on it takes only counter-entries."""

    __tablename__ = "closed_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    closed_by = relationship("User", lazy="joined")


class TransactionSource(enum.StrEnum):
    """Where a transaction came from, derived from its columns (the ledger filters on it)."""

    MANUAL = "manual"
    IMPORT = "import"
    DOMAIN = "domain"


class Transaction(db.Model):
    """One actual amount on a budget line; positive in the line's own direction (received or spent)."""

    __tablename__ = "transactions"
    __table_args__ = (
        sa.Index("ix_transactions_budget_line_id_booked_on", "budget_line_id", "booked_on"),
        # A voucher from the accounts may be split over several accounts and lines, so it is not unique.
        sa.Index("ix_transactions_fiscal_year_voucher_number", "fiscal_year", "voucher_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_line_id: Mapped[int] = mapped_column(sa.ForeignKey("budget_lines.id"))
    booked_on: Mapped[date]
    fiscal_year: Mapped[int]
    amount: Mapped[Decimal] = mapped_column(MONEY)
    text: Mapped[str] = mapped_column(sa.String(300), default="")
    voucher_number: Mapped[str | None] = mapped_column(sa.String(40))
    # Set by the domain that caused the amount ("exhibition:3:host_contribution") so it is recorded once.
    source_ref: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("import_batches.id"), index=True)
    account: Mapped[str | None] = mapped_column(sa.String(10))
    # A counter-entry in a closed year points at the transaction it corrects.
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("transactions.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    budget_line: Mapped[BudgetLine] = relationship(lazy="raise")
    batch: Mapped[ImportBatch | None] = relationship(lazy="raise")

    @property
    def source(self) -> TransactionSource:
        if self.batch_id is not None:
            return TransactionSource.IMPORT
        return TransactionSource.DOMAIN if self.source_ref is not None else TransactionSource.MANUAL

    @validates("booked_on")
    def _derive_fiscal_year(self, key: str, booked_on: date) -> date:
        # The fiscal year always follows the booking date; it is stored only for the per-year voucher constraint.
        self.fiscal_year = booked_on.year
        return booked_on


class ResultCoverage(TimestampMixin, db.Model):
    """How a project's deficit (or surplus) for a year is settled, by a decision: e.g. covered from the reserve fund."""

    __tablename__ = "result_coverages"
    __table_args__ = (sa.UniqueConstraint("project_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"))
    year: Mapped[int]
    amount: Mapped[Decimal] = mapped_column(MONEY)
    settled_by: Mapped[str] = mapped_column(sa.String(200))
    decision_reference: Mapped[str] = mapped_column(sa.String(100), default="")
    decided_on: Mapped[date | None]
