"""The artist places the atelier's pin on a map in a real browser; the coordinates are filled in and saved.

The tiles come from the test server and 404 (there is no internet here): the map still takes clicks.
"""

import re
from decimal import Decimal

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, expect

from kunstvest.ateliers.models import Atelier
from kunstvest.extensions import db
from tests import factories
from tests.browser.axe import axe_check, log_in_at, visit

PHONE = {"width": 390, "height": 844}
TYPED = re.compile(r"^\d{2},\d{5}$")  # five decimals with the decimal comma of bokmål


@pytest.fixture
def local_tiles(app, live_server, monkeypatch):
    """Map tiles from the test server, which has none: the form must not need the internet."""
    monkeypatch.setitem(app.config, "MAP_TILE_URL", live_server.url + "/static/no-tiles/{z}/{x}/{y}.png")


@pytest.fixture
def artist_email(app):
    """An accepted 2017 artist (bokmål account) with open ateliers to register for, living in Svelvik."""
    with app.app_context():
        application = factories.make_accepted_applications(count=1)[0]
        factories.make_open_ateliers(season=application.call.season)
        factories.make_municipality(name="Svelvik")
        db.session.commit()
        return application.artist.user.email


def _stored(app):
    with app.app_context():
        return db.session.execute(sa.select(Atelier.latitude, Atelier.longitude)).one()


def _fill_address(page):
    page.fill("#address", "Strandveien 3")
    page.fill("#postcode", "3060")
    page.fill("#city", "Svelvik")
    page.select_option("#municipality_id", label="Svelvik")


def _save(page):
    with page.expect_navigation():
        page.locator("main form:has(#address) [type=submit]").click()
    axe_check(page)


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_click_on_the_map_fills_in_the_coordinates_which_are_saved(browser: Browser, live_server, app, local_tiles,
                                                                     artist_email):
    page = browser.new_context(locale="nb-NO", viewport=PHONE).new_page()
    log_in_at(page, live_server.url, artist_email, factories.PASSWORD)
    visit(page, live_server.url + "/ateliers/my")
    area = page.locator("#atelier-pin-map")
    expect(area).to_be_visible()
    expect(page.locator("#atelier-pin-help")).to_have_text(re.compile("Klikk på kartet"))
    assert area.bounding_box()["y"] < page.locator("#latitude").bounding_box()["y"]  # the map comes first
    expect(page.locator("#atelier-pin-remove")).to_be_hidden()
    _no_sideways_scroll(page)

    area.click(position={"x": 160, "y": 120})

    pin = page.locator("#atelier-pin-map .leaflet-marker-icon")
    expect(pin).to_have_count(1)
    expect(pin).to_have_attribute("alt", "Atelieret")
    expect(page.locator("#latitude")).to_have_value(TYPED)
    expect(page.locator("#longitude")).to_have_value(TYPED)
    expect(page.locator("#atelier-pin-remove")).to_be_visible()
    expect(page.locator("#atelier-pin-status")).to_contain_text("Kartnålen er satt: breddegrad")
    latitude, longitude = page.input_value("#latitude"), page.input_value("#longitude")
    axe_check(page)
    _no_sideways_scroll(page)

    _fill_address(page)
    _save(page)
    expect(page.locator(".flash-success")).to_be_visible()
    assert _stored(app) == (Decimal(latitude.replace(",", ".")), Decimal(longitude.replace(",", ".")))

    # Back on the page, the pin stands where it was saved; typing in a field moves it north.
    expect(pin).to_have_count(1)
    before = pin.bounding_box()
    page.fill("#latitude", str(Decimal(latitude.replace(",", ".")) + Decimal("0.001")).replace(".", ","))
    expect(pin).to_have_count(1)
    after = pin.bounding_box()
    assert after["y"] < before["y"] - 20 and abs(after["x"] - before["x"]) < 2

    page.locator("#atelier-pin-remove").click()
    expect(pin).to_have_count(0)
    expect(page.locator("#latitude")).to_have_value("")
    expect(page.locator("#longitude")).to_have_value("")
    expect(page.locator("#atelier-pin-remove")).to_be_hidden()
    _save(page)
    assert _stored(app) == (None, None)


def test_without_javascript_the_coordinates_are_typed(browser: Browser, live_server, app, local_tiles, artist_email):
    page = browser.new_context(locale="nb-NO", viewport=PHONE, java_script_enabled=False).new_page()
    page.goto(live_server.url + "/auth/login")
    page.fill("#email", artist_email)
    page.fill("#password", factories.PASSWORD)
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    page.goto(live_server.url + "/ateliers/my")

    expect(page.locator("#atelier-pin")).to_be_hidden()
    _fill_address(page)
    page.fill("#latitude", "59,6042")
    page.fill("#longitude", "10,4106")
    with page.expect_navigation():
        page.locator("main form:has(#address) [type=submit]").click()
    assert _stored(app) == (Decimal("59.604200"), Decimal("10.410600"))
