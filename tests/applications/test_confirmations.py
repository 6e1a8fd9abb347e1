"""The open call's irreversible actions ask first: the page (GET) says what will happen and to whom and changes
nothing; the POST does it, and its flash says what was done. Also the rule that a submitted application never stays
submitted below the call's minimum of works."""

import re

import pytest
import sqlalchemy as sa

from kunstvest.applications import reviewing, services
from kunstvest.applications.models import Application, ApplicationStatus, CallPhase, Conflict, OpenCall, Review
from kunstvest.auth.models import Role
from kunstvest.common.audit import AuditEvent
from kunstvest.common.outbox import OutboxMessage
from tests import factories

pytestmark = pytest.mark.usefixtures("english")


def _page(response) -> str:
    return response.get_data(as_text=True)


def _mails(db, template: str) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == template)
                                   .order_by(OutboxMessage.id)))


def _fresh(db, model, object_id):
    db.session.expire_all()
    return db.session.get(model, object_id)


def _section(page: str, element_id: str) -> str:
    """The inside of the list with the given id."""
    return page.split(f'id="{element_id}"')[1].split("</ul>")[0]


# --- closing a call early -------------------------------------------------------------------------------------------

def test_closing_a_call_early_names_the_drafts_and_mails_their_artists_in_their_language(client, db, login):
    login(Role.ADMIN)
    call = factories.make_call()
    factories.make_application(call=call)
    english = factories.make_artist(user=factories.make_user(roles=[Role.ARTIST], locale="en"), name="Anna Aas")
    norwegian = factories.make_artist(name="Bjørn Berg")
    offline = factories.make_artist(user=False, name="Cecilie Dahl")
    drafts = [factories.make_application(call=call, artist=artist, submit=False)
              for artist in (english, norwegian, offline)]
    db.session.commit()
    call_url = f"/applications/admin/calls/{call.id}"
    close_url = f"{call_url}/close"

    assert f'href="{close_url}"' in _page(client.get(call_url))
    asked = client.post(f"{call_url}/phase", data={"phase": "closed"})  # the phase button only asks
    assert asked.headers["Location"].endswith(close_url)
    page = _page(client.get(close_url))

    assert f"Close {call.title} now?" in page
    assert "3 drafts will not be submitted" in page and "1 submitted application goes on to the jury" in page
    listed = _section(page, "drafts")
    assert "Anna Aas" in listed and "Bjørn Berg" in listed
    assert "Cecilie Dahl: <strong>no email can go (no account); tell them yourself</strong>" in listed
    assert f'href="{call_url}"' in page  # the way back keeps the call open
    assert services.phase_of(_fresh(db, OpenCall, call.id)) == CallPhase.OPEN
    assert _mails(db, "call_closed_draft") == []

    closed = _page(client.post(close_url, follow_redirects=True))

    assert "The call is closed. 2 artists whose drafts were not submitted have been emailed." in closed
    assert "1 artist with a draft got no email: Cecilie Dahl (no account). Tell them yourself." in closed
    messages = {message.recipient: message for message in _mails(db, "call_closed_draft")}
    assert sorted(messages) == sorted([english.user.email, norwegian.user.email])
    assert messages[english.user.email].subject == f"{call.title} has closed: your application was not submitted"
    assert "before the planned deadline" in messages[english.user.email].body_text
    assert messages[norwegian.user.email].subject == f"{call.title} er stengt: søknaden din ble ikke sendt inn"
    assert "før den planlagte fristen" in messages[norwegian.user.email].body_text
    assert services.phase_of(_fresh(db, OpenCall, call.id)) == CallPhase.CLOSED
    assert {_fresh(db, Application, draft.id).status for draft in drafts} == {ApplicationStatus.DRAFT}
    again = client.get(close_url, follow_redirects=True)
    assert "The call is not open, so it cannot be closed early." in _page(again)
    assert len(_mails(db, "call_closed_draft")) == 2


def test_closing_a_call_without_drafts_says_nobody_is_left_out(client, db, login):
    login(Role.ADMIN)
    call = factories.make_call()
    factories.make_application(call=call)
    db.session.commit()
    close_url = f"/applications/admin/calls/{call.id}/close"

    assert "No application is left in draft, so nobody is left out and no email is sent." in _page(
        client.get(close_url))
    closed = _page(client.post(close_url, follow_redirects=True))

    assert "The call is closed. No drafts were left unsubmitted." in closed
    assert _mails(db, "call_closed_draft") == []


# --- a juror's conflict of interest ---------------------------------------------------------------------------------

