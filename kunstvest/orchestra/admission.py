"""Admission to the youth orchestra: seasons and section targets, applications, the waiting list per instrument that
follows the instrumentation, offered places with an accept-by date, spring re-registration, the roster, the member
figures and the anonymisation of former members."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from kunstvest.auth.models import User
from kunstvest.budget.reports import Report, Table, audience_figures_provider
from kunstvest.common.audit import record_audit
from kunstvest.common.models import utcnow
from kunstvest.common.outbox import queue_mail
from kunstvest.extensions import db
from kunstvest.orchestra.models import (Child, Enrolment, EnrolmentStatus, Group, Guardianship, GuardianInvitation,
                                        HealthInfo, Level, OrchestraSeason, Reply, Section, SectionTarget)
from kunstvest.orchestra.sections import INSTRUMENT_LABELS
from kunstvest.orchestra.services import consent_labels, guardians_of
from kunstvest.reference.models import Municipality, Season

OSLO = ZoneInfo("Europe/Oslo")
AGE_BAND_SPLIT = 12  # the annual report counts members under 12 and aged 12–18
OPEN_STATUSES = (EnrolmentStatus.APPLIED, EnrolmentStatus.WAITLISTED, EnrolmentStatus.OFFERED)
ANONYMISED_NAME = "—"

LEVEL_LABELS = {Level.BEGINNER: _l("beginner"), Level.INTERMEDIATE: _l("intermediate"), Level.ADVANCED: _l("advanced")}
GROUP_LABELS = {Group.SENIOR: _l("senior"), Group.JUNIOR: _l("junior")}
STATUS_LABELS = {
    EnrolmentStatus.APPLIED: _l("applied"), EnrolmentStatus.WAITLISTED: _l("waiting list"),
    EnrolmentStatus.OFFERED: _l("offered"), EnrolmentStatus.ADMITTED: _l("admitted"),
    EnrolmentStatus.DECLINED: _l("declined"), EnrolmentStatus.EXPIRED: _l("expired"), EnrolmentStatus.LEFT: _l("left"),
}


class AdmissionError(Exception):
    """An admission rule was broken; the message is shown to the user."""


def today_in_oslo() -> date:
    """The date in Norway now: offers run to the end of their accept-by day there."""
    return utcnow().astimezone(OSLO).date()


def age_on(date_of_birth: date, day: date) -> int:
    """Age in whole years on a day."""
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def group_for(*, orchestra_season: OrchestraSeason, date_of_birth: date) -> Group:
    """Senior from the season's senior age on its start date, junior below it."""
    age = age_on(date_of_birth, orchestra_season.starts_on)
    return Group.SENIOR if age >= orchestra_season.senior_from_age else Group.JUNIOR


# --- seasons and targets ----------------------------------------------------------------------------------------------

def orchestra_seasons() -> list[OrchestraSeason]:
    """Every orchestra season, newest first."""
    return list(db.session.scalars(sa.select(OrchestraSeason).order_by(OrchestraSeason.starts_on.desc())))


def previous_season(orchestra_season: OrchestraSeason) -> OrchestraSeason | None:
    """The season that started last before this one."""
    return db.session.scalar(sa.select(OrchestraSeason).where(OrchestraSeason.starts_on < orchestra_season.starts_on)
                             .order_by(OrchestraSeason.starts_on.desc()).limit(1))


def save_orchestra_season(*, orchestra_season: OrchestraSeason | None = None, season: Season, starts_on: date,
                          ends_on: date, min_age: int, max_age: int, senior_from_age: int,
                          is_registration_open: bool, reregistration_deadline: date | None,
                          offer_days: int) -> OrchestraSeason:
    """Create or update an orchestra season; a new one starts with the targets of the season before it."""
    if ends_on <= starts_on:
        raise AdmissionError(_l("The season must end after it starts."))
    if not min_age < senior_from_age <= max_age:
        raise AdmissionError(_l("The senior group must start between the lowest and the highest age."))
    clash = db.session.scalar(sa.select(OrchestraSeason).where(OrchestraSeason.season_id == season.id))
    if clash is not None and clash is not orchestra_season:
        raise AdmissionError(_l("The orchestra already has a season for %(project)s %(year)s.",
                                project=season.project.name, year=season.year))
    is_new = orchestra_season is None
    if is_new:
        orchestra_season = OrchestraSeason(season=season)
        db.session.add(orchestra_season)
    orchestra_season.starts_on, orchestra_season.ends_on = starts_on, ends_on
    orchestra_season.min_age, orchestra_season.max_age = min_age, max_age
    orchestra_season.senior_from_age, orchestra_season.offer_days = senior_from_age, offer_days
    orchestra_season.is_registration_open = is_registration_open
    orchestra_season.reregistration_deadline = reregistration_deadline
    db.session.flush()
    if is_new and (before := previous_season(orchestra_season)) is not None:
        save_targets(orchestra_season=orchestra_season,
                     targets={target.section: target.target for target in before.targets})
    return orchestra_season


