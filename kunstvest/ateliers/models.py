"""Open-atelier weekends: the days, the ateliers and their artists, and the visits and sales counted on a phone."""

import enum
from datetime import date, datetime, time
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kunstvest.common.models import MONEY, TimestampMixin, UTCDateTime, enum_type, utcnow
from kunstvest.extensions import db


class OpenAteliers(TimestampMixin, db.Model):
    """A season's open-atelier weekends: their days, and when the public guide was published."""

    __tablename__ = "open_ateliers"

    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[int] = mapped_column(sa.ForeignKey("seasons.id"), unique=True)
    proofing_deadline: Mapped[date | None]
    guide_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    season = relationship("Season", lazy="joined")
    days: Mapped[list["AtelierDay"]] = relationship(
        back_populates="open_ateliers", cascade="all, delete-orphan", order_by="AtelierDay.day", lazy="selectin")
    ateliers: Mapped[list["Atelier"]] = relationship(back_populates="open_ateliers", cascade="all, delete-orphan")

    @property
    def year(self) -> int:
        return self.season.year


class AtelierDay(db.Model):
    """One day of the open-atelier weekends (2017: 16, 17, 23 and 24 September)."""

    __tablename__ = "atelier_days"
    __table_args__ = (sa.UniqueConstraint("open_ateliers_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    open_ateliers_id: Mapped[int] = mapped_column(sa.ForeignKey("open_ateliers.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]

    open_ateliers: Mapped[OpenAteliers] = relationship(back_populates="days")


class Atelier(TimestampMixin, db.Model):
    """A studio open to the public at one address, shared by one or more accepted artists."""

    __tablename__ = "ateliers"
    __table_args__ = (
        sa.UniqueConstraint("open_ateliers_id", "guide_number"),
        sa.CheckConstraint("latitude IS NULL OR latitude BETWEEN -90 AND 90", name="latitude_range"),
        sa.CheckConstraint("longitude IS NULL OR longitude BETWEEN -180 AND 180", name="longitude_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    open_ateliers_id: Mapped[int] = mapped_column(sa.ForeignKey("open_ateliers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    address: Mapped[str] = mapped_column(sa.String(300))
    postcode: Mapped[str] = mapped_column(sa.String(4), default="")
    city: Mapped[str] = mapped_column(sa.String(100), default="")
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipalities.id"), index=True)
    latitude: Mapped[Decimal | None] = mapped_column(sa.Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(sa.Numeric(9, 6))
    accessibility: Mapped[str] = mapped_column(sa.Text, default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    guide_number: Mapped[int | None]  # numbered by municipality when the guide is published

    open_ateliers: Mapped[OpenAteliers] = relationship(back_populates="ateliers")
    municipality = relationship("Municipality", lazy="joined")
    artists: Mapped[list["AtelierArtist"]] = relationship(
        back_populates="atelier", cascade="all, delete-orphan", order_by="AtelierArtist.id", lazy="selectin")
    hours: Mapped[list["AtelierHours"]] = relationship(
        back_populates="atelier", cascade="all, delete-orphan", order_by="AtelierHours.day", lazy="selectin")


class AtelierArtist(TimestampMixin, db.Model):
    """An accepted artist showing at an atelier; `approved_at` is their proofing of the public entry."""

    __tablename__ = "atelier_artists"

    id: Mapped[int] = mapped_column(primary_key=True)
    atelier_id: Mapped[int] = mapped_column(sa.ForeignKey("ateliers.id", ondelete="CASCADE"), index=True)
    # One atelier per accepted application, so one per artist and season.
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), unique=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    atelier: Mapped[Atelier] = relationship(back_populates="artists")
    application = relationship("Application", lazy="joined")


class AtelierHours(db.Model):
    """An atelier's opening hours on one of the weekend days; a day without a row is closed."""

    __tablename__ = "atelier_hours"
    __table_args__ = (
        sa.UniqueConstraint("atelier_id", "day"),
        sa.CheckConstraint("closes > opens", name="closes_after_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    atelier_id: Mapped[int] = mapped_column(sa.ForeignKey("ateliers.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]
    opens: Mapped[time]
    closes: Mapped[time]

    atelier: Mapped[Atelier] = relationship(back_populates="hours")


# --- counting visits and logging sales ---------------------------------------------------------------------------------

class LocationKind(enum.StrEnum):
    EXHIBITION = "exhibition"
    ATELIER = "atelier"


class VisitLocation(db.Model):
    """A place where visits are counted: the season's joint exhibition, or one atelier."""

    __tablename__ = "visit_locations"
    __table_args__ = (
        sa.CheckConstraint("(exhibition_id IS NULL) <> (atelier_id IS NULL)", name="exhibition_or_atelier"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[int] = mapped_column(sa.ForeignKey("seasons.id"), index=True)
    kind: Mapped[LocationKind] = mapped_column(enum_type(LocationKind))
    exhibition_id: Mapped[int | None] = mapped_column(sa.ForeignKey("exhibitions.id", ondelete="CASCADE"),
                                                      unique=True)
    atelier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ateliers.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipalities.id"), index=True)

    municipality = relationship("Municipality", lazy="joined")
    assignments: Mapped[list["LocationAssignment"]] = relationship(
        back_populates="location", cascade="all, delete-orphan")


class LocationAssignment(db.Model):
    """Who may count at a location: a volunteer, or an artist of the atelier."""

    __tablename__ = "location_assignments"

    location_id: Mapped[int] = mapped_column(sa.ForeignKey("visit_locations.id", ondelete="CASCADE"),
                                             primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    location: Mapped[VisitLocation] = relationship(back_populates="assignments")
    user = relationship("User", lazy="joined")


class VisitTap(db.Model):
    """One tap on a counter, append-only: `visitors` people (a group's size, or −n for an undo of tap `undoes_id`).

    `client_id` is made on the phone, so a request that is retried or sent twice is stored once.
    """

    __tablename__ = "visit_taps"
    __table_args__ = (
        sa.CheckConstraint("visitors <> 0", name="visitors_not_zero"),
        sa.CheckConstraint("visitors > 0 OR undoes_id IS NOT NULL", name="negative_only_as_undo"),
        sa.Index("ix_visit_taps_location_day", "location_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("visit_locations.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    day: Mapped[date]  # the day in Oslo on which the visit happened
    tapped_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when it was tapped on the phone
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # when it reached the server
    visitors: Mapped[int]
    group_label: Mapped[str] = mapped_column(sa.String(100), default="")  # e.g. "5B, Svelvik skole"
    undoes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visit_taps.id"), unique=True)

    location: Mapped[VisitLocation] = relationship()


class Sale(TimestampMixin, db.Model):
    """What an artist sold on one day: number of works and the amount; kept by the artist and the secretariat."""

    __tablename__ = "sales"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "day"),
        sa.CheckConstraint("works_sold >= 0", name="works_not_negative"),
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[int] = mapped_column(sa.ForeignKey("seasons.id"), index=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visit_locations.id", ondelete="SET NULL"),
                                                    index=True)
    day: Mapped[date]
    works_sold: Mapped[int] = mapped_column(default=0)
    amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    application = relationship("Application", lazy="joined")
    location = relationship(VisitLocation, lazy="joined")
