"""The secretariat in a real browser: import an accounting export, open budget vs actual, download xlsx and PDF."""

from io import BytesIO

from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from kunstvest.demo import load_demo_season
from kunstvest.extensions import db
from tests.browser.axe import axe_check, log_in_at, visit

EXPORT = ("dato;bilag;budsjettlinje;beløp;tekst\n"
          "15.12.2017;2017-9001;kunst-rett-vest/Lokaler og vakthold;7 500,00;Etterfakturert vakthold\n"
          "15.12.2017;2017-9002;kunst-rett-vest/Sideprogram: honorarer;-7 500,00;Kreditnota honorar\n")


def _log_in(page: Page, base_url: str) -> None:
    log_in_at(page, base_url, "sekretariat@example.org", "kunstvest-demo")


def test_import_then_budget_vs_actual_with_downloads(page: Page, live_server, app, tmp_path):
    with app.app_context():
        load_demo_season()
        db.session.commit()
    _log_in(page, live_server.url)
    visit(page, live_server.url + "/budget/import")
    export = tmp_path / "regnskap-2017.csv"
    export.write_text(EXPORT, encoding="utf-8")
    page.set_input_files("input[type=file]", str(export))
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    axe_check(page)
    expect(page.get_by_role("table", name="Rader i regnskap-2017.csv")).to_contain_text("2017-9001")
    with page.expect_navigation():
        page.locator("main form [type=submit]").last.click()
    axe_check(page)
    expect(page.locator(".flash-success")).to_contain_text("2")

    visit(page, live_server.url + "/budget/reports?year=2017")
    with page.expect_navigation():
        page.get_by_role("link", name="Budsjett mot regnskap 2017").first.click()
    axe_check(page)
    expect(page.locator("main")).to_contain_text("223\xa0707,00\xa0kr")  # the two bookings net to zero

    with page.expect_download() as xlsx_download:
        page.get_by_role("button", name="Last ned xlsx").click()
    workbook = load_workbook(BytesIO(open(xlsx_download.value.path(), "rb").read()))
    cells = [cell for row in workbook.active.iter_rows(values_only=True) for cell in row if cell is not None]
    assert 1655000 in cells and 1878707 in cells

    with page.expect_download() as pdf_download:
        page.get_by_role("button", name="Last ned PDF").click()
    text = "".join(p.extract_text() for p in PdfReader(pdf_download.value.path()).pages).replace("\xa0", " ")
    assert "1 655 000,00 kr" in text and "1 878 707,00 kr" in text and "-223 707,00 kr" in text
