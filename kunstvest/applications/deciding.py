"""Deciding: the ranking (raw and per-juror normalised), the cut line, decisions, publishing and the figures."""

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import lazyload

from kunstvest.applications.reviewing import IN_JURY
from kunstvest.applications.models import (
    DECISIONS,
    Application,
    ApplicationStatus,
    ArtistProfile,
    CallPhase,
    Conflict,
    Criterion,
    Discipline,
    JointRecommendation,
    OpenCall,
    Review,
    Score,
)
from kunstvest.applications.services import ApplicationError, mail_artist, why_no_mail
from kunstvest.auth.models import User
from kunstvest.common.audit import AuditEvent, record_audit
from kunstvest.common.models import utcnow
from kunstvest.common.outbox import queue_mail
from kunstvest.extensions import db
from kunstvest.reference.models import Municipality


@dataclass(slots=True)
class RankingRow:
    """One application as the ranking page shows it: a few columns and its scores, without the ORM entity."""

    application_id: int
    reference: str | None
    artist_name: str
    municipality_name: str | None
    discipline: Discipline | None
    is_first_timer: bool | None
    is_to_discuss: bool
    joint_recommendation: JointRecommendation | None
    status: ApplicationStatus
    is_decision_manual: bool
    submitted_at: datetime | None
    juror_scores: dict[int, Decimal] = field(default_factory=dict)  # juror id → weighted mean on the rubric's scale
    juror_z: dict[int, float] = field(default_factory=dict)  # juror id → that score as a z-score of the juror's own
    raw_mean: Decimal | None = None
    z_mean: float | None = None
    is_disagreement: bool = False
    rank: int = 0

    @property
    def needs_discussion(self) -> bool:
        return self.is_disagreement or self.is_to_discuss


@dataclass(slots=True, kw_only=True)
class RankedApplication(RankingRow):
    """A ranking row with its application's ORM entity, for the services that decide on it."""

    application: Application


def _weighted_sums(call: OpenCall) -> sa.Result:
    """Per review of the call's applications in the jury: application id, juror id, Σ weight × score and Σ weight.

    Summed in SQL, one row per review; the division stays in Decimal so the means equal reviewing.weighted_mean's.
    """
    # Typed so that SQLite's float sums come back as the same two-decimal Decimals as PostgreSQL's numeric.
    weighted = sa.type_coerce(sa.func.sum(Score.value * Criterion.weight), sa.Numeric(14, 2))
    weights = sa.type_coerce(sa.func.sum(Criterion.weight), sa.Numeric(14, 2))
    return db.session.execute(
        sa.select(Review.application_id, Review.juror_id, weighted, weights)
        .join(Score, Score.review_id == Review.id).join(Criterion, Criterion.id == Score.criterion_id)
        .join(Application, Application.id == Review.application_id)
        .where(Application.call_id == call.id, Application.status.in_(IN_JURY))
        .group_by(Review.id, Review.application_id, Review.juror_id)
        # One order of adding up, so that equal scores give equal means to the last digit.
        .order_by(Review.application_id, Review.juror_id))


def ranking_rows(*, call: OpenCall) -> list[RankingRow]:
    """Every submitted application ranked by its mean z-score, so a strict and a lenient juror count alike.

    Each juror's weighted scores are standardised against that juror's own mean and (population) standard
    deviation; an application's z-score is the mean over the jurors who scored it. Unscored ones come last.
    Two queries read only the columns the ranking page shows; ranking() adds the ORM entities for deciding.
    """
    rows = db.session.execute(  # the columns in RankingRow's field order
        sa.select(Application.id, Application.reference, ArtistProfile.name, Municipality.name,
                  Application.discipline, Application.is_first_timer, Application.is_to_discuss,
                  Application.joint_recommendation, Application.status, Application.is_decision_manual,
                  Application.submitted_at)
        .join(ArtistProfile, ArtistProfile.id == Application.artist_id)
        .outerjoin(Municipality, Municipality.id == Application.municipality_id)
        .where(Application.call_id == call.id, Application.status.in_(IN_JURY)))
    ranked = {row[0]: RankingRow(*row) for row in rows}
    by_juror: dict[int, list[tuple[RankingRow, Decimal]]] = defaultdict(list)
    for application_id, juror_id, weighted, weights in _weighted_sums(call):
        entry = ranked.get(application_id)
        if entry is None:  # it entered the jury between the two queries: ranked on the next load
            continue
        score = weighted / weights if weights else Decimal(0)
        entry.juror_scores[juror_id] = score
        by_juror[juror_id].append((entry, score))
    for juror_id, scores in by_juror.items():
        values = [float(score) for _, score in scores]
        mean, spread = statistics.fmean(values), statistics.pstdev(values)
        for (entry, _), value in zip(scores, values):
            entry.juror_z[juror_id] = (value - mean) / spread if spread else 0.0
    margin = Decimal(call.disagreement_margin)
    for entry in ranked.values():
        if entry.juror_scores:
            scores = list(entry.juror_scores.values())
            entry.raw_mean = sum(scores) / len(scores)
            entry.z_mean = statistics.fmean(entry.juror_z.values())
            entry.is_disagreement = max(scores) - min(scores) > margin
    now = utcnow()
    ordered = sorted(ranked.values(), key=lambda e: (
        e.z_mean is None, -(e.z_mean or 0.0), -(e.raw_mean or 0), e.submitted_at or now, e.application_id))
    for rank, entry in enumerate(ordered, start=1):
        entry.rank = rank
    return ordered


