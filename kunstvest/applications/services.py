"""The open call's rules: phases, applications, submission, withdrawal, waitlist promotion and the chosen work.

Jury and deciding rules live in jury.py and deciding.py; they share the errors and phase rules defined here.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, BinaryIO

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from kunstvest.applications import images
from kunstvest.applications.models import (
    DECISIONS,
    PHASE_ORDER,
    Application,
    ApplicationStatus,
    ArtistProfile,
    CallPhase,
    ChosenWork,
    Criterion,
    Discipline,
    ImageFile,
    JurorAssignment,
    OpenCall,
    Work,
)
from kunstvest.common.audit import record_audit
from kunstvest.common.models import to_money, utcnow
from kunstvest.common.outbox import queue_mail
from kunstvest.common.storage import Storage
from kunstvest.extensions import db

if TYPE_CHECKING:  # reviewing.py imports this module
    from kunstvest.applications.reviewing import JuryStart


class ApplicationError(ValueError):
    """A rule of the open call was broken; the message is shown to the user."""


# --- the call and its phases ---------------------------------------------------------------------------------------

def phase_of(call: OpenCall, *, now: datetime | None = None) -> CallPhase:
    """The call's phase as users see it: an open call whose closing time has passed is closed."""
    if call.phase == CallPhase.OPEN and (now or utcnow()) >= call.closes_at:
        return CallPhase.CLOSED
    return call.phase


def closing_time(call: OpenCall, *, now: datetime | None = None) -> datetime | None:
    """When the call closed: when the secretariat closed it (early or late), else closes_at once passed; None if open."""
    if call.closed_at is not None:
        return call.closed_at
    if phase_of(call, now=now) in (CallPhase.DRAFT, CallPhase.OPEN):
        return None
    return call.closes_at


def accepts_submissions(call: OpenCall, *, now: datetime | None = None) -> bool:
    """True between the opening and closing time of a call the admin has opened."""
    now = now or utcnow()
    return call.phase == CallPhase.OPEN and call.opens_at <= now < call.closes_at


# The admin moves a call one step on, or back from deciding to jurying; publishing has its own service.
ALLOWED_MOVES = {
    CallPhase.DRAFT: {CallPhase.OPEN},
    CallPhase.OPEN: {CallPhase.DRAFT, CallPhase.CLOSED},
    CallPhase.CLOSED: {CallPhase.OPEN, CallPhase.JURYING},
    CallPhase.JURYING: {CallPhase.CLOSED, CallPhase.DECIDING},
    CallPhase.DECIDING: {CallPhase.JURYING},
    CallPhase.PUBLISHED: set(),
}


def next_phases(call: OpenCall, *, now: datetime | None = None) -> list[CallPhase]:
    """The phases the admin may move the call to now, in phase order."""
    allowed = ALLOWED_MOVES[phase_of(call, now=now)]
    return [phase for phase in PHASE_ORDER if phase in allowed]


def move_phase(*, call: OpenCall, to: CallPhase, actor, now: datetime | None = None) -> "JuryStart | None":
    """Move the call to another phase (opening needs a rubric; the jury phase needs jurors); audited. Moving to
    jurying emails the jurors not emailed for this call before, and returns who was emailed."""
    now = now or utcnow()
    current = phase_of(call, now=now)
    if to not in next_phases(call, now=now):
        raise ApplicationError(_l("The call cannot move from %(current)s to %(target)s.",
                                  current=PHASE_LABELS[current], target=PHASE_LABELS[to]))
    if to == CallPhase.OPEN and not call.criteria:
        raise ApplicationError(_l("Add at least one criterion before opening the call."))
    if to == CallPhase.JURYING and not call.jurors:
        raise ApplicationError(_l("Assign at least one juror before the jury starts."))
    if to == CallPhase.OPEN and now >= call.closes_at:
        raise ApplicationError(_l("The closing time has passed; move it before opening the call again."))
    call.phase = to
    if to in (CallPhase.DRAFT, CallPhase.OPEN):
        call.closed_at = None
    elif call.closed_at is None:
        # A call left open past its closing time closed then, not when the secretariat moved it on.
        call.closed_at = min(now, call.closes_at)
    record_audit(actor=actor, action="call.phase_changed", target=call,
                 details={"from": current.value, "to": to.value})
    if to == CallPhase.JURYING:
        from kunstvest.applications.reviewing import mail_jurors, suggest_conflicts

        suggest_conflicts(call=call)
        return mail_jurors(call=call, actor=actor)
    return None


