"""Registration by guardians: children and their instruments, the age rule, second guardians, versioned consent and
health information that only the staff and the weekend's leaders may read."""

import enum
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from kunstvest.auth.models import Role, User
from kunstvest.auth.services import find_user_by_email, grant_role, normalise_email
from kunstvest.common.audit import record_audit
from kunstvest.common.models import utcnow
from kunstvest.common.outbox import queue_mail
from kunstvest.extensions import db
from kunstvest.orchestra.events import effective_replies, today_in_oslo
from kunstvest.orchestra.models import (Child, ChildInstrument, ConsentPurpose, ConsentRecord, ConsentText, Enrolment,
                                        EnrolmentStatus, EventStaff, GuardianInvitation, Guardianship, HealthInfo,
                                        Level, OrchestraEvent, OrchestraSeason, Reply)
from kunstvest.orchestra.sections import INSTRUMENT_LABELS
from kunstvest.reference.models import Municipality

LEVEL_LABELS = {Level.BEGINNER: _l("Beginner"), Level.INTERMEDIATE: _l("Intermediate"),
                Level.ADVANCED: _l("Advanced")}

ENROLMENT_STATUS_LABELS = {
    EnrolmentStatus.APPLIED: _l("Applied, waiting for the staff"),
    EnrolmentStatus.WAITLISTED: _l("On the waiting list"),
    EnrolmentStatus.OFFERED: _l("Offered a place"), EnrolmentStatus.ADMITTED: _l("Member"),
    EnrolmentStatus.DECLINED: _l("Declined"), EnrolmentStatus.EXPIRED: _l("Offer expired"),
    EnrolmentStatus.LEFT: _l("Left the orchestra"),
}

CONSENT_PURPOSE_LABELS = {
    ConsentPurpose.PHOTOS_WEB: _l("Photos on the web"), ConsentPurpose.PHOTOS_PRESS: _l("Photos in the press"),
    ConsentPurpose.HEALTH_INFO: _l("Storing health information"),
    ConsentPurpose.TRAVEL: _l("Travel with the orchestra"),
}

# What the roster shows when a consent is not given under the current text.
CONSENT_MISSING_LABELS = {
    ConsentPurpose.PHOTOS_WEB: _l("no photos on web"), ConsentPurpose.PHOTOS_PRESS: _l("no photos in press"),
    ConsentPurpose.HEALTH_INFO: _l("no health info"), ConsentPurpose.TRAVEL: _l("no travel"),
}


class RegistrationError(ValueError):
    """A rule of registration was broken; the message is shown to the guardian."""


class ConsentError(ValueError):
    """A consent rule was broken; the message is shown to the user."""


# --- seasons and the age rule -----------------------------------------------------------------------------------------

def registration_season() -> OrchestraSeason | None:
    """The newest season open for registration, if any."""
    return db.session.scalars(sa.select(OrchestraSeason).where(OrchestraSeason.is_registration_open)
                              .order_by(OrchestraSeason.starts_on.desc()).limit(1)).first()


