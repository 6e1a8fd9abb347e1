"""The jury's rules: conflicts of interest, who may see what, each juror's own order, and scoring."""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from kunstvest.applications.models import (
    Application,
    ApplicationStatus,
    ArtistProfile,
    CallPhase,
    Conflict,
    ConflictStatus,
    JurorAssignment,
    OpenCall,
    Review,
    Score,
)
from kunstvest.applications.services import ApplicationError
from kunstvest.common.audit import AuditEvent, record_audit
from kunstvest.common.models import utcnow
from kunstvest.common.outbox import queue_mail
from kunstvest.extensions import db

# Applications a jury reads: everything submitted, whatever the (still hidden) decision.
IN_JURY = (ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED,
           ApplicationStatus.REJECTED)
# A suggestion hides the application until the juror dismisses it: better safe than a scored conflict.
BLOCKING = (ConflictStatus.SUGGESTED, ConflictStatus.CONFIRMED)
# Jurors read a call's applications from the jury phase on, read-only once it is over; while artists can still
# apply or change their applications, and until the secretariat starts the jury, they see none of them.
JURY_READS = (CallPhase.JURYING, CallPhase.DECIDING, CallPhase.PUBLISHED)


def _normalised(text: str) -> str:
    return re.sub(r"[^0-9a-zæøå]+", "", (text or "").casefold())


def _surname(name: str) -> str:
    return _normalised(name.split()[-1]) if name.split() else ""


def conflict_reasons(*, juror, juror_profile: ArtistProfile | None, artist: ArtistProfile) -> list[str]:
    """Why a juror may be conflicted with an artist, from what the data allows; empty when nothing matches."""
    reasons = []
    if artist.user_id is not None and artist.user_id == juror.id:
        return [str(_l("You are the applicant."))]
    if artist.user is not None and artist.user.email.casefold() == juror.email.casefold():
        reasons.append(str(_l("The applicant has your email address.")))
    if juror.phone and _normalised(artist.phone) and _normalised(artist.phone) == _normalised(juror.phone):
        reasons.append(str(_l("The applicant has your phone number (same household?).")))
    if juror_profile is not None:
        if (_normalised(artist.address) and _normalised(artist.address) == _normalised(juror_profile.address)
                and artist.postcode == juror_profile.postcode):
            reasons.append(str(_l("The applicant lives or works at your address.")))
        elif (_surname(artist.name) and _surname(artist.name) == _surname(juror.full_name)
              and artist.postcode and artist.postcode == juror_profile.postcode):
            reasons.append(str(_l("The applicant has your surname and postcode (same family?).")))
        collective = _normalised(juror_profile.studio_collective)
        if collective and collective == _normalised(artist.studio_collective):
            reasons.append(str(_l("The applicant is in your studio collective, %(name)s.",
                                  name=juror_profile.studio_collective)))
    return reasons


def suggest_conflicts(*, call: OpenCall) -> int:
    """Suggest likely conflicts for every juror and submitted application that has none recorded; returns how many."""
    jurors = [assignment.juror for assignment in call.jurors]
    if not jurors:
        return 0
    profiles = {p.user_id: p for p in db.session.scalars(
        sa.select(ArtistProfile).where(ArtistProfile.user_id.in_([j.id for j in jurors])))}
    recorded = {(application_id, juror_id) for application_id, juror_id in db.session.execute(
        sa.select(Conflict.application_id, Conflict.juror_id).join(Conflict.application)
        .where(Application.call_id == call.id))}
    applications = db.session.scalars(
        sa.select(Application).where(Application.call_id == call.id, Application.status.in_(IN_JURY)))
    created = 0
    for application in applications:
        for juror in jurors:
            if (application.id, juror.id) in recorded:
                continue
            reasons = conflict_reasons(juror=juror, juror_profile=profiles.get(juror.id), artist=application.artist)
            if reasons:
                db.session.add(Conflict(application=application, juror_id=juror.id,
                                        status=ConflictStatus.SUGGESTED, reason=" ".join(reasons)[:300]))
                created += 1
    db.session.flush()
    return created