PHASE_LABELS = {
    CallPhase.DRAFT: _l("draft"),
    CallPhase.OPEN: _l("open"),
    CallPhase.CLOSED: _l("closed"),
    CallPhase.JURYING: _l("jurying"),
    CallPhase.DECIDING: _l("deciding"),
    CallPhase.PUBLISHED: _l("published"),
}


def is_closing_early(call: OpenCall, *, now: datetime | None = None) -> bool:
    """True when moving the call to closed now would end it before its closing time (the call reads as open)."""
    return phase_of(call, now=now) == CallPhase.OPEN


def open_drafts(*, call: OpenCall) -> list[Application]:
    """The call's applications still in draft, by artist name: closing the call leaves them unsubmitted."""
    return list(db.session.scalars(
        sa.select(Application).join(Application.artist)
        .where(Application.call_id == call.id, Application.status == ApplicationStatus.DRAFT)
        .order_by(ArtistProfile.name, Application.id)))


@dataclass(frozen=True)
class EarlyClosing:
    """The drafts left unsubmitted when a call closed early: whose artists were mailed, and whose have no account."""

    mailed: list[Application]
    not_mailed: list[Application]


def close_call_early(*, call: OpenCall, actor, now: datetime | None = None) -> EarlyClosing:
    """Close an open call before its closing time and tell each artist with a draft that it was not submitted."""
    now = now or utcnow()
    if not is_closing_early(call, now=now):
        raise ApplicationError(_l("The call is not open, so it cannot be closed early."))
    move_phase(call=call, to=CallPhase.CLOSED, actor=actor, now=now)
    mailed, not_mailed = [], []
    for draft in open_drafts(call=call):
        is_mailed = mail_artist(draft, "call_closed_draft",
                                _l("%(call)s has closed: your application was not submitted", call=call.title),
                                closed_at=now)
        (mailed if is_mailed else not_mailed).append(draft)
    return EarlyClosing(mailed=mailed, not_mailed=not_mailed)


@dataclass(frozen=True)
class CriterionSpec:
    name: str
    weight: Decimal = Decimal("1")
    scale_min: int = 1
    scale_max: int = 7
    description: str = ""


def save_call(*, call: OpenCall | None = None, season, title: str, opens_at: datetime, closes_at: datetime,
              eligibility: str = "", min_works: int = 3, max_works: int = 6, is_blind: bool = True,
              capacity: int = 100, waitlist_size: int = 10, disagreement_margin: Decimal = Decimal("1.5"),
              work_choice_deadline: date | None = None, criteria: list[CriterionSpec] | None = None) -> OpenCall:
    """Create or update a call; its rubric can change only while the call is a draft."""
    if opens_at >= closes_at:
        raise ApplicationError(_l("The call must open before it closes."))
    if not 1 <= min_works <= max_works:
        raise ApplicationError(_l("The smallest number of works must be between 1 and the largest."))
    if call is None:
        if db.session.scalar(sa.select(OpenCall.id).where(OpenCall.season_id == season.id)) is not None:
            raise ApplicationError(_l("The season already has a call."))
        call = OpenCall(season=season, phase=CallPhase.DRAFT)
        db.session.add(call)
    call.title, call.opens_at, call.closes_at, call.eligibility = title, opens_at, closes_at, eligibility
    call.min_works, call.max_works, call.is_blind = min_works, max_works, is_blind
    call.capacity, call.waitlist_size, call.disagreement_margin = capacity, waitlist_size, disagreement_margin
    call.work_choice_deadline = work_choice_deadline
    if criteria is not None:
        _replace_criteria(call, criteria)
    db.session.flush()
    return call


def _replace_criteria(call: OpenCall, criteria: list[CriterionSpec]) -> None:
    current = [(c.name, c.weight, c.scale_min, c.scale_max, c.description) for c in call.criteria]
    wanted = [(c.name, Decimal(c.weight), c.scale_min, c.scale_max, c.description) for c in criteria]
    if current == wanted:
        return
    if call.phase != CallPhase.DRAFT:
        raise ApplicationError(_l("The rubric can be changed only while the call is a draft."))
    if not criteria:
        raise ApplicationError(_l("The rubric needs at least one criterion."))
    for spec in criteria:
        if spec.scale_min >= spec.scale_max or Decimal(spec.weight) <= 0:
            raise ApplicationError(_l("Each criterion needs a scale from low to high and a positive weight."))
    call.criteria.clear()
    db.session.flush()
    call.criteria.extend(
        Criterion(position=position, name=spec.name, weight=Decimal(spec.weight), scale_min=spec.scale_min,
                  scale_max=spec.scale_max, description=spec.description)
        for position, spec in enumerate(criteria, start=1))


