"""Forms in the order people think, in a real browser on a phone: reordering works, and «for sale» with its price."""

from decimal import Decimal

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, expect

from kunstvest.applications.models import ChosenWork, Work
from kunstvest.extensions import db
from tests import factories
from tests.browser.axe import axe_check, log_in_at, visit

PHONE = {"width": 390, "height": 844}
LONG_TITLE = "Fjordlys over Svelvik i mars, sett fra Berger med kveldssol"


def _phone_page(browser: Browser, live_server, email: str):
    page = browser.new_context(locale="nb-NO", viewport=PHONE).new_page()
    log_in_at(page, live_server.url, email, factories.PASSWORD)
    return page


def _titles(app, application_id) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(
            sa.select(Work.title).where(Work.application_id == application_id).order_by(Work.position)))


def test_the_artist_moves_a_work_up_and_down(browser: Browser, live_server, app):
    with app.app_context():
        application = factories.make_application(works=3, submit=False)
        application.works[2].title = LONG_TITLE
        db.session.commit()
        email, application_id = application.artist.user.email, application.id
    page = _phone_page(browser, live_server, email)
    visit(page, live_server.url + "/applications/my")
    expect(page.get_by_role("button", name="Flytt «Verk 1» opp")).to_have_count(0)
    expect(page.get_by_role("button", name=f"Flytt «{LONG_TITLE}» ned")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    with page.expect_navigation():
        page.get_by_role("button", name=f"Flytt «{LONG_TITLE}» opp").click()
    axe_check(page)
    expect(page.locator(".flash-success")).to_have_text(f"«{LONG_TITLE}» er nå verk 2 av 3.")
    assert _titles(app, application_id) == ["Verk 1", LONG_TITLE, "Verk 2"]
    expect(page.locator("main .work-item strong")).to_have_text(["Verk 1", LONG_TITLE, "Verk 2"])

    with page.expect_navigation():
        page.get_by_role("button", name="Flytt «Verk 1» ned").click()
    assert _titles(app, application_id) == [LONG_TITLE, "Verk 1", "Verk 2"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_artist_says_the_exhibition_work_is_not_for_sale(browser: Browser, live_server, app):
    with app.app_context():
        application = factories.make_accepted_applications(count=1)[0]
        db.session.commit()
        email = application.artist.user.email
    page = _phone_page(browser, live_server, email)
    visit(page, live_server.url + "/applications/my/exhibition-work")
    expect(page.locator("main form label").first).to_have_text("Hvilket verk?")
    expect(page.get_by_role("radio", name="Til salgs, for prisen:")).to_be_checked()
    expect(page.get_by_role("group", name="Er verket til salgs?").get_by_label("Pris (kr)")).to_have_value("12000,00")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_role("radio", name="Ikke til salgs").check()
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    axe_check(page)
    with app.app_context():
        assert db.session.execute(sa.select(ChosenWork.is_for_sale, ChosenWork.price)).one() == (False, None)

    visit(page, live_server.url + "/applications/my/exhibition-work")
    page.get_by_role("radio", name="Til salgs, for prisen:").check()
    page.get_by_label("Pris (kr)").fill("")
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    axe_check(page)
    # The applied work had a price, which is what an empty field keeps.
    with app.app_context():
        assert db.session.execute(sa.select(ChosenWork.is_for_sale, ChosenWork.price)).one() == (
            True, Decimal("12000.00"))
