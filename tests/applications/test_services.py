"""The open call's rules, called directly: phases, deadline, submission, conflicts, scoring, ranking, publishing."""

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from kunstvest.applications import deciding, reviewing, services
from kunstvest.applications.models import Application, ApplicationStatus, CallPhase, ConflictStatus, Review
from kunstvest.applications.services import ApplicationError, CriterionSpec
from kunstvest.auth.models import Role
from kunstvest.common.audit import AuditEvent
from kunstvest.common.models import utcnow
from kunstvest.common.outbox import OutboxMessage
from tests import factories


@pytest.fixture(autouse=True)
def english():
    with force_locale("en"):
        yield


def _juror(**fields):
    return factories.make_user(roles=[Role.JURY], **fields)


# --- phases ---------------------------------------------------------------------------------------------------------

def test_an_open_call_reads_as_closed_once_its_closing_time_has_passed(db):
    call = factories.make_call()
    assert services.phase_of(call) == CallPhase.OPEN
    assert services.phase_of(call, now=call.closes_at) == CallPhase.CLOSED
    assert services.accepts_submissions(call, now=call.closes_at - timedelta(seconds=1))
    assert not services.accepts_submissions(call, now=call.closes_at)
    assert not services.accepts_submissions(call, now=call.opens_at - timedelta(seconds=1))


def test_the_admin_moves_phases_one_step_and_each_move_is_audited(db):
    admin = factories.make_user(roles=[Role.ADMIN])
    call = factories.make_call(phase=CallPhase.DRAFT)
    services.move_phase(call=call, to=CallPhase.OPEN, actor=admin)
    with pytest.raises(ApplicationError, match="cannot move from open to deciding"):
        services.move_phase(call=call, to=CallPhase.DECIDING, actor=admin)
    services.move_phase(call=call, to=CallPhase.CLOSED, actor=admin)
    with pytest.raises(ApplicationError, match="Assign at least one juror"):
        services.move_phase(call=call, to=CallPhase.JURYING, actor=admin)
    services.assign_juror(call=call, juror=_juror(), actor=admin)
    services.move_phase(call=call, to=CallPhase.JURYING, actor=admin)
    services.move_phase(call=call, to=CallPhase.DECIDING, actor=admin)
    assert CallPhase.PUBLISHED not in services.next_phases(call)  # publishing has its own service
    moves = db.session.scalars(sa.select(AuditEvent.details).where(AuditEvent.action == "call.phase_changed"))
    assert [m["to"] for m in moves] == ["open", "closed", "jurying", "deciding"]


def test_a_call_past_its_deadline_moves_on_to_jurying_without_an_explicit_close(db):
    call = factories.make_call(jurors=[_juror()])
    later = call.closes_at + timedelta(hours=1)
    assert services.next_phases(call, now=later) == [CallPhase.OPEN, CallPhase.JURYING]
    services.move_phase(call=call, to=CallPhase.JURYING, actor=None, now=later)
    assert call.phase == CallPhase.JURYING


def test_copying_last_years_call_moves_dates_a_year_on_and_keeps_the_rubric(db):
    call = factories.make_call(year=2017, criteria=[CriterionSpec("Quality", Decimal("2")), CriterionSpec("Fit")])
    season = factories.make_call(year=2018).season  # any project's 2018 season; take a fresh one
    db.session.delete(db.session.scalar(sa.select(services.OpenCall).where(services.OpenCall.season_id == season.id)))
    db.session.flush()
    copy = services.copy_call(source=call, season=season)
    assert copy.phase == CallPhase.DRAFT
    assert copy.opens_at.year == call.opens_at.year + 1 and copy.closes_at.month == call.closes_at.month
    assert [(c.name, c.weight) for c in copy.criteria] == [("Quality", Decimal("2.00")), ("Fit", Decimal("1.00"))]


def test_the_rubric_is_frozen_once_the_call_is_open(db):
    call = factories.make_call()
    with pytest.raises(ApplicationError, match="only while the call is a draft"):
        services.save_call(call=call, season=call.season, title=call.title, opens_at=call.opens_at,
                           closes_at=call.closes_at, criteria=[CriterionSpec("Something else")])


# --- applying -------------------------------------------------------------------------------------------------------