def save_targets(*, orchestra_season: OrchestraSeason, targets: dict[Section, int]) -> None:
    """Set how many players each section should have this season; a target of 0 removes it."""
    existing = {target.section_id: target for target in orchestra_season.targets}
    for section, number in targets.items():
        if number < 0:
            raise AdmissionError(_l("A target cannot be negative."))
        target = existing.get(section.id)
        if number == 0:
            if target is not None:
                orchestra_season.targets.remove(target)
        elif target is None:
            orchestra_season.targets.append(SectionTarget(section=section, target=number))
        else:
            target.target = number
    db.session.flush()


def all_sections() -> list[Section]:
    """Every section in score order."""
    return list(db.session.scalars(sa.select(Section).order_by(Section.position)))


def sections_first_for(instrument: str, sections: list[Section]) -> list[Section]:
    """The sections of an instrument first (violin 1, violin 2), then every other section in score order."""
    return sorted(sections, key=lambda section: (section.instrument != instrument, section.position))


# --- shortages and the waiting list -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Shortage:
    """A section's target against the places given: admitted and offered."""

    section: Section
    target: int
    admitted: int
    offered: int

    @property
    def short_by(self) -> int:
        return max(self.target - self.admitted - self.offered, 0)


def _places_given(orchestra_season: OrchestraSeason) -> dict[tuple[int, EnrolmentStatus], int]:
    rows = db.session.execute(
        sa.select(Enrolment.section_id, Enrolment.status, sa.func.count())
        .where(Enrolment.orchestra_season_id == orchestra_season.id, Enrolment.section_id.is_not(None),
               Enrolment.status.in_([EnrolmentStatus.ADMITTED, EnrolmentStatus.OFFERED]))
        .group_by(Enrolment.section_id, Enrolment.status))
    return {(section_id, status): count for section_id, status, count in rows}


def shortages(*, orchestra_season: OrchestraSeason) -> list[Shortage]:
    """Per section with a target or players, in score order: target, admitted, offered and how many are wanted."""
    given = _places_given(orchestra_season)
    targets = {target.section_id: target.target for target in orchestra_season.targets}
    return [Shortage(section, targets.get(section.id, 0), given.get((section.id, EnrolmentStatus.ADMITTED), 0),
                     given.get((section.id, EnrolmentStatus.OFFERED), 0))
            for section in all_sections()
            if section.id in targets or any(key[0] == section.id for key in given)]


def _short_by(orchestra_season: OrchestraSeason, section: Section) -> int:
    target = db.session.scalar(sa.select(SectionTarget.target).where(
        SectionTarget.orchestra_season_id == orchestra_season.id, SectionTarget.section_id == section.id)) or 0
    given = db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment).where(
        Enrolment.orchestra_season_id == orchestra_season.id, Enrolment.section_id == section.id,
        Enrolment.status.in_([EnrolmentStatus.ADMITTED, EnrolmentStatus.OFFERED])))
    return max(target - given, 0)


def _waiting(orchestra_season: OrchestraSeason):
    return (sa.select(Enrolment).where(Enrolment.orchestra_season_id == orchestra_season.id,
                                       Enrolment.status == EnrolmentStatus.WAITLISTED)
            .order_by(Enrolment.applied_at, Enrolment.id))


def waiting_list(*, orchestra_season: OrchestraSeason, instrument: str) -> list[Enrolment]:
    """The children waiting for a place on an instrument, first come first."""
    return list(db.session.scalars(_waiting(orchestra_season).where(Enrolment.instrument == instrument)))


