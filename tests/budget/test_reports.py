"""Budget reports: the demo results through the report services, totals that agree, exports and query counts."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from kunstvest.budget import reports, services
from kunstvest.budget.models import BudgetCategory, BudgetLine, LineKind, Transaction
from kunstvest.budget.services import project_by_code
from tests import factories
from tests.spreadsheets import FORMULA_TEXTS, assert_xlsx_keeps_text, download_name, xlsx_cells


@pytest.fixture
def demo(runner, db):
    """The demo season, with its 2016–2017 budgets, actuals and settled deficits."""
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output


def _result_row(report):
    [result_table] = [table for table in report.tables if len(table.headers) == 4 and not table.footer]
    return result_table.rows[0]


@pytest.mark.parametrize("code, year, budgeted, actual", [
    ("kunst-rett-vest", 2016, "-289794", "-289794"),
    ("kunst-rett-vest", 2017, "-300000", "-223707"),
    ("ungdomssymfonikerne", 2017, "0", "7086"),
])
def test_budget_vs_actual_reproduces_the_annual_reports(app, demo, code, year, budgeted, actual):
    with app.test_request_context(), force_locale("en"):
        report = reports.budget_vs_actual(project=project_by_code(code), year=year)
    _, result_budget, result_actual, _ = _result_row(report)
    assert (result_budget, result_actual) == (Decimal(budgeted), Decimal(actual))
    if Decimal(actual) < 0:
        assert "Disposisjonsfond" in report.notes[1]


def test_orchestra_income_in_the_funders_reports(app, demo):
    with app.test_request_context(), force_locale("en"):
        report = reports.funder_report(funder="Sparebankstiftelsen DNB", year=2017)
    grants = report.tables[0]
    assert grants.rows == [["Vestregionens Ungdomssymfonikere", "Sparebankstiftelsen DNB", Decimal("75000.00"),
                            Decimal("75000.00")]]


def test_tertial_report_is_cumulative_with_last_year_beside(app, demo):
    with app.test_request_context(), force_locale("en"):
        report = reports.tertial_report(project=project_by_code("kunst-rett-vest"), year=2017, tertial=2)
    income = report.tables[0]
    budget, period, cumulative, last_year = income.footer[0][1:5]
    assert budget == Decimal("1655000.00")
    # Two of three instalments of each income line, each rounded to øre: 600,000 + 2 × 133,333.34 + 103,333.34;
    # the host contribution is booked when it was received, in October (the third tertial).
    assert cumulative == Decimal("970000.02")
    assert period == cumulative - Decimal("485000.01")
    assert last_year == Decimal("1000000.00")


def test_year_over_year_has_every_season_and_a_chart(app, demo):
    with app.test_request_context(), force_locale("en"):
        report = reports.year_over_year()
    kunst = next(table for table in report.tables if table.caption == "Kunst rett vest")
    assert [row[0] for row in kunst.rows] == [2016, 2017]
    assert "<svg" in report.chart and "223,707.00" in report.chart and 'fill="#a4161a"' in report.chart


def test_annual_report_section_says_what_the_annual_report_said(app, demo):
    with app.test_request_context(), force_locale("nb"):
        report = reports.annual_report_section(year=2017)
    kunst = next(note for note in report.notes if note.startswith("Kunst rett vest"))
    assert "underskudd på 223\xa0707,00\xa0kr" in kunst and "underskudd på 300\xa0000,00\xa0kr" in kunst
    orchestra = next(note for note in report.notes if note.startswith("Vestregionens Ungdomssymfonikere"))
    assert "Sparebankstiftelsen DNB 75\xa0000,00\xa0kr" in orchestra and "overskudd på 7\xa0086,00\xa0kr" in orchestra


def test_approved_budget_changes_show_which_version_is_compared(app, db):
    admin = factories.make_user(roles=["admin"])
    line = factories.make_budget_line(amount="100")
    services.approve_version(version=services.versions_of(project=line.project, year=2017)[0],
                             decision_reference="sak 1/2017", decided_on=date(2017, 1, 5), approved_by=admin)
    with app.test_request_context(), force_locale("en"):
        report = reports.budget_vs_actual(project=line.project, year=2017)
    assert "version 1" in report.notes[0] and "sak 1/2017" in report.notes[0]


AMOUNTS = st.decimals(min_value=Decimal("-50000"), max_value=Decimal("500000"), places=2, allow_nan=False,
                      allow_infinity=False)
LINES = st.lists(st.tuples(st.sampled_from(list(BudgetCategory)),
                           st.decimals(min_value=0, max_value=Decimal("900000"), places=2),
                           st.lists(st.tuples(st.integers(min_value=0, max_value=364), AMOUNTS), max_size=6)),
                 min_size=1, max_size=6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(projects=st.lists(LINES, min_size=1, max_size=3))
def test_every_report_agrees_with_the_transactions(app, db, projects):
    """Property: per line, period and project the reports add up to the transactions, to the øre."""
    db.session.rollback()
    for table in ("transactions", "budget_amounts", "budget_versions", "budget_lines", "projects"):
        db.session.execute(sa.text(f"DELETE FROM {table}"))
    made = []
    for lines in projects:
        project = factories.make_project()
        for number, (category, budgeted, bookings) in enumerate(lines):
            line = services.save_budget_line(project=project, year=2017, category=category, name=f"L{number}",
                                             budgeted_amount=budgeted, funder=None)
            for offset, amount in bookings:
                services.record_actual(line=line, amount=amount, booked_on=date(2017, 1, 1) + timedelta(offset),
                                       text="x")
        made.append(project)
    with app.test_request_context(), force_locale("en"):
        for project in made:
            booked = db.session.execute(sa.select(BudgetLine.kind, Transaction.amount).join(
                BudgetLine, Transaction.budget_line_id == BudgetLine.id).where(BudgetLine.project_id == project.id))
            by_kind = {kind: Decimal("0.00") for kind in LineKind}
            for kind, amount in booked:
                by_kind[kind] += amount
            annual = reports.budget_vs_actual(project=project, year=2017)
            income_total, expense_total = annual.tables[0].footer[0][4], annual.tables[1].footer[0][4]
            assert (income_total, expense_total) == (by_kind[LineKind.INCOME], by_kind[LineKind.EXPENSE])
            assert _result_row(annual)[2] == income_total - expense_total
            periods = [reports.tertial_report(project=project, year=2017, tertial=t) for t in (1, 2, 3)]
            for index, total in ((0, income_total), (1, expense_total)):
                assert sum(p.tables[index].footer[0][2] for p in periods) == total
                assert periods[2].tables[index].footer[0][3] == total
                for row_index, row in enumerate(annual.tables[index].rows):
                    assert sum(p.tables[index].rows[row_index][2] for p in periods) == row[4]


def test_pages_and_downloads(client, login, demo):
    login("admin")
    project = project_by_code("kunst-rett-vest")
    base = f"/budget/reports/{project.id}/2017/budget-vs-actual"
    page = client.get(base + ".html")
    assert page.status_code == 200 and "223\xa0707,00\xa0kr" in page.get_data(as_text=True)
    workbook = load_workbook(BytesIO(client.get(base + ".xlsx").data))
    values = [cell for row in workbook.active.iter_rows(values_only=True) for cell in row if cell is not None]
    assert 1655000 in values and 1878707 in values and -223707 in values
    pdf = client.get(base + ".pdf")
    assert pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.data)).pages)
    assert "1 655 000,00 kr" in text.replace("\xa0", " ") and "223 707,00 kr" in text.replace("\xa0", " ")


@pytest.fixture
def formula_like_budget(db):
    """A 2017 budget whose project and lines are named like formulas, with more spent than received."""
    project = factories.make_project(code="krv", name=FORMULA_TEXTS[5])
    lines = [services.save_budget_line(project=project, year=2017, category=BudgetCategory.ARTS_COUNCIL,
                                       name=FORMULA_TEXTS[0], budgeted_amount="50000", funder="Kulturrådet")]
    lines += [services.save_budget_line(project=project, year=2017, category=BudgetCategory.VENUE, name=text,
                                        budgeted_amount="20000") for text in FORMULA_TEXTS[1:5]]
    for line in lines:
        services.record_actual(line=line, amount=Decimal("25000.50"), booked_on=date(2017, 6, 1), text="x")
    db.session.commit()
    return project


@pytest.mark.parametrize("path, texts, english, norwegian", [
    ("{id}/2017/budget-vs-actual", FORMULA_TEXTS[:5], "budget-vs-actual-krv-2017", "budsjett-mot-regnskap-krv-2017"),
    ("{id}/2017/tertial-2", FORMULA_TEXTS[:5], "four-month-report-2-krv-2017", "tertialrapport-2-krv-2017"),
    ("2017/funder/Kulturrådet", FORMULA_TEXTS[:5], "report-to-Kulturrådet-2017", "rapport-til-Kulturrådet-2017"),
    ("2017/annual-report", FORMULA_TEXTS[:5], "annual-report-culture-2017", "årsrapport-kultur-2017"),
    ("year-over-year", FORMULA_TEXTS[5:], "year-over-year", "år-for-år"),
])
def test_report_downloads_keep_formula_like_names_as_text_and_are_named_in_the_visitors_language(
        client, login, formula_like_budget, path, texts, english, norwegian):
    login("admin")
    base = "/budget/reports/" + path.format(id=formula_like_budget.id)
    with client.session_transaction() as session:
        session["locale"] = "en"
    xlsx = client.get(f"{base}.xlsx")
    with client.session_transaction() as session:
        session["locale"] = "nb"
    norwegian_xlsx, norwegian_pdf = client.get(f"{base}.xlsx"), client.get(f"{base}.pdf")

    assert_xlsx_keeps_text(xlsx.data, texts)
    assert download_name(xlsx) == f"{english}.xlsx"
    assert (download_name(norwegian_xlsx), download_name(norwegian_pdf)) == (f"{norwegian}.xlsx", f"{norwegian}.pdf")
    booked = [cell for cell in xlsx_cells(norwegian_xlsx.data) if cell.value == 25000.5]
    assert booked and all(cell.data_type == "n" and cell.number_format.startswith("#,##0.00") for cell in booked)


def test_budget_vs_actual_sheet_has_money_as_numbers_and_a_norwegian_name(client, login, formula_like_budget):
    login("admin")
    response = client.get(f"/budget/reports/{formula_like_budget.id}/2017/budget-vs-actual.xlsx")
    sheet = load_workbook(BytesIO(response.data)).active
    deficit = [cell for row in sheet.iter_rows() for cell in row if cell.value == -75001.5]
    assert sheet.title == "Budsjett mot regnskap"
    assert deficit and all(cell.data_type == "n" and cell.number_format.startswith("#,##0.00") for cell in deficit)


def _bulk_transactions(db, lines, count: int, start: int = 0) -> None:
    db.session.execute(sa.insert(Transaction), [
        {"budget_line_id": lines[n % len(lines)].id, "booked_on": date(2017, 1, 1) + timedelta(n % 365),
         "fiscal_year": 2017, "amount": Decimal("10.00"), "text": "x", "voucher_number": f"v{n}"}
        for n in range(start, start + count)])
    db.session.commit()


def test_report_pages_keep_a_flat_query_count_from_1000_to_10000_transactions(client, login, db, count_queries):
    login("admin")
    project = factories.make_project()
    lines = [factories.make_budget_line(project=project, name=f"Linje {n}",
                                        category=list(BudgetCategory)[n % len(BudgetCategory)]) for n in range(40)]
    db.session.commit()
    urls = [f"/budget/reports/{project.id}/2017/budget-vs-actual.html",
            f"/budget/reports/{project.id}/2017/tertial-2.html", "/budget/reports/year-over-year.html",
            "/budget/?year=2017"]
    counts = []
    for count, start in ((1_000, 0), (9_000, 1_000)):
        _bulk_transactions(db, lines, count, start)
        measured = []
        for url in urls:
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            measured.append(counter.count)
        counts.append(measured)
    assert counts[0] == counts[1], dict(zip(urls, zip(*counts)))
