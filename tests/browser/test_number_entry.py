"""Numbers typed the Norwegian way in a real browser (Debian's Chromium) are stored as meant, or refused clearly."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, expect

from kunstvest.applications.models import ChosenWork
from kunstvest.ateliers import counting
from kunstvest.ateliers.models import Sale, VisitTap
from kunstvest.auth.models import Role
from kunstvest.extensions import db
from tests import factories
from tests.browser.axe import axe_check, log_in_at, visit


@pytest.fixture
def artist(app):
    """An accepted artist (bokmål account) with a confirmed exhibition work and an atelier on the 2017 weekends."""
    with app.app_context():
        application = factories.make_accepted_applications(count=1)[0]
        open_ateliers = factories.make_open_ateliers(season=application.call.season)
        factories.make_atelier(open_ateliers=open_ateliers, applications=[application])
        db.session.commit()
        return application.artist.user.email


@pytest.fixture
def page(browser: Browser, live_server, artist):
    page = browser.new_context(locale="nb-NO", viewport={"width": 390, "height": 844}).new_page()
    log_in_at(page, live_server.url, artist, factories.PASSWORD)
    return page


def _stored(app, query):
    with app.app_context():
        return db.session.execute(query).all()


def test_sales_typed_with_a_space_and_a_decimal_comma_are_stored(page, live_server, app):
    visit(page, live_server.url + "/ateliers/my/sales")
    amount = page.locator("#days-0-amount")
    expect(amount).to_have_attribute("type", "text")
    expect(amount).to_have_attribute("inputmode", "decimal")

    page.fill("#days-0-works_sold", "2")
    amount.fill("12 500,50")
    with page.expect_navigation():
        page.locator("main form [type=submit]").last.click()
    axe_check(page)

    expect(page.locator(".flash-success")).to_be_visible()
    assert _stored(app, sa.select(Sale.day, Sale.amount)) == [(date(2017, 9, 16), Decimal("12500.50"))]
    expect(page.locator("#days-0-amount")).to_have_value("12500,50")


def test_a_width_with_a_decimal_comma_is_stored_and_an_ambiguous_value_is_refused(page, live_server, app):
    visit(page, live_server.url + "/applications/my/exhibition-work")
    width = page.locator("#width_cm")
    expect(width).to_have_attribute("type", "text")

    width.fill("80,5")
    page.fill("#insurance_value", "15 000")
    page.check("#confirm")
    with page.expect_navigation():
        page.locator("main form [type=submit]").last.click()
    expect(page.get_by_text("Utstillingsverket ditt er bekreftet.")).to_be_visible()
    assert _stored(app, sa.select(ChosenWork.width_cm, ChosenWork.insurance_value)) == [
        (Decimal("80.5"), Decimal("15000.00"))]

    visit(page, live_server.url + "/applications/my/exhibition-work")
    expect(page.locator("#width_cm")).to_have_value("80,5")
    page.fill("#width_cm", "1.234,50")
    with page.expect_navigation():
        page.locator("main form [type=submit]").last.click()
    axe_check(page)

    error = page.locator("#width_cm-error")
    expect(error).to_have_text("Bredde (cm): tallet kan leses på to måter; skriv det som 1\xa0234,5")
    expect(page.locator("#width_cm")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#width_cm")).to_have_value("1.234,50")
    assert _stored(app, sa.select(ChosenWork.width_cm)) == [(Decimal("80.5"),)]


def test_a_group_size_with_a_space_is_counted_and_a_decimal_is_not(app, live_server, browser: Browser):
    with app.app_context():
        today = counting.today_in_oslo()
        volunteer = factories.make_user(roles=[Role.VOLUNTEER])
        exhibition = factories.make_exhibition(year=today.year, opens_on=today - timedelta(days=1),
                                               closes_on=today + timedelta(days=1))
        location_id = factories.make_location(exhibition=exhibition, users=[volunteer]).id
        email = volunteer.email
        db.session.commit()
    page = browser.new_context(locale="nb-NO", viewport={"width": 390, "height": 844}).new_page()
    log_in_at(page, live_server.url, email, factories.PASSWORD)
    visit(page, f"{live_server.url}/ateliers/count/{location_id}")
    size = page.locator("#group-size")
    expect(size).to_have_attribute("type", "text")

    for typed in ("2,5", "1e1", "0x19"):
        size.fill(typed)
        page.get_by_role("button", name="Tell gruppen").click()
        expect(size).to_have_attribute("aria-invalid", "true")
    size.fill("1 25")
    page.get_by_role("button", name="Tell gruppen").click()

    expect(page.locator("#counter-total")).to_have_text("125")
    expect(page.locator("#counter-queue")).not_to_have_class("counter-queue is-waiting", timeout=10_000)
    assert _stored(app, sa.select(VisitTap.visitors)) == [(125,)]