def waiting_lists(*, orchestra_season: OrchestraSeason) -> dict[str, list[Enrolment]]:
    """Every instrument's waiting list, in one query."""
    lists: dict[str, list[Enrolment]] = defaultdict(list)
    for enrolment in db.session.scalars(_waiting(orchestra_season)):
        lists[enrolment.instrument].append(enrolment)
    return dict(lists)


def applications(*, orchestra_season: OrchestraSeason) -> list[Enrolment]:
    """The enrolments waiting for the staff or a guardian: applied, on the waiting list and offered, oldest first."""
    return list(db.session.scalars(
        sa.select(Enrolment).where(Enrolment.orchestra_season_id == orchestra_season.id,
                                   Enrolment.status.in_(OPEN_STATUSES))
        .order_by(Enrolment.applied_at, Enrolment.id)))


# --- decisions and offers ---------------------------------------------------------------------------------------------

def _decide(enrolment: Enrolment, status: EnrolmentStatus, actor, **details) -> None:
    enrolment.status = status
    enrolment.decided_at = utcnow()
    record_audit(actor=actor, action=f"orchestra.enrolment_{status.value}", target=enrolment, details=details)


def _check_open(enrolment: Enrolment) -> None:
    if enrolment.status not in OPEN_STATUSES:
        raise AdmissionError(_l("%(child)s is already %(status)s this season.", child=enrolment.child.name,
                                status=STATUS_LABELS[enrolment.status]))


def admit(*, enrolment: Enrolment, section: Section, group: Group | None = None, actor=None) -> Enrolment:
    """Give a child a place in a section and group now, and email the guardians; the group follows the age unless the
    staff choose one."""
    _check_open(enrolment)
    enrolment.section = section
    enrolment.group = group or group_for(orchestra_season=enrolment.orchestra_season,
                                         date_of_birth=enrolment.child.date_of_birth)
    enrolment.offer_expires_on = None
    _decide(enrolment, EnrolmentStatus.ADMITTED, actor, section=section.code, group=enrolment.group.value)
    _mail_guardians(enrolment, template="orchestra_admitted",
                    subject=_l("%(child)s has a place in Vestregionens Ungdomssymfonikere",
                               child=enrolment.child.first_name))
    db.session.flush()
    return enrolment


def put_on_waiting_list(*, enrolment: Enrolment, actor=None) -> Enrolment:
    """Put a child on the waiting list of the instrument they applied for."""
    _check_open(enrolment)
    enrolment.section, enrolment.offer_expires_on, enrolment.offered_at = None, None, None
    _decide(enrolment, EnrolmentStatus.WAITLISTED, actor)
    db.session.flush()
    return enrolment


def decline(*, enrolment: Enrolment, actor=None) -> Enrolment:
    """The staff turn an application down, and email the guardians."""
    _check_open(enrolment)
    enrolment.offer_expires_on = None
    _decide(enrolment, EnrolmentStatus.DECLINED, actor, by="staff")
    _mail_guardians(enrolment, template="orchestra_declined",
                    subject=_l("Your application for %(child)s to Vestregionens Ungdomssymfonikere",
                               child=enrolment.child.first_name))
    db.session.flush()
    return enrolment


def _mail_guardians(enrolment: Enrolment, *, template: str, subject) -> int:
    """Email each of the child's guardians in their language; returns how many were emailed."""
    guardians = guardians_of(child=enrolment.child)
    for guardian in guardians:
        queue_mail(to=guardian.email, template=template, subject=subject, locale=guardian.locale, guardian=guardian,
                   child=enrolment.child, enrolment=enrolment, orchestra_season=enrolment.orchestra_season,
                   section=enrolment.section)
    return len(guardians)


def offer_place(*, enrolment: Enrolment, section: Section, today: date, group: Group | None = None,
                actor=None) -> Enrolment:
    """Offer a child a place in a section until today + the season's offer days, and email the guardians."""
    _check_open(enrolment)
    orchestra_season = enrolment.orchestra_season
    enrolment.section = section
    enrolment.group = group or group_for(orchestra_season=orchestra_season,
                                         date_of_birth=enrolment.child.date_of_birth)
    enrolment.offered_at = utcnow()
    enrolment.offer_expires_on = today + timedelta(days=orchestra_season.offer_days)
    _decide(enrolment, EnrolmentStatus.OFFERED, actor, section=section.code,
            expires_on=enrolment.offer_expires_on.isoformat())
    enrolment.decided_at = None  # an offer waits for the guardian's answer
    _mail_guardians(enrolment, template="orchestra_offer",
                    subject=_l("A place in Vestregionens Ungdomssymfonikere for %(child)s",
                               child=enrolment.child.first_name))
    db.session.flush()
    return enrolment