def declare_conflict(*, application: Application, juror, reason: str = "") -> Conflict:
    """The juror declares a conflict while the jury is at work: the application leaves their list; audited."""
    if not scoring_is_open(call=application.call):
        raise ApplicationError(_l("Conflicts of interest can be declared only while the jury is at work; "
                                  "after that, tell the secretariat."))
    conflict = _conflict(application, juror)
    if conflict is None:
        conflict = Conflict(application=application, juror_id=juror.id, status=ConflictStatus.CONFIRMED)
        db.session.add(conflict)
    conflict.status, conflict.resolved_at = ConflictStatus.CONFIRMED, utcnow()
    conflict.reason = reason[:300] or conflict.reason
    db.session.execute(sa.delete(Review).where(Review.application_id == application.id,
                                               Review.juror_id == juror.id))
    record_audit(actor=juror, action="conflict.declared", target=application)
    return conflict


def resolve_conflict(*, conflict: Conflict, juror, is_conflict: bool) -> None:
    """The juror confirms or dismisses a suggested conflict; audited, since it decides who scores what."""
    if conflict.juror_id != juror.id:
        raise ApplicationError(_l("Only the juror concerned can resolve this conflict."))
    if not scoring_is_open(call=conflict.application.call):
        raise ApplicationError(_l("Conflicts of interest can be declared only while the jury is at work; "
                                  "after that, tell the secretariat."))
    if is_conflict:
        declare_conflict(application=conflict.application, juror=juror, reason=conflict.reason)
        return
    conflict.status, conflict.resolved_at = ConflictStatus.DISMISSED, utcnow()
    record_audit(actor=juror, action="conflict.dismissed", target=conflict.application,
                 details={"reason": conflict.reason})


def _conflict(application: Application, juror) -> Conflict | None:
    return db.session.scalar(sa.select(Conflict).where(Conflict.application_id == application.id,
                                                       Conflict.juror_id == juror.id))


def suggested_conflicts(*, call: OpenCall, juror) -> list[Conflict]:
    """The juror's suggested conflicts awaiting their answer, once the call's applications are theirs to read."""
    if not jury_may_read(call=call):
        return []
    return list(db.session.scalars(
        sa.select(Conflict).join(Conflict.application)
        .where(Application.call_id == call.id, Application.status.in_(IN_JURY), Conflict.juror_id == juror.id,
               Conflict.status == ConflictStatus.SUGGESTED).order_by(Application.reference)))


def is_assigned(*, call: OpenCall, juror) -> bool:
    """True when the user sits on the call's jury."""
    return db.session.get(JurorAssignment, (call.id, juror.id)) is not None


def _blocked_for(juror_id: int):
    return sa.select(Conflict.application_id).where(Conflict.juror_id == juror_id, Conflict.status.in_(BLOCKING))


def jury_may_read(*, call: OpenCall) -> bool:
    """True once the call is in the jury phase or past it; before that no juror sees any of its applications."""
    return call.phase in JURY_READS


def may_read(*, application: Application, juror) -> bool:
    """An assigned juror without a conflict may read a submitted application, from the jury phase on."""
    return (application.status in IN_JURY and jury_may_read(call=application.call)
            and is_assigned(call=application.call, juror=juror)
            and db.session.scalar(sa.select(sa.exists(_blocked_for(juror.id).where(
                Conflict.application_id == application.id)))) is False)


