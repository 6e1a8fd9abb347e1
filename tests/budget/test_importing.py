"""Actual transactions imported from the accounting system's export (CSV and xlsx), or entered by hand."""

import base64
import re
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
import sqlalchemy as sa

from flask_babel import force_locale

from kunstvest.budget import importing, services
from kunstvest.budget.importing import RowStatus
from kunstvest.budget.models import BudgetCategory, Transaction
from kunstvest.common.audit import AuditEvent
from tests import factories

GOOD_ROWS = ["01.03.2017;V1;kunst-rett-vest/Prosjektleder;1 234,50;Lønn mars",
             "2017-03-15;V2;kunst-rett-vest/Reise;1234.50;Tog Drammen",
             "2017-04-01;V3;kunst-rett-vest/Reise;-500;Refusjon"]


@pytest.fixture(autouse=True)
def english(app, client):
    """Assert on the English source texts (the translations are checked in tests/test_i18n.py)."""
    with client.session_transaction() as session:
        session["locale"] = "en"
    with app.test_request_context(), force_locale("en"):
        yield


@pytest.fixture
def lines(db):
    """Two 2017 lines of the project «kunst-rett-vest», and one in 2018."""
    project = factories.make_project(code="kunst-rett-vest")
    leader = factories.make_budget_line(project=project, name="Prosjektleder", category=BudgetCategory.SALARIES)
    travel = factories.make_budget_line(project=project, name="Reise", category=BudgetCategory.TRAVEL)
    factories.make_budget_line(project=project, name="Katalog", year=2018)
    return {"Prosjektleder": leader, "Reise": travel}


def _csv(rows, header="dato;bilag;budsjettlinje;beløp;tekst") -> bytes:
    return "\ufeff".encode() + "\r\n".join([header, *rows]).encode()


def _preview(content: bytes, filename: str = "export.csv") -> importing.ImportPreview:
    return importing.preview_import(rows=importing.parse_transactions_file(filename=filename, content=content),
                                    filename=filename)


def _transactions(db) -> list[tuple]:
    return db.session.execute(sa.select(Transaction.voucher_number, Transaction.amount, Transaction.fiscal_year)
                              .order_by(Transaction.voucher_number)).all()


def test_a_good_csv_file_imports_every_row_and_a_second_import_adds_nothing(db, lines):
    admin = factories.make_user(roles=["admin"])
    preview = _preview(_csv(GOOD_ROWS))
    assert [row.status for row in preview.rows] == [RowStatus.NEW] * 3
    assert [row.number for row in preview.rows] == [2, 3, 4]
    assert preview.rows[0].line is lines["Prosjektleder"] and preview.rows[0].booked_on == date(2017, 3, 1)
    assert importing.apply_import(preview=preview, imported_by=admin) == 3
    assert _transactions(db) == [("V1", Decimal("1234.50"), 2017), ("V2", Decimal("1234.50"), 2017),
                                 ("V3", Decimal("-500.00"), 2017)]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "budget.transactions_imported"))
    assert event.actor_id == admin.id and event.details == {"file": "export.csv", "count": 3}

    again = _preview(_csv(GOOD_ROWS))
    assert [row.status for row in again.rows] == [RowStatus.ALREADY_IMPORTED] * 3
    assert importing.apply_import(preview=again, imported_by=admin) == 0
    assert len(_transactions(db)) == 3


def test_a_good_xlsx_file_with_a_project_column_imports(db, lines):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Date", "Voucher", "Project", "Line", "Amount", "Text"])
    sheet.append([datetime(2017, 5, 2), 1042, "kunst-rett-vest", "Reise", 1234.5, "Fly"])
    sheet.append(["03.05.2017", "1043", "kunst-rett-vest", "Prosjektleder", 25000, None])
    sheet.append([None] * 6)
    buffer = BytesIO()
    workbook.save(buffer)
    preview = _preview(buffer.getvalue(), "eksport.XLSX")
    assert [(row.voucher, row.amount, row.line, row.status) for row in preview.rows] == [
        ("1042", Decimal("1234.50"), lines["Reise"], RowStatus.NEW),
        ("1043", Decimal("25000.00"), lines["Prosjektleder"], RowStatus.NEW)]
    assert importing.apply_import(preview=preview, imported_by=None) == 2
    assert [voucher for voucher, *_ in _transactions(db)] == ["1042", "1043"]