def test_submission_after_the_deadline_is_refused_with_the_deadline_in_the_message(db):
    application = factories.make_application(submit=False)
    with pytest.raises(ApplicationError, match="The deadline was .*; applications can no longer be submitted"):
        services.submit_application(application=application, now=application.call.closes_at)
    assert application.status == ApplicationStatus.DRAFT
    with pytest.raises(ApplicationError, match="can no longer be changed"):
        services.save_statement(application=application, statement="late", now=application.call.closes_at)


def test_starting_and_submitting_twice_makes_one_application_and_one_receipt(db):
    call = factories.make_call()
    artist = factories.make_artist()
    first = services.start_application(call=call, artist=artist)
    again = services.start_application(call=call, artist=artist)
    assert first is again
    factories.make_application(call=call, artist=artist, submit=False)  # adds a work to the same application
    assert services.submit_application(application=first) is True
    assert services.submit_application(application=first) is False
    count = db.session.scalar(sa.select(sa.func.count(Application.id)).where(Application.artist_id == artist.id))
    receipts = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == "application_received"))
    assert count == 1 and len(list(receipts)) == 1


def test_an_incomplete_application_lists_what_is_missing(db):
    call = factories.make_call(min_works=3)
    application = services.start_application(call=call, artist=factories.make_artist())
    with pytest.raises(ApplicationError) as refused:
        services.submit_application(application=application)
    assert "an artist statement" in str(refused.value) and "at least 3 works (you have 0)" in str(refused.value)


def test_first_timer_is_derived_from_earlier_acceptances(db):
    artist = factories.make_artist()
    earlier = factories.make_application(call=factories.make_call(year=2016), artist=artist)
    later_call = factories.make_call(year=2017)
    assert services.is_first_timer(artist=artist, call=later_call)
    earlier.status = ApplicationStatus.ACCEPTED
    assert not services.is_first_timer(artist=artist, call=later_call)
    assert factories.make_application(call=later_call, artist=artist).is_first_timer is False


def test_a_work_cannot_be_added_beyond_the_calls_maximum(db):
    application = factories.make_application(call=factories.make_call(max_works=2), works=2, submit=False)
    with pytest.raises(ApplicationError, match="at most 2 works"):
        services.save_work(application=application, title="Third", image=factories.make_image())


# --- jury -----------------------------------------------------------------------------------------------------------

def test_conflicts_are_suggested_from_the_data_and_hide_the_application_until_dismissed(db):
    juror = _juror(full_name="Kari Nordmann")
    factories.make_artist(user=juror, address="Storgata 1", postcode="3000", studio_collective="Ateliers Vest")
    call = factories.make_call(jurors=[juror])
    neighbour = factories.make_application(call=call, artist=factories.make_artist(
        address="storgata 1", postcode="3000"))
    colleague = factories.make_application(call=call, artist=factories.make_artist(studio_collective="ATELIERS VEST"))
    stranger = factories.make_application(call=call)
    call.phase = CallPhase.JURYING
    assert reviewing.suggest_conflicts(call=call) == 2
    assert reviewing.juror_order(call=call, juror=juror) == [stranger.id]
    suggestions = {c.application_id: c for c in reviewing.suggested_conflicts(call=call, juror=juror)}
    assert "your address" in suggestions[neighbour.id].reason
    assert "studio collective" in suggestions[colleague.id].reason
    reviewing.resolve_conflict(conflict=suggestions[colleague.id], juror=juror, is_conflict=False)
    reviewing.resolve_conflict(conflict=suggestions[neighbour.id], juror=juror, is_conflict=True)
    assert sorted(reviewing.juror_order(call=call, juror=juror)) == sorted([stranger.id, colleague.id])
    assert suggestions[neighbour.id].status == ConflictStatus.CONFIRMED
    with pytest.raises(ApplicationError, match="cannot score"):
        reviewing.score_application(application=neighbour, juror=juror,
                                    scores={c.id: 4 for c in call.criteria})


def test_a_juror_applying_to_their_own_call_is_conflicted(db):
    juror = _juror()
    call = factories.make_call(jurors=[juror])
    own = factories.make_application(call=call, artist=factories.make_artist(user=juror))
    reviewing.suggest_conflicts(call=call)
    assert not reviewing.may_read(application=own, juror=juror)


