"""The daily jobs (expire offers, remind drafts, anonymise) are safe to start twice: run again they do nothing twice,
and on PostgreSQL a copy started while another runs (two machines' timers) skips and mails nobody."""

import os
import subprocess
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from kunstvest.applications import reminders
from kunstvest.auth.models import Role
from kunstvest.common.audit import AuditEvent
from kunstvest.common.jobs import job_lock_key, try_job_lock
from kunstvest.common.models import utcnow
from kunstvest.common.outbox import OutboxMessage
from kunstvest.orchestra import admission
from kunstvest.orchestra.models import Enrolment, EnrolmentStatus, Section
from kunstvest.reference.services import ensure_season
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
ON_POSTGRESQL = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
postgresql_only = pytest.mark.skipif(
    not ON_POSTGRESQL, reason="two copies at once need PostgreSQL's advisory locks; on SQLite (one machine) "
                              "jobs.py takes no lock, and only the run-twice-in-a-row test applies")

JOBS = {
    "remind-drafts": ["applications", "remind-drafts"],
    "expire-offers": ["orchestra", "expire-offers"],
    "anonymise": ["orchestra", "anonymise", "--years", "3"],
}


def _mails(db, template: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.template == template))


def _audits(db, action: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def _done(db) -> dict[str, int]:
    """What the jobs have done so far, counted in the outbox and the audit log."""
    db.session.expire_all()
    return {"draft reminders": _mails(db, "draft_reminder"), "expiry mails": _mails(db, "orchestra_offer_expired"),
            "offer mails": _mails(db, "orchestra_offer"), "anonymised": _audits(db, "orchestra.child_anonymised")}


@pytest.fixture
def due_work(db):
    """One draft whose call closes in two days, one offer past its date with a child waiting for the place, and one
    member who left long ago; one offer mail is queued already (the expired offer's own)."""
    factories.make_application(call=factories.make_call(year=2018, closes_at=utcnow() + timedelta(days=2)),
                               artist=factories.make_artist(), works=0, submit=False)
    season = factories.make_orchestra_season(year=utcnow().year, offer_days=14)
    tuba = db.session.scalar(sa.select(Section).where(Section.code == "tuba"))
    admission.save_targets(orchestra_season=season, targets={tuba: 1})
    stale, _waiting = (factories.make_enrolment(orchestra_season=season, status=EnrolmentStatus.WAITLISTED,
                                                child=factories.make_child(instrument="tuba"),
                                                applied_at=utcnow() - timedelta(minutes=minutes))
                       for minutes in (30, 10))
    admission.offer_place(enrolment=stale, section=tuba, today=date(2000, 1, 1))
    long_ago = factories.make_orchestra_season(season=ensure_season(project=season.season.project, year=2010))
    factories.make_enrolment(orchestra_season=long_ago, child=factories.make_child(first_name="Gammel"))
    db.session.commit()


NOTHING_DONE = {"draft reminders": 0, "expiry mails": 0, "offer mails": 1, "anonymised": 0}
DONE_BY = {"remind-drafts": {"draft reminders": 1}, "expire-offers": {"expiry mails": 1, "offer mails": 2},
           "anonymise": {"anonymised": 1}}
DONE_ONCE = {"draft reminders": 1, "expiry mails": 1, "offer mails": 2, "anonymised": 1}


def test_every_job_run_twice_in_a_row_does_its_work_once(runner, db, due_work):
    assert _done(db) == NOTHING_DONE
    for _ in range(2):
        for args in JOBS.values():
            result = runner.invoke(args=args)
            assert result.exit_code == 0, result.output
            assert "Skipped" not in result.output
    assert _done(db) == DONE_ONCE


@postgresql_only
@pytest.mark.parametrize("job", JOBS)
def test_a_copy_started_while_another_holds_the_lock_skips_and_does_nothing(runner, db, due_work, job):
    key = job_lock_key(" ".join(JOBS[job][:2]))
    with db.engine.connect() as other_machine:
        other_machine.execute(sa.select(sa.func.pg_advisory_lock(key)))
        skipped = runner.invoke(args=JOBS[job])
        other_machine.execute(sa.select(sa.func.pg_advisory_unlock(key)))
    assert skipped.exit_code == 0, skipped.output
    assert skipped.output == f"Skipped: another copy of `flask {' '.join(JOBS[job][:2])}` is running.\n"
    assert _done(db) == NOTHING_DONE

    ran = runner.invoke(args=JOBS[job])
    assert ran.exit_code == 0 and "Skipped" not in ran.output, ran.output
    assert _done(db) == NOTHING_DONE | DONE_BY[job]


@postgresql_only
def test_a_second_copy_started_while_the_first_is_mailing_skips_so_each_draft_is_mailed_once(app, runner, db,
                                                                                               due_work):
    first_is_mailing, first_may_commit = threading.Event(), threading.Event()

    def first_copy():
        with app.app_context():
            assert try_job_lock("applications remind-drafts")
            assert len(reminders.remind_drafts(days=3).mailed) == 1
            first_is_mailing.set()
            first_may_commit.wait(timeout=30)
            db.session.commit()

    thread = threading.Thread(target=first_copy)
    thread.start()
    assert first_is_mailing.wait(timeout=30)
    second = runner.invoke(args=JOBS["remind-drafts"])
    first_may_commit.set()
    thread.join(timeout=30)

    assert "Skipped: another copy" in second.output
    assert _done(db)["draft reminders"] == 1
    third = runner.invoke(args=JOBS["remind-drafts"])
    assert "0 artists reminded of their draft, 1 reminded before" in third.output
    assert _done(db)["draft reminders"] == 1


@postgresql_only
def test_two_processes_started_at_once_mail_each_draft_once(db):
    call = factories.make_call(year=2018, closes_at=utcnow() + timedelta(days=2))
    for _ in range(5):
        factories.make_application(call=call, artist=factories.make_artist(
            user=factories.make_user(roles=[Role.ARTIST])), works=0, submit=False)
    db.session.commit()
    env = {**os.environ, "KUNSTVEST_CONFIG": "testing"}
    command = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "kunstvest", *JOBS["remind-drafts"]]
    copies = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True) for _ in range(2)]
    outputs = [copy.communicate(timeout=60)[0] for copy in copies]

    assert [copy.returncode for copy in copies] == [0, 0], outputs
    assert _done(db)["draft reminders"] == 5
    assert sum("5 artists reminded of their draft" in output for output in outputs) == 1, outputs
    assert all("5 artists reminded" in output or "Skipped" in output or "0 artists reminded" in output
               for output in outputs), outputs


@postgresql_only
def test_the_staff_button_waits_for_the_nightly_job_and_then_expires_the_offer(english, client, login, db,
                                                                               due_work):
    login(Role.ORCHESTRA_STAFF)
    season_id = db.session.scalar(sa.select(sa.func.max(Enrolment.orchestra_season_id)))
    key = job_lock_key(admission.EXPIRE_OFFERS_JOB)
    with db.engine.connect() as nightly_job:
        nightly_job.execute(sa.select(sa.func.pg_advisory_lock(key)))
        refused = client.post(f"/orchestra/staff/seasons/{season_id}/expire-offers", follow_redirects=True)
        nightly_job.execute(sa.select(sa.func.pg_advisory_unlock(key)))
    assert "The nightly run is expiring offers right now." in refused.get_data(as_text=True)
    assert _done(db) == NOTHING_DONE

    client.post(f"/orchestra/staff/seasons/{season_id}/expire-offers")
    assert _done(db) == NOTHING_DONE | DONE_BY["expire-offers"]
