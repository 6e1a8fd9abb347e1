"""`flask applications remind-drafts`: one mail per draft whose call closes within N days, in the artist's language,
naming what is missing; a second run mails nobody again, and artists without an account are listed, not mailed."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from kunstvest.applications import reminders
from kunstvest.auth.models import Role
from kunstvest.common.models import utcnow
from kunstvest.common.outbox import OutboxMessage
from tests import factories

pytestmark = pytest.mark.usefixtures("english")


def _reminders(db) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == "draft_reminder")
                                   .order_by(OutboxMessage.recipient)))


def _artist(name: str, email: str, locale: str):
    return factories.make_artist(user=factories.make_user(roles=[Role.ARTIST], full_name=name, email=email,
                                                          locale=locale), name=name)


@pytest.fixture
def closing_soon(db):
    """A call closing in two days with two drafts (English and bokmål), a draft of an artist without an account and a
    submitted application; and a call closing in ten days with one draft."""
    now = utcnow()
    call = factories.make_call(year=2018, closes_at=now + timedelta(days=2), min_works=1)
    factories.make_application(call=call, artist=_artist("Anna Aas", "anna@example.org", "en"), works=0, submit=False)
    factories.make_application(call=call, artist=_artist("Bjørn Berg", "bjorn@example.org", "nb"), works=1,
                               submit=False)
    factories.make_application(call=call, artist=factories.make_artist(user=False, name="Uten Konto"), submit=False)
    factories.make_application(call=call, artist=_artist("Cecilie Dahl", "cecilie@example.org", "nb"))
    later = factories.make_call(year=2019, closes_at=now + timedelta(days=10))
    factories.make_application(call=later, artist=_artist("Dag Eide", "dag@example.org", "nb"), submit=False)
    db.session.commit()
    return call


def test_the_command_reminds_each_draft_once_and_lists_who_it_could_not_mail(runner, db, closing_soon):
    first = runner.invoke(args=["applications", "remind-drafts"])
    second = runner.invoke(args=["applications", "remind-drafts"])

    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "2 artists reminded of their draft, 0 reminded before and not again." in first.output
    assert "Uten Konto, Kunst rett vest 2018." in first.output  # no account: told, not silently skipped
    assert "0 artists reminded of their draft, 2 reminded before and not again." in second.output
    to_anna, to_bjorn = _reminders(db)
    assert (to_anna.recipient, to_bjorn.recipient) == ("anna@example.org", "bjorn@example.org")
    assert to_anna.subject == "Your application to Kunst rett vest 2018 is not submitted yet"
    assert to_bjorn.subject == "Søknaden din til Kunst rett vest 2018 er ikke sendt inn ennå"
    assert "at least 1 works (you have 0)" in to_anna.body_text  # what is missing, in Anna's language
    assert "Your application looks complete" not in to_anna.body_text
    assert "Søknaden din ser komplett ut" in to_bjorn.body_text
    assert f"{current_app.config['PUBLIC_URL']}/applications/my" in to_anna.body_text


def test_more_days_reach_the_later_call_and_still_nobody_is_mailed_twice(runner, db, closing_soon):
    runner.invoke(args=["applications", "remind-drafts"])

    result = runner.invoke(args=["applications", "remind-drafts", "--days", "14"])

    assert "1 artists reminded of their draft, 2 reminded before and not again." in result.output
    assert [mail.recipient for mail in _reminders(db)] == ["anna@example.org", "bjorn@example.org", "dag@example.org"]


def test_a_closed_call_or_a_submitted_draft_gets_no_reminder(db, closing_soon):
    outcome = reminders.remind_drafts(days=3, now=closing_soon.closes_at + timedelta(minutes=1))
    assert (outcome.mailed, outcome.reminded_before, outcome.not_mailed) == ([], [], [])
    assert _reminders(db) == []


@pytest.mark.parametrize("days", ["0", "-1", "99999999999999999999", "x"])
def test_a_bad_number_of_days_is_refused_with_a_message(runner, db, days):
    result = runner.invoke(args=["applications", "remind-drafts", "--days", days])
    assert result.exit_code == 2 and "Invalid value for '--days'" in result.output


def test_the_audit_log_says_in_words_that_an_artist_was_reminded():
    from kunstvest.admin.audit_words import action_label

    assert action_label(reminders.DRAFT_REMINDED) == "Artist reminded of an unsubmitted draft"
