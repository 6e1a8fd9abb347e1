"""The jurors' mail when a call moves to jurying: one per juror of the call, in the juror's language, with the number
of applications and a link to their jury page; moving to jurying a second time mails only jurors not mailed yet."""

import pytest
import sqlalchemy as sa
from flask import current_app

from kunstvest.applications import services
from kunstvest.applications.models import CallPhase, OpenCall
from kunstvest.auth.models import Role
from kunstvest.common.outbox import OutboxMessage
from tests import factories

pytestmark = pytest.mark.usefixtures("english")


def _jury_mails(db) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == "jury_started")
                                   .order_by(OutboxMessage.id)))


def _flashes(client) -> str:
    with client.session_transaction() as session:
        return " ".join(message for _category, message in session.get("_flashes", []))


@pytest.fixture
def closed_call(db):
    """A closed call with three submitted applications, a draft, and two jurors: Ask reads English, Bakke bokmål."""
    ask = factories.make_user(roles=[Role.JURY], full_name="Juror Ask", email="ask@example.org", locale="en")
    bakke = factories.make_user(roles=[Role.JURY], full_name="Juror Bakke", email="bakke@example.org", locale="nb")
    call = factories.make_call(year=2018, jurors=[ask, bakke])
    for _ in range(3):
        factories.make_application(call=call)
    factories.make_application(call=call, submit=False)
    call.phase = CallPhase.CLOSED
    db.session.commit()
    return call


def test_moving_to_jurying_mails_each_juror_once_with_the_count_and_their_jury_page(db, closed_call):
    admin = factories.make_user(roles=[Role.ADMIN])

    started = services.move_phase(call=closed_call, to=CallPhase.JURYING, actor=admin)

    assert [juror.email for juror in started.mailed] == ["ask@example.org", "bakke@example.org"]
    to_ask, to_bakke = _jury_mails(db)
    assert (to_ask.recipient, to_bakke.recipient) == ("ask@example.org", "bakke@example.org")
    assert to_ask.subject == "The jury of Kunst rett vest 2018 has started"
    assert to_bakke.subject == "Jureringen av Kunst rett vest 2018 har startet"
    assert "3 applications are waiting for your scores." in to_ask.body_text  # the draft is not among them
    assert "3 søknader venter på poengene dine." in to_bakke.body_text
    assert f"{current_app.config['PUBLIC_URL']}/applications/jury/{closed_call.id}" in to_ask.body_text


def test_jurying_a_second_time_mails_only_the_jurors_not_mailed_before(db, closed_call):
    admin = factories.make_user(roles=[Role.ADMIN])
    services.move_phase(call=closed_call, to=CallPhase.JURYING, actor=admin)
    services.move_phase(call=closed_call, to=CallPhase.CLOSED, actor=admin)
    newcomer = factories.make_user(roles=[Role.JURY], email="ny@example.org", locale="en")
    services.assign_juror(call=closed_call, juror=newcomer, actor=admin)

    again = services.move_phase(call=closed_call, to=CallPhase.JURYING, actor=admin)

    assert [juror.email for juror in again.mailed] == ["ny@example.org"]
    assert sorted(juror.email for juror in again.mailed_before) == ["ask@example.org", "bakke@example.org"]
    assert [mail.recipient for mail in _jury_mails(db)] == ["ask@example.org", "bakke@example.org", "ny@example.org"]


def test_other_moves_mail_no_juror(db, closed_call):
    assert services.move_phase(call=closed_call, to=CallPhase.OPEN, actor=None) is None
    assert _jury_mails(db) == []


def test_the_message_counts_the_jurors_mailed_and_those_not_mailed_again(client, login, db, closed_call):
    login(Role.ADMIN)
    url = f"/applications/admin/calls/{closed_call.id}/phase"

    client.post(url, data={"phase": "jurying"})

    assert "The call is now jurying. 2 jurors have been emailed." in _flashes(client)
    client.get("/")  # shows, and so clears, the message
    client.post(url, data={"phase": "closed"})
    client.get("/")
    client.post(url, data={"phase": "jurying"})

    assert "The call is now jurying. 0 jurors have been emailed. 2 jurors were emailed at the earlier start and " \
           "not again." in _flashes(client)
    assert len(_jury_mails(db)) == 2
    assert db.session.get(OpenCall, closed_call.id).phase == CallPhase.JURYING


def test_the_audit_log_says_in_words_that_a_juror_was_mailed():
    from kunstvest.admin.audit_words import action_label
    from kunstvest.applications.reviewing import JUROR_MAILED

    assert action_label(JUROR_MAILED) == "Juror emailed that the jury has started"


def test_the_call_page_says_before_the_move_that_the_jurors_will_be_mailed(client, login, db, closed_call):
    login(Role.ADMIN)
    page = client.get(f"/applications/admin/calls/{closed_call.id}").get_data(as_text=True)
    assert "Moving the call to jurying emails 2 jurors that the scoring has opened." in page
    assert _jury_mails(db) == [], "nothing is mailed by looking"


def test_the_call_page_counts_only_the_jurors_that_will_be_mailed(client, login, db, closed_call):
    from kunstvest.common.personal_data import erase_user

    admin = login(Role.ADMIN)
    ask = next(assignment.juror for assignment in closed_call.jurors if assignment.juror.email == "ask@example.org")
    erase_user(user=ask, erased_by=admin)
    db.session.commit()
    hint = client.get(f"/applications/admin/calls/{closed_call.id}").get_data(as_text=True).split(
        'id="jury-start-hint">')[1].split("</p>")[0]
    assert "emails 1 juror that the scoring has opened." in hint
    assert "1 juror's account is erased, so no email goes to them." in hint
    client.post(f"/applications/admin/calls/{closed_call.id}/phase", data={"phase": "jurying"})
    assert [mail.recipient for mail in _jury_mails(db)] == ["bakke@example.org"]
