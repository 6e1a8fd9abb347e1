"""The side programme on a phone, in Norwegian: read the day's events, sign up for the last seat, then cancel."""

from datetime import UTC, datetime, time

import sqlalchemy as sa
from playwright.sync_api import Browser, expect

from kunstvest.common.outbox import OutboxMessage
from kunstvest.exhibitions import programme
from kunstvest.exhibitions.models import EventKind, Signup, SignupStatus
from kunstvest.extensions import db
from tests import factories
from tests.browser.axe import axe_check, visit

YEAR = datetime.now(UTC).year + 1
PHONE = {"width": 390, "height": 844}


def _programme(app) -> tuple[int, int]:
    """Next year's exhibition with a guided tour in Polish (two seats, one taken) and a yoga class without sign-up."""
    with app.app_context():
        exhibition = factories.make_exhibition(year=YEAR, title=f"Kunst rett vest {YEAR}")
        tour = programme.save_event(
            exhibition=exhibition, kind=EventKind.GUIDED_TOUR, title="Omvisning på polsk", description="Po polsku.",
            day=exhibition.opens_on, starts=time(13), ends=time(14), place="Hovedsalen", language="pl", capacity=2,
            has_signup=True)
        programme.save_event(
            exhibition=exhibition, kind=EventKind.YOGA, title="Yoga blant kunsten", description="",
            day=exhibition.opens_on, starts=time(10), ends=time(11), place="Hagen", language="nb", capacity=None,
            has_signup=False)
        programme.sign_up(event=tour, name="Ola Nordmann", email="ola@example.org", seats=1)
        db.session.commit()
        return tour.id, exhibition.id


def test_a_visitor_signs_up_on_a_phone_and_the_waiting_list_moves_up_when_they_cancel(browser: Browser, live_server,
                                                                                        app):
    tour_id, _ = _programme(app)
    page = browser.new_context(viewport=PHONE, locale="nb-NO").new_page()

    visit(page, f"{live_server.url}/exhibitions/{YEAR}/programme")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    tour = page.locator(f"#event-{tour_id}")
    expect(tour).to_contain_text("Omvisning på polsk")
    expect(tour).to_contain_text("1 plass")  # one of two seats left
    expect(page.locator("main")).to_contain_text("Yoga blant kunsten")
    tour.locator("summary").click()
    axe_check(page)  # with the sign-up form open
    tour.locator("input[name$='-name']").fill("Kari Nordmann")
    tour.locator("input[name$='-email']").fill("kari@example.org")
    with page.expect_navigation():
        tour.locator("[type=submit]").click()
    axe_check(page)

    with app.app_context():
        signup = db.session.scalar(sa.select(Signup).where(Signup.email == "kari@example.org"))
        assert signup.status == SignupStatus.CONFIRMED
        # The next one goes on the waiting list.
        waiting = programme.sign_up(event=signup.event, name="Per Venter", email="per@example.org", seats=1)
        db.session.commit()
        assert waiting.status == SignupStatus.WAITLISTED
        token, waiting_id = signup.token, waiting.id

    # The cancel link from the confirmation email.
    visit(page, f"{live_server.url}/exhibitions/signups/{token}")
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    axe_check(page)

    with app.app_context():
        assert db.session.get(Signup, waiting_id).status == SignupStatus.CONFIRMED
        promoted = db.session.scalars(sa.select(OutboxMessage).where(
            OutboxMessage.recipient == "per@example.org").order_by(OutboxMessage.id)).all()
        assert [message.template for message in promoted] == ["signup_waitlisted", "signup_promoted"]
