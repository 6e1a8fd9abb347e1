"""A volunteer counts visitors on a phone, loses the signal for three taps, and no visit is lost or counted twice."""

from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import Browser, expect

from kunstvest.ateliers import counting
from kunstvest.ateliers.models import VisitTap
from kunstvest.auth.models import Role
from kunstvest.extensions import db
from tests import factories
from tests.browser.axe import axe_check, log_in_at, visit

PHONE = {"width": 390, "height": 844}
EMAIL = "frivillig@example.org"


def _location(app) -> int:
    """The exhibition open yesterday to tomorrow (so today in Oslo is a counting day), with the volunteer assigned."""
    with app.app_context():
        today = counting.today_in_oslo()
        volunteer = factories.make_user(roles=[Role.VOLUNTEER], email=EMAIL, full_name="Vera Frivillig")
        exhibition = factories.make_exhibition(year=today.year, opens_on=today - timedelta(days=1),
                                               closes_on=today + timedelta(days=1))
        location = factories.make_location(exhibition=exhibition, users=[volunteer])
        db.session.commit()
        return location.id


def _stored_total(app, location_id: int) -> int:
    with app.app_context():
        total = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(VisitTap.visitors), 0))
                                  .where(VisitTap.location_id == location_id))
        db.session.remove()
        return total


def test_taps_made_offline_are_sent_when_the_phone_is_back_online(app, live_server, browser: Browser):
    location_id = _location(app)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="nb-NO")
    page = context.new_page()
    log_in_at(page, live_server.url, EMAIL, factories.PASSWORD)

    visit(page, f"{live_server.url}/ateliers/count/{location_id}")
    total = page.locator("#counter-total")
    queue = page.locator("#counter-queue")
    plus_one = page.locator("button.counter-plus-one")
    for _ in range(5):
        plus_one.click()
    expect(total).to_have_text("5")
    expect(queue).not_to_have_class("counter-queue is-waiting", timeout=10_000)
    assert _stored_total(app, location_id) == 5

    context.set_offline(True)
    for _ in range(3):
        plus_one.click()
    expect(total).to_have_text("8")
    expect(queue).to_contain_text("3")
    expect(queue).to_have_class("counter-queue is-waiting")
    assert _stored_total(app, location_id) == 5
    axe_check(page)

    context.set_offline(False)
    expect(queue).not_to_have_class("counter-queue is-waiting", timeout=15_000)
    expect(total).to_have_text("8")
    assert _stored_total(app, location_id) == 8

    # The queue lives in localStorage: a reload shows the server's total and sends nothing twice.
    page.reload()
    expect(total).to_have_text("8")
    assert page.evaluate("() => localStorage.getItem(document.getElementById('counter').dataset.queueKey)") == "[]"
    page.locator("button.counter-undo").click()
    expect(total).to_have_text("7")
    expect(page.locator("button.counter-undo")).to_be_disabled()
    expect(queue).not_to_have_class("counter-queue is-waiting", timeout=10_000)
    assert _stored_total(app, location_id) == 7
    context.close()
