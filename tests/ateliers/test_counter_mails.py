"""The volunteer's mail on being assigned to a counting location: the place, the days and the counter's link, in the
volunteer's language; assigning again changes nothing and mails nobody, and the admin's message says which."""

import pytest
import sqlalchemy as sa
from flask import current_app

from kunstvest.ateliers import counting
from kunstvest.auth.models import Role
from kunstvest.common.outbox import OutboxMessage
from tests import factories

pytestmark = pytest.mark.usefixtures("english")


def _counter_mails(db) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == "counter_assigned")
                                   .order_by(OutboxMessage.id)))


def _flashes(client) -> list[tuple[str, str]]:
    with client.session_transaction() as session:
        return list(session.pop("_flashes", []))


@pytest.fixture
def atelier_location(db):
    open_ateliers = factories.make_open_ateliers(year=2017)
    atelier = factories.make_atelier(open_ateliers=open_ateliers, name="Tollboden", address="Tollbodgata 1",
                                     postcode="3040", city="Drammen")
    location = factories.make_location(atelier=atelier)
    db.session.commit()
    return location


def test_assigning_a_volunteer_mails_the_place_the_days_and_the_link_once(client, db, login, atelier_location):
    login(Role.ADMIN)
    volunteer = factories.make_user(roles=[Role.VOLUNTEER], full_name="Vera Frivillig", email="vera@example.org",
                                    locale="nb")
    db.session.commit()
    form = {"location_id": atelier_location.id, "user_id": volunteer.id}

    client.post("/ateliers/admin/2017/counters", data=form)

    assert _flashes(client) == [("success", "Vera Frivillig counts at Tollboden and has been emailed the place, the "
                                            "days and the link.")]
    [mail] = _counter_mails(db)
    assert (mail.recipient, mail.subject) == ("vera@example.org", "Du teller besøkende på Tollboden")
    assert "Tollboden, Tollbodgata 1, 3040 Drammen" in mail.body_text
    assert "lørdag 16. september 2017" in mail.body_text and "søndag 24. september 2017" in mail.body_text
    assert f"{current_app.config['PUBLIC_URL']}/ateliers/count/{atelier_location.id}" in mail.body_text

    client.post("/ateliers/admin/2017/counters", data=form)

    assert _flashes(client) == [("info", "Vera Frivillig already counts at Tollboden; nothing changed and no email "
                                         "was sent.")]
    assert len(_counter_mails(db)) == 1


def test_the_exhibition_counter_is_told_the_opening_period_in_their_language(db):
    location = factories.make_location(exhibition=factories.make_exhibition(year=2017))
    volunteer = factories.make_user(roles=[Role.VOLUNTEER], locale="en")

    assert counting.assign_counter(location=location, user=volunteer) is True
    assert counting.assign_counter(location=location, user=volunteer) is False

    [mail] = _counter_mails(db)
    assert (mail.recipient, mail.subject) == (volunteer.email, f"You count visitors at {location.name}")
    assert "Every day from Thursday, September 7, 2017 to Sunday, September 24, 2017." in mail.body_text
