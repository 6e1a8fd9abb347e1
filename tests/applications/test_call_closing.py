"""A call's pages show when it really closed: a call the secretariat closed early did not close on its planned date."""

from datetime import timedelta

import pytest
from flask_babel import format_date, format_datetime

from kunstvest.applications import services
from kunstvest.applications.models import CallPhase, OpenCall
from kunstvest.auth.models import Role
from kunstvest.common.models import utcnow
from tests import factories

pytestmark = pytest.mark.usefixtures("english")


def _short(moment) -> str:
    return format_datetime(moment, "short")


def test_closing_early_records_the_moment_and_reopening_clears_it(db):
    call = factories.make_call()
    early = call.closes_at - timedelta(days=3)

    services.move_phase(call=call, to=CallPhase.CLOSED, actor=None, now=early)
    assert call.closed_at == early and services.closing_time(call) == early

    services.move_phase(call=call, to=CallPhase.OPEN, actor=None, now=early + timedelta(hours=1))
    assert call.closed_at is None and services.closing_time(call, now=early) is None


def test_a_call_moved_on_after_its_deadline_closed_at_the_deadline(db):
    call = factories.make_call(jurors=[factories.make_user(roles=[Role.JURY])])
    later = call.closes_at + timedelta(days=2)

    services.move_phase(call=call, to=CallPhase.JURYING, actor=None, now=later)

    assert call.closed_at == call.closes_at
    services.move_phase(call=call, to=CallPhase.CLOSED, actor=None, now=later + timedelta(days=1))
    assert call.closed_at == call.closes_at  # going back from jurying does not move the closing time


def test_a_call_closed_by_its_deadline_alone_reads_as_closed_then(db):
    call = factories.make_call(closes_at=utcnow() - timedelta(days=1), opens_at=utcnow() - timedelta(days=20))
    assert call.closed_at is None and services.closing_time(call) == call.closes_at


def test_the_public_page_of_a_call_closed_early_shows_the_real_closing_time(client, db, login):
    login(Role.ADMIN)
    call = factories.make_call()
    planned, early = call.closes_at, call.closes_at - timedelta(days=9)
    services.move_phase(call=call, to=CallPhase.CLOSED, actor=None, now=early)
    db.session.commit()

    page = client.get("/applications/").get_data(as_text=True)

    assert f"The call was closed {_short(early)}, before the planned deadline {_short(planned)}." in page
    assert f"The call closed {_short(planned)}" not in page
    admin_page = client.get(f"/applications/admin/calls/{call.id}").get_data(as_text=True)
    assert "Closed early" in admin_page and _short(early) in admin_page
    assert "closed early, " + _short(early) in client.get("/applications/admin/calls").get_data(as_text=True)


def test_a_call_closed_on_time_shows_its_deadline_once(client, db):
    call = factories.make_call(closes_at=utcnow() - timedelta(days=1), opens_at=utcnow() - timedelta(days=20))
    db.session.commit()

    page = client.get("/applications/").get_data(as_text=True)

    assert f"The call closed {_short(call.closes_at)}." in page and "before the planned deadline" not in page


def test_the_jury_sees_the_real_closing_date(client, db, login):
    juror = login(Role.JURY)
    call = factories.make_call(jurors=[juror])
    early = call.closes_at - timedelta(days=5)
    services.move_phase(call=call, to=CallPhase.CLOSED, actor=None, now=early)
    db.session.commit()

    page = client.get("/applications/jury/").get_data(as_text=True)

    assert f"The call closed on {format_date(early, 'long')};" in page


def test_a_late_submission_is_told_when_the_call_really_closed(db):
    call = factories.make_call()
    application = factories.make_application(call=call, submit=False)
    early = call.closes_at - timedelta(days=4)
    services.move_phase(call=call, to=CallPhase.CLOSED, actor=None, now=early)

    with pytest.raises(services.ApplicationError, match=f"The deadline was {_short(early)};"):
        services.submit_application(application=application, now=early + timedelta(hours=1))
