"""The programme page, the sign-up message and the sign-up mail count the seats left the same way and agree; the
cancellation message counts the mails made."""

import html
import re
from datetime import UTC, datetime, time

import pytest
import sqlalchemy as sa

from kunstvest.auth.models import Role
from kunstvest.common.outbox import OutboxMessage
from kunstvest.exhibitions import programme
from kunstvest.exhibitions.models import EventKind
from tests import factories

YEAR = datetime.now(UTC).year + 1

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def exhibition(db):
    """Next season's exhibition, committed."""
    exhibition = factories.make_exhibition(year=YEAR)
    db.session.commit()
    return exhibition


def _event(db, exhibition, *, capacity: int):
    event = programme.save_event(exhibition=exhibition, kind=EventKind.WORKSHOP, title="Clay workshop",
                                 description="", day=exhibition.opens_on, starts=time(11), ends=time(13),
                                 place="Studio", language="nb", capacity=capacity, has_signup=True)
    db.session.commit()
    return event


def _text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def _sign_up(client, event, *, name: str, email: str, seats: int) -> str:
    """Sign up through the public form; the text of the page the visitor lands on, with its message."""
    prefix = f"event-{event.id}-"
    response = client.post(f"/exhibitions/events/{event.id}/sign-up", follow_redirects=True,
                           data={prefix + "name": name, prefix + "email": email, prefix + "seats": seats})
    return _text(response)


def _last_mail(db) -> OutboxMessage:
    return db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()


def test_a_party_larger_than_the_seats_left_is_told_the_seats_left_not_that_the_event_is_full(client, db,
                                                                                              exhibition):
    event = _event(db, exhibition, capacity=3)
    _sign_up(client, event, name="Anna", email="anna@example.org", seats=2)
    assert "1 seat left" in _text(client.get(f"/exhibitions/{YEAR}/programme"))

    page = _sign_up(client, event, name="Bjørn", email="bjorn@example.org", seats=2)

    mail = _last_mail(db)
    assert mail.template == "signup_waitlisted"
    for text in (page, " ".join(mail.body_text.split()), " ".join(re.sub(r"<[^>]+>", " ", mail.body_html).split())):
        assert "Only 1 seat is left, fewer than the 2 you asked for" in text
        assert "is full" not in text
    assert "1 seat left" in page  # the programme under the message still says the same
    assert programme.seats_left(event=event) == 1


def test_a_full_event_is_full_on_the_page_in_the_message_and_in_the_mail(client, db, exhibition):
    event = _event(db, exhibition, capacity=2)
    _sign_up(client, event, name="Anna", email="anna@example.org", seats=2)

    page = _sign_up(client, event, name="Bjørn", email="bjorn@example.org", seats=1)

    assert "Clay workshop is full, so you are on the waiting list" in page
    assert "full – waiting list" in page and "seat left" not in page
    assert "The event is full, so you are number 1 on the waiting list" in " ".join(_last_mail(db).body_text.split())


def test_cancelling_an_event_counts_only_the_people_it_emailed(client, db, login, exhibition):
    login(Role.ADMIN)
    event = _event(db, exhibition, capacity=5)
    programme.sign_up(event=event, name="Anna", email="anna@example.org", seats=1)
    erased = programme.sign_up(event=event, name="Bjørn", email="bjorn@example.org", seats=1)
    erased.name, erased.email = "—", f"erased-signup-{erased.id}{programme.ERASED_DOMAIN}"
    db.session.commit()
    before = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))

    page = _text(client.post(f"/exhibitions/admin/events/{event.id}/cancel", data={"is_confirmed": "y"},
                             follow_redirects=True))

    made = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) - before
    assert made == 1
    assert int(re.search(r"The event is cancelled; (\d+) (?:person|people) signed up", page).group(1)) == made
    assert "1 sign-up was erased at its holder's request, so no email went to it." in page
    assert not db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.recipient.like("%@invalid"))).all()


def test_cancelling_an_event_with_everyone_reachable_mentions_no_erased_sign_up(db, exhibition):
    event = _event(db, exhibition, capacity=5)
    programme.sign_up(event=event, name="Anna", email="anna@example.org", seats=1)

    outcome = programme.cancel_event(event=event, actor=factories.make_user(roles=[Role.ADMIN]))

    assert (len(outcome.cancelled), outcome.mailed) == (1, 1)
