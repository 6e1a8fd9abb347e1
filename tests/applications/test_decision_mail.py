"""Decision mails tell the truth: the flash counts the outbox rows made, and applicants kunstvest cannot email are
listed for the secretariat to tell by hand."""

import re
from urllib.parse import unquote

import pytest
import sqlalchemy as sa

from kunstvest.applications import deciding, services
from kunstvest.applications.models import ApplicationStatus, CallPhase
from kunstvest.auth.models import Role
from kunstvest.common.audit import AuditEvent
from kunstvest.common.outbox import OutboxMessage
from tests import factories

pytestmark = pytest.mark.usefixtures("english")


def _page(response) -> str:
    return response.get_data(as_text=True)


def _outbox_count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))


def _deciding_call(db, *, with_account: int = 1, without_account: int = 3):
    """A call in the deciding phase whose applicants are all decided: the first `with_account` have an account."""
    call = factories.make_call(jurors=[factories.make_user(roles=[Role.JURY])])
    artists = [factories.make_artist(name=f"Med Konto {number}") for number in range(with_account)]
    artists += [factories.make_artist(user=False, name=f"Uten Konto {number}", address="Fjordveien 3",
                                      postcode="3300", city="Hokksund", phone="+47 912 34 567")
                for number in range(without_account)]
    applications = [factories.make_application(call=call, artist=artist) for artist in artists]
    call.phase = CallPhase.DECIDING
    deciding.apply_cut_line(call=call, cut_line=2, waitlist_size=1, actor=None)
    db.session.commit()
    return call, applications


def _flashed_number(page: str, pattern: str) -> int:
    match = re.search(pattern, page)
    assert match, f"no {pattern!r} in the page"
    return int(match.group(1))


def test_the_publish_flash_counts_the_mails_made_and_the_applicants_skipped(client, db, login):
    login(Role.ADMIN)
    call, _ = _deciding_call(db)
    before = _outbox_count(db)

    page = _page(client.post(f"/applications/admin/calls/{call.id}/publish", data={"is_checked": "y"},
                             follow_redirects=True))

    made = _outbox_count(db) - before
    assert made == 1
    assert _flashed_number(page, r"The decisions are published: (\d+) emails? queued") == made
    assert _flashed_number(page, r"(\d+) applicants? got no email") == 3
    assert f'with an email address. <a href="/applications/admin/calls/{call.id}/without-email">Tell them yourself</a>' \
        in page  # the flash links to the page
    published = db.session.scalars(sa.select(AuditEvent.details).where(AuditEvent.action == "call.published")).one()
    assert published["without_email"] == 3


def test_the_publish_flash_names_no_one_skipped_when_everyone_has_an_account(client, db, login):
    login(Role.ADMIN)
    call, _ = _deciding_call(db, with_account=2, without_account=0)
    before = _outbox_count(db)

    page = _page(client.post(f"/applications/admin/calls/{call.id}/publish", data={"is_checked": "y"},
                             follow_redirects=True))

    assert _flashed_number(page, r"The decisions are published: (\d+) emails? queued") == _outbox_count(db) - before
    assert "got no email" not in page and "Applicants without email" not in page


def test_the_ranking_page_says_before_publishing_who_will_get_no_email(client, db, login):
    login(Role.ADMIN)
    call, _ = _deciding_call(db, with_account=1, without_account=2)

    page = _page(client.get(f"/applications/admin/calls/{call.id}/ranking"))

    assert "2 applicants have no account with an email address and get no email" in page
    assert "Every applicant is emailed their decision" not in page


def test_the_page_of_applicants_without_email_lists_them_with_their_address(client, db, login):
    login(Role.ADMIN)
    call, applications = _deciding_call(db)
    deciding.publish_decisions(call=call, actor=None)
    db.session.commit()

    call_page = _page(client.get(f"/applications/admin/calls/{call.id}"))
    assert "Applicants without email (3)" in call_page
    page = _page(client.get(f"/applications/admin/calls/{call.id}/without-email"))

    assert [name for name in ("Uten Konto 0", "Uten Konto 1", "Uten Konto 2") if name in page] == [
        "Uten Konto 0", "Uten Konto 1", "Uten Konto 2"]
    assert "Med Konto 0" not in page
    assert "Fjordveien 3, 3300 Hokksund" in page and 'href="tel:+47 912 34 567"' in page
    assert "no account" in page
    mailto = re.search(r'href="(mailto:\?subject=[^"]+)"', page).group(1)
    assert "Kunst rett vest" in unquote(mailto) and "body=" in mailto


