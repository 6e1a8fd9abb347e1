"""A guardian registers two children and gives consent, in Norwegian, on a phone."""

from datetime import date

import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from kunstvest.auth.models import Role
from kunstvest.extensions import db
from kunstvest.orchestra import services
from kunstvest.orchestra.models import Child, ConsentPurpose, ConsentRecord, Enrolment, EnrolmentStatus, HealthInfo
from tests import factories
from tests.browser.axe import axe_check, log_in_at, visit

PHONE = {"width": 390, "height": 844}


def _setting(app) -> dict:
    """An open 2017 season, a member municipality, the four consent texts and a guardian account."""
    with app.app_context():
        factories.make_orchestra_season(starts_on=date(2017, 9, 1), is_registration_open=True)
        municipality = factories.make_municipality(name="Lier")
        staff = factories.make_user(roles=[Role.ORCHESTRA_STAFF])
        for purpose, text in ((ConsentPurpose.PHOTOS_WEB, "Bilder av barnet kan vises på nettsidene våre."),
                              (ConsentPurpose.PHOTOS_PRESS, "Bilder av barnet kan gis til aviser."),
                              (ConsentPurpose.HEALTH_INFO, "Vi lagrer helseopplysninger for samlingene."),
                              (ConsentPurpose.TRAVEL, "Barnet kan reise med orkesteret.")):
            services.publish_consent_text(purpose=purpose, text=text, actor=staff)
        guardian = factories.make_user(roles=[Role.GUARDIAN], email="forelder@example.org",
                                       full_name="Hanne Berg")
        db.session.commit()
        return {"municipality_id": municipality.id, "guardian_id": guardian.id}


def _log_in_on_a_phone(browser: Browser, base_url: str, email: str) -> Page:
    page = browser.new_context(locale="nb-NO", viewport=PHONE).new_page()
    log_in_at(page, base_url, email, factories.PASSWORD)
    return page


def _submit(page: Page, selector: str = "main form [type=submit]") -> None:
    with page.expect_navigation():
        page.locator(selector).click()
    axe_check(page)


def _register(page: Page, *, first_name: str, born: str, instrument: str, municipality_id: int,
              second_instrument: str = "") -> None:
    with page.expect_navigation():
        page.locator("main #register-child").click()
    axe_check(page)
    page.fill("#first_name", first_name)
    page.fill("#last_name", "Berg")
    page.fill("#date_of_birth", born)
    page.select_option("#instrument", instrument)
    page.fill("#years_played", "3")
    if second_instrument:
        page.select_option("#second_instrument", second_instrument)
        page.fill("#second_years_played", "1")
    page.select_option("#level", "intermediate")
    page.fill("#school", "Lier skole")
    page.select_option("#municipality_id", str(municipality_id))
    _submit(page)
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("input[name=consent_photos_web]")).to_have_count(2)  # the consent page comes next


def _consent(page: Page, answers: dict[str, str]) -> None:
    for purpose, answer in answers.items():
        page.check(f"input[name=consent_{purpose}][value={answer}]")
    _submit(page, "main #consent-submit")


def test_a_guardian_registers_two_children_and_gives_consent_on_a_phone(browser: Browser, live_server, app):
    setting = _setting(app)
    base = live_server.url
    page = _log_in_on_a_phone(browser, base, "forelder@example.org")

    visit(page, base + "/orchestra/")
    expect(page.locator("html")).to_have_attribute("lang", "nb")

    _register(page, first_name="Astrid", born="2006-03-14", instrument="viola", second_instrument="piano",
              municipality_id=setting["municipality_id"])
    _consent(page, {"photos_web": "yes", "photos_press": "no", "health_info": "yes", "travel": "yes"})
    expect(page.locator("main .child-card")).to_have_count(1)

    # The first child's allergy goes into the health form, allowed by the consent just given.
    page.locator("main a[id^=health-]").first.click()
    page.wait_for_load_state("load")
    axe_check(page)
    page.fill("#allergies", "Nøtter")
    page.fill("#emergency_contacts", "Hanne Berg 900 00 000")
    _submit(page)
    expect(page.locator(".flash-success")).to_be_visible()

    _register(page, first_name="Brage", born="2008-11-02", instrument="horn",
              municipality_id=setting["municipality_id"])
    _consent(page, {"photos_web": "no", "photos_press": "no", "health_info": "no", "travel": "yes"})
    expect(page.locator("main .child-card")).to_have_count(2)
    expect(page.locator("html")).to_have_attribute("lang", "nb")

    with app.app_context():
        children = db.session.scalars(sa.select(Child).order_by(Child.first_name)).all()
        assert [c.first_name for c in children] == ["Astrid", "Brage"]
        assert [i.instrument for i in children[0].instruments] == ["viola", "piano"]
        assert db.session.scalars(sa.select(Enrolment.status)).all() == [EnrolmentStatus.APPLIED] * 2
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ConsentRecord)) == 8
        summary = services.consent_summary(children=children)
        assert summary[children[0].id] == {ConsentPurpose.PHOTOS_WEB: True, ConsentPurpose.PHOTOS_PRESS: False,
                                           ConsentPurpose.HEALTH_INFO: True, ConsentPurpose.TRAVEL: True}
        assert summary[children[1].id][ConsentPurpose.TRAVEL] is True
        assert db.session.scalars(sa.select(HealthInfo.allergies)).one() == "Nøtter"