def ranking(*, call: OpenCall) -> list[RankedApplication]:
    """ranking_rows() with each application's ORM entity, for the services that decide on them."""
    applications = {application.id: application for application in db.session.scalars(
        sa.select(Application).where(Application.call_id == call.id, Application.status.in_(IN_JURY))
        .options(lazyload(Application.works), lazyload(Application.chosen_work)))}
    return [RankedApplication(**{column.name: getattr(row, column.name) for column in fields(RankingRow)},
                              application=applications[row.application_id])
            for row in ranking_rows(call=call) if row.application_id in applications]


def _require_deciding(call: OpenCall) -> None:
    if call.phase != CallPhase.DECIDING:
        raise ApplicationError(_l("Decisions can be made only while the call is in the deciding phase."))


def apply_cut_line(*, call: OpenCall, cut_line: int, waitlist_size: int, actor,
                   now: datetime | None = None) -> None:
    """Accept the applications above the cut line, waitlist the next ones and reject the rest (manual ones stay)."""
    _require_deciding(call)
    if cut_line < 0 or waitlist_size < 0:
        raise ApplicationError(_l("The cut line and the waitlist cannot be negative."))
    call.cut_line, call.waitlist_size = cut_line, waitlist_size
    now = now or utcnow()
    ranked = ranking(call=call)
    for entry in ranked:
        application = entry.application
        if application.is_decision_manual:
            continue
        if entry.rank <= cut_line:
            application.status = ApplicationStatus.ACCEPTED
        elif entry.rank <= cut_line + waitlist_size:
            application.status = ApplicationStatus.WAITLISTED
        else:
            application.status = ApplicationStatus.REJECTED
        application.decided_at = now
    _number_waitlist(ranked)
    record_audit(actor=actor, action="call.cut_line_set", target=call,
                 details={"cut_line": cut_line, "waitlist_size": waitlist_size,
                          **{status.value: count for status, count in
                             Counter(e.application.status for e in ranked).items()}})


def _number_waitlist(ranked: list[RankedApplication]) -> None:
    position = 0
    for entry in ranked:
        if entry.application.status == ApplicationStatus.WAITLISTED:
            position += 1
            entry.application.waitlist_position = position
        else:
            entry.application.waitlist_position = None


def decide(*, application: Application, status: ApplicationStatus, actor, now: datetime | None = None) -> None:
    """Set one application's decision by hand; it then stays when the cut line moves. Audited."""
    call = application.call
    _require_deciding(call)
    if status not in (*DECISIONS, ApplicationStatus.SUBMITTED):
        raise ApplicationError(_l("That is not a decision."))
    previous = application.status
    application.status = status
    # Back to "submitted" means: let the cut line decide again.
    application.is_decision_manual = status != ApplicationStatus.SUBMITTED
    application.decided_at = now or utcnow()
    db.session.flush()
    _number_waitlist(ranking(call=call))
    record_audit(actor=actor, action="application.decided", target=application,
                 details={"from": previous.value, "to": status.value})


def record_jury_discussion(*, application: Application, recommendation: JointRecommendation | None,
                           note: str, is_to_discuss: bool, actor) -> None:
    """Record the jury's joint recommendation and note, and whether the application is still to discuss."""
    _require_deciding(application.call)
    application.joint_recommendation = recommendation
    application.jury_note = note
    application.is_to_discuss = is_to_discuss
    record_audit(actor=actor, action="application.jury_discussion", target=application,
                 details={"recommendation": recommendation.value if recommendation else None,
                          "to_discuss": is_to_discuss})


@dataclass
class DecisionCounts:
    by_status: Counter
    accepted_by_municipality: Counter
    accepted_by_discipline: Counter
    accepted_first_timers: int


