"""The open call in a real browser, in Norwegian: apply with two images, score blind, decide, publish, choose the work."""

from io import BytesIO

import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from kunstvest.applications import reviewing
from kunstvest.applications.models import Application, ApplicationStatus, CallPhase, OpenCall
from kunstvest.auth.models import Role, User
from kunstvest.common.outbox import OutboxMessage
from kunstvest.extensions import db
from tests import factories
from tests.browser.axe import axe_check, log_in_at, visit

ARTIST_NAME = "Solveig Fjellstad"


def _jpeg(path, colour) -> str:
    buffer = BytesIO()
    Image.new("RGB", (1600, 1200), colour).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def _setting(app) -> dict:
    """An open call (two works at least, room for one artist) with a juror, and two rival applications."""
    with app.app_context():
        municipality = factories.make_municipality(name="Lier")
        juror = factories.make_user(roles=[Role.JURY], email="juror@example.org", full_name="Ingrid Juror")
        factories.make_user(roles=[Role.ADMIN], email="admin@example.org", full_name="Siri Sekretær")
        artist = factories.make_user(roles=[Role.ARTIST], email="artist@example.org", full_name=ARTIST_NAME)
        factories.make_artist(user=artist, name=ARTIST_NAME, municipality=municipality,
                              cv="Statens kunstakademi 2009")
        call = factories.make_call(year=2018, min_works=2, capacity=1, waitlist_size=1, jurors=[juror])
        rivals = [factories.make_application(call=call, works=2).id for _ in range(2)]
        db.session.commit()
        return {"call_id": call.id, "juror_id": juror.id, "rivals": rivals}


def _log_in(browser: Browser, base_url: str, email: str) -> Page:
    page = browser.new_context(locale="nb-NO").new_page()
    log_in_at(page, base_url, email, factories.PASSWORD)
    return page


def _submit(page: Page, form_action: str) -> None:
    with page.expect_navigation():
        page.locator(f"main form[action$='{form_action}'] [type=submit]").click()
    axe_check(page)


def _add_work(page: Page, title: str, image: str) -> None:
    with page.expect_navigation():
        page.locator("main a[href$='/my/works/new']").click()
    axe_check(page)
    expect(page.locator("main")).to_contain_text("1200 piksler")  # the limits are shown before the upload
    page.fill("#title", title)
    page.fill("#year", "2017")
    page.fill("#technique", "Olje på lerret")
    page.fill("#width_cm", "60")
    page.fill("#height_cm", "80")
    page.fill("#price", "14000")
    page.set_input_files("#image", image)
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    axe_check(page)
    expect(page.locator(".flash-success")).to_be_visible()


def _move_phase(page: Page, call_url: str, phase: str) -> None:
    visit(page, call_url)
    with page.expect_navigation():
        page.locator(f"main form:has(input[name=phase][value={phase}]) [type=submit]").click()
    axe_check(page)
    expect(page.locator(".flash-success")).to_be_visible()


def _close_call_early(page: Page, call_url: str) -> None:
    visit(page, call_url)
    with page.expect_navigation():
        page.locator("main a[href$='/close']").click()
    axe_check(page)
    expect(page.locator("#submitted-count")).to_be_visible()  # the confirmation says what closing does
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    axe_check(page)
    expect(page.locator(".flash-success")).to_be_visible()


def _score_rivals(app, setting) -> None:
    """The juror's scores of the two rival applications: both below the one scored in the browser."""
    with app.app_context():
        juror = db.session.get(User, setting["juror_id"])
        for application_id, value in zip(setting["rivals"], (4, 2)):
            application = db.session.get(Application, application_id)
            reviewing.score_application(application=application, juror=juror,
                                        scores={c.id: value for c in application.call.criteria})
        db.session.commit()