def juror_order(*, call: OpenCall, juror) -> list[int]:
    """The ids of the applications this juror may read, in the juror's own random but stable order."""
    assignment = db.session.get(JurorAssignment, (call.id, juror.id))
    if assignment is None or not jury_may_read(call=call):
        return []
    ids = db.session.scalars(sa.select(Application.id).where(
        Application.call_id == call.id, Application.status.in_(IN_JURY),
        Application.id.not_in(_blocked_for(juror.id))))
    return sorted(ids, key=lambda i: hashlib.sha256(f"{assignment.order_seed}:{i}".encode()).digest())


@dataclass(frozen=True)
class Progress:
    scored: int
    total: int


def jury_progress(*, call: OpenCall, juror) -> Progress:
    """How many of the applications the juror may read they have scored."""
    readable = sa.select(Application.id).where(
        Application.call_id == call.id, Application.status.in_(IN_JURY),
        Application.id.not_in(_blocked_for(juror.id)))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(readable.subquery()))
    scored = db.session.scalar(sa.select(sa.func.count(Review.id)).where(
        Review.juror_id == juror.id, Review.application_id.in_(readable)))
    return Progress(scored=scored, total=total)


def review_of(*, application: Application, juror) -> Review | None:
    """The juror's own review of an application."""
    return db.session.scalar(sa.select(Review).where(Review.application_id == application.id,
                                                     Review.juror_id == juror.id))


def reviewed_ids(*, call: OpenCall, juror) -> set[int]:
    """The ids of the call's applications the juror has scored."""
    return set(db.session.scalars(sa.select(Review.application_id).join(Application)
                                  .where(Application.call_id == call.id, Review.juror_id == juror.id)))


def score_application(*, application: Application, juror, scores: dict[int, int], comment: str = "",
                      now: datetime | None = None) -> Review:
    """Score every criterion of an application (or revise the scores) while the jury phase lasts."""
    call = application.call
    if call.phase != CallPhase.JURYING:
        raise ApplicationError(_l("Scores can be given or changed only while the jury is at work."))
    if not may_read(application=application, juror=juror):
        raise ApplicationError(_l("You cannot score this application."))
    by_id = {criterion.id: criterion for criterion in call.criteria}
    if set(scores) != set(by_id):
        raise ApplicationError(_l("Score every criterion."))
    for criterion_id, value in scores.items():
        criterion = by_id[criterion_id]
        if not criterion.scale_min <= value <= criterion.scale_max:
            raise ApplicationError(_l("%(criterion)s is scored from %(low)d to %(high)d.", criterion=criterion.name,
                                      low=criterion.scale_min, high=criterion.scale_max))
    review = review_of(application=application, juror=juror)
    if review is None:
        review = Review(application_id=application.id, juror_id=juror.id)
        db.session.add(review)
    review.comment = comment
    review.scored_at = now or utcnow()
    existing = {score.criterion_id: score for score in review.scores}
    for criterion_id, value in scores.items():
        if criterion_id in existing:
            existing[criterion_id].value = value
        else:
            review.scores.append(Score(criterion_id=criterion_id, value=value))
    db.session.flush()
    return review


def reviews_seen_by(*, application: Application, juror) -> tuple[Review | None, list[Review] | None]:
    """The juror's own review, and the other jurors' reviews once the juror has scored the application (else None)."""
    reviews = list(db.session.scalars(
        sa.select(Review).where(Review.application_id == application.id).order_by(Review.id)))
    own = next((review for review in reviews if review.juror_id == juror.id), None)
    return own, None if own is None else [review for review in reviews if review is not own]


def other_reviews(*, application: Application, juror) -> list[Review] | None:
    """Other jurors' reviews, shown only once the juror has scored the application; None until then."""
    return reviews_seen_by(application=application, juror=juror)[1]


def weighted_mean(values: dict[int, int], criteria) -> Decimal:
    """Scores (criterion id → value) as one weighted mean on the rubric's scale."""
    weights = {criterion.id: Decimal(criterion.weight) for criterion in criteria}
    total_weight = sum(weights[criterion_id] for criterion_id in values)
    if not total_weight:
        return Decimal(0)
    return sum(weights[criterion_id] * value for criterion_id, value in values.items()) / total_weight


