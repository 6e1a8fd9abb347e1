"""Every confirmation page on a 390 px phone, in Norwegian: no sideways scrolling, and clean under axe."""

import sqlalchemy as sa
from playwright.sync_api import Browser, expect

from kunstvest.applications.models import ApplicationStatus, CallPhase
from kunstvest.auth.models import Role
from kunstvest.extensions import db
from kunstvest.orchestra.models import EnrolmentStatus, Section
from tests import factories
from tests.browser.axe import log_in_at, visit

PHONE = {"width": 390, "height": 844}
LONG_NAME = "Anne-Kristine Bjørnstad-Haugerud Kristiansen"  # a long name must wrap, not widen the page


def _setting() -> dict[str, list[str]]:
    """Data behind each confirmation page, and the pages each login visits."""
    admin = factories.make_user(roles=[Role.ADMIN], email="admin@example.org")
    juror = factories.make_user(roles=[Role.JURY], email="juror@example.org")
    artist_user = factories.make_user(roles=[Role.ARTIST], email="artist@example.org")
    guardian = factories.make_user(roles=[Role.GUARDIAN], email="guardian@example.org")

    jury_call = factories.make_call(year=2017, jurors=[juror])
    scored = factories.make_application(call=jury_call)
    jury_call.phase = CallPhase.JURYING

    call = factories.make_call(year=2018)
    waiting = factories.make_application(call=call, artist=factories.make_artist(name=LONG_NAME))
    published, in_atelier = factories.make_accepted_applications(call=call, count=2)
    waiting.status, waiting.waitlist_position = ApplicationStatus.WAITLISTED, 1
    factories.make_atelier(open_ateliers=factories.make_open_ateliers(season=call.season), applications=[in_atelier])

    open_call = factories.make_call(year=2019, min_works=3)
    own = factories.make_application(call=open_call, artist=factories.make_artist(user=artist_user), works=3)
    factories.make_application(call=open_call, artist=factories.make_artist(name=LONG_NAME), submit=False)

    offered = factories.make_enrolment(orchestra_season=factories.make_orchestra_season(),
                                       child=factories.make_child(guardians=[guardian]),
                                       status=EnrolmentStatus.OFFERED)
    offered.section = db.session.scalars(sa.select(Section).where(Section.instrument == "violin")).first()
    db.session.commit()
    return {
        admin.email: [f"/applications/admin/calls/{open_call.id}/close",
                      f"/applications/admin/applications/{published.id}/withdraw",
                      f"/applications/admin/calls/{call.id}/promote",
                      f"/ateliers/admin/{call.year}/publish",
                      f"/admin/users/{artist_user.id}/erase"],
        juror.email: [f"/applications/jury/{jury_call.id}/applications/{scored.id}/conflict"],
        artist_user.email: [f"/applications/my/works/{own.works[0].id}/remove"],
        guardian.email: [f"/orchestra/offers/{offered.id}/decline"],
    }


def test_every_confirmation_page_fits_a_phone_and_passes_axe(browser: Browser, live_server, app):
    with app.app_context():
        pages = _setting()
    for email, urls in pages.items():
        page = browser.new_context(locale="nb-NO", viewport=PHONE, is_mobile=True, has_touch=True).new_page()
        log_in_at(page, live_server.url, email, factories.PASSWORD)
        for url in urls:
            visit(page, live_server.url + url)
            assert page.url.endswith(url), f"{url} sent the browser to {page.url}"
            expect(page.locator("main h1")).to_contain_text("?")
            expect(page.locator("main form [type=submit]")).to_be_visible()
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{url} is {width} px wide on a phone"
        page.context.close()