def test_declaring_a_conflict_asks_first_and_says_the_scores_go(client, db, login):
    juror = login(Role.JURY)
    call = factories.make_call(jurors=[juror])
    application = factories.make_application(call=call)
    call.phase = CallPhase.JURYING
    reviewing.score_application(application=application, juror=juror,
                                scores={criterion.id: 5 for criterion in call.criteria})
    db.session.commit()
    page_url = f"/applications/jury/{call.id}/applications/{application.id}"
    conflict_url = f"{page_url}/conflict"

    assert f'href="{conflict_url}"' in _page(client.get(page_url))
    page = _page(client.get(conflict_url))

    assert f"Declare a conflict of interest with {application.reference}?" in page
    assert "Your 2 scores of it, given" in page and application.artist.name not in page  # still blind
    assert '<label for="conflict-reason">' in page and f'href="{page_url}"' in page
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(Conflict.id))) == 0

    too_long = client.post(conflict_url, data={"conflict-reason": "x" * 301})
    assert too_long.status_code == 422 and "Keep the reason to 300 characters or fewer." in _page(too_long)
    assert db.session.scalar(sa.select(sa.func.count(Conflict.id))) == 0

    declared = _page(client.post(conflict_url, data={"conflict-reason": "Min nevø"}, follow_redirects=True))

    assert (f"Conflict of interest with {application.reference} noted: it is off your list, and your scores of it "
            "are deleted.") in declared
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 0
    assert db.session.scalar(sa.select(Conflict.reason)) == "Min nevø"


def test_a_conflict_on_an_unscored_application_says_no_scores_go(client, db, login):
    juror = login(Role.JURY)
    call = factories.make_call(jurors=[juror])
    application = factories.make_application(call=call)
    call.phase = CallPhase.JURYING
    db.session.commit()
    conflict_url = f"/applications/jury/{call.id}/applications/{application.id}/conflict"

    assert "You have not scored it, so no scores are deleted." in _page(client.get(conflict_url))
    declared = _page(client.post(conflict_url, follow_redirects=True))

    assert f"Conflict of interest with {application.reference} noted: it is off your list. You had not scored it." \
        in declared


# --- withdrawing for the artist, and the waiting list ---------------------------------------------------------------

def _published_call(db):
    """A published call with one place, taken by Anna Aas; Bjørn Berg and then Cecilie Dahl (no account) wait."""
    call = factories.make_call(capacity=1)
    accepted = factories.make_application(call=call, artist=factories.make_artist(name="Anna Aas"))
    first = factories.make_application(call=call, artist=factories.make_artist(name="Bjørn Berg"))
    second = factories.make_application(call=call, artist=factories.make_artist(user=False, name="Cecilie Dahl"))
    accepted.status = ApplicationStatus.ACCEPTED
    for position, waiting in enumerate((first, second), start=1):
        waiting.status, waiting.waitlist_position = ApplicationStatus.WAITLISTED, position
    call.phase = CallPhase.PUBLISHED
    db.session.commit()
    return call, accepted, first, second


def test_withdrawing_for_the_artist_asks_first_and_names_who_is_next(client, db, login):
    login(Role.ADMIN)
    call, accepted, first, _ = _published_call(db)
    url = f"/applications/admin/applications/{accepted.id}/withdraw"

    assert f'href="{url}"' in _page(client.get(f"/applications/admin/applications/{accepted.id}"))
    page = _page(client.get(url))

    assert "Withdraw the application of Anna Aas?" in page
    assert "The first on the waiting list is Bjørn Berg" in page
    assert "The jury's 0 reviews of it stay in the record." in page and "No email is sent" in page
    assert _fresh(db, Application, accepted.id).status == ApplicationStatus.ACCEPTED

    done = _page(client.post(url, follow_redirects=True))

    assert "The application of Anna Aas is withdrawn." in done and "A place is free" in done
    assert _fresh(db, Application, accepted.id).status == ApplicationStatus.WITHDRAWN
    assert _fresh(db, Application, first.id).status == ApplicationStatus.WAITLISTED  # promoting is its own step
    assert "This application cannot be withdrawn." in _page(client.get(url, follow_redirects=True))


def test_promoting_asks_first_names_the_artist_and_refuses_a_stale_page(client, db, login):
    login(Role.ADMIN)
    call, _, first, second = _published_call(db)
    url = f"/applications/admin/calls/{call.id}/promote"

    assert f'href="{url}"' in _page(client.get(f"/applications/admin/calls/{call.id}"))
    page = _page(client.get(url))

    assert "Offer the place to Bjørn Berg?" in page
    assert f"Bjørn Berg is emailed at {first.artist.user.email}" in page
    assert re.search(rf'name="application_id" type="hidden" value="{first.id}"', page)
    assert _fresh(db, Application, first.id).status == ApplicationStatus.WAITLISTED
    assert _mails(db, "decision_promoted") == []

    for stale in (second.id, "99999999999999999999999", "", "Bjørn"):
        refused = _page(client.post(url, data={"application_id": stale}, follow_redirects=True))
        assert "The waiting list has changed since the page was shown" in refused
    assert client.post(url, data={"application_id": "\x00"}).status_code == 400
    assert {_fresh(db, Application, a.id).status for a in (first, second)} == {ApplicationStatus.WAITLISTED}
    assert _mails(db, "decision_promoted") == []

    done = _page(client.post(url, data={"application_id": first.id}, follow_redirects=True))

    assert "Bjørn Berg is offered the place and has been emailed." in done
    assert _fresh(db, Application, first.id).status == ApplicationStatus.ACCEPTED
    assert [mail.recipient for mail in _mails(db, "decision_promoted")] == [first.artist.user.email]
    following = _page(client.get(url))
    assert "Offer the place to Cecilie Dahl?" in following
    assert "No email can go to Cecilie Dahl (no account): tell them yourself." in following