@pytest.mark.parametrize("bad_row, message", [
    ("2017-13-01;V3;kunst-rett-vest/Reise;100;x", "not a date"),
    ("2017-04-01;V3;kunst-rett-vest/Ukjent;100;x", "has no budget line"),
    ("2017-04-01;V3;ukjent/Reise;100;x", "no project with the code"),
    ("2017-04-01;V3;Reise;100;x", "project code/line name"),
    ("2017-04-01;V3;kunst-rett-vest/Reise;hundre kroner;x", "not an amount"),
    ("2017-04-01;V3;kunst-rett-vest/Reise;12.345;x", "not an amount"),
    ("2017-04-01;V2;kunst-rett-vest/Reise;100;x", "in row 3 as well"),
    ("2017-04-01;V9;kunst-rett-vest/Reise;100;x", "already booked in 2017"),
    ("2018-04-01;V3;kunst-rett-vest/Reise;100;x", "not for 2018"),
    ("2017-04-01; ;kunst-rett-vest/Reise;100;x", "voucher number is missing"),
])
def test_a_malformed_row_is_shown_in_error_and_nothing_is_imported(db, lines, bad_row, message):
    services.record_actual(line=lines["Reise"], amount="99", booked_on=date(2017, 1, 9), text="Earlier",
                           voucher_number="V9")
    preview = _preview(_csv([*GOOD_ROWS[:2], bad_row]))
    assert [row.number for row in preview.rows if row.errors] == [4]
    assert preview.rows[-1].status == RowStatus.ERROR and message in str(preview.rows[-1].errors[0])
    with pytest.raises(services.BudgetError):
        importing.apply_import(preview=preview, imported_by=None)
    assert [voucher for voucher, *_ in _transactions(db)] == ["V9"]


@pytest.mark.parametrize("value, expected", [
    ("1 234,50", "1234.50"), ("1\u00a0234,50", "1234.50"), ("1\u202f234,5", "1234.50"), ("1234.50", "1234.50"),
    ("-500", "-500.00"), ("\u2212500", "-500.00"), (" 0,1 ", "0.10"), (1234.5, "1234.50"), (0.1, "0.10"),
    (25000, "25000.00"), ("12,345", None), ("1.234,50", None), ("1,234.50", None), ("tusen", None), ("", None),
    (0.125, None), (True, None), (float("nan"), None), ("99999999999", None),
])
def test_amounts_in_norwegian_and_spreadsheet_formats_parse_exactly(value, expected):
    parsed = importing.parse_amount(value)
    assert parsed == (Decimal(expected) if expected else None)
    assert parsed is None or str(parsed) == expected


@pytest.mark.parametrize("value, expected", [
    ("2017-03-01", date(2017, 3, 1)), ("01.03.2017", date(2017, 3, 1)), (datetime(2017, 3, 1, 0, 0), date(2017, 3, 1)),
    ("1/3/2017", None), ("2017-02-30", None), (42795, None), (None, None),
])
def test_dates(value, expected):
    assert importing.parse_date(value) == expected


@pytest.mark.parametrize("filename, content, message", [
    ("export.pdf", b"%PDF", "Only CSV and Excel"),
    ("export.csv", "dato;beløp\n2017-01-01;5".encode(), "missing: voucher, line"),
    ("export.csv", "date,voucher,line,amount\n".encode(), "no transactions"),
    ("export.csv", "date;voucher;line;amount\n2017-01-01;1;a/b;5 øre".encode("latin-1"), "not UTF-8"),
    ("export.xlsx", b"not a zip", "Excel workbook"),
    ("export.csv", b"date,voucher,line,amount\n2017-01-01,1,a/b,1234,50\n", "more cells than the header"),
])
def test_a_file_that_cannot_be_read_is_refused_with_a_reason(filename, content, message):
    with pytest.raises(importing.ImportFileError, match=message):
        importing.parse_transactions_file(filename=filename, content=content)