def copy_call(*, source: OpenCall, season) -> OpenCall:
    """A draft call for `season` with the source call's settings and rubric, its dates moved by the years between."""
    years = season.year - source.year

    def shifted(moment):
        return moment.replace(year=moment.year + years) if moment else None

    return save_call(
        season=season, title=source.title.replace(str(source.year), str(season.year)),
        opens_at=shifted(source.opens_at), closes_at=shifted(source.closes_at), eligibility=source.eligibility,
        min_works=source.min_works, max_works=source.max_works, is_blind=source.is_blind,
        capacity=source.capacity, waitlist_size=source.waitlist_size,
        disagreement_margin=source.disagreement_margin, work_choice_deadline=shifted(source.work_choice_deadline),
        criteria=[CriterionSpec(name=c.name, weight=c.weight, scale_min=c.scale_min, scale_max=c.scale_max,
                                description=c.description) for c in source.criteria])


def calls() -> list[OpenCall]:
    """Every call, newest season first."""
    from kunstvest.reference.models import Season

    return list(db.session.scalars(sa.select(OpenCall).join(OpenCall.season).order_by(Season.year.desc())))


def current_call(*, now: datetime | None = None) -> OpenCall | None:
    """The call artists see: the newest one that is no longer a draft."""
    return next((call for call in calls() if call.phase != CallPhase.DRAFT), None)


def assign_juror(*, call: OpenCall, juror, actor) -> JurorAssignment:
    """Put a user with the jury role on the call's jury (once); conflicts are suggested straight away."""
    assignment = db.session.get(JurorAssignment, (call.id, juror.id))
    if assignment is None:
        assignment = JurorAssignment(call=call, juror=juror, order_seed=secrets.token_hex(16))
        db.session.add(assignment)
        record_audit(actor=actor, action="call.juror_assigned", target=call, details={"juror_id": juror.id})
        db.session.flush()
        from kunstvest.applications.reviewing import suggest_conflicts

        suggest_conflicts(call=call)
    return assignment


def unassign_juror(*, call: OpenCall, juror, actor) -> None:
    """Take a juror off the call's jury; scores already given stay in the record."""
    assignment = db.session.get(JurorAssignment, (call.id, juror.id))
    if assignment is not None:
        call.jurors.remove(assignment)
        record_audit(actor=actor, action="call.juror_unassigned", target=call, details={"juror_id": juror.id})


# --- artists and their applications ----------------------------------------------------------------------------------

def profile_of(user) -> ArtistProfile | None:
    """The artist profile of a user, if they have made one."""
    return db.session.scalar(sa.select(ArtistProfile).where(ArtistProfile.user_id == user.id))


def save_profile(*, user, name: str, phone: str = "", address: str = "", postcode: str = "", city: str = "",
                 municipality=None, discipline: Discipline = Discipline.VISUAL_ART, education: str = "",
                 cv: str = "", website: str = "", instagram: str = "", studio_collective: str = "") -> ArtistProfile:
    """Create or update the user's artist profile, which lasts across years."""
    profile = profile_of(user) if user is not None else None
    if profile is None:
        profile = ArtistProfile(user=user)
        db.session.add(profile)
    profile.name, profile.phone, profile.address = name, phone, address
    profile.postcode, profile.city, profile.municipality = postcode, city, municipality
    profile.discipline, profile.education, profile.cv = Discipline(discipline), education, cv
    profile.website, profile.instagram = website, instagram.removeprefix("@")
    profile.studio_collective = studio_collective
    db.session.flush()
    return profile


def is_first_timer(*, artist: ArtistProfile, call: OpenCall) -> bool:
    """True when the artist was never accepted in an earlier season's call."""
    from kunstvest.reference.models import Season

    earlier = (sa.select(Application.id).join(Application.call).join(OpenCall.season)
               .where(Application.artist_id == artist.id, Season.year < call.year,
                      Application.status == ApplicationStatus.ACCEPTED))
    return db.session.scalar(sa.select(sa.exists(earlier))) is False


