"""On a phone the header is one row, the programme's name and «Meny»; the menu opens below it and holds every link."""

from playwright.sync_api import Browser, expect

from kunstvest.auth.models import Role
from kunstvest.extensions import db
from tests import factories
from tests.browser.axe import axe_check, log_in_at

PHONE = {"width": 390, "height": 844}


def test_the_phone_header_is_one_row_and_the_menu_opens(app, live_server, browser: Browser):
    with app.app_context():
        admin = factories.make_user(roles=[Role.ADMIN, Role.ORCHESTRA_STAFF])
        db.session.commit()
        email = admin.email
    page = browser.new_context(locale="nb-NO", viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    log_in_at(page, live_server.url, email, factories.PASSWORD)

    header = page.locator("header.site-header")
    toggle = page.get_by_role("button", name="Meny")
    expect(toggle).to_be_visible()
    expect(page.locator("#site-menu")).to_be_hidden()
    brand_box, toggle_box = page.locator(".brand").bounding_box(), toggle.bounding_box()
    assert abs(brand_box["y"] - toggle_box["y"]) < brand_box["height"], "the name and the button share one row"
    row = header.locator("nav").bounding_box()["height"]
    assert row < 80, f"the header's menu bar is {row} px high: more than one row"

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    menu = page.locator("#site-menu")
    expect(menu.get_by_role("link", name="Budsjett")).to_be_visible()
    expect(menu.get_by_role("button", name="Logg ut")).to_be_visible()
    axe_check(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_wide_screen_shows_the_links_without_a_menu_button(app, live_server, browser: Browser):
    page = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 800}).new_page()
    page.goto(live_server.url + "/")
    expect(page.get_by_role("button", name="Meny")).to_be_hidden()
    expect(page.locator("#site-menu").get_by_role("link", name="Logg inn")).to_be_visible()