def age_on(*, date_of_birth: date, day: date) -> int:
    """Age in whole years on `day`."""
    had_birthday = (day.month, day.day) >= (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - (0 if had_birthday else 1)


def check_age(*, date_of_birth: date, orchestra_season: OrchestraSeason) -> None:
    """Refuse a child younger than min_age or older than max_age on the day the season starts."""
    age = age_on(date_of_birth=date_of_birth, day=orchestra_season.starts_on)
    if not orchestra_season.min_age <= age <= orchestra_season.max_age:
        raise RegistrationError(_l(
            "The orchestra is for children aged %(low)d to %(high)d on %(start)s, when the season starts; "
            "this child will be %(age)d then.", low=orchestra_season.min_age, high=orchestra_season.max_age,
            start=format_date(orchestra_season.starts_on, "long"), age=age))


# --- children ---------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChildDetails:
    """What a guardian tells about a child; `instruments` is (instrument, years played), the main one first."""

    first_name: str
    last_name: str
    date_of_birth: date
    instruments: list[tuple[str, int]]
    level: Level
    teacher: str
    school: str
    culture_school: str
    municipality: Municipality | None
    notes: str


def _check_instruments(instruments: list[tuple[str, int]]) -> None:
    names = [instrument for instrument, _years in instruments]
    if not names:
        raise RegistrationError(_l("Choose the child's main instrument."))
    if any(name not in INSTRUMENT_LABELS for name in names):
        raise RegistrationError(_l("Choose an instrument from the list."))
    if len(set(names)) != len(names):
        raise RegistrationError(_l("The second instrument must differ from the main instrument."))


def _apply_details(child: Child, details: ChildDetails) -> None:
    for field in ("first_name", "last_name", "date_of_birth", "level", "teacher", "school", "culture_school",
                  "municipality", "notes"):
        setattr(child, field, getattr(details, field))
    wanted = list(details.instruments)
    if [(item.instrument, item.years_played) for item in child.instruments] == wanted:
        return
    if child.instruments:
        # The old rows go first: re-adding an instrument in the same flush would break the unique constraint.
        child.instruments.clear()
        db.session.flush()
    child.instruments.extend(ChildInstrument(instrument=name, years_played=years) for name, years in wanted)


def register_child(*, guardian: User, orchestra_season: OrchestraSeason, details: ChildDetails) -> Child:
    """Register a child for a season: the child, the guardian's guardianship and an application for the main
    instrument."""
    if not orchestra_season.is_registration_open:
        raise RegistrationError(_l("Registration for this season is closed."))
    _check_instruments(details.instruments)
    check_age(date_of_birth=details.date_of_birth, orchestra_season=orchestra_season)
    child = Child(guardianships=[Guardianship(user_id=guardian.id)])
    _apply_details(child, details)
    db.session.add(child)
    db.session.add(Enrolment(orchestra_season=orchestra_season, child=child, status=EnrolmentStatus.APPLIED,
                             instrument=details.instruments[0][0]))
    db.session.flush()
    return child


def update_child(*, child: Child, details: ChildDetails) -> None:
    """Change what the guardian told about a child; the age rule is checked again against the child's seasons, and
    an application not yet handled follows a new main instrument."""
    _check_instruments(details.instruments)
    enrolments = enrolments_of(children=[child]).get(child.id, [])
    if details.date_of_birth != child.date_of_birth:
        for enrolment in enrolments:
            check_age(date_of_birth=details.date_of_birth, orchestra_season=enrolment.orchestra_season)
    _apply_details(child, details)
    for enrolment in enrolments:
        if enrolment.status == EnrolmentStatus.APPLIED:
            enrolment.instrument = details.instruments[0][0]
    db.session.flush()


def children_of(*, user: User) -> list[Child]:
    """The children a user is a guardian of, by first name."""
    return list(db.session.scalars(
        sa.select(Child).join(Guardianship).where(Guardianship.user_id == user.id)
        .order_by(Child.first_name, Child.id)))


def child_of(*, user: User, child_id: int) -> Child | None:
    """The child with this id if the user is one of its guardians; None otherwise (another family's child)."""
    return db.session.scalars(sa.select(Child).join(Guardianship).where(
        Child.id == child_id, Guardianship.user_id == user.id)).first()


def enrolments_of(*, children: list[Child]) -> dict[int, list[Enrolment]]:
    """Each child's enrolments, oldest season first, in one query."""
    result: dict[int, list[Enrolment]] = {child.id: [] for child in children}
    enrolments = db.session.scalars(
        sa.select(Enrolment).join(OrchestraSeason).where(Enrolment.child_id.in_(list(result)))
        .options(sa.orm.contains_eager(Enrolment.orchestra_season))
        .order_by(OrchestraSeason.starts_on, Enrolment.id))
    for enrolment in enrolments:
        result[enrolment.child_id].append(enrolment)
    return result


# --- a second guardian ------------------------------------------------------------------------------------------------

class InvitationForAnotherAccount(RegistrationError):
    """The invitation was sent to another address than the logged-in account's."""


def guardians_of(*, child: Child) -> list[User]:
    """The child's guardians, the one who registered the child first."""
    return list(db.session.scalars(sa.select(User).join(Guardianship, Guardianship.user_id == User.id)
                                   .where(Guardianship.child_id == child.id)
                                   .order_by(Guardianship.created_at, Guardianship.user_id)))


def is_first_guardian(*, user: User, child: Child) -> bool:
    """Whether the user is the child's first guardian: the one who manages invitations and the other guardians."""
    guardians = guardians_of(child=child)
    return bool(guardians) and guardians[0].id == user.id


def _check_first_guardian(user: User, child: Child) -> None:
    if not is_first_guardian(user=user, child=child):
        raise RegistrationError(_l("Only the guardian who registered %(name)s can invite or remove guardians.",
                                   name=child.first_name))


def masked_email(email: str) -> str:
    """An address shown to someone who may not own it: the first letter and the domain, "a***@example.org"."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def _mail_guardians(*, recipients: list[User], template: str, subject: str, child: Child, **context) -> None:
    for recipient in recipients:
        queue_mail(to=recipient.email, template=template, subject=subject, locale=recipient.locale,
                   recipient=recipient, child=child, **context)


def invite_guardian(*, child: Child, email: str, invited_by: User) -> GuardianInvitation:
    """Invite another guardian by email: only an account with that address can accept, and then sees the child
    too."""
    _check_first_guardian(invited_by, child)
    email = normalise_email(email)
    if email in {guardian.email for guardian in guardians_of(child=child)}:
        raise RegistrationError(_l("%(email)s is already a guardian of %(name)s.", email=email, name=child.first_name))
    if any(invitation.email == email for invitation in pending_invitations(child=child)):
        raise RegistrationError(_l("%(email)s is already invited. Withdraw the invitation first to send a new one.",
                                   email=email))
    invitation = GuardianInvitation(child=child, email=email, token=secrets.token_urlsafe(32),
                                    invited_by_id=invited_by.id)
    db.session.add(invitation)
    db.session.flush()
    invitee = find_user_by_email(email)
    queue_mail(to=email, template="orchestra_invitation",
               subject=_l("You are invited to follow %(name)s in the youth orchestra", name=child.first_name),
               locale=invitee.locale if invitee else invited_by.locale, invitation=invitation, child=child,
               inviter=invited_by)
    record_audit(actor=invited_by, action="orchestra.guardian_invited", target=child,
                 details={"invitation_id": invitation.id})
    return invitation


def pending_invitations(*, child: Child) -> list[GuardianInvitation]:
    """The child's invitations not yet accepted, oldest first."""
    return list(db.session.scalars(sa.select(GuardianInvitation).where(
        GuardianInvitation.child_id == child.id, GuardianInvitation.accepted_at.is_(None))
        .order_by(GuardianInvitation.id)))


def open_invitation(*, token: str) -> GuardianInvitation | None:
    """The invitation with this token if it has not been used yet."""
    return db.session.scalars(sa.select(GuardianInvitation).where(
        GuardianInvitation.token == token, GuardianInvitation.accepted_at.is_(None))).first()


def may_accept(*, invitation: GuardianInvitation, user: User) -> bool:
    """Only the account with the invited address, verified, may accept: a mistyped address invites nobody else."""
    return user.is_verified and normalise_email(user.email) == invitation.email


def accept_invitation(*, invitation: GuardianInvitation, user: User) -> Child:
    """Make the user a guardian of the invited child (with the guardian role); the invitation is used up and every
    guardian is told by email."""
    if invitation.accepted_at is not None:
        raise RegistrationError(_l("This invitation has already been used."))
    if not may_accept(invitation=invitation, user=user):
        raise InvitationForAnotherAccount(_l(
            "This invitation is for %(email)s. Log in with that address to accept it.",
            email=masked_email(invitation.email)))
    invitation.accepted_at = utcnow()
    if not user.has_role(Role.GUARDIAN):
        grant_role(user=user, role=Role.GUARDIAN, granted_by=user)
    child = invitation.child
    if db.session.get(Guardianship, (child.id, user.id)) is None:
        db.session.add(Guardianship(child_id=child.id, user_id=user.id, created_at=utcnow()))
    db.session.flush()
    _mail_guardians(recipients=guardians_of(child=child), template="orchestra_guardian_added",
                    subject=_l("%(guardian)s is now a guardian of %(name)s", guardian=user.full_name,
                               name=child.first_name), child=child, guardian=user)
    record_audit(actor=user, action="orchestra.guardian_added", target=child,
                 details={"invitation_id": invitation.id, "user_id": user.id})
    return child


def withdraw_invitation(*, invitation: GuardianInvitation, withdrawn_by: User) -> None:
    """Withdraw an invitation not yet accepted: its link stops working."""
    child = invitation.child
    _check_first_guardian(withdrawn_by, child)
    if invitation.accepted_at is not None:
        raise RegistrationError(_l("This invitation has already been used."))
    record_audit(actor=withdrawn_by, action="orchestra.guardian_invitation_withdrawn", target=child,
                 details={"invitation_id": invitation.id})
    db.session.delete(invitation)
    db.session.flush()


def remove_guardian(*, child: Child, guardian: User, removed_by: User) -> None:
    """The first guardian takes another guardian off the child; both are told by email."""
    _check_first_guardian(removed_by, child)
    if guardian.id == removed_by.id:
        raise RegistrationError(_l("You cannot remove yourself: %(name)s would have no guardian.",
                                   name=child.first_name))
    guardianship = db.session.get(Guardianship, (child.id, guardian.id))
    if guardianship is None:
        raise RegistrationError(_l("%(guardian)s is not a guardian of %(name)s.", guardian=guardian.full_name,
                                   name=child.first_name))
    db.session.delete(guardianship)
    db.session.flush()
    db.session.expire(child, ["guardianships"])
    _mail_guardians(recipients=[*guardians_of(child=child), guardian], template="orchestra_guardian_removed",
                    subject=_l("%(guardian)s is no longer a guardian of %(name)s", guardian=guardian.full_name,
                               name=child.first_name), child=child, guardian=guardian, removed_by=removed_by)
    record_audit(actor=removed_by, action="orchestra.guardian_removed", target=child,
                 details={"user_id": guardian.id})


# --- consent ----------------------------------------------------------------------------------------------------------

class ConsentAnswer(enum.StrEnum):
    GIVEN = "given"
    WITHDRAWN = "withdrawn"  # answered no, or took a consent back
    NOT_ANSWERED = "not_answered"


CONSENT_ANSWER_LABELS = {ConsentAnswer.GIVEN: _l("Given"), ConsentAnswer.WITHDRAWN: _l("Not given"),
                         ConsentAnswer.NOT_ANSWERED: _l("Not answered")}


def _current_text_ids():
    newest = (sa.select(ConsentText.purpose, sa.func.max(ConsentText.version).label("version"))
              .group_by(ConsentText.purpose).subquery())
    return sa.select(ConsentText.id).join(newest, sa.and_(ConsentText.purpose == newest.c.purpose,
                                                          ConsentText.version == newest.c.version))


def current_texts() -> dict[ConsentPurpose, ConsentText]:
    """The newest version of the text for each purpose that has one, in the purposes' order."""
    texts = {text.purpose: text for text in db.session.scalars(
        sa.select(ConsentText).where(ConsentText.id.in_(_current_text_ids())))}
    return {purpose: texts[purpose] for purpose in ConsentPurpose if purpose in texts}


def publish_consent_text(*, purpose: ConsentPurpose, text: str, actor: User) -> ConsentText:
    """Publish a new version of a purpose's text; consents given to earlier versions stop counting."""
    newest = db.session.scalar(sa.select(sa.func.max(ConsentText.version)).where(ConsentText.purpose == purpose))
    consent_text = ConsentText(purpose=purpose, version=(newest or 0) + 1, text=text.strip(), published_at=utcnow())
    db.session.add(consent_text)
    db.session.flush()
    record_audit(actor=actor, action="orchestra.consent_text_published", target=consent_text,
                 details={"purpose": purpose.value, "version": consent_text.version})
    return consent_text


def guardians_of_current_members(*, today: date) -> list[tuple[User, list[Child]]]:
    """Each guardian of a current member (admitted in a season not yet over), with those children, by guardian."""
    current = (sa.select(Enrolment.child_id).join(OrchestraSeason)
               .where(Enrolment.status == EnrolmentStatus.ADMITTED, OrchestraSeason.ends_on >= today))
    rows = db.session.execute(
        sa.select(User, Child).join(Guardianship, Guardianship.user_id == User.id)
        .join(Child, Child.id == Guardianship.child_id)
        .where(Child.id.in_(current), Child.anonymised_at.is_(None), User.erased_at.is_(None))
        .order_by(User.full_name, User.id, Child.first_name, Child.id))
    by_guardian: dict[int, tuple[User, list[Child]]] = {}
    for guardian, child in rows:
        by_guardian.setdefault(guardian.id, (guardian, []))[1].append(child)
    return list(by_guardian.values())


def ask_guardians_to_answer(*, consent_text: ConsentText, today: date) -> int:
    """Email every guardian of a current member to answer a newly published text, since their earlier answer no
    longer counts; one email per guardian naming their children. Returns how many were emailed."""
    guardians = guardians_of_current_members(today=today)
    purpose = CONSENT_PURPOSE_LABELS[consent_text.purpose]
    for guardian, children in guardians:
        queue_mail(to=guardian.email, template="orchestra_consent_text", locale=guardian.locale,
                   subject=_l("Please answer the new consent text: %(purpose)s", purpose=purpose),
                   guardian=guardian, children=children, consent_text=consent_text, purpose=purpose)
    return len(guardians)


def record_consent(*, child: Child, consent_text: ConsentText, is_given: bool, by: User) -> ConsentRecord:
    """Append a consent given or withdrawn against the current version of a text; withdrawing the health consent
    blanks the stored health information."""
    if current_texts().get(consent_text.purpose) != consent_text:
        raise ConsentError(_l("This text has been replaced by a newer version; answer the new one."))
    record = ConsentRecord(child_id=child.id, consent_text=consent_text, is_given=is_given,
                           recorded_by_id=by.id if by else None, recorded_at=utcnow())
    db.session.add(record)
    if consent_text.purpose == ConsentPurpose.HEALTH_INFO and not is_given:
        health = health_info_of(child=child)
        if health is not None:
            health.allergies = health.medical = ""
    db.session.flush()
    return record


def consent_state(*, children: list[Child]) -> dict[int, dict[ConsentPurpose, ConsentAnswer]]:
    """Per child and purpose: given, withdrawn or not answered; only answers to the current texts count (one
    query)."""
    state = {child.id: {purpose: ConsentAnswer.NOT_ANSWERED for purpose in ConsentPurpose} for child in children}
    if not state:
        return state
    answers = db.session.execute(
        sa.select(ConsentRecord.child_id, ConsentText.purpose, ConsentRecord.is_given)
        .join(ConsentText, ConsentRecord.consent_text_id == ConsentText.id)
        .where(ConsentRecord.child_id.in_(list(state)), ConsentText.id.in_(_current_text_ids()))
        .order_by(ConsentRecord.recorded_at, ConsentRecord.id))
    for child_id, purpose, is_given in answers:
        state[child_id][purpose] = ConsentAnswer.GIVEN if is_given else ConsentAnswer.WITHDRAWN
    return state


def consent_summary(*, children: list[Child]) -> dict[int, dict[ConsentPurpose, bool | None]]:
    """Per child and purpose: True (given), False (withdrawn or refused) or None (not answered the current text)."""
    as_bool = {ConsentAnswer.GIVEN: True, ConsentAnswer.WITHDRAWN: False, ConsentAnswer.NOT_ANSWERED: None}
    return {child_id: {purpose: as_bool[answer] for purpose, answer in answers.items()}
            for child_id, answers in consent_state(children=children).items()}


def consent_label(answers: dict[ConsentPurpose, bool | None]) -> str:
    """A short label for the roster, e.g. "no photos on web, no travel"; empty when every consent is given."""
    return ", ".join(str(CONSENT_MISSING_LABELS[purpose]) for purpose in ConsentPurpose
                     if answers.get(purpose) is not True)


def consent_labels(*, children: list[Child]) -> dict[int, str]:
    """The roster's short consent label per child id (one query)."""
    return {child_id: consent_label(answers) for child_id, answers in consent_summary(children=children).items()}


def record_consents(*, child: Child, answers: dict[ConsentPurpose, bool], by: User) -> int:
    """Record the answers that differ from the child's current state; returns how many were recorded."""
    texts = current_texts()
    current = consent_state(children=[child])[child.id]
    recorded = 0
    for purpose, is_given in answers.items():
        wanted = ConsentAnswer.GIVEN if is_given else ConsentAnswer.WITHDRAWN
        if purpose in texts and current[purpose] != wanted:
            record_consent(child=child, consent_text=texts[purpose], is_given=is_given, by=by)
            recorded += 1
    return recorded


def consent_history(*, child: Child) -> list[ConsentRecord]:
    """Every consent record of a child, newest first."""
    return list(db.session.scalars(sa.select(ConsentRecord).where(ConsentRecord.child_id == child.id)
                                   .order_by(ConsentRecord.recorded_at.desc(), ConsentRecord.id.desc())))


# --- health information -----------------------------------------------------------------------------------------------

def health_info_of(*, child: Child) -> HealthInfo | None:
    """The child's stored health information (no audit: for the guardian's own form)."""
    return db.session.scalars(sa.select(HealthInfo).where(HealthInfo.child_id == child.id)).first()


def has_health_consent(*, child: Child) -> bool:
    """Whether the guardian has consented to storing health information under the current text."""
    return consent_state(children=[child])[child.id][ConsentPurpose.HEALTH_INFO] == ConsentAnswer.GIVEN


def save_health_info(*, child: Child, allergies: str, medical: str, emergency_contacts: str) -> HealthInfo:
    """Store the child's emergency contacts, and allergies and medical information when the guardian has consented to
    storing health information under the current text (contacts are not health information)."""
    if (allergies or medical) and not has_health_consent(child=child):
        raise ConsentError(_l("Allergies and medical information can be stored only when you have consented to it "
                              "under the current text. Give the consent first; emergency contacts can be saved "
                              "without it."))
    health = health_info_of(child=child) or HealthInfo(child_id=child.id)
    if has_health_consent(child=child):
        health.allergies, health.medical = allergies, medical
    health.emergency_contacts = emergency_contacts
    db.session.add(health)
    db.session.flush()
    return health


LEADER_DAYS_BEFORE = 7  # leaders prepare the weekend in the week before it


def leader_window(event: OrchestraEvent) -> tuple[date, date]:
    """The first and last day the event's leaders may read its participants' health information."""
    return event.starts_on - timedelta(days=LEADER_DAYS_BEFORE), event.ends_on


def _leads_now(user: User, today: date):
    """The conditions on OrchestraEvent for an event the user leads whose reading window is open today."""
    return sa.and_(EventStaff.event_id == OrchestraEvent.id, EventStaff.user_id == user.id, EventStaff.is_leader,
                   OrchestraEvent.starts_on <= today + timedelta(days=LEADER_DAYS_BEFORE),
                   OrchestraEvent.ends_on >= today)


def can_read_health(*, user: User, child: Child, today: date | None = None) -> bool:
    """Orchestra staff and admins; and a leader of an event, for the children taking part in it (admitted in its
    season and not declined), from a week before it starts until it ends."""
    if user.has_role(Role.ORCHESTRA_STAFF, Role.ADMIN):
        return True
    today = today or today_in_oslo()
    member = sa.exists().where(Enrolment.child_id == child.id, Enrolment.status == EnrolmentStatus.ADMITTED,
                               Enrolment.orchestra_season_id == OrchestraEvent.orchestra_season_id)
    declined = sa.exists().where(Reply.event_id == OrchestraEvent.id, Reply.child_id == child.id,
                                 Reply.is_attending.is_(False))
    return bool(db.session.scalar(sa.select(sa.exists().where(_leads_now(user, today), member, ~declined))))


def may_read_event_health(*, user: User, event: OrchestraEvent, today: date | None = None) -> bool:
    """Orchestra staff and admins always; the event's leaders from a week before it starts until it ends."""
    if user.has_role(Role.ORCHESTRA_STAFF, Role.ADMIN):
        return True
    today = today or today_in_oslo()
    return bool(db.session.scalar(sa.select(sa.exists().where(_leads_now(user, today),
                                                             OrchestraEvent.id == event.id))))


def event_participants(*, event: OrchestraEvent) -> list[Enrolment]:
    """The members taking part in an event: admitted in its season, without a no from a guardian."""
    return [row.enrolment for row in effective_replies(event=event) if row.attending is not False]


def read_health_info(*, child: Child, reader: User, ip: str | None = None,
                     today: date | None = None) -> HealthInfo | None:
    """The child's health information for someone allowed to read it; the read is audited."""
    if not can_read_health(user=reader, child=child, today=today):
        raise PermissionError("not allowed to read this child's health information")
    record_audit(actor=reader, action="orchestra.health_read", target=child, details={"child_id": child.id}, ip=ip)
    return health_info_of(child=child)


def read_own_health_info(*, child: Child, guardian: User, ip: str | None = None) -> HealthInfo | None:
    """A guardian's view of their child's stored health information; audited like the staff's reads."""
    if db.session.get(Guardianship, (child.id, guardian.id)) is None:
        raise PermissionError("not a guardian of this child")
    health = health_info_of(child=child)
    if health is not None:
        record_audit(actor=guardian, action="orchestra.health_read", target=child,
                     details={"child_id": child.id, "as": "guardian"}, ip=ip)
    return health


# --- leaving ----------------------------------------------------------------------------------------------------------

WITHDRAWN_STATUSES = (EnrolmentStatus.APPLIED, EnrolmentStatus.WAITLISTED, EnrolmentStatus.OFFERED)


def anonymise_child(*, child: Child) -> None:
    """Blank a child's name, notes, reply notes and health information; date of birth, municipality and enrolments
    stay for the figures."""
    child.first_name = child.last_name = "—"
    child.notes = child.teacher = child.school = child.culture_school = ""
    child.anonymised_at = utcnow()
    health = health_info_of(child=child)
    if health is not None:
        health.allergies = health.medical = health.emergency_contacts = ""
    db.session.execute(sa.delete(GuardianInvitation).where(GuardianInvitation.child_id == child.id))
    db.session.execute(sa.update(Reply).where(Reply.child_id == child.id).values(note=""))
    db.session.flush()


@dataclass(frozen=True)
class Withdrawal:
    """What ends for a child who has no guardian left: open applications and places in seasons not yet over."""

    applications: list[Enrolment]
    memberships: list[Enrolment]


def withdrawal_of(*, child: Child, today: date) -> Withdrawal:
    """The child's open applications and offers, and memberships of seasons that have not ended."""
    enrolments = enrolments_of(children=[child])[child.id]
    return Withdrawal(
        applications=[enrolment for enrolment in enrolments if enrolment.status in WITHDRAWN_STATUSES],
        memberships=[enrolment for enrolment in enrolments if enrolment.status == EnrolmentStatus.ADMITTED
                     and enrolment.orchestra_season.ends_on >= today])


def withdraw_child(*, child: Child, today: date, actor: User | None = None) -> Withdrawal:
    """Take a child out of the orchestra's lists: open applications are withdrawn (declined) and the child leaves
    the seasons not yet over; past seasons' memberships stay for the figures."""
    withdrawal = withdrawal_of(child=child, today=today)
    for enrolment in withdrawal.applications:
        enrolment.status, enrolment.offer_expires_on, enrolment.decided_at = EnrolmentStatus.DECLINED, None, utcnow()
    for enrolment in withdrawal.memberships:
        enrolment.status, enrolment.decided_at = EnrolmentStatus.LEFT, utcnow()
    if withdrawal.memberships:
        child.left_on = today
    record_audit(actor=actor, action="orchestra.child_withdrawn", target=child,
                 details={"applications": [enrolment.id for enrolment in withdrawal.applications],
                          "memberships": [enrolment.id for enrolment in withdrawal.memberships]})
    db.session.flush()
    return withdrawal


@dataclass(frozen=True)
class ErasureOutcome:
    """What erasing a guardian does to one of their children: stays with the other guardians, or is withdrawn and
    anonymised."""

    child: Child
    remaining_guardians: list[User]
    withdrawal: Withdrawal | None  # None when another guardian remains


def erasure_outcomes(*, user: User, today: date) -> list[ErasureOutcome]:
    """For each of the user's children, what erasing the user will do."""
    outcomes = []
    for child in children_of(user=user):
        remaining = [guardian for guardian in guardians_of(child=child) if guardian.id != user.id]
        outcomes.append(ErasureOutcome(child=child, remaining_guardians=remaining,
                                       withdrawal=None if remaining else withdrawal_of(child=child, today=today)))
    return outcomes