def test_each_juror_reads_in_their_own_stable_order(db):
    first, second = _juror(), _juror()
    call = factories.make_call(jurors=[first, second])
    ids = [factories.make_application(call=call).id for _ in range(12)]
    assert reviewing.juror_order(call=call, juror=first) == []  # nothing to read while the call is open
    call.phase = CallPhase.JURYING
    order_first = reviewing.juror_order(call=call, juror=first)
    assert sorted(order_first) == sorted(ids)
    assert order_first == reviewing.juror_order(call=call, juror=first)
    assert order_first != reviewing.juror_order(call=call, juror=second)


def test_scores_can_be_revised_during_the_jury_phase_and_others_are_hidden_until_own_score(db):
    first, second = _juror(), _juror()
    call = factories.make_call(jurors=[first, second])
    application = factories.make_application(call=call)
    call.phase = CallPhase.JURYING
    quality, fit = call.criteria
    reviewing.score_application(application=application, juror=second, scores={quality.id: 6, fit.id: 5})
    assert reviewing.other_reviews(application=application, juror=first) is None
    reviewing.score_application(application=application, juror=first, scores={quality.id: 2, fit.id: 3})
    reviewing.score_application(application=application, juror=first, scores={quality.id: 3, fit.id: 3},
                                comment="Revised")
    others = reviewing.other_reviews(application=application, juror=first)
    assert [r.juror_id for r in others] == [second.id]
    own = reviewing.review_of(application=application, juror=first)
    assert sorted(s.value for s in own.scores) == [3, 3] and own.comment == "Revised"
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 2
    assert reviewing.jury_progress(call=call, juror=first) == reviewing.Progress(scored=1, total=1)
    with pytest.raises(ApplicationError, match="from 1 to 7"):
        reviewing.score_application(application=application, juror=first, scores={quality.id: 8, fit.id: 3})
    with pytest.raises(ApplicationError, match="Score every criterion"):
        reviewing.score_application(application=application, juror=first, scores={quality.id: 5})
    call.phase = CallPhase.DECIDING
    with pytest.raises(ApplicationError, match="only while the jury is at work"):
        reviewing.score_application(application=application, juror=first, scores={quality.id: 5, fit.id: 5})


# --- deciding -------------------------------------------------------------------------------------------------------

def _scored_call(scores_by_juror: list[list[int]], **call_fields):
    jurors = [_juror() for _ in scores_by_juror]
    call = factories.make_call(jurors=jurors, criteria=[CriterionSpec("Quality")], **call_fields)
    applications = [factories.make_application(call=call) for _ in scores_by_juror[0]]
    call.phase = CallPhase.JURYING
    criterion = call.criteria[0]
    for juror, scores in zip(jurors, scores_by_juror):
        for application, value in zip(applications, scores):
            reviewing.score_application(application=application, juror=juror, scores={criterion.id: value})
    call.phase = CallPhase.DECIDING
    return call, applications, jurors


def test_z_score_ranking_worked_example(db):
    # Juror A is strict with a wide spread: 1, 2, 6 → mean 3, σ = √(14/3) ≈ 2.1602 → z −0.9258, −0.4629, +1.3887.
    # Juror B is lenient and narrow:       7, 6, 5 → mean 6, σ = √(2/3)  ≈ 0.8165 → z +1.2247,  0.0000, −1.2247.
    # Mean z: app1 +0.1494, app2 −0.2315, app3 +0.0820; raw means 4.0, 4.0, 5.5.
    # Raw means would put app3 first; normalised, B's clear preference for app1 counts as much as A's for app3.
    call, (app1, app2, app3), (juror_a, juror_b) = _scored_call([[1, 2, 6], [7, 6, 5]])
    ranked = deciding.ranking(call=call)
    assert [entry.application.id for entry in ranked] == [app1.id, app3.id, app2.id]
    by_id = {entry.application.id: entry for entry in ranked}
    assert by_id[app1.id].z_mean == pytest.approx(0.1494, abs=1e-4)
    assert by_id[app2.id].z_mean == pytest.approx(-0.2315, abs=1e-4)
    assert by_id[app3.id].z_mean == pytest.approx(0.0820, abs=1e-4)
    assert by_id[app3.id].juror_z[juror_a.id] == pytest.approx(1.3887, abs=1e-4)
    assert by_id[app1.id].juror_z[juror_b.id] == pytest.approx(1.2247, abs=1e-4)
    assert [by_id[a.id].raw_mean for a in (app1, app2, app3)] == [Decimal("4"), Decimal("4"), Decimal("5.5")]
    # Disagreement margin 1.5: 6 and 4 points apart are flagged, 1 point is not.
    assert [by_id[a.id].is_disagreement for a in (app1, app2, app3)] == [True, True, False]