def test_the_secretariat_queues_a_decision_to_an_address_it_found(client, db, login):
    login(Role.ADMIN)
    call, applications = _deciding_call(db)
    deciding.publish_decisions(call=call, actor=None)
    db.session.commit()
    without = next(a for a in applications if a.artist.user is None)
    prefix = f"a{without.id}-"
    url = f"/applications/admin/applications/{without.id}/mail-decision"
    before = _outbox_count(db)

    refused = _page(client.post(url, data={prefix + "email": "not an address"}, follow_redirects=True))
    assert "Enter the email address of" in refused and _outbox_count(db) == before

    page = _page(client.post(url, data={prefix + "email": " funnet@example.org "}, follow_redirects=True))

    message = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert _outbox_count(db) == before + 1
    assert message.recipient == "funnet@example.org" and message.template.startswith("decision_")
    assert "is queued to funnet@example.org" in page
    assert "to funnet@example.org," in page  # the row now says where the decision went


def test_an_applicant_with_an_account_is_not_mailed_by_hand(client, db, login):
    login(Role.ADMIN)
    call, applications = _deciding_call(db)
    deciding.publish_decisions(call=call, actor=None)
    db.session.commit()
    with_account = applications[0]
    before = _outbox_count(db)

    page = _page(client.post(f"/applications/admin/applications/{with_account.id}/mail-decision",
                             data={f"a{with_account.id}-email": "x@example.org"}, follow_redirects=True))

    assert "has an account and got the decision by email" in page and _outbox_count(db) == before


def test_a_decision_is_mailed_by_hand_only_once_published(db):
    call, applications = _deciding_call(db)
    without = next(a for a in applications if a.artist.user is None)
    with pytest.raises(services.ApplicationError, match="Only a published decision"):
        deciding.mail_decision_to(application=without, email="x@example.org", actor=None)


def test_an_erased_account_counts_as_no_address(db):
    call, applications = _deciding_call(db, with_account=2, without_account=0)
    applications[1].artist.user.erased_at = applications[1].artist.user.created_at
    db.session.flush()

    outcome = deciding.publish_decisions(call=call, actor=None)

    assert outcome.queued == 1 and outcome.unmailed == [applications[1]]
    [row] = deciding.unmailed_decisions(call=call)
    assert row.application is applications[1] and row.reason == "account erased"


def test_promoting_an_artist_without_an_account_says_no_email_went(client, db, login):
    login(Role.ADMIN)
    call, applications = _deciding_call(db, with_account=2, without_account=1)
    deciding.publish_decisions(call=call, actor=None)
    waiting = next(a for a in applications if a.status == ApplicationStatus.WAITLISTED)
    assert waiting.artist.user is None
    services.withdraw_application(application=applications[0], actor=None)
    db.session.commit()
    before = _outbox_count(db)

    page = _page(client.post(f"/applications/admin/calls/{call.id}/promote",
                             data={"application_id": str(waiting.id)}, follow_redirects=True))

    assert _outbox_count(db) == before
    assert "is offered the place, but no email went (no account)" in page
    assert "has been emailed" not in page


def test_before_publishing_the_page_lists_who_will_get_no_email_but_offers_no_mail(client, db, login):
    login(Role.ADMIN)
    call, _ = _deciding_call(db, with_account=1, without_account=1)

    page = _page(client.get(f"/applications/admin/calls/{call.id}/without-email"))

    assert "Uten Konto 0" in page and "The decisions are not published yet" in page
    assert "mailto:" not in page and "mail-decision" not in page


def test_a_call_without_jurors_does_not_claim_every_juror_is_on_it(client, db, login):
    login(Role.ADMIN)
    call = factories.make_call()
    db.session.commit()

    page = _page(client.get(f"/applications/admin/calls/{call.id}"))

    assert "Every user with the jury role is on this jury" not in page
    assert "No user has the jury role yet" in page