def test_apply_score_decide_publish_and_choose_the_work(browser: Browser, live_server, app, tmp_path):
    setting = _setting(app)
    base = live_server.url
    call_id = setting["call_id"]
    call_url = f"{base}/applications/admin/calls/{call_id}"

    # The artist applies with two images and submits, in Norwegian.
    artist = _log_in(browser, base, "artist@example.org")
    visit(artist, base + "/applications/my")
    expect(artist.locator("html")).to_have_attribute("lang", "nb")
    _submit(artist, "/my/start")
    artist.fill("#statement", "Jeg maler lyset over Drammensfjorden.")
    _submit(artist, "/my/statement")
    _add_work(artist, "Fjordlys", _jpeg(tmp_path / f"{ARTIST_NAME} fjordlys.jpg", (40, 90, 160)))
    _add_work(artist, "Vinterstrand", _jpeg(tmp_path / f"{ARTIST_NAME} vinter.jpg", (220, 220, 230)))
    expect(artist.locator("main img")).to_have_count(2)
    _submit(artist, "/my/submit")
    expect(artist.locator(".flash-success")).to_contain_text("Søknaden din er sendt inn")

    # The secretariat closes the call and hands it to the jury.
    admin = _log_in(browser, base, "admin@example.org")
    _close_call_early(admin, call_url)
    _move_phase(admin, call_url, "jurying")

    # The juror scores it blind: no name, CV or file name of the artist anywhere on the page.
    juror = _log_in(browser, base, "juror@example.org")
    visit(juror, f"{base}/applications/jury/{call_id}")
    expect(juror.locator("main")).to_contain_text("0 av 3 vurdert")
    with app.app_context():
        own_id = db.session.scalar(sa.select(Application.id).where(
            Application.call_id == call_id, Application.id.not_in(setting["rivals"])))
    visit(juror, f"{base}/applications/jury/{call_id}/applications/{own_id}")
    html = juror.content()
    assert "Fjordlys" in html and ARTIST_NAME not in html and "Fjellstad" not in html
    assert "kunstakademi" not in html and "fjordlys.jpg" not in html
    for radio_group in juror.locator("main input[type=radio][value='6']").all():
        radio_group.check()
    juror.fill("#comment", "Sterkt lys.")
    with juror.expect_navigation():
        juror.locator("main form:has(input[type=radio]) [type=submit]").click()
    axe_check(juror)
    expect(juror.locator(".flash-success")).to_be_visible()
    _score_rivals(app, setting)

    # The secretariat ranks, moves the cut line to one place and publishes.
    _move_phase(admin, call_url, "deciding")
    visit(admin, f"{base}/applications/admin/calls/{call_id}/ranking")
    expect(admin.locator("main tbody tr").first).to_contain_text(ARTIST_NAME)
    admin.fill("#cut_line", "1")
    admin.fill("#waitlist_size", "1")
    with admin.expect_navigation():
        admin.locator("main form:has(#cut_line) [type=submit]").click()
    axe_check(admin)
    admin.check("#is_checked")
    with admin.expect_navigation():
        admin.locator("main form:has(#is_checked) [type=submit]").click()
    axe_check(admin)
    expect(admin.locator(".flash-success")).to_contain_text("3 e-poster")
    with app.app_context():
        assert db.session.get(OpenCall, call_id).phase == CallPhase.PUBLISHED
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)).where(
            OutboxMessage.template.like("decision_%"))) == 3
        statuses = dict(db.session.execute(sa.select(Application.id, Application.status).where(
            Application.call_id == call_id)).all())
        assert statuses[own_id] == ApplicationStatus.ACCEPTED

    # The artist sees the acceptance and chooses the work they applied with.
    visit(artist, base + "/applications/my")
    expect(artist.locator("main")).to_contain_text("Gratulerer")
    with artist.expect_navigation():
        artist.locator("main a[href$='/my/exhibition-work']").click()
    axe_check(artist)
    artist.select_option("#source_work_id", label="Fjordlys")
    artist.fill("#insurance_value", "20000")
    artist.check("#confirm")
    with artist.expect_navigation():
        artist.locator("main form [type=submit]").click()
    axe_check(artist)
    expect(artist.locator("main")).to_contain_text("Fjordlys (bekreftet)")
