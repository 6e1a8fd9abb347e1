"""The treasurer on a phone: from a figure in the budget to the transactions behind it, and a wrong entry deleted."""

from datetime import date

from playwright.sync_api import Page, expect

from kunstvest.budget.services import project_by_code, record_actual
from kunstvest.budget.models import BudgetLine
from kunstvest.demo import load_demo_season
from kunstvest.extensions import db
from tests.browser.axe import axe_check, log_in_at, visit

PHONE = {"width": 390, "height": 844}


def _assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways on a phone: scrollWidth {widths[0]} > {widths[1]}"


def test_drill_down_from_the_budget_to_a_wrong_entry_and_delete_it_on_a_phone(page: Page, live_server, app):
    with app.app_context():
        load_demo_season()
        project = project_by_code("kunst-rett-vest")
        line = db.session.scalar(db.select(BudgetLine).where(BudgetLine.project_id == project.id,
                                                             BudgetLine.year == 2017,
                                                             BudgetLine.name == "Lokaler og vakthold"))
        record_actual(line=line, amount="4321.00", booked_on=date(2017, 11, 3), text="Feilført husleie",
                      voucher_number="2017-7777")
        db.session.commit()
        line_id = line.id
    page.set_viewport_size(PHONE)
    log_in_at(page, live_server.url, "sekretariat@example.org", "kunstvest-demo")

    visit(page, live_server.url + "/budget/?year=2017")
    with page.expect_navigation():
        page.locator(f"main a[href*='line={line_id}']").click()
    axe_check(page)
    _assert_no_horizontal_scroll(page)
    expect(page.locator("main table")).to_contain_text("2017-7777")
    expect(page.locator("main table")).to_contain_text("4\u00a0321,00\u00a0kr")
    assert page.locator("main table tbody tr").count() >= 4  # the demo's three instalments and the wrong entry

    row = page.locator("main table tbody tr", has_text="2017-7777")
    with page.expect_navigation():
        row.get_by_role("link", name="Slett").click()
    axe_check(page)
    _assert_no_horizontal_scroll(page)
    expect(page.locator("main")).to_contain_text("Feilført husleie")
    with page.expect_navigation():
        page.get_by_role("button", name="Slett transaksjonen").click()
    expect(page.locator(".flash-success")).to_contain_text("2017-7777")
    expect(page.locator("main table")).not_to_contain_text("2017-7777")
    _assert_no_horizontal_scroll(page)