def application_of(*, call: OpenCall, artist: ArtistProfile) -> Application | None:
    """The artist's application to the call, if any."""
    return db.session.scalar(
        sa.select(Application).where(Application.call_id == call.id, Application.artist_id == artist.id))


def start_application(*, call: OpenCall, artist: ArtistProfile, now: datetime | None = None) -> Application:
    """The artist's application to the call, created as a draft the first time; a retry returns the same one."""
    existing = application_of(call=call, artist=artist)
    if existing is not None:
        return existing
    if not accepts_submissions(call, now=now):
        raise ApplicationError(_l("The call is not open for applications."))
    try:
        with db.session.begin_nested():
            application = Application(call=call, artist=artist)
            db.session.add(application)
    except IntegrityError:
        # Another request from the same artist won the race; theirs is the application.
        return application_of(call=call, artist=artist)
    return application


def is_changeable(application: Application, *, now: datetime | None = None) -> bool:
    """True while the artist may still change the application: a draft or submitted one, before the deadline."""
    return (application.status in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED)
            and accepts_submissions(application.call, now=now))


def _require_editable(application: Application, now: datetime | None) -> None:
    if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED):
        raise ApplicationError(_l("This application can no longer be changed."))
    if not accepts_submissions(application.call, now=now):
        raise ApplicationError(_l("The deadline was %(deadline)s; the application can no longer be changed.",
                                  deadline=_deadline_text(application.call)))


def _deadline_text(call: OpenCall) -> str:
    from kunstvest.common.formatting import datetime_short

    return datetime_short(closing_time(call) or call.closes_at)


def save_statement(*, application: Application, statement: str, now: datetime | None = None) -> None:
    """Save the artist's statement while the call is open."""
    _require_editable(application, now)
    application.statement = statement


def save_work(*, application: Application, work: Work | None = None, title: str, year: int | None = None,
              technique: str = "", width_cm=None, height_cm=None, depth_cm=None, price=None,
              image: ImageFile | None = None, now: datetime | None = None) -> Work:
    """Add a work to an application or change one; a new work needs an image, and the call caps their number."""
    _require_editable(application, now)
    if work is None:
        if len(application.works) >= application.call.max_works:
            raise ApplicationError(_l("An application can hold at most %(count)d works.",
                                      count=application.call.max_works))
        if image is None:
            raise ApplicationError(_l("Add an image of the work."))
        position = max((w.position for w in application.works), default=0) + 1
        work = Work(position=position)
        application.works.append(work)
    elif work.application_id != application.id:
        raise ApplicationError(_l("The work belongs to another application."))
    work.title, work.year, work.technique = title, year, technique
    work.width_cm, work.height_cm, work.depth_cm = width_cm, height_cm, depth_cm
    work.price = to_money(price) if price is not None else None
    if image is not None:
        work.image = image
    db.session.flush()
    return work


def removal_returns_to_draft(application: Application) -> bool:
    """True when removing one more work would take a submitted application below the call's minimum of works."""
    return (application.status == ApplicationStatus.SUBMITTED
            and len(application.works) - 1 < application.call.min_works)


def remove_work(*, application: Application, work: Work, actor=None, return_to_draft: bool = False,
                now: datetime | None = None) -> bool:
    """Take a work out of an application while it can still be changed; True when that returned it to draft.

    A submitted application never stays submitted below the call's minimum of works: it goes back to draft, and only
    when the caller has confirmed that with `return_to_draft`.
    """
    _require_editable(application, now)
    if work.application_id != application.id:
        raise ApplicationError(_l("The work belongs to another application."))
    goes_back = removal_returns_to_draft(application)
    if goes_back and not return_to_draft:
        raise ApplicationError(_l("Removing %(title)s would leave %(count)d of at least %(minimum)d works, so the "
                                  "application would go back to draft. Confirm that on the removal page.",
                                  title=work.title, count=len(application.works) - 1,
                                  minimum=application.call.min_works))
    application.works.remove(work)
    if goes_back:
        application.status = ApplicationStatus.DRAFT
        application.submitted_at = None
        record_audit(actor=actor, action="application.returned_to_draft", target=application,
                     details={"works": len(application.works), "min_works": application.call.min_works})
    db.session.flush()
    return goes_back


MOVES = {"up": -1, "down": 1}


