"""The public atelier guide in a real browser, on a phone and on a desktop: list, map, filter, and axe-core."""

from decimal import Decimal

import pytest
from playwright.sync_api import Browser, expect

from kunstvest.ateliers import services
from kunstvest.auth.models import Role
from kunstvest.extensions import db
from tests import factories
from tests.browser.axe import axe_check, log_in_at, visit

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def _published_guide(app) -> dict:
    """A published 2017 guide: two ateliers in Asker (one shared by two artists), one in Lier without coordinates."""
    with app.app_context():
        applications = factories.make_accepted_applications(count=4)
        open_ateliers = factories.make_open_ateliers(season=applications[0].call.season)
        asker, lier = factories.make_municipality(name="Asker"), factories.make_municipality(name="Lier")
        factories.make_atelier(open_ateliers=open_ateliers, applications=applications[:2], municipality=asker,
                               address="Vollenveien 9", name="Vollen keramikk", accessibility="Step-free entrance.",
                               latitude=Decimal("59.7930"), longitude=Decimal("10.4930"))
        factories.make_atelier(open_ateliers=open_ateliers, applications=[applications[2]], municipality=asker,
                               address="Arnestad 4", latitude=Decimal("59.8300"), longitude=Decimal("10.4400"))
        factories.make_atelier(open_ateliers=open_ateliers, applications=[applications[3]], municipality=lier,
                               address="Lierbyen 5")
        services.publish_guide(open_ateliers=open_ateliers, actor=None, anyway=True)
        db.session.commit()
        return {"lier": lier.name, "names": [application.artist.name for application in applications]}


@pytest.fixture
def local_tiles(app, live_server, monkeypatch):
    """Map tiles from the test server (they 404): the tests have no internet, and the guide must not need it."""
    monkeypatch.setitem(app.config, "MAP_TILE_URL", live_server.url + "/static/no-tiles/{z}/{x}/{y}.png")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_published_guide_lists_maps_and_filters_the_ateliers(browser: Browser, live_server, app, local_tiles,
                                                                 viewport):
    guide = _published_guide(app)
    page = browser.new_context(locale="nb-NO", viewport=VIEWPORTS[viewport]).new_page()

    visit(page, live_server.url + "/ateliers/2017/guide")

    entries = page.locator("main .atelier-entry")
    expect(entries).to_have_count(3)
    expect(entries.first).to_be_visible()
    expect(entries.first).to_contain_text("Arnestad 4")
    expect(page.locator("main")).to_contain_text(guide["names"][1])
    expect(page.locator("#guide-map")).to_be_visible()
    expect(page.locator("#guide-map .leaflet-marker-icon")).to_have_count(2)  # Lierbyen 5 has no coordinates

    page.select_option("#municipality", label=guide["lier"])
    with page.expect_navigation():
        page.locator("main form.guide-filter [type=submit]").click()
    axe_check(page)

    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text("Lierbyen 5")
    expect(page.locator("main h2")).to_have_text([guide["lier"]])
    expect(page.locator("#guide-map")).to_be_hidden()  # no atelier in the list has coordinates


def test_the_guide_works_without_javascript(browser: Browser, live_server, app, local_tiles):
    _published_guide(app)
    page = browser.new_context(java_script_enabled=False, viewport=VIEWPORTS["phone"]).new_page()

    page.goto(live_server.url + "/ateliers/2017/guide?open_now=y")  # nothing is open years after the weekends
    expect(page.locator("main .atelier-entry")).to_have_count(0)
    page.goto(live_server.url + "/ateliers/2017/guide")

    expect(page.locator("main .atelier-entry")).to_have_count(3)
    expect(page.locator("#guide-map")).to_be_hidden()


def _log_in(browser: Browser, base_url: str, email: str, viewport: str):
    page = browser.new_context(locale="nb-NO", viewport=VIEWPORTS[viewport]).new_page()
    log_in_at(page, base_url, email, factories.PASSWORD)
    return page


def test_an_artist_registers_and_approves_and_the_admin_publishes(browser: Browser, live_server, app, local_tiles):
    with app.app_context():
        application = factories.make_accepted_applications(count=1)[0]
        factories.make_open_ateliers(season=application.call.season)
        factories.make_municipality(name="Svelvik")
        factories.make_user(roles=[Role.ADMIN], email="admin@example.org")
        artist_email, artist_name = application.artist.user.email, application.artist.name
        db.session.commit()

    artist = _log_in(browser, live_server.url, artist_email, "phone")
    visit(artist, live_server.url + "/ateliers/my")
    artist.fill("#address", "Strandveien 3")
    artist.fill("#postcode", "3060")
    artist.fill("#city", "Svelvik")
    artist.select_option("#municipality_id", label="Svelvik")
    artist.fill("#hours_2017-09-16_opens", "11:00")
    artist.fill("#hours_2017-09-16_closes", "17:00")
    with artist.expect_navigation():
        artist.locator("main form:has(#address) [type=submit]").click()
    axe_check(artist)
    expect(artist.locator(".proofing .atelier-entry")).to_contain_text("Strandveien 3, 3060 Svelvik")
    with artist.expect_navigation():
        artist.locator("main form[action$='/ateliers/my/approve'] [type=submit]").click()
    axe_check(artist)
    expect(artist.locator(".proofing-state.approved")).to_be_visible()

    admin = _log_in(browser, live_server.url, "admin@example.org", "desktop")
    visit(admin, live_server.url + "/ateliers/admin/2017")
    with admin.expect_navigation():
        admin.locator("main a[href$='/ateliers/admin/2017/publish']").click()
    axe_check(admin)
    expect(admin.locator("#to-publish")).to_be_visible()  # the confirmation says what publishing does
    with admin.expect_navigation():
        admin.locator("main form [type=submit]").click()
    axe_check(admin)
    expect(admin.locator(".flash-success")).to_be_visible()
    visit(admin, live_server.url + "/ateliers/admin/weekends")

    visit(artist, live_server.url + "/ateliers/2017/guide")
    expect(artist.locator("main .atelier-entry .guide-number")).to_have_text(["1."])
    expect(artist.locator("main .atelier-entry")).to_contain_text(artist_name)
