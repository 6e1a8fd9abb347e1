"""The joint exhibition of a season: host, venue, dates and hours, funding, placements, and its side programme."""

import enum
from datetime import date, datetime, time
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kunstvest.common.models import MONEY, TimestampMixin, UTCDateTime, enum_type
from kunstvest.extensions import db


class HostStatus(enum.StrEnum):
    """How far the search for a season's host has come; only a confirmed host is settled."""

    WANTED = "wanted"
    IN_TALKS = "in_talks"
    CONFIRMED = "confirmed"


class Exhibition(TimestampMixin, db.Model):
    """The joint exhibition of one season, in its host municipality."""

    __tablename__ = "exhibitions"
    __table_args__ = (
        sa.CheckConstraint("closes_on IS NULL OR opens_on IS NULL OR closes_on >= opens_on", name="dates_in_order"),
        sa.CheckConstraint("host_contribution IS NULL OR host_contribution >= 0", name="contribution_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[int] = mapped_column(sa.ForeignKey("seasons.id"), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    host_municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipalities.id"), index=True)
    host_status: Mapped[HostStatus] = mapped_column(enum_type(HostStatus), default=HostStatus.WANTED)
    host_note: Mapped[str] = mapped_column(sa.Text, default="")
    host_contribution: Mapped[Decimal | None] = mapped_column(MONEY)
    venue_id: Mapped[int | None] = mapped_column(sa.ForeignKey("venues.id"), index=True)
    opens_on: Mapped[date | None]
    closes_on: Mapped[date | None]
    description: Mapped[str] = mapped_column(sa.Text, default="")

    season = relationship("Season", lazy="joined")
    host_municipality = relationship("Municipality", lazy="joined")
    venue = relationship("Venue", lazy="joined")
    opening_hours: Mapped[list["OpeningHours"]] = relationship(
        back_populates="exhibition", cascade="all, delete-orphan", order_by="OpeningHours.weekday", lazy="selectin")
    funding: Mapped[list["Funding"]] = relationship(
        back_populates="exhibition", cascade="all, delete-orphan", order_by="Funding.id")

    @property
    def year(self) -> int:
        return self.season.year


class OpeningHours(db.Model):
    """The exhibition's hours on one weekday (0 = Monday); a weekday without a row is closed."""

    __tablename__ = "exhibition_opening_hours"
    __table_args__ = (
        sa.UniqueConstraint("exhibition_id", "weekday"),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        sa.CheckConstraint("closes > opens", name="closes_after_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibition_id: Mapped[int] = mapped_column(sa.ForeignKey("exhibitions.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int]
    opens: Mapped[time]
    closes: Mapped[time]

    exhibition: Mapped[Exhibition] = relationship(back_populates="opening_hours")


class Funding(TimestampMixin, db.Model):
    """Money for the exhibition (the host contribution, a grant …) promised on a budget line; booked when received."""

    __tablename__ = "exhibition_funding"
    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibition_id: Mapped[int] = mapped_column(sa.ForeignKey("exhibitions.id", ondelete="CASCADE"), index=True)
    funder: Mapped[str] = mapped_column(sa.String(200))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    budget_line_id: Mapped[int] = mapped_column(sa.ForeignKey("budget_lines.id"), index=True)
    received_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(sa.Text, default="")

    exhibition: Mapped[Exhibition] = relationship(back_populates="funding")
    budget_line = relationship("BudgetLine", lazy="joined")


class Placement(TimestampMixin, db.Model):
    """Where an accepted artist's chosen work hangs or stands in the exhibition."""

    __tablename__ = "exhibition_placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibition_id: Mapped[int] = mapped_column(sa.ForeignKey("exhibitions.id", ondelete="CASCADE"), index=True)
    chosen_work_id: Mapped[int] = mapped_column(sa.ForeignKey("chosen_works.id", ondelete="CASCADE"), unique=True)
    room: Mapped[str] = mapped_column(sa.String(100), default="")
    wall: Mapped[str] = mapped_column(sa.String(100), default="")
    label_number: Mapped[int | None]
    note: Mapped[str] = mapped_column(sa.String(300), default="")

    exhibition: Mapped[Exhibition] = relationship()
    chosen_work = relationship("ChosenWork", lazy="joined")


# --- the side programme -----------------------------------------------------------------------------------------------

class EventKind(enum.StrEnum):
    WORKSHOP = "workshop"
    GUIDED_TOUR = "guided_tour"
    TALK = "talk"
    PERFORMANCE = "performance"
    YOGA = "yoga"
    CAFE = "cafe"
    CONCERT = "concert"
    OTHER = "other"


class ProgrammeEvent(TimestampMixin, db.Model):
    """One event of the exhibition's side programme; with `has_signup` people sign up for its `capacity` seats."""

    __tablename__ = "programme_events"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        sa.CheckConstraint("NOT has_signup OR capacity IS NOT NULL", name="signup_needs_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibition_id: Mapped[int] = mapped_column(sa.ForeignKey("exhibitions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    language: Mapped[str] = mapped_column(sa.String(8), default="nb")  # a BCP 47 code: nb, en, pl …
    capacity: Mapped[int | None]
    has_signup: Mapped[bool] = mapped_column(default=False)
    is_cancelled: Mapped[bool] = mapped_column(default=False)

    exhibition: Mapped[Exhibition] = relationship()
    signups: Mapped[list["Signup"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Signup.id")


class SignupStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class Signup(TimestampMixin, db.Model):
    """A free sign-up for an event: confirmed while seats last, else on the waiting list in order of arrival."""

    __tablename__ = "programme_signups"
    __table_args__ = (sa.CheckConstraint("seats BETWEEN 1 AND 20", name="seats_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("programme_events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    seats: Mapped[int] = mapped_column(default=1)
    status: Mapped[SignupStatus] = mapped_column(enum_type(SignupStatus))
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)  # the secret in the cancel link
    locale: Mapped[str] = mapped_column(sa.String(8), default="nb")  # the language of the emails about it
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[ProgrammeEvent] = relationship(back_populates="signups")