def offer_next(*, orchestra_season: OrchestraSeason, section: Section, today: date,
               actor=None) -> Enrolment | None:
    """Offer a free place in a section (below its target) to the first child waiting on the section's instrument."""
    if _short_by(orchestra_season, section) <= 0:
        return None
    waiting = waiting_list(orchestra_season=orchestra_season, instrument=section.instrument)
    if not waiting:
        return None
    return offer_place(enrolment=waiting[0], section=section, today=today, actor=actor)


def is_guardian_of(*, user, child: Child) -> bool:
    """Whether a user holds a guardianship for a child."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Guardianship).where(
        Guardianship.child_id == child.id, Guardianship.user_id == user.id)) > 0


def answer_offer(*, enrolment: Enrolment, accept: bool, today: date, actor=None) -> Enrolment | None:
    """A guardian accepts (a member in the offered section) or declines (the place goes to the next waiting);
    returns the enrolment the place went on to, if any."""
    if enrolment.status != EnrolmentStatus.OFFERED:
        raise AdmissionError(_l("This offer is no longer open."))
    if accept:
        if enrolment.offer_expires_on is not None and enrolment.offer_expires_on < today:
            raise AdmissionError(_l("The offer could be accepted until %(date)s.",
                                    date=format_date(enrolment.offer_expires_on, "short")))
        enrolment.offer_expires_on = None
        _decide(enrolment, EnrolmentStatus.ADMITTED, actor, by="guardian")
        db.session.flush()
        return None
    _decide(enrolment, EnrolmentStatus.DECLINED, actor, by="guardian")
    db.session.flush()
    return offer_next(orchestra_season=enrolment.orchestra_season, section=enrolment.section, today=today)


@dataclass
class ExpiryOutcome:
    expired: list[Enrolment] = field(default_factory=list)
    offered: list[Enrolment] = field(default_factory=list)
    guardians_mailed: int = 0  # guardians told that their child's offer expired


def _claim_offer(enrolment: Enrolment) -> bool:
    """Move one offer from offered to expired; False when another run (cron and the staff's button) got it first."""
    moved = db.session.execute(
        sa.update(Enrolment).where(Enrolment.id == enrolment.id, Enrolment.status == EnrolmentStatus.OFFERED)
        .values(status=EnrolmentStatus.EXPIRED).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(enrolment)
    return moved == 1


# The lock of `flask orchestra expire-offers` (common/jobs.py), which the staff's button takes too.
EXPIRE_OFFERS_JOB = "orchestra expire-offers"


def expire_offers(*, today: date) -> ExpiryOutcome:
    """Expire offers not answered by their accept-by date, tell the guardians, and offer each place to the next on
    the waiting list; an offer is expired and mailed once however often this runs."""
    due = list(db.session.scalars(
        sa.select(Enrolment).where(Enrolment.status == EnrolmentStatus.OFFERED, Enrolment.offer_expires_on < today)
        .order_by(Enrolment.offer_expires_on, Enrolment.id)))
    outcome = ExpiryOutcome(expired=[enrolment for enrolment in due if _claim_offer(enrolment)])
    for enrolment in outcome.expired:
        _decide(enrolment, EnrolmentStatus.EXPIRED, None, expired_on=enrolment.offer_expires_on.isoformat())
        outcome.guardians_mailed += _mail_guardians(
            enrolment, template="orchestra_offer_expired",
            subject=_l("The offered place for %(child)s has expired", child=enrolment.child.first_name))
    db.session.flush()
    for enrolment in outcome.expired:
        if enrolment.section is not None:
            offered = offer_next(orchestra_season=enrolment.orchestra_season, section=enrolment.section, today=today)
            if offered is not None:
                outcome.offered.append(offered)
    return outcome


# --- re-registration --------------------------------------------------------------------------------------------------

@dataclass
class Reregistration:
    offered: list[Enrolment] = field(default_factory=list)
    aged_out: list[Enrolment] = field(default_factory=list)  # last season's places of members now too old
    already_enrolled: int = 0
    guardians_mailed: int = 0


def _members(orchestra_season: OrchestraSeason) -> list[Enrolment]:
    """The season's members; an anonymised child (no guardian left) is nobody to offer a place to or to mail."""
    return list(db.session.scalars(
        sa.select(Enrolment).join(Enrolment.child)
        .where(Enrolment.orchestra_season_id == orchestra_season.id, Enrolment.status == EnrolmentStatus.ADMITTED,
               Child.anonymised_at.is_(None))
        .order_by(Child.last_name, Child.first_name, Child.id)))


def aged_out(*, from_season: OrchestraSeason, to_season: OrchestraSeason) -> list[Enrolment]:
    """Members of a season who are past the next season's highest age on its start."""
    return [enrolment for enrolment in _members(from_season)
            if age_on(enrolment.child.date_of_birth, to_season.starts_on) > to_season.max_age]


def open_reregistration(*, from_season: OrchestraSeason, to_season: OrchestraSeason,
                        actor=None) -> Reregistration:
    """Offer every member of last season their place for the next, until its re-registration deadline, and email
    the guardians; members too old for the next season are listed instead."""
    if to_season.reregistration_deadline is None:
        raise AdmissionError(_l("Set the re-registration deadline of the season first."))
    if to_season.starts_on <= from_season.starts_on:
        raise AdmissionError(_l("Places are carried over to a later season."))
    enrolled = set(db.session.scalars(sa.select(Enrolment.child_id)
                                      .where(Enrolment.orchestra_season_id == to_season.id)))
    outcome = Reregistration()
    for member in _members(from_season):
        child = member.child
        if age_on(child.date_of_birth, to_season.starts_on) > to_season.max_age:
            outcome.aged_out.append(member)
            continue
        if child.id in enrolled:
            outcome.already_enrolled += 1
            continue
        enrolment = Enrolment(orchestra_season=to_season, child=child, status=EnrolmentStatus.OFFERED,
                              instrument=member.instrument, section=member.section, is_reregistered=True,
                              group=group_for(orchestra_season=to_season, date_of_birth=child.date_of_birth),
                              offered_at=utcnow(), offer_expires_on=to_season.reregistration_deadline)
        db.session.add(enrolment)
        outcome.offered.append(enrolment)
    db.session.flush()
    for enrolment in outcome.offered:
        outcome.guardians_mailed += _mail_guardians(
            enrolment, template="orchestra_reregister",
            subject=_l("Keep %(child)s's place in Vestregionens Ungdomssymfonikere", child=enrolment.child.first_name))
    record_audit(actor=actor, action="orchestra.reregistration_opened", target=to_season,
                 details={"from_season": from_season.id, "offered": len(outcome.offered),
                          "aged_out": len(outcome.aged_out)})
    return outcome


def reregistrations(*, orchestra_season: OrchestraSeason) -> list[Enrolment]:
    """The season's re-registration offers and how they were answered."""
    return list(db.session.scalars(
        sa.select(Enrolment).join(Enrolment.child)
        .where(Enrolment.orchestra_season_id == orchestra_season.id, Enrolment.is_reregistered.is_(True),
               Child.anonymised_at.is_(None))
        .order_by(Child.last_name, Child.first_name, Child.id)))


# --- the roster -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GuardianContact:
    name: str
    email: str
    phone: str


@dataclass
class RosterMember:
    enrolment: Enrolment
    age: int
    guardians: list[GuardianContact]
    consent: str

    @property
    def child(self) -> Child:
        return self.enrolment.child


def roster(*, orchestra_season: OrchestraSeason) -> list[RosterMember]:
    """The season's members in score order with group, age, guardians' contacts and consent; a fixed number of
    queries however many members there are."""
    enrolments = list(db.session.scalars(
        sa.select(Enrolment).join(Enrolment.section).join(Enrolment.child)
        .where(Enrolment.orchestra_season_id == orchestra_season.id, Enrolment.status == EnrolmentStatus.ADMITTED,
               Child.anonymised_at.is_(None))  # an anonymised child counts in the figures, not on the roster
        .order_by(Section.position, Child.last_name, Child.first_name, Child.id)))
    if not enrolments:
        return []
    children = [enrolment.child for enrolment in enrolments]
    contacts: dict[int, list[GuardianContact]] = defaultdict(list)
    for child_id, name, email, phone in db.session.execute(
            sa.select(Guardianship.child_id, User.full_name, User.email, User.phone).join(User)
            .where(Guardianship.child_id.in_([child.id for child in children]))
            .order_by(Guardianship.created_at, User.id)):
        contacts[child_id].append(GuardianContact(name, email, phone or ""))
    consents = consent_labels(children=children)
    return [RosterMember(enrolment, age_on(enrolment.child.date_of_birth, orchestra_season.starts_on),
                         contacts[enrolment.child_id], consents[enrolment.child_id] or str(_l("all consents given")))
            for enrolment in enrolments]


def roster_report(*, orchestra_season: OrchestraSeason, members: list[RosterMember]) -> Report:
    """The roster as one table for the xlsx export."""
    headers = [str(_l("Section")), str(_l("First name")), str(_l("Last name")), str(_l("Group")), str(_l("Age")),
               str(_l("Municipality")), str(_l("Guardians")), str(_l("Emails")), str(_l("Phones")),
               str(_l("Consent"))]
    rows = [[member.enrolment.section.name, member.child.first_name, member.child.last_name,
             str(GROUP_LABELS[member.enrolment.group]) if member.enrolment.group else "", member.age,
             member.child.municipality.name if member.child.municipality else "",
             "; ".join(contact.name for contact in member.guardians),
             "; ".join(contact.email for contact in member.guardians),
             "; ".join(contact.phone for contact in member.guardians if contact.phone), member.consent]
            for member in members]
    return Report(title=str(_l("Roster %(year)s", year=orchestra_season.year)),
                  filename=str(_l("roster-%(year)s", year=orchestra_season.year)), sheet_name=str(_l("Roster")),
                  notes=[str(_l("Ages on %(date)s.", date=format_date(orchestra_season.starts_on, "short")))],
                  tables=[Table(str(_l("Members")), headers, rows)])


# --- figures ----------------------------------------------------------------------------------------------------------

@dataclass
class MemberFigures:
    orchestra_season: OrchestraSeason
    under_12: int = 0
    from_12: int = 0
    by_section: Counter = field(default_factory=Counter)
    by_municipality: Counter = field(default_factory=Counter)

    @property
    def members(self) -> int:
        return self.under_12 + self.from_12


def member_figures(*, orchestra_seasons: list[OrchestraSeason]) -> list[MemberFigures]:
    """Members per season by age band on the season's start, by section and by municipality, in one query."""
    figures = {season.id: MemberFigures(season) for season in orchestra_seasons}
    rows = db.session.execute(
        sa.select(Enrolment.orchestra_season_id, Child.date_of_birth, Section.name, Municipality.name)
        .join(Child, Enrolment.child_id == Child.id).outerjoin(Section, Enrolment.section_id == Section.id)
        .outerjoin(Municipality, Child.municipality_id == Municipality.id)
        .where(Enrolment.orchestra_season_id.in_(list(figures)), Enrolment.status == EnrolmentStatus.ADMITTED))
    for season_id, date_of_birth, section_name, municipality_name in rows:
        season_figures = figures[season_id]
        if age_on(date_of_birth, season_figures.orchestra_season.starts_on) < AGE_BAND_SPLIT:
            season_figures.under_12 += 1
        else:
            season_figures.from_12 += 1
        season_figures.by_section[section_name or "—"] += 1
        season_figures.by_municipality[municipality_name or "—"] += 1
    return list(figures.values())


def figures_report(*, figures: list[MemberFigures]) -> Report:
    """Member counts per season side by side: age bands, sections in score order and municipalities."""
    years = [str(season_figures.orchestra_season.year) for season_figures in figures]
    bands = Table(str(_l("Members by age on the season's start")), [str(_l("Members")), *years], [
        [str(_l("Members")), *(f.members for f in figures)],
        [str(_l("Under 12")), *(f.under_12 for f in figures)],
        [str(_l("12–18")), *(f.from_12 for f in figures)]])
    section_names = [section.name for section in all_sections()]
    used_sections = [name for name in section_names if any(f.by_section[name] for f in figures)]
    used_sections += sorted({name for f in figures for name in f.by_section} - set(section_names))
    sections = Table(str(_l("Members by section")), [str(_l("Section")), *years],
                     [[name, *(f.by_section[name] for f in figures)] for name in used_sections])
    municipalities = Table(str(_l("Members by municipality")), [str(_l("Municipality")), *years],
                           [[name, *(f.by_municipality[name] for f in figures)]
                            for name in sorted({name for f in figures for name in f.by_municipality})])
    return Report(title=str(_l("Orchestra members")), filename="orchestra-members",
                  tables=[bands, sections, municipalities])


@audience_figures_provider
def orchestra_audience_figures(project, year: int) -> list[tuple[str, int]]:
    """The orchestra's members, under 12 and aged 12–18, for the project's funders' reports."""
    orchestra_season = db.session.scalar(sa.select(OrchestraSeason).join(Season).where(
        Season.project_id == project.id, Season.year == year))
    if orchestra_season is None:
        return []
    season_figures = member_figures(orchestra_seasons=[orchestra_season])[0]
    if not season_figures.members:
        return []
    return [(str(_l("Orchestra members")), season_figures.members),
            (str(_l("Members under 12")), season_figures.under_12),
            (str(_l("Members aged 12–18")), season_figures.from_12)]


def instrument_label(instrument: str) -> str:
    """An instrument's name in the visitor's language."""
    return str(INSTRUMENT_LABELS.get(instrument, instrument))


# --- anonymisation ----------------------------------------------------------------------------------------------------

def _ended_on(child: Child, enrolments: list[Enrolment]) -> date:
    """When a child's time with the orchestra ended: the day they left, or the end of their last season."""
    if child.left_on is not None:
        return child.left_on
    admitted = [e.orchestra_season.ends_on for e in enrolments if e.status == EnrolmentStatus.ADMITTED]
    any_season = [e.orchestra_season.ends_on for e in enrolments]
    return max(admitted or any_season or [child.created_at.date()])


def anonymise_former_members(*, years: int, today: date) -> list[Child]:
    """Anonymise children whose time with the orchestra ended more than `years` years ago: names and notes go,
    the year of birth stays for the statistics, health information and guardianships are deleted."""
    cutoff = date(today.year - years, today.month, 28 if (today.month, today.day) == (2, 29) else today.day)
    enrolments_by_child: dict[int, list[Enrolment]] = defaultdict(list)
    for enrolment in db.session.scalars(
            sa.select(Enrolment).join(Enrolment.child).where(Child.anonymised_at.is_(None))
            .options(sa.orm.joinedload(Enrolment.orchestra_season))):
        enrolments_by_child[enrolment.child_id].append(enrolment)
    children = db.session.scalars(sa.select(Child).where(Child.anonymised_at.is_(None)).order_by(Child.id))
    anonymised = []
    for child in children:
        enrolments = enrolments_by_child[child.id]
        ended_on = _ended_on(child, enrolments)
        # Someone who left and came back later is a member again.
        came_back = any(e.orchestra_season.starts_on > ended_on and e.status != EnrolmentStatus.DECLINED
                        for e in enrolments)
        if ended_on < cutoff and not came_back:
            anonymised.append(child)
    ids = [child.id for child in anonymised]
    if not ids:
        return []
    for child in anonymised:
        ended_on = _ended_on(child, enrolments_by_child[child.id])
        child.first_name = child.last_name = ANONYMISED_NAME
        child.date_of_birth = date(child.date_of_birth.year, 1, 1)
        child.notes = child.teacher = child.school = child.culture_school = ""
        child.anonymised_at = utcnow()
        record_audit(actor=None, action="orchestra.child_anonymised", target=child,
                     details={"ended_on": ended_on.isoformat(), "years": years})
    db.session.flush()
    db.session.execute(sa.delete(HealthInfo).where(HealthInfo.child_id.in_(ids)))
    db.session.execute(sa.delete(Guardianship).where(Guardianship.child_id.in_(ids)))
    db.session.execute(sa.delete(GuardianInvitation).where(GuardianInvitation.child_id.in_(ids)))
    db.session.execute(sa.update(Reply).where(Reply.child_id.in_(ids)).values(note=""))
    for child in anonymised:
        db.session.expire(child, ["guardianships"])
    return anonymised