def move_work(*, work: Work, direction: str, now: datetime | None = None) -> int | None:
    """Swap a work with its neighbour above or below; its new place (1 = first), or None when already at that end."""
    application = work.application
    _require_editable(application, now)
    works = sorted(application.works, key=lambda w: w.position)
    place = works.index(work) + MOVES[direction]
    if not 0 <= place < len(works):
        return None
    neighbour = works[place]
    mine, theirs = work.position, neighbour.position
    try:
        with db.session.begin_nested():
            # (application_id, position) is unique at every flush: park the work outside the order while they swap.
            work.position = -1
            db.session.flush()
            neighbour.position = mine
            db.session.flush()
            work.position = theirs
            db.session.flush()
    except IntegrityError:
        # A move in another tab or a double click got there first.
        raise ApplicationError(_l("The order of the works changed meanwhile; look at it again and try once more."))
    return place + 1


def is_returned_to_draft(application: Application) -> bool:
    """True for a draft that was submitted once: it went back below the minimum of works and keeps its reference."""
    return application.status == ApplicationStatus.DRAFT and application.reference is not None


def status_note(application: Application) -> str:
    """Why a once-submitted application is a draft again and until when to submit it; empty for any other."""
    if not is_returned_to_draft(application):
        return ""
    call = application.call
    return str(_l("Returned to draft: %(count)d of at least %(minimum)d works; submit again before %(deadline)s.",
                  count=len(application.works), minimum=call.min_works, deadline=_deadline_text(call)))


def missing_for_submission(application: Application) -> list[str]:
    """What the application still lacks before it can be submitted (empty when it is complete)."""
    call, missing = application.call, []
    if not application.statement.strip():
        missing.append(str(_l("an artist statement")))
    if len(application.works) < call.min_works:
        missing.append(str(_l("at least %(count)d works (you have %(have)d)",
                              count=call.min_works, have=len(application.works))))
    if any(work.image_id is None for work in application.works):
        missing.append(str(_l("an image for every work")))
    artist = application.artist
    if artist.municipality_id is None:
        missing.append(str(_l("your municipality in your artist profile")))
    return missing


# References are a random number of this many digits, more once a call has used half of them.
REFERENCE_DIGITS = 4
REFERENCE_ATTEMPTS = 5


def reference_prefix(call: OpenCall) -> str:
    """The start of the call's application references: the project's initials and the year («KRV-2018-»)."""
    initials = "".join(word[0] for word in re.findall(r"[^\W\d_]+", call.season.project.code)).upper()
    return f"{initials[:6] or 'APP'}-{call.year}-"


def free_references(*, call: OpenCall, count: int) -> list[str]:
    """`count` new references for the call's applications, random and unused in the call."""
    used = set(db.session.scalars(sa.select(Application.reference).where(
        Application.call_id == call.id, Application.reference.is_not(None))))
    digits = REFERENCE_DIGITS
    while 2 * (len(used) + count) > 10 ** digits:
        digits += 1
    prefix, fresh = reference_prefix(call), []
    while len(fresh) < count:
        candidate = f"{prefix}{secrets.randbelow(10 ** digits):0{digits}d}"
        if candidate not in used:
            used.add(candidate)
            fresh.append(candidate)
    return fresh


def submit_application(*, application: Application, now: datetime | None = None) -> bool:
    """Submit a complete application before the deadline and queue a receipt; False if it was already submitted."""
    now = now or utcnow()
    if application.status == ApplicationStatus.SUBMITTED:
        return False
    if application.status != ApplicationStatus.DRAFT:
        raise ApplicationError(_l("This application can no longer be submitted."))
    if not accepts_submissions(application.call, now=now):
        raise ApplicationError(_l("The deadline was %(deadline)s; applications can no longer be submitted.",
                                  deadline=_deadline_text(application.call)))
    if missing := missing_for_submission(application):
        raise ApplicationError(_l("The application is missing: %(missing)s.", missing=", ".join(missing)))
    # A retried POST races on the status, not on a second row: only one request moves draft → submitted.
    for _attempt in range(REFERENCE_ATTEMPTS):
        # An application returned to draft keeps the reference of its first submission.
        reference = application.reference or free_references(call=application.call, count=1)[0]
        try:
            with db.session.begin_nested():
                moved = db.session.execute(
                    sa.update(Application).where(Application.id == application.id,
                                                 Application.status == ApplicationStatus.DRAFT)
                    .values(status=ApplicationStatus.SUBMITTED, submitted_at=now, reference=reference)
                    .execution_options(synchronize_session=False)).rowcount
        except IntegrityError:
            continue  # another artist submitted with the same reference a moment ago: draw again
        break
    else:
        raise ApplicationError(_l("The application could not be submitted just now; please try again."))
    db.session.refresh(application)
    if moved != 1:
        return False
    artist = application.artist
    application.municipality_id = artist.municipality_id
    application.discipline = artist.discipline
    application.is_first_timer = is_first_timer(artist=artist, call=application.call)
    mail_artist(application, "application_received",
                 _l("We have received your application to %(call)s", call=application.call.title))
    return True