def decision_counts(*, call: OpenCall) -> DecisionCounts:
    """Running counts for the cut line: decisions, and the accepted by municipality, discipline and first-timers."""
    rows = db.session.execute(
        sa.select(Application.status, Municipality.name, Application.discipline, Application.is_first_timer,
                  sa.func.count())
        .outerjoin(Municipality, Municipality.id == Application.municipality_id)
        .where(Application.call_id == call.id, Application.status != ApplicationStatus.DRAFT)
        .group_by(Application.status, Municipality.name, Application.discipline, Application.is_first_timer))
    counts = DecisionCounts(Counter(), Counter(), Counter(), 0)
    for status, municipality, discipline, first_timer, count in rows:
        counts.by_status[status] += count
        if status == ApplicationStatus.ACCEPTED:
            counts.accepted_by_municipality[municipality or "—"] += count
            counts.accepted_by_discipline[discipline] += count
            counts.accepted_first_timers += count if first_timer else 0
    return counts


DECISION_TEMPLATES = {
    ApplicationStatus.ACCEPTED: "decision_accepted",
    ApplicationStatus.WAITLISTED: "decision_waitlisted",
    ApplicationStatus.REJECTED: "decision_rejected",
}


def decision_subject(status: ApplicationStatus, call: OpenCall):
    """The email subject for a decision; the acceptance asks for action by the work-choice deadline."""
    if status == ApplicationStatus.ACCEPTED:
        deadline = call.work_choice_deadline.strftime("%d.%m.%Y") if call.work_choice_deadline else "—"
        return _l("Accepted to %(call)s – action required: choose your exhibition work by %(date)s",
                  call=call.title, date=deadline)
    if status == ApplicationStatus.WAITLISTED:
        return _l("%(call)s: you are on the waiting list", call=call.title)
    return _l("%(call)s: the jury's decision", call=call.title)


@dataclass
class PublishOutcome:
    queued: int  # decision emails put in the outbox
    unmailed: list[Application]  # decided applicants with no address to mail, for the secretariat to reach


def publish_decisions(*, call: OpenCall, actor, now: datetime | None = None) -> PublishOutcome:
    """Publish the results: artists see their decision and each one with an account gets one email."""
    _require_deciding(call)
    undecided = db.session.scalar(sa.select(sa.func.count(Application.id)).where(
        Application.call_id == call.id, Application.status == ApplicationStatus.SUBMITTED))
    if undecided:
        raise ApplicationError(_l("%(count)d applications have no decision yet.", count=undecided))
    now = now or utcnow()
    call.phase, call.published_at = CallPhase.PUBLISHED, now
    decided = db.session.scalars(
        sa.select(Application).where(Application.call_id == call.id, Application.status.in_(DECISIONS))
        .options(lazyload(Application.works), lazyload(Application.chosen_work)).order_by(Application.id))
    queued, unmailed = Counter(), []
    for application in decided:
        if mail_artist(application, DECISION_TEMPLATES[application.status],
                       decision_subject(application.status, call)):
            queued[application.status.value] += 1
        else:
            unmailed.append(application)
    record_audit(actor=actor, action="call.published", target=call,
                 details={**queued, "without_email": len(unmailed)})
    return PublishOutcome(queued=sum(queued.values()), unmailed=unmailed)


@dataclass
class UnmailedDecision:
    application: Application
    reason: str  # why kunstvest has no address for the artist
    mailed_to: str | None = None  # the address the secretariat queued the decision to, if it did
    mailed_at: datetime | None = None


def _unmailed(query: sa.Select, call: OpenCall) -> sa.Select:
    """`query` narrowed to the call's decided applications whose artist has no account, or an erased one."""
    return (query.join(ArtistProfile, ArtistProfile.id == Application.artist_id)
            .outerjoin(User, User.id == ArtistProfile.user_id)
            .where(Application.call_id == call.id, Application.status.in_(DECISIONS),
                   sa.or_(ArtistProfile.user_id.is_(None), User.erased_at.is_not(None))))


def unmailed_count(*, call: OpenCall) -> int:
    """How many decided applicants kunstvest cannot email, in one count."""
    return db.session.scalar(_unmailed(sa.select(sa.func.count(Application.id)), call))


def unmailed_decisions(*, call: OpenCall) -> list[UnmailedDecision]:
    """The decided applicants kunstvest cannot email (no account, or an erased one), by name, each with the address
    the secretariat has since queued their decision to."""
    applications = db.session.scalars(
        _unmailed(sa.select(Application), call)
        .options(lazyload(Application.works), lazyload(Application.chosen_work))
        .order_by(ArtistProfile.name, Application.id))
    rows = {application.id: UnmailedDecision(application, str(why_no_mail(application.artist)))
            for application in applications}
    mailed = db.session.execute(
        sa.select(AuditEvent.object_id, AuditEvent.occurred_at, AuditEvent.details)
        .where(AuditEvent.action == "application.decision_mailed_by_hand", AuditEvent.object_type == "applications",
               AuditEvent.object_id.in_([str(application_id) for application_id in rows]))
        .order_by(AuditEvent.occurred_at, AuditEvent.id))
    for object_id, occurred_at, details in mailed:
        row = rows[int(object_id)]
        row.mailed_to, row.mailed_at = details.get("to"), occurred_at
    return list(rows.values())