def test_weights_count_in_the_weighted_score(db):
    juror = _juror()
    call = factories.make_call(jurors=[juror], criteria=[CriterionSpec("Quality", Decimal("3")), CriterionSpec("Fit")])
    application = factories.make_application(call=call)
    call.phase = CallPhase.JURYING
    quality, fit = call.criteria
    review = reviewing.score_application(application=application, juror=juror, scores={quality.id: 7, fit.id: 3})
    assert reviewing.weighted_score(review, call.criteria) == Decimal("6")  # (3×7 + 1×3) / 4


def test_the_cut_line_accepts_waitlists_and_rejects_but_keeps_manual_decisions(db):
    admin = factories.make_user(roles=[Role.ADMIN])
    call, applications, _ = _scored_call([[7, 6, 5, 4, 3, 2], [7, 6, 5, 4, 3, 2]])
    deciding.decide(application=applications[5], status=ApplicationStatus.ACCEPTED, actor=admin)
    deciding.apply_cut_line(call=call, cut_line=2, waitlist_size=2, actor=admin)
    assert [a.status for a in applications] == [
        ApplicationStatus.ACCEPTED, ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED,
        ApplicationStatus.WAITLISTED, ApplicationStatus.REJECTED, ApplicationStatus.ACCEPTED]
    assert [a.waitlist_position for a in applications[2:4]] == [1, 2]
    counts = deciding.decision_counts(call=call)
    assert counts.by_status[ApplicationStatus.ACCEPTED] == 3 and counts.accepted_first_timers == 3
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"application.decided", "call.cut_line_set"} <= actions


def test_decisions_stay_invisible_to_artists_until_published(db):
    admin = factories.make_user(roles=[Role.ADMIN])
    call, applications, _ = _scored_call([[7, 2]])
    deciding.apply_cut_line(call=call, cut_line=1, waitlist_size=0, actor=admin)
    assert services.visible_status(applications[0]) == ApplicationStatus.SUBMITTED
    deciding.publish_decisions(call=call, actor=admin)
    assert services.visible_status(applications[0]) == ApplicationStatus.ACCEPTED
    assert services.visible_status(applications[1]) == ApplicationStatus.REJECTED


def test_publishing_queues_exactly_one_email_per_applicant_with_a_subject_per_decision(db):
    admin = factories.make_user(roles=[Role.ADMIN])
    call, applications, _ = _scored_call([[7, 6, 5, 4, 3]])
    deciding.apply_cut_line(call=call, cut_line=2, waitlist_size=1, actor=admin)
    before = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
    outcome = deciding.publish_decisions(call=call, actor=admin)
    assert (outcome.queued, outcome.unmailed) == (5, [])
    mails = list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id).offset(before)))
    recipients = [m.recipient for m in mails]
    assert sorted(recipients) == sorted(a.artist.user.email for a in applications)
    subjects = {m.template: m.subject for m in mails}
    deadline = call.work_choice_deadline.strftime("%d.%m.%Y")
    # In the artist's language (Norwegian unless they chose English), asking for action by the deadline.
    assert subjects["decision_accepted"] == ("Tatt opp til Kunst rett vest 2017 – du må velge utstillingsverket "
                                             f"ditt innen {deadline}")
    assert len(set(subjects.values())) == 3
    assert call.phase == CallPhase.PUBLISHED
    with pytest.raises(ApplicationError):
        deciding.publish_decisions(call=call, actor=admin)


def test_publishing_is_refused_while_an_application_has_no_decision(db):
    admin = factories.make_user(roles=[Role.ADMIN])
    call, _, _ = _scored_call([[7, 6]])
    with pytest.raises(ApplicationError, match="2 applications have no decision yet"):
        deciding.publish_decisions(call=call, actor=admin)


