"""The visitor's confirmation after cancelling a side-programme sign-up with the link from their mail, in the
language they signed up in; the page says that it was sent."""

from datetime import UTC, datetime, time

import pytest
import sqlalchemy as sa
from flask import current_app

from kunstvest.auth.models import Role
from kunstvest.common.outbox import OutboxMessage
from kunstvest.exhibitions import programme
from kunstvest.exhibitions.models import EventKind, Signup, SignupStatus
from tests import factories

YEAR = datetime.now(UTC).year + 1

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def event(db):
    exhibition = factories.make_exhibition(year=YEAR)
    event = programme.save_event(exhibition=exhibition, kind=EventKind.GUIDED_TOUR, title="Omvisning", description="",
                                 day=exhibition.opens_on, starts=time(12), ends=time(13), place="Hovedsalen",
                                 language="nb", capacity=1, has_signup=True)
    db.session.commit()
    return event


def _mails(db) -> list[tuple[str, str, str]]:
    db.session.expire_all()
    return [(mail.recipient, mail.template, mail.subject)
            for mail in db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))]


def _flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


@pytest.mark.parametrize(("locale", "subject"), [("nb", "Du har meldt deg av: Omvisning"),
                                                 ("en", "You have cancelled your sign-up: Omvisning")])
def test_cancelling_with_the_link_mails_a_confirmation_in_the_visitors_language(client, db, event, locale, subject):
    anna = programme.sign_up(event=event, name="Anna Aas", email="anna@example.org", seats=1, locale=locale)
    programme.sign_up(event=event, name="Bjørn Berg", email="bjorn@example.org", seats=1, locale="nb")
    db.session.commit()

    response = client.post(f"/exhibitions/signups/{anna.token}")

    assert response.status_code == 302
    assert _flashes(client) == ["Your sign-up for Omvisning is cancelled. We have sent a confirmation to "
                                "anna@example.org."]
    assert _mails(db)[-2:] == [("anna@example.org", "signup_cancel_confirmed", subject),
                               ("bjorn@example.org", "signup_promoted", "Du har fått plass: Omvisning")]
    confirmation = db.session.scalar(sa.select(OutboxMessage).where(
        OutboxMessage.template == "signup_cancel_confirmed"))
    assert f"{current_app.config['PUBLIC_URL']}/exhibitions/{YEAR}/programme" in confirmation.body_text
    assert programme.signup_by_token(anna.token) is None


def test_an_admin_cancelling_sends_the_organisers_mail_not_the_visitors_confirmation(client, db, login, event):
    login(Role.ADMIN)
    anna = programme.sign_up(event=event, name="Anna Aas", email="anna@example.org", seats=1)
    db.session.commit()

    client.post(f"/exhibitions/admin/signups/{anna.id}/cancel")

    assert [template for _to, template, _subject in _mails(db)] == ["signup_confirmed", "signup_cancelled"]
    assert db.session.get(Signup, anna.id).status == SignupStatus.CANCELLED
