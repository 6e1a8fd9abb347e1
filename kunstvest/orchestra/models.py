"""Vestregionens Ungdomssymfonikere: members and their guardians, consent, sections and the waiting list,
rehearsal weekends and concerts with their schedules, replies, attendance and calendar links."""

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kunstvest.common.models import MONEY, TimestampMixin, UTCDateTime, enum_type, utcnow
from kunstvest.extensions import db


class OrchestraSeason(TimestampMixin, db.Model):
    """A season of the orchestra: its start (the age rule counts from it) and the spring re-registration."""

    __tablename__ = "orchestra_seasons"
    __table_args__ = (
        sa.CheckConstraint("ends_on > starts_on", name="ends_after_start"),
        sa.CheckConstraint("min_age < max_age", name="age_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[int] = mapped_column(sa.ForeignKey("seasons.id"), unique=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    min_age: Mapped[int] = mapped_column(default=8)
    max_age: Mapped[int] = mapped_column(default=18)
    senior_from_age: Mapped[int] = mapped_column(default=12)  # the senior group is 12–18, the junior group under 12
    is_registration_open: Mapped[bool] = mapped_column(default=False)
    reregistration_deadline: Mapped[date | None]
    offer_days: Mapped[int] = mapped_column(default=14)  # how long a guardian has to accept an offered place

    season = relationship("Season", lazy="joined")
    targets: Mapped[list["SectionTarget"]] = relationship(back_populates="orchestra_season",
                                                         cascade="all, delete-orphan")

    @property
    def year(self) -> int:
        return self.season.year


class Section(db.Model):
    """A section of the orchestra (violin 1, viola, horn …) and the instrument it plays."""

    __tablename__ = "orchestra_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)  # "violin_1"
    name: Mapped[str] = mapped_column(sa.String(100))  # in bokmål: "Fiolin 1"
    instrument: Mapped[str] = mapped_column(sa.String(40), index=True)  # "violin"
    position: Mapped[int] = mapped_column(default=0)  # score order


class SectionTarget(db.Model):
    """How many players the staff want in a section in a season; the waiting list follows it."""

    __tablename__ = "orchestra_section_targets"
    __table_args__ = (
        sa.UniqueConstraint("orchestra_season_id", "section_id"),
        sa.CheckConstraint("target >= 0", name="target_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    orchestra_season_id: Mapped[int] = mapped_column(sa.ForeignKey("orchestra_seasons.id", ondelete="CASCADE"))
    section_id: Mapped[int] = mapped_column(sa.ForeignKey("orchestra_sections.id"))
    target: Mapped[int]

    orchestra_season: Mapped[OrchestraSeason] = relationship(back_populates="targets")
    section: Mapped[Section] = relationship(lazy="joined")


class Level(enum.StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class Child(TimestampMixin, db.Model):
    """A child registered by a guardian; children have no login of their own."""

    __tablename__ = "orchestra_children"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    date_of_birth: Mapped[date]
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipalities.id"), index=True)
    school: Mapped[str] = mapped_column(sa.String(200), default="")
    culture_school: Mapped[str] = mapped_column(sa.String(200), default="")
    teacher: Mapped[str] = mapped_column(sa.String(200), default="")
    level: Mapped[Level] = mapped_column(enum_type(Level), default=Level.BEGINNER)
    notes: Mapped[str] = mapped_column(sa.Text, default="")  # anything the staff should know
    left_on: Mapped[date | None]
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    municipality = relationship("Municipality", lazy="joined")
    instruments: Mapped[list["ChildInstrument"]] = relationship(
        back_populates="child", cascade="all, delete-orphan", order_by="ChildInstrument.id", lazy="selectin")
    guardianships: Mapped[list["Guardianship"]] = relationship(back_populates="child", cascade="all, delete-orphan")

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class ChildInstrument(db.Model):
    """An instrument a child plays, with years played; the first is the main instrument."""

    __tablename__ = "orchestra_child_instruments"
    __table_args__ = (
        sa.UniqueConstraint("child_id", "instrument"),
        sa.CheckConstraint("years_played BETWEEN 0 AND 20", name="years_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(sa.ForeignKey("orchestra_children.id", ondelete="CASCADE"), index=True)
    instrument: Mapped[str] = mapped_column(sa.String(40))
    years_played: Mapped[int] = mapped_column(default=0)

    child: Mapped[Child] = relationship(back_populates="instruments")


class Guardianship(db.Model):
    """A guardian (a user) of a child; a guardian sees only their own children."""

    __tablename__ = "orchestra_guardianships"

    child_id: Mapped[int] = mapped_column(sa.ForeignKey("orchestra_children.id", ondelete="CASCADE"),
                                          primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    child: Mapped[Child] = relationship(back_populates="guardianships")
    user = relationship("User", lazy="joined")


class GuardianInvitation(TimestampMixin, db.Model):
    """An emailed invitation for a second guardian; accepting it (logged in) makes them a guardian of the child."""

    __tablename__ = "orchestra_guardian_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(sa.ForeignKey("orchestra_children.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    child: Mapped[Child] = relationship()


class HealthInfo(TimestampMixin, db.Model):
    """Health and allergy information: read only by orchestra staff and the weekend's leaders, and every read is
    audited."""

    __tablename__ = "orchestra_health_info"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(sa.ForeignKey("orchestra_children.id", ondelete="CASCADE"), unique=True)
    allergies: Mapped[str] = mapped_column(sa.Text, default="")
    medical: Mapped[str] = mapped_column(sa.Text, default="")  # conditions and medication
    emergency_contacts: Mapped[str] = mapped_column(sa.Text, default="")  # names and phone numbers


class ConsentPurpose(enum.StrEnum):
    PHOTOS_WEB = "photos_web"
    PHOTOS_PRESS = "photos_press"
    HEALTH_INFO = "health_info"
    TRAVEL = "travel"


class ConsentText(db.Model):
    """One version of the text a guardian consents to for a purpose; a new version asks everyone again."""

    __tablename__ = "orchestra_consent_texts"
    __table_args__ = (sa.UniqueConstraint("purpose", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[ConsentPurpose] = mapped_column(enum_type(ConsentPurpose))
    version: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConsentRecord(db.Model):
    """A consent given or withdrawn for a child, against one version of the text, by whom and when (append-only)."""

    __tablename__ = "orchestra_consent_records"
    __table_args__ = (sa.Index("ix_orchestra_consent_records_child_text", "child_id", "consent_text_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(sa.ForeignKey("orchestra_children.id", ondelete="CASCADE"))
    consent_text_id: Mapped[int] = mapped_column(sa.ForeignKey("orchestra_consent_texts.id"))
    is_given: Mapped[bool]
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consent_text: Mapped[ConsentText] = relationship(lazy="joined")


class Group(enum.StrEnum):
    SENIOR = "senior"
    JUNIOR = "junior"


class EnrolmentStatus(enum.StrEnum):
    APPLIED = "applied"  # registered by a guardian, waiting for the staff
    WAITLISTED = "waitlisted"
    OFFERED = "offered"  # a place is offered until offer_expires_on
    ADMITTED = "admitted"  # a member this season
    DECLINED = "declined"
    EXPIRED = "expired"
    LEFT = "left"


class Enrolment(TimestampMixin, db.Model):
    """A child's place (or wish for one) in a season: applied, on the instrument's waiting list, offered, admitted."""

    __tablename__ = "orchestra_enrolments"
    __table_args__ = (sa.UniqueConstraint("orchestra_season_id", "child_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    orchestra_season_id: Mapped[int] = mapped_column(sa.ForeignKey("orchestra_seasons.id", ondelete="CASCADE"),
                                                     index=True)
    child_id: Mapped[int] = mapped_column(sa.ForeignKey("orchestra_children.id", ondelete="CASCADE"), index=True)
    status: Mapped[EnrolmentStatus] = mapped_column(enum_type(EnrolmentStatus), default=EnrolmentStatus.APPLIED)
    instrument: Mapped[str] = mapped_column(sa.String(40))  # the instrument applied for (waiting list per instrument)
    section_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orchestra_sections.id"), index=True)
    group: Mapped[Group | None] = mapped_column(enum_type(Group))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offer_expires_on: Mapped[date | None]
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_reregistered: Mapped[bool] = mapped_column(default=False)  # kept the place from last season

    orchestra_season: Mapped[OrchestraSeason] = relationship()
    child: Mapped[Child] = relationship(lazy="joined")
    section: Mapped[Section | None] = relationship(lazy="joined")


# --- rehearsal weekends, concerts and tours -----------------------------------------------------------------------------

class EventKind(enum.StrEnum):
    REHEARSAL_WEEKEND = "rehearsal_weekend"
    CONCERT = "concert"
    TOUR = "tour"
    MASTERCLASS = "masterclass"


class OrchestraEvent(TimestampMixin, db.Model):
    """A rehearsal weekend, concert or tour; guardians reply for each child by `reply_deadline`."""

    __tablename__ = "orchestra_events"
    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    orchestra_season_id: Mapped[int] = mapped_column(sa.ForeignKey("orchestra_seasons.id", ondelete="CASCADE"),
                                                     index=True)
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind))
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    venue_id: Mapped[int | None] = mapped_column(sa.ForeignKey("venues.id"), index=True)
    place: Mapped[str] = mapped_column(sa.String(200), default="")  # when the venue is not in the reference data
    description: Mapped[str] = mapped_column(sa.Text, default="")
    reply_deadline: Mapped[date | None]
    is_public: Mapped[bool] = mapped_column(default=False)  # concerts on the public calendar

    orchestra_season: Mapped[OrchestraSeason] = relationship()
    venue = relationship("Venue", lazy="joined")
    sessions: Mapped[list["EventSession"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventSession.starts_at")
    staff: Mapped[list["EventStaff"]] = relationship(back_populates="event", cascade="all, delete-orphan",
                                                     order_by="EventStaff.id")

    @property
    def attending_by_default(self) -> bool:
        """Members attend rehearsal weekends unless a guardian says no; concerts and tours need a yes."""
        return self.kind == EventKind.REHEARSAL_WEEKEND


class StaffRole(enum.StrEnum):
    CONDUCTOR = "conductor"
    SECTION_TUTOR = "section_tutor"  # a professional musician or culture-school teacher leading sectionals
    TEACHER = "teacher"
    TOUR_LEADER = "tour_leader"
    COMPANION = "companion"


class EventStaff(db.Model):
    """Someone working at an event beyond the players: conductor, tutor, tour leader, companion; with their fee."""

    __tablename__ = "orchestra_event_staff"
    __table_args__ = (
        sa.CheckConstraint("fee IS NULL OR fee >= 0", name="fee_not_negative"),
        sa.UniqueConstraint("event_id", "user_id"),  # an account is on an event's staff once
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("orchestra_events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[StaffRole] = mapped_column(enum_type(StaffRole))
    section_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orchestra_sections.id"))
    fee: Mapped[Decimal | None] = mapped_column(MONEY)
    budget_line_id: Mapped[int | None] = mapped_column(sa.ForeignKey("budget_lines.id"))
    is_leader: Mapped[bool] = mapped_column(default=False)  # leaders of the weekend may read health information

    event: Mapped[OrchestraEvent] = relationship(back_populates="staff")
    user = relationship("User", lazy="joined")
    section = relationship(Section, lazy="joined")


class SessionKind(enum.StrEnum):
    TUTTI = "tutti"
    SECTIONAL = "sectional"


class EventSession(db.Model):
    """One block of an event's schedule: a tutti rehearsal or a sectional for some sections, in a room."""

    __tablename__ = "orchestra_event_sessions"
    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("orchestra_events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[SessionKind] = mapped_column(enum_type(SessionKind))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    room: Mapped[str] = mapped_column(sa.String(100), default="")
    tutor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orchestra_event_staff.id", ondelete="SET NULL"))

    event: Mapped[OrchestraEvent] = relationship(back_populates="sessions")
    tutor = relationship(EventStaff, lazy="joined")
    sections: Mapped[list[Section]] = relationship(secondary="orchestra_session_sections", lazy="selectin")


session_sections = sa.Table(
    "orchestra_session_sections", db.metadata,
    sa.Column("session_id", sa.ForeignKey("orchestra_event_sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("section_id", sa.ForeignKey("orchestra_sections.id"), primary_key=True),
)


class Reply(TimestampMixin, db.Model):
    """A guardian's answer for a child to an event: attending or not, with a note (late, leaves early)."""

    __tablename__ = "orchestra_replies"
    __table_args__ = (sa.UniqueConstraint("event_id", "child_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("orchestra_events.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[int] = mapped_column(sa.ForeignKey("orchestra_children.id", ondelete="CASCADE"), index=True)
    is_attending: Mapped[bool]
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    replied_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    LATE = "late"
    ABSENT = "absent"


class Attendance(db.Model):
    """Whether a member was there on one day of an event, as the tutor or section leader recorded it."""

    __tablename__ = "orchestra_attendance"
    __table_args__ = (sa.UniqueConstraint("event_id", "child_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("orchestra_events.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[int] = mapped_column(sa.ForeignKey("orchestra_children.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]
    status: Mapped[AttendanceStatus] = mapped_column(enum_type(AttendanceStatus))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CalendarLink(db.Model):
    """A guardian's secret, revocable link to the iCal feed of all their children's events."""

    __tablename__ = "orchestra_calendar_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