def test_a_withdrawn_acceptance_is_offered_to_the_first_on_the_waitlist(db):
    admin = factories.make_user(roles=[Role.ADMIN])
    call, applications, _ = _scored_call([[7, 6, 5, 4]])
    deciding.apply_cut_line(call=call, cut_line=1, waitlist_size=2, actor=admin)
    deciding.publish_decisions(call=call, actor=admin)
    services.withdraw_application(application=applications[0], actor=applications[0].artist.user)
    promoted = services.promote_from_waitlist(call=call, actor=admin)
    assert promoted is applications[1] and promoted.status == ApplicationStatus.ACCEPTED
    mail = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert mail.recipient == applications[1].artist.user.email and mail.template == "decision_promoted"
    assert services.promote_from_waitlist(call=call, actor=admin) is applications[2]
    assert services.promote_from_waitlist(call=call, actor=admin) is None
    assert "application.promoted_from_waitlist" in set(db.session.scalars(sa.select(AuditEvent.action)))


# --- the chosen work ------------------------------------------------------------------------------------------------

def test_an_accepted_artist_chooses_and_confirms_one_work(db):
    admin = factories.make_user(roles=[Role.ADMIN])
    call, applications, _ = _scored_call([[7, 2]])
    deciding.apply_cut_line(call=call, cut_line=1, waitlist_size=0, actor=admin)
    with pytest.raises(ApplicationError, match="Only accepted artists"):
        services.save_chosen_work(application=applications[0], title="Too early")
    deciding.publish_decisions(call=call, actor=admin)
    accepted, rejected = applications
    chosen = services.save_chosen_work(application=accepted, source_work=accepted.works[0], title="Fjord",
                                       price=Decimal("15000"), insurance_value=Decimal("20000"), confirm=True)
    assert chosen.image is accepted.works[0].image and chosen.confirmed_at is not None
    # What is left blank comes from the applied work.
    assert (chosen.technique, chosen.width_cm, chosen.price) == ("Olje på lerret", Decimal("60"), Decimal("15000"))
    with pytest.raises(ApplicationError, match="title and technique"):
        services.save_chosen_work(application=accepted, title="A new work without a technique")
    again = services.save_chosen_work(application=accepted, title="Fjord II", technique="Akvarell",
                                      price=Decimal("9000"), image=factories.make_image())
    assert again is chosen and chosen.title == "Fjord II"
    assert [c.title for c in services.exhibition_works(call=call)] == ["Fjord II"]
    with pytest.raises(ApplicationError, match="Only accepted"):
        services.save_chosen_work(application=rejected, title="No", technique="Olje")
    with pytest.raises(ApplicationError, match="deadline for choosing"):
        services.save_chosen_work(application=accepted, title="Late", technique="Olje",
                                  now=utcnow().replace(year=call.work_choice_deadline.year + 1))


# --- personal data --------------------------------------------------------------------------------------------------

def test_an_artists_data_is_exported_and_erased_but_the_figures_stay(db):
    from kunstvest.common.personal_data import erase_user, export_personal_data

    municipality = factories.make_municipality(name="Lier")
    artist = factories.make_artist(name="Kari Maler", municipality=municipality, cv="Statens kunstakademi")
    application = factories.make_application(artist=artist, statement="Lys over Lierdalen")
    exported = export_personal_data(user=artist.user)["artist"]
    assert exported["profile"]["cv"] == "Statens kunstakademi"
    assert exported["applications"][0]["statement"] == "Lys over Lierdalen"
    assert exported["applications"][0]["works"][0]["title"] == "Verk 1"
    erase_user(user=artist.user, erased_by=factories.make_user(roles=[Role.ADMIN]))
    db.session.flush()
    assert artist.name == "—" and artist.cv == "" and artist.user_id is None
    assert application.statement == "" and application.works[0].image_id is None
    assert db.session.scalar(sa.select(sa.func.count(services.ImageFile.id))) == 0
    figures = deciding.call_statistics(calls=[application.call])[0]
    assert figures.applicants == 1 and figures.by_municipality["Lier"] == [1, 0]
