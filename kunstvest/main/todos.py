"""What needs doing now, per role: the dashboard's to-do list for the season, with deadlines and counts.

Each function answers for one role in a few queries and says nothing when there is nothing to do.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from kunstvest.applications import services as applications
from kunstvest.applications.models import Application, ApplicationStatus, CallPhase, ChosenWork
from kunstvest.ateliers import counting
from kunstvest.ateliers.models import AtelierArtist, OpenAteliers
from kunstvest.auth.models import User
from kunstvest.common.formatting import day_and_month
from kunstvest.exhibitions.models import Exhibition
from kunstvest.extensions import db
from kunstvest.orchestra import services as orchestra
from kunstvest.orchestra.models import Enrolment, EnrolmentStatus

SOON = timedelta(days=7)


@dataclass(frozen=True)
class Todo:
    """One thing to do: what, and the page where it is done."""

    text: str
    endpoint: str
    values: dict = field(default_factory=dict)


def _day(value: date) -> str:
    return day_and_month(value)


def admin_todos(*, exhibition: Exhibition | None, failed_mail: int, erasures: int) -> list[Todo]:
    """The call's next step, artists without an atelier, and the failed mail and erasure requests counted already
    for the dashboard's facts."""
    todos = []
    call = applications.current_call()
    if call is not None:
        phase = applications.phase_of(call)
        if phase == CallPhase.OPEN:
            todos.append(Todo(_l("The call %(year)s closes %(day)s.", year=call.year,
                                 day=_day(call.closes_at.date())), "applications.admin_call", {"call_id": call.id}))
        elif phase == CallPhase.CLOSED:
            todos.append(Todo(_l("The call %(year)s has closed: move it to jurying.", year=call.year),
                              "applications.admin_call", {"call_id": call.id}))
        elif phase == CallPhase.DECIDING:
            todos.append(Todo(_l("The jury is done: decide and publish the call %(year)s.", year=call.year),
                              "applications.admin_call", {"call_id": call.id}))
    if exhibition is not None:
        open_ateliers = db.session.scalar(sa.select(OpenAteliers).where(
            OpenAteliers.season_id == exhibition.season_id))
        if open_ateliers is not None and open_ateliers.guide_published_at is None:
            without = db.session.scalar(
                sa.select(sa.func.count(Application.id)).join(Application.call)
                .where(Application.status == ApplicationStatus.ACCEPTED,
                       Application.call.has(season_id=exhibition.season_id),
                       ~sa.exists().where(AtelierArtist.application_id == Application.id)))
            if without:
                todos.append(Todo(ngettext("%(num)d accepted artist has no atelier in the guide yet.",
                                           "%(num)d accepted artists have no atelier in the guide yet.", without),
                                  "ateliers.admin_ateliers", {"year": exhibition.year}))
    if failed_mail:
        todos.append(Todo(ngettext("%(num)d mail could not be sent.", "%(num)d mails could not be sent.", failed_mail),
                          "admin.outbox"))
    if erasures:
        todos.append(Todo(ngettext("%(num)d person asks to have their data erased.",
                                   "%(num)d people ask to have their data erased.", erasures), "admin.users"))
    return todos


def artist_todos(*, user: User) -> list[Todo]:
    """The artist's application in the current call: its status and deadline, then the work and the atelier."""
    call, profile = applications.current_call(), applications.profile_of(user)
    if call is None:
        return []
    application = applications.application_of(call=call, artist=profile) if profile is not None else None
    phase = applications.phase_of(call)
    if application is None or application.status == ApplicationStatus.DRAFT:
        if phase != CallPhase.OPEN:
            return []
        text = (_l("Your application to %(title)s is a draft: submit it by %(day)s.", title=call.title,
                   day=_day(call.closes_at.date())) if application is not None else
                _l("The call %(title)s is open until %(day)s.", title=call.title, day=_day(call.closes_at.date())))
        return [Todo(text, "applications.my_application")]
    if application.status != ApplicationStatus.ACCEPTED or phase != CallPhase.PUBLISHED:
        return [Todo(_l("Your application to %(title)s is submitted; the results come after the jury.",
                        title=call.title), "applications.my_application")]
    todos = []
    if db.session.scalar(sa.select(ChosenWork.id).where(ChosenWork.application_id == application.id)) is None:
        deadline = call.work_choice_deadline
        todos.append(Todo(_l("Choose your work for the exhibition by %(day)s.", day=_day(deadline)) if deadline
                          else _l("Choose your work for the exhibition."), "applications.choose_work"))
    if db.session.scalar(sa.select(AtelierArtist.id).where(AtelierArtist.application_id == application.id)) is None:
        todos.append(Todo(_l("Register your atelier for the open-atelier weekends."), "ateliers.my_atelier"))
    return todos