def weighted_score(review: Review, criteria) -> Decimal:
    """A review's weighted mean on the rubric's scale."""
    return weighted_mean({score.criterion_id: score.value for score in review.scores}, criteria)


# --- the jury's pages -----------------------------------------------------------------------------------------------

def scoring_is_open(*, call: OpenCall) -> bool:
    """True while jurors may give or change scores: the call is in the jury phase."""
    return call.phase == CallPhase.JURYING


JUROR_MAILED = "call.juror_mailed_jury_started"


@dataclass(frozen=True)
class JuryStart:
    """The jurors emailed that the jury has started, those emailed at an earlier start of the same call, and those
    whose account is erased (nobody to mail)."""

    mailed: list
    mailed_before: list
    erased: list = field(default_factory=list)


def jury_start_plan(*, call: OpenCall) -> JuryStart:
    """Whom moving the call to jurying would mail (in `mailed`), who was mailed at an earlier start, who is erased."""
    mailed_before_ids = {event.details.get("juror_id") for event in db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == JUROR_MAILED, AuditEvent.object_type == OpenCall.__tablename__,
                                    AuditEvent.object_id == str(call.id)))}
    plan = JuryStart(mailed=[], mailed_before=[])
    for assignment in call.jurors:
        juror = assignment.juror
        if juror.id in mailed_before_ids:
            plan.mailed_before.append(juror)
        elif juror.erased_at is not None:
            plan.erased.append(juror)
        else:
            plan.mailed.append(juror)
    return plan


def mail_jurors(*, call: OpenCall, actor=None) -> JuryStart:
    """Email each juror of the call, once per call, that the jury has started: how many applications wait for their
    scores, with a link to their jury page. Moving the call to jurying again mails only jurors not mailed yet."""
    outcome = jury_start_plan(call=call)
    for juror in outcome.mailed:
        queue_mail(to=juror.email, template="jury_started", locale=juror.locale,
                   subject=_l("The jury of %(call)s has started", call=call.title), juror=juror, call=call,
                   applications=jury_progress(call=call, juror=juror).total,
                   conflicts=len(suggested_conflicts(call=call, juror=juror)))
        record_audit(actor=actor, action=JUROR_MAILED, target=call, details={"juror_id": juror.id})
    return outcome


def juror_calls(*, juror) -> list[OpenCall]:
    """The calls the user sits on the jury of, newest season first."""
    from kunstvest.reference.models import Season

    return list(db.session.scalars(
        sa.select(OpenCall).join(JurorAssignment).join(OpenCall.season)
        .where(JurorAssignment.juror_id == juror.id).order_by(Season.year.desc())))


def readable_applications(*, call: OpenCall, juror) -> list[Application]:
    """The applications the juror may read, in their own order, with the works, in one query however many.

    In a blind call the artist is not even loaded: a page built from these cannot name them by mistake.
    """
    order = juror_order(call=call, juror=juror)
    # Works by a joined load, as select-in takes one more query per 500 applications; the call is loaded already.
    options = [sa.orm.joinedload(Application.works), sa.orm.lazyload(Application.chosen_work),
               sa.orm.lazyload(Application.call)]
    if call.is_blind:
        options += [sa.orm.raiseload(Application.artist), sa.orm.raiseload(Application.municipality)]
    loaded = {application.id: application for application in db.session.scalars(
        sa.select(Application).where(Application.id.in_(order)).options(*options)).unique()}
    return [loaded[application_id] for application_id in order if application_id in loaded]


def next_unscored(*, order: list[int], scored: set[int], after: int | None = None) -> int | None:
    """The first application in the juror's order after `after` (wrapping round) that they have not scored."""
    start = order.index(after) + 1 if after in order else 0
    return next((application_id for application_id in order[start:] + order[:start]
                 if application_id not in scored), None)
