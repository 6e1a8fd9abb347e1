"""Reference data: counties, municipalities, venues and seasons."""

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kunstvest.common.models import TimestampMixin
from kunstvest.extensions import db


class County(db.Model):
    __tablename__ = "counties"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(2), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    is_member: Mapped[bool] = mapped_column(default=False)

    municipalities: Mapped[list["Municipality"]] = relationship(back_populates="county")


class Municipality(db.Model):
    __tablename__ = "municipalities"
    __table_args__ = (sa.CheckConstraint("inhabitants >= 0", name="inhabitants_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(4), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    county_id: Mapped[int] = mapped_column(sa.ForeignKey("counties.id"), index=True)
    inhabitants: Mapped[int] = mapped_column(default=0)
    is_member: Mapped[bool] = mapped_column(default=True)

    county: Mapped[County] = relationship(back_populates="municipalities", lazy="joined")


class Venue(TimestampMixin, db.Model):
    __tablename__ = "venues"
    __table_args__ = (
        sa.UniqueConstraint("name", "municipality_id"),
        sa.CheckConstraint("latitude IS NULL OR (latitude BETWEEN -90 AND 90)", name="latitude_range"),
        sa.CheckConstraint("longitude IS NULL OR (longitude BETWEEN -180 AND 180)", name="longitude_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipalities.id"), index=True)
    latitude: Mapped[Decimal | None] = mapped_column(sa.Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(sa.Numeric(9, 6))

    municipality: Mapped[Municipality] = relationship(lazy="joined")


class Season(TimestampMixin, db.Model):
    __tablename__ = "seasons"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "year"),
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    year: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200), default="")

    project = relationship("Project", lazy="joined")