def guardian_todos(*, user: User, today: date) -> list[Todo]:
    """Consents to answer and offered places to accept, per child; a new guardian is asked to register a child."""
    children = orchestra.children_of(user=user)
    if not children:
        season = orchestra.registration_season()
        return [Todo(_l("Register your child for the season %(year)s.", year=season.year),
                     "orchestra.register_child")] if season is not None else []
    todos = []
    states, asked = orchestra.consent_state(children=children), orchestra.current_texts().keys()
    for child in children:
        unanswered = [purpose for purpose in asked
                      if states[child.id].get(purpose) == orchestra.ConsentAnswer.NOT_ANSWERED]
        if unanswered:
            todos.append(Todo(ngettext("%(num)d consent question to answer for %(name)s.",
                                       "%(num)d consent questions to answer for %(name)s.", len(unanswered),
                                       name=child.first_name), "orchestra.child_consent", {"child_id": child.id}))
    offers = db.session.scalars(sa.select(Enrolment).where(
        Enrolment.child_id.in_([child.id for child in children]), Enrolment.status == EnrolmentStatus.OFFERED,
        Enrolment.offer_expires_on >= today))
    todos += [Todo(_l("A place is offered to %(name)s: answer by %(day)s.", name=offer.child.first_name,
                      day=_day(offer.offer_expires_on)), "orchestra.my_children") for offer in offers]
    return todos


def volunteer_todos(*, user: User, today: date) -> list[Todo]:
    """Where the volunteer counts today, or next."""
    todos = []
    for location in counting.locations_counted_by(user=user):
        days = [day for day in counting.counting_days(location=location) if day >= today]
        if days and days[0] == today:
            todos.append(Todo(_l("Count visitors today at %(place)s.", place=location.name), "ateliers.counter",
                              {"location_id": location.id}))
        elif days and days[0] - today <= SOON:
            todos.append(Todo(_l("You count at %(place)s on %(day)s.", place=location.name, day=_day(days[0])),
                              "ateliers.my_counters"))
    return todos


def orchestra_staff_todos(*, today: date) -> list[Todo]:
    """Registrations waiting for the staff, and offers about to expire, in the season open for registration."""
    season = orchestra.registration_season()
    if season is None:
        return []
    counts = dict(db.session.execute(
        sa.select(Enrolment.status, sa.func.count()).where(Enrolment.orchestra_season_id == season.id)
        .group_by(Enrolment.status)).all())
    todos = []
    if counts.get(EnrolmentStatus.APPLIED):
        todos.append(Todo(ngettext("%(num)d registration for %(year)s waits for you.",
                                   "%(num)d registrations for %(year)s wait for you.",
                                   counts[EnrolmentStatus.APPLIED], year=season.year),
                          "orchestra.staff_applications", {"orchestra_season_id": season.id}))
    expiring = db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment).where(
        Enrolment.orchestra_season_id == season.id, Enrolment.status == EnrolmentStatus.OFFERED,
        Enrolment.offer_expires_on.between(today, today + SOON)))
    if expiring:
        todos.append(Todo(ngettext("%(num)d offered place expires within a week.",
                                   "%(num)d offered places expire within a week.", expiring),
                          "orchestra.staff_waiting_list", {"orchestra_season_id": season.id}))
    return todos