def test_comma_separated_files_with_english_headers_are_read(db, lines):
    content = b'Date,Voucher,Line,Amount,Text\n2017-06-01,V7,kunst-rett-vest/Reise,"1 234,50","Buss, retur"\n'
    [row] = _preview(content).rows
    assert (row.amount, row.text, row.status) == (Decimal("1234.50"), "Buss, retur", RowStatus.NEW)


def test_the_preview_runs_the_same_queries_for_10_and_500_rows(db, lines, count_queries):
    services.record_actual(line=lines["Reise"], amount="5", booked_on=date(2017, 1, 1), text="x", voucher_number="7")
    db.session.commit()
    counts = []
    for size in (10, 500):
        rows = importing.parse_transactions_file(filename="export.csv", content=_csv(
            [f"2017-02-01;{number};kunst-rett-vest/{'Reise' if number % 2 else 'Prosjektleder'};5;x"
             for number in range(size)]))
        with count_queries() as counter:
            preview = importing.preview_import(rows=rows)
        assert len(preview.new_rows) == size - 1
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 3, counts


def _upload(client, content: bytes, filename: str = "export.csv"):
    return client.post("/budget/import", data={"file": (BytesIO(content), filename)},
                       content_type="multipart/form-data")


def test_upload_preview_and_confirm_import_the_transactions(client, login, db, lines):
    login("admin")
    assert client.get("/budget/import").status_code == 200
    response = _upload(client, _csv(GOOD_ROWS))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Tog Drammen" in page and _transactions(db) == []
    content = re.search(r'name="content" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/budget/import/confirm", data={"filename": "export.csv", "content": content})
    assert response.status_code == 302 and response.headers["Location"].endswith("/budget/?year=2017")
    assert len(_transactions(db)) == 3
    response = client.post("/budget/import/confirm", data={"filename": "export.csv", "content": content},
                           follow_redirects=True)
    assert len(_transactions(db)) == 3


def test_a_file_with_an_error_is_shown_with_422_and_confirming_it_imports_nothing(client, login, db, lines):
    login("admin")
    content = _csv([*GOOD_ROWS[:2], "2017-04-01;V3;kunst-rett-vest/Reise;tusen;x"])
    response = _upload(client, content)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "is not an amount" in page
    assert 'name="content"' not in page
    response = client.post("/budget/import/confirm", data={"filename": "export.csv",
                                                           "content": base64.b64encode(content).decode()})
    assert response.status_code == 422 and _transactions(db) == []


def test_an_unreadable_upload_is_shown_on_the_form(client, login, db):
    login("admin")
    response = _upload(client, b"date;amount\n", "export.csv")
    assert response.status_code == 200 and "missing: voucher, line" in response.get_data(as_text=True)
    assert "Choose a CSV or Excel" in _upload(client, b"%PDF", "export.pdf").get_data(as_text=True)
    response = client.post("/budget/import/confirm", data={"filename": "export.csv", "content": "%%%"})
    assert response.status_code == 302 and _transactions(db) == []


def test_a_transaction_is_entered_by_hand_with_a_voucher_unused_in_its_year(client, login, db, lines):
    login("admin")
    line = lines["Reise"]
    assert client.get("/budget/transactions/new?year=2017").status_code == 200
    form = {"budget_line_id": line.id, "booked_on": "2017-05-02", "amount": "450.50", "voucher_number": "V1",
            "text": "Taxi"}
    response = client.post("/budget/transactions/new?year=2017", data=form)
    assert response.status_code == 302 and _transactions(db) == [("V1", Decimal("450.50"), 2017)]
    page = client.post("/budget/transactions/new?year=2017", data=form).get_data(as_text=True)
    assert "Voucher V1 is already booked in 2017" in page
    page = client.post("/budget/transactions/new?year=2017",
                       data={**form, "voucher_number": "V2", "booked_on": "2018-01-02"}).get_data(as_text=True)
    assert "the date must be in that year" in page and len(_transactions(db)) == 1