NO_ACCOUNT = _l("no account")
ACCOUNT_ERASED = _l("account erased")


def why_no_mail(artist: ArtistProfile) -> str | None:
    """Why kunstvest cannot email the artist (no account, or an erased one); None when it can."""
    if artist.user is None:
        return NO_ACCOUNT
    if artist.user.erased_at is not None:
        return ACCOUNT_ERASED
    return None


def mail_artist(application: Application, template: str, subject, **context) -> bool:
    """Queue an email about the application to its artist, in the artist's language; False when they have no
    account to mail."""
    user = application.artist.user
    if why_no_mail(application.artist) is not None:
        return False
    queue_mail(to=user.email, template=template, subject=subject, locale=user.locale,
               application=application, call=application.call, artist=application.artist, **context)
    return True


def withdraw_application(*, application: Application, actor, now: datetime | None = None) -> None:
    """Withdraw an application (by the artist or an admin); a freed place can then go to the waitlist."""
    if application.status in (ApplicationStatus.WITHDRAWN, ApplicationStatus.REJECTED):
        raise ApplicationError(_l("This application cannot be withdrawn."))
    previous = application.status
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = now or utcnow()
    application.waitlist_position = None
    record_audit(actor=actor, action="application.withdrawn", target=application,
                 details={"previous_status": previous.value})


def visible_status(application: Application) -> ApplicationStatus:
    """The status the artist may see: decisions stay hidden until the call's results are published."""
    if application.status in DECISIONS and application.call.phase != CallPhase.PUBLISHED:
        return ApplicationStatus.SUBMITTED
    return application.status


def next_on_waitlist(*, call: OpenCall) -> Application | None:
    """The waitlisted application first in line for a freed place."""
    return db.session.scalar(
        sa.select(Application).where(Application.call_id == call.id,
                                     Application.status == ApplicationStatus.WAITLISTED)
        .order_by(Application.waitlist_position.nulls_last(), Application.id).limit(1))


def promote_from_waitlist(*, call: OpenCall, actor, expected: Application | None = None,
                          now: datetime | None = None) -> Application | None:
    """Offer the freed place to the first on the waitlist and tell them; None when the waitlist is empty.

    With `expected` (the application a confirmation page named) it is refused when someone else is first by now.
    """
    if call.phase != CallPhase.PUBLISHED:
        raise ApplicationError(_l("The waitlist moves only after the results are published."))
    promoted = next_on_waitlist(call=call)
    if promoted is None:
        return None
    if expected is not None and expected.id != promoted.id:
        raise ApplicationError(_l("The waiting list has changed since the page was shown; check who is first now."))
    promoted.status = ApplicationStatus.ACCEPTED
    promoted.waitlist_position = None
    promoted.decided_at = now or utcnow()
    record_audit(actor=actor, action="application.promoted_from_waitlist", target=promoted)
    mail_artist(promoted, "decision_promoted", _l("Action required: you have been offered a place in %(call)s",
                                                    call=call.title))
    return promoted


# --- images ----------------------------------------------------------------------------------------------------------

def save_image(*, stream: BinaryIO, limits: "images.ImageLimits", store: Storage) -> ImageFile:
    """Check, clean and store an uploaded image; the same picture uploaded twice is stored once."""
    processed = images.process_image(stream, limits=limits)
    images.store_image(processed, store=store)
    image = db.session.scalar(sa.select(ImageFile).where(ImageFile.sha256 == processed.sha256))
    if image is None:
        image = ImageFile(sha256=processed.sha256, width=processed.width, height=processed.height)
        db.session.add(image)
        db.session.flush()
    return image


# --- the chosen work ------------------------------------------------------------------------------------------------

PRICE_MISSING = _l("Give the price the work is for sale at, or choose «Not for sale».")


class PriceMissing(ApplicationError):
    """An exhibition work offered for sale without a price, neither given nor applied with."""