def mail_decision_to(*, application: Application, email: str, actor) -> None:
    """Queue a published decision to an address the secretariat found for an artist kunstvest cannot mail."""
    call = application.call
    if call.phase != CallPhase.PUBLISHED or application.status not in DECISIONS:
        raise ApplicationError(_l("Only a published decision can be mailed."))
    if why_no_mail(application.artist) is None:
        raise ApplicationError(_l("%(name)s has an account and got the decision by email.",
                                  name=application.artist.name))
    queue_mail(to=email, template=DECISION_TEMPLATES[application.status],
               subject=decision_subject(application.status, call), locale="nb",
               application=application, call=call, artist=application.artist)
    record_audit(actor=actor, action="application.decision_mailed_by_hand", target=application,
                 details={"to": email, "decision": application.status.value})


@dataclass
class CallFigures:
    year: int
    applicants: int = 0
    accepted: int = 0
    first_timers_applied: int = 0
    first_timers_accepted: int = 0
    by_municipality: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    by_discipline: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))


def call_statistics(*, calls: list[OpenCall]) -> list[CallFigures]:
    """Applicants and accepted per municipality, discipline and first-timers, one entry per call, in one query."""
    figures = {call.id: CallFigures(year=call.year) for call in calls}
    rows = db.session.execute(
        sa.select(Application.call_id, Municipality.name, Application.discipline, Application.is_first_timer,
                  Application.status, sa.func.count())
        .outerjoin(Municipality, Municipality.id == Application.municipality_id)
        .where(Application.call_id.in_(figures), Application.status != ApplicationStatus.DRAFT)
        .group_by(Application.call_id, Municipality.name, Application.discipline, Application.is_first_timer,
                  Application.status))
    for call_id, municipality, discipline, first_timer, status, count in rows:
        entry = figures[call_id]
        # A withdrawn application still counts as applied; "accepted" means accepted when the results stand.
        is_accepted = int(status == ApplicationStatus.ACCEPTED) * count
        entry.applicants += count
        entry.accepted += is_accepted
        entry.first_timers_applied += count if first_timer else 0
        entry.first_timers_accepted += is_accepted if first_timer else 0
        for bucket, key in ((entry.by_municipality, municipality or "—"), (entry.by_discipline, discipline)):
            bucket[key][0] += count
            bucket[key][1] += is_accepted
    return sorted(figures.values(), key=lambda f: f.year)


# --- the secretariat's overviews ---------------------------------------------------------------------------------

def status_counts(*, calls: list[OpenCall]) -> dict[int, Counter]:
    """Per call, how many applications have each status (drafts included), in one query."""
    rows = db.session.execute(
        sa.select(Application.call_id, Application.status, sa.func.count())
        .where(Application.call_id.in_([call.id for call in calls]))
        .group_by(Application.call_id, Application.status))
    counts: dict[int, Counter] = {call.id: Counter() for call in calls}
    for call_id, status, count in rows:
        counts[call_id][status] += count
    return counts


def conflict_counts(*, call: OpenCall) -> dict[int, Counter]:
    """Per juror id, how many of the call's conflicts are suggested, confirmed or dismissed."""
    rows = db.session.execute(
        sa.select(Conflict.juror_id, Conflict.status, sa.func.count()).join(Conflict.application)
        .where(Application.call_id == call.id).group_by(Conflict.juror_id, Conflict.status))
    counts: dict[int, Counter] = defaultdict(Counter)
    for juror_id, status, count in rows:
        counts[juror_id][status] += count
    return counts


def waitlist(*, call: OpenCall) -> list[Application]:
    """The waitlisted applications in the order promote_from_waitlist offers them a place."""
    return list(db.session.scalars(
        sa.select(Application).where(Application.call_id == call.id,
                                     Application.status == ApplicationStatus.WAITLISTED)
        .options(lazyload(Application.works), lazyload(Application.chosen_work))
        .order_by(Application.waitlist_position.nulls_last(), Application.id)))


def reviews_of(*, application: Application) -> list[Review]:
    """Every juror's review of an application, in the order they were given."""
    return list(db.session.scalars(
        sa.select(Review).where(Review.application_id == application.id).order_by(Review.id)))


def score_values(*, call: OpenCall) -> dict[tuple[int, int, int], int]:
    """Every score of the call as (application id, juror id, criterion id) → value, in one query."""
    rows = db.session.execute(
        sa.select(Review.application_id, Review.juror_id, Score.criterion_id, Score.value)
        .join(Score.review).join(Application).where(Application.call_id == call.id))
    return {(application_id, juror_id, criterion_id): value
            for application_id, juror_id, criterion_id, value in rows}
