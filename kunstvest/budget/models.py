"""Budget core: projects, budget lines per project and year, and the actual amounts booked against them."""

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

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


class BudgetLine(TimestampMixin, db.Model):
    __tablename__ = "budget_lines"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "year", "name"),
        sa.CheckConstraint("budgeted_amount >= 0", name="budgeted_amount_not_negative"),
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
    budgeted_amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    project: Mapped[Project] = relationship(lazy="joined")


class Transaction(db.Model):
    """One actual amount on a budget line; positive in the line's own direction (received or spent)."""

    __tablename__ = "transactions"
    __table_args__ = (sa.Index("ix_transactions_budget_line_id_booked_on", "budget_line_id", "booked_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_line_id: Mapped[int] = mapped_column(sa.ForeignKey("budget_lines.id"))
    booked_on: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(MONEY)
    text: Mapped[str] = mapped_column(sa.String(300), default="")
    voucher_number: Mapped[str | None] = mapped_column(sa.String(40))
    # Set by the domain that caused the amount ("exhibition:3:host_contribution") so it is recorded once.
    source_ref: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    budget_line: Mapped[BudgetLine] = relationship(lazy="raise")