# --- removing a work, and the minimum of works ----------------------------------------------------------------------

@pytest.fixture
def submitted(login, db):
    """The logged-in artist's application, submitted with 3 works to a call that asks for at least 3."""
    user = login(Role.ARTIST)
    call = factories.make_call(min_works=3)
    application = factories.make_application(call=call, artist=factories.make_artist(user=user), works=3)
    db.session.commit()
    return application


def test_removing_a_work_below_the_minimum_asks_and_returns_the_application_to_draft(client, db, submitted):
    application, reference = submitted, submitted.reference
    work = application.works[0]
    url = f"/applications/my/works/{work.id}/remove"

    assert f'href="{url}"' in _page(client.get("/applications/my"))
    page = _page(client.get(url))

    assert "Remove Verk 1?" in page and 'id="returns-to-draft"' in page
    assert "the call asks for at least 3 works; without this one it has 2." in page
    assert re.search(r'name="return_to_draft" type="hidden" value="1"', page)
    assert len(_fresh(db, Application, application.id).works) == 3
    assert _fresh(db, Application, application.id).status == ApplicationStatus.SUBMITTED

    done = _page(client.post(url, data={"return_to_draft": "1"}, follow_redirects=True))

    assert "Verk 1 is removed. Returned to draft: 2 of at least 3 works; submit again before" in done
    assert 'id="status-note"' in done
    application = _fresh(db, Application, application.id)
    assert (application.status, len(application.works), application.submitted_at) == (
        ApplicationStatus.DRAFT, 2, None)
    assert application.reference == reference
    services.save_work(application=application, title="Verk 4", technique="Olje", image=factories.make_image())
    assert services.submit_application(application=application) is True
    assert (application.status, application.reference) == (ApplicationStatus.SUBMITTED, reference)


def test_a_stale_removal_page_cannot_take_a_submitted_application_below_the_minimum(client, db, submitted):
    work = submitted.works[0]

    refused = _page(client.post(f"/applications/my/works/{work.id}/remove", follow_redirects=True))

    assert "Removing Verk 1 would leave 2 of at least 3 works, so the application would go back to draft." in refused
    assert 'id="returns-to-draft"' in refused  # back on the page that says so
    application = _fresh(db, Application, submitted.id)
    assert (application.status, len(application.works)) == (ApplicationStatus.SUBMITTED, 3)


def test_removing_a_work_above_the_minimum_keeps_the_application_submitted(client, db, login):
    user = login(Role.ARTIST)
    application = factories.make_application(call=factories.make_call(min_works=1),
                                             artist=factories.make_artist(user=user), works=2)
    db.session.commit()
    url = f"/applications/my/works/{application.works[0].id}/remove"

    page = _page(client.get(url))
    assert "Your application stays submitted, with 1 work." in page and "returns-to-draft" not in page
    assert len(_fresh(db, Application, application.id).works) == 2

    done = _page(client.post(url, follow_redirects=True))

    assert "Verk 1 is removed." in done and "Returned to draft" not in done
    application = _fresh(db, Application, application.id)
    assert (application.status, len(application.works)) == (ApplicationStatus.SUBMITTED, 1)


def test_another_artists_work_or_a_closed_call_cannot_be_removed(client, db, login):
    other = factories.make_application(call=factories.make_call(min_works=1), works=2)
    user = login(Role.ARTIST)
    own = factories.make_application(call=other.call, artist=factories.make_artist(user=user), works=2)
    db.session.commit()

    assert client.get(f"/applications/my/works/{other.works[0].id}/remove").status_code == 404
    assert client.post(f"/applications/my/works/{other.works[0].id}/remove").status_code == 404
    own.call.phase = CallPhase.CLOSED
    db.session.commit()
    refused = client.get(f"/applications/my/works/{own.works[0].id}/remove", follow_redirects=True)
    assert "This application can no longer be changed." in _page(refused)
    assert len(_fresh(db, Application, own.id).works) == 2


def test_the_service_never_leaves_a_submitted_application_below_the_minimum(db):
    application = factories.make_application(call=factories.make_call(min_works=2), works=2)
    first, second = application.works

    with pytest.raises(services.ApplicationError, match="would go back to draft"):
        services.remove_work(application=application, work=first)
    assert (application.status, len(application.works)) == (ApplicationStatus.SUBMITTED, 2)

    assert services.remove_work(application=application, work=first, return_to_draft=True) is True
    assert application.status == ApplicationStatus.DRAFT and services.is_returned_to_draft(application)
    assert services.status_note(application).startswith("Returned to draft: 1 of at least 2 works; submit again")
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.action == "application.returned_to_draft")) == 1
    assert services.remove_work(application=application, work=second) is False  # a draft may hold fewer
    assert application.works == []
