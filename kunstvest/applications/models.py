"""The open call: artists, their applications and works, the jury's scores and conflicts, and the chosen work."""

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kunstvest.common.models import MONEY, TimestampMixin, UTCDateTime, enum_type, utcnow
from kunstvest.extensions import db

DIMENSION = sa.Numeric(7, 1)


class CallPhase(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    JURYING = "jurying"
    DECIDING = "deciding"
    PUBLISHED = "published"


PHASE_ORDER = list(CallPhase)


class Discipline(enum.StrEnum):
    VISUAL_ART = "visual_art"
    CRAFT = "craft"


class ApplicationStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


DECISIONS = (ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED, ApplicationStatus.REJECTED)


class ConflictStatus(enum.StrEnum):
    SUGGESTED = "suggested"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class JointRecommendation(enum.StrEnum):
    ACCEPT = "accept"
    WAITLIST = "waitlist"
    REJECT = "reject"


class OpenCall(TimestampMixin, db.Model):
    __tablename__ = "open_calls"
    __table_args__ = (
        sa.CheckConstraint("opens_at < closes_at", name="opens_before_closing"),
        sa.CheckConstraint("min_works >= 1 AND min_works <= max_works", name="works_range"),
        sa.CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        sa.CheckConstraint("cut_line IS NULL OR cut_line >= 0", name="cut_line_not_negative"),
        sa.CheckConstraint("waitlist_size >= 0", name="waitlist_size_not_negative"),
        sa.CheckConstraint("disagreement_margin >= 0", name="disagreement_margin_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[int] = mapped_column(sa.ForeignKey("seasons.id"), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    eligibility: Mapped[str] = mapped_column(sa.Text, default="")
    min_works: Mapped[int] = mapped_column(default=3)
    max_works: Mapped[int] = mapped_column(default=6)
    is_blind: Mapped[bool] = mapped_column(default=True)
    capacity: Mapped[int] = mapped_column(default=100)
    # Set by the admin on the ranking page; until then the capacity is the cut.
    cut_line: Mapped[int | None]
    waitlist_size: Mapped[int] = mapped_column(default=10)
    # Weighted scores (on the rubric's own scale) further apart than this are flagged for discussion.
    disagreement_margin: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2), default=Decimal("1.50"))
    work_choice_deadline: Mapped[date | None] = mapped_column(sa.Date)
    # The phase set by the admin; an open call whose closing time has passed reads as closed (see phase_of).
    phase: Mapped[CallPhase] = mapped_column(enum_type(CallPhase), default=CallPhase.DRAFT)
    # When the call really closed: before closes_at when the secretariat closed it early (see closing_time).
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    season = relationship("Season", lazy="joined")
    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="call", order_by="Criterion.position", cascade="all, delete-orphan", lazy="selectin")
    jurors: Mapped[list["JurorAssignment"]] = relationship(
        back_populates="call", cascade="all, delete-orphan", lazy="selectin")

    @property
    def year(self) -> int:
        return self.season.year

    @property
    def effective_cut_line(self) -> int:
        return self.capacity if self.cut_line is None else self.cut_line


class Criterion(db.Model):
    __tablename__ = "criteria"
    __table_args__ = (
        sa.UniqueConstraint("call_id", "position"),
        sa.CheckConstraint("scale_min < scale_max", name="scale_range"),
        sa.CheckConstraint("weight > 0", name="weight_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("open_calls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    scale_min: Mapped[int] = mapped_column(default=1)
    scale_max: Mapped[int] = mapped_column(default=7)
    weight: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2), default=Decimal("1.00"))

    call: Mapped[OpenCall] = relationship(back_populates="criteria")