def save_chosen_work(*, application: Application, source_work: Work | None = None, title: str,
                     year: int | None = None, technique: str = "", width_cm=None, height_cm=None, depth_cm=None,
                     price=None, insurance_value=None, is_for_sale: bool = True, image: ImageFile | None = None,
                     confirm: bool = False, now: datetime | None = None) -> ChosenWork:
    """Record the accepted artist's one exhibition work (an applied work or a new one), confirmed by the deadline.

    A work for sale needs a price (for an applied work, the one it was applied with will do); one not for sale has none.
    """
    now = now or utcnow()
    if visible_status(application) != ApplicationStatus.ACCEPTED:
        raise ApplicationError(_l("Only accepted artists choose an exhibition work."))
    deadline = application.call.work_choice_deadline
    if deadline is not None and now.date() > deadline:
        raise ApplicationError(_l("The deadline for choosing the exhibition work was %(date)s; "
                                  "contact the secretariat.", date=deadline.strftime("%d.%m.%Y")))
    if source_work is not None and source_work.application_id != application.id:
        raise ApplicationError(_l("The work belongs to another application."))
    if source_work is not None:
        # What the artist leaves blank is what they applied with.
        title, technique = title or source_work.title, technique or source_work.technique
        year = year if year is not None else source_work.year
        width_cm, height_cm, depth_cm = (given if given is not None else applied for given, applied in (
            (width_cm, source_work.width_cm), (height_cm, source_work.height_cm), (depth_cm, source_work.depth_cm)))
        price = price if price is not None else source_work.price
    if not title or not technique:
        raise ApplicationError(_l("Give the work's title and technique."))
    if not is_for_sale:
        price = None
    elif price is None:
        raise PriceMissing(PRICE_MISSING)
    image = image or (source_work.image if source_work is not None else None)
    chosen = application.chosen_work
    if image is None and (chosen is None or chosen.image is None):
        raise ApplicationError(_l("Add an image of the work."))
    if chosen is None:
        chosen = ChosenWork(application=application)
        db.session.add(chosen)
    chosen.source_work_id = source_work.id if source_work is not None else None
    chosen.title, chosen.year, chosen.technique = title, year, technique
    chosen.width_cm, chosen.height_cm, chosen.depth_cm = width_cm, height_cm, depth_cm
    chosen.price = to_money(price) if price is not None else None
    chosen.insurance_value = to_money(insurance_value) if insurance_value is not None else None
    chosen.is_for_sale = is_for_sale
    if image is not None:
        chosen.image = image
    if confirm and chosen.confirmed_at is None:
        chosen.confirmed_at = now
    db.session.flush()
    return chosen


def exhibition_works(*, call: OpenCall) -> list[ChosenWork]:
    """The chosen works of the call's accepted artists, by artist name."""
    return list(db.session.scalars(
        sa.select(ChosenWork).join(ChosenWork.application).join(Application.artist)
        .where(Application.call_id == call.id, Application.status == ApplicationStatus.ACCEPTED)
        .options(sa.orm.contains_eager(ChosenWork.application).contains_eager(Application.artist))
        .order_by(ArtistProfile.name)))


def accepted_without_chosen_work(*, call: OpenCall) -> list[Application]:
    """Accepted applications whose artist has not confirmed an exhibition work yet."""
    confirmed = sa.select(ChosenWork.application_id).where(ChosenWork.confirmed_at.is_not(None))
    return list(db.session.scalars(
        sa.select(Application).join(Application.artist)
        .where(Application.call_id == call.id, Application.status == ApplicationStatus.ACCEPTED,
               Application.id.not_in(confirmed))
        .order_by(ArtistProfile.name)))


# --- who may see what ------------------------------------------------------------------------------------------------

def may_see_application(*, user, application: Application) -> bool:
    """Admins, the artist, and assigned jurors without a conflict may see an application and its images."""
    if not user.is_authenticated:
        return False
    if user.has_role("admin") or (application.artist.user_id is not None and application.artist.user_id == user.id):
        return True
    from kunstvest.applications.reviewing import may_read

    return user.has_role("jury") and may_read(application=application, juror=user)


def is_public(chosen: ChosenWork) -> bool:
    """A chosen work is public once the results are published and its artist is accepted."""
    application = chosen.application
    return application.call.phase == CallPhase.PUBLISHED and application.status == ApplicationStatus.ACCEPTED