class ArtistProfile(TimestampMixin, db.Model):
    """An artist across the years; first-timer status is derived from earlier accepted applications."""

    __tablename__ = "artist_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    postcode: Mapped[str] = mapped_column(sa.String(10), default="")
    city: Mapped[str] = mapped_column(sa.String(100), default="")
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipalities.id"), index=True)
    discipline: Mapped[Discipline] = mapped_column(enum_type(Discipline), default=Discipline.VISUAL_ART)
    education: Mapped[str] = mapped_column(sa.Text, default="")
    cv: Mapped[str] = mapped_column(sa.Text, default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    instagram: Mapped[str] = mapped_column(sa.String(100), default="")
    studio_collective: Mapped[str] = mapped_column(sa.String(200), default="")

    user = relationship("User", lazy="joined")
    municipality = relationship("Municipality", lazy="joined")


class ImageFile(db.Model):
    """A processed image on disk, named by its content hash; works point to it."""

    __tablename__ = "image_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Application(TimestampMixin, db.Model):
    __tablename__ = "applications"
    __table_args__ = (
        # One application per artist and call: a double click or a retried POST cannot make a second one.
        sa.UniqueConstraint("call_id", "artist_id"),
        sa.UniqueConstraint("call_id", "reference"),
        sa.CheckConstraint("waitlist_position IS NULL OR waitlist_position > 0", name="waitlist_position_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("open_calls.id"), index=True)
    artist_id: Mapped[int] = mapped_column(sa.ForeignKey("artist_profiles.id"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_type(ApplicationStatus), default=ApplicationStatus.DRAFT, index=True)
    statement: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the jury and the secretariat call the application (KRV-2018-0427), given at submission. The number is
    # random, so it tells neither who applied nor in what order, and it stays when a juror declares a conflict.
    reference: Mapped[str | None] = mapped_column(sa.String(40))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Snapshots at submission, so statistics stay true when the artist later moves or changes discipline.
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipalities.id"), index=True)
    discipline: Mapped[Discipline | None] = mapped_column(enum_type(Discipline))
    is_first_timer: Mapped[bool | None]
    # Deciding: a manual decision is kept when the cut line moves; the joint field is for a two-person jury.
    is_decision_manual: Mapped[bool] = mapped_column(default=False)
    is_to_discuss: Mapped[bool] = mapped_column(default=False)
    joint_recommendation: Mapped[JointRecommendation | None] = mapped_column(enum_type(JointRecommendation))
    jury_note: Mapped[str] = mapped_column(sa.Text, default="")
    waitlist_position: Mapped[int | None]
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    call: Mapped[OpenCall] = relationship(lazy="joined")
    artist: Mapped[ArtistProfile] = relationship(lazy="joined")
    municipality = relationship("Municipality", lazy="joined", foreign_keys=[municipality_id])
    works: Mapped[list["Work"]] = relationship(
        back_populates="application", order_by="Work.position", cascade="all, delete-orphan", lazy="selectin")
    chosen_work: Mapped["ChosenWork | None"] = relationship(
        back_populates="application", cascade="all, delete-orphan", lazy="selectin")


class Work(TimestampMixin, db.Model):
    __tablename__ = "works"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "position"),
        sa.CheckConstraint("price IS NULL OR price >= 0", name="price_not_negative"),
        sa.CheckConstraint("(width_cm IS NULL OR width_cm > 0) AND (height_cm IS NULL OR height_cm > 0)"
                           " AND (depth_cm IS NULL OR depth_cm > 0)", name="dimensions_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    year: Mapped[int | None]
    technique: Mapped[str] = mapped_column(sa.String(200), default="")
    width_cm: Mapped[Decimal | None] = mapped_column(DIMENSION)
    height_cm: Mapped[Decimal | None] = mapped_column(DIMENSION)
    depth_cm: Mapped[Decimal | None] = mapped_column(DIMENSION)
    price: Mapped[Decimal | None] = mapped_column(MONEY)
    image_id: Mapped[int | None] = mapped_column(sa.ForeignKey("image_files.id"), index=True)

    application: Mapped[Application] = relationship(back_populates="works")
    image: Mapped[ImageFile | None] = relationship(lazy="joined")


class JurorAssignment(db.Model):
    __tablename__ = "juror_assignments"

    call_id: Mapped[int] = mapped_column(sa.ForeignKey("open_calls.id", ondelete="CASCADE"), primary_key=True)
    juror_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    # Each juror reads the applications in their own random order, drawn from this seed (against order bias).
    order_seed: Mapped[str] = mapped_column(sa.String(32))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    call: Mapped[OpenCall] = relationship(back_populates="jurors")
    juror = relationship("User", lazy="joined")


class Conflict(db.Model):
    """A juror's conflict of interest with an application: suggested by kunstvest or declared by the juror."""

    __tablename__ = "conflicts"
    __table_args__ = (sa.UniqueConstraint("application_id", "juror_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    juror_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    status: Mapped[ConflictStatus] = mapped_column(enum_type(ConflictStatus))
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(lazy="joined")


class Review(db.Model):
    """One juror's scores of one application, with an optional comment."""

    __tablename__ = "reviews"
    __table_args__ = (sa.UniqueConstraint("application_id", "juror_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    juror_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    scores: Mapped[list["Score"]] = relationship(
        back_populates="review", cascade="all, delete-orphan", lazy="selectin")
    # Not joined: the jurors are in the session already (call.jurors), so reading review.juror costs no query.
    juror = relationship("User")


class Score(db.Model):
    __tablename__ = "scores"
    # With Review's own unique key: one score per juror, application and criterion.
    __table_args__ = (sa.UniqueConstraint("review_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria.id", ondelete="CASCADE"), index=True)
    value: Mapped[int]

    review: Mapped[Review] = relationship(back_populates="scores")


class ChosenWork(TimestampMixin, db.Model):
    """The one work an accepted artist shows in the joint exhibition."""

    __tablename__ = "chosen_works"
    __table_args__ = (
        sa.CheckConstraint("price IS NULL OR price >= 0", name="price_not_negative"),
        sa.CheckConstraint("insurance_value IS NULL OR insurance_value >= 0", name="insurance_value_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), unique=True)
    source_work_id: Mapped[int | None] = mapped_column(sa.ForeignKey("works.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(sa.String(200))
    year: Mapped[int | None]
    technique: Mapped[str] = mapped_column(sa.String(200), default="")
    width_cm: Mapped[Decimal | None] = mapped_column(DIMENSION)
    height_cm: Mapped[Decimal | None] = mapped_column(DIMENSION)
    depth_cm: Mapped[Decimal | None] = mapped_column(DIMENSION)
    price: Mapped[Decimal | None] = mapped_column(MONEY)
    insurance_value: Mapped[Decimal | None] = mapped_column(MONEY)
    is_for_sale: Mapped[bool] = mapped_column(default=True)
    image_id: Mapped[int | None] = mapped_column(sa.ForeignKey("image_files.id"), index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship(back_populates="chosen_work")
    image: Mapped[ImageFile | None] = relationship(lazy="joined")
