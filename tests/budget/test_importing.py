"""Reading the accounting system's export (CSV in any of its encodings, xlsx), and what its preview would book."""

import base64
import re
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from kunstvest.budget import accounts, importing, services
from kunstvest.budget.importing import AmountError, RowStatus
from kunstvest.budget.models import BudgetCategory, ClosedYear, ImportBatch, SignConvention, Transaction
from kunstvest.common.audit import AuditEvent
from kunstvest.common.formatting import money
from tests import factories

GOOD_ROWS = ["01.03.2017;V1;kunst-rett-vest/Prosjektleder;1 234,50;Lønn mars",
             "2017-03-15;V2;kunst-rett-vest/Reise;1234.50;Tog Drammen",
             "2017-04-01;V3;kunst-rett-vest/Reise;-500;Refusjon"]
EXPORT_HEADER = "Bilagsnr;Dato;Konto;Prosjekt;Tekst;Beløp"


pytestmark = pytest.mark.usefixtures("english_request")


@pytest.fixture
def lines(db):
    """Two 2017 lines of the project «kunst-rett-vest», an income line, and one line in 2018."""
    project = factories.make_project(code="kunst-rett-vest", name="Kunst rett vest")
    leader = factories.make_budget_line(project=project, name="Prosjektleder", category=BudgetCategory.SALARIES,
                                        amount="650000")
    travel = factories.make_budget_line(project=project, name="Reise", category=BudgetCategory.TRAVEL,
                                        amount="20000")
    county = factories.make_budget_line(project=project, name="Buskerud fylkeskommune", amount="155000",
                                        category=BudgetCategory.COUNTY_COUNCIL, funder="Buskerud fylkeskommune")
    factories.make_budget_line(project=project, name="Katalog", year=2018)
    return {"Prosjektleder": leader, "Reise": travel, "Buskerud fylkeskommune": county}


@pytest.fixture
def mapped(lines):
    """Accounts 3440 (county grant), 6790 (project leader) and 7140 (travel) mapped for Kunst rett vest 2017."""
    project = lines["Reise"].project
    for account, name in (("3440", "Buskerud fylkeskommune"), ("6790", "Prosjektleder"), ("7140", "Reise")):
        accounts.save_account_mapping(project=project, year=2017, account=account, line=lines[name], mapped_by=None)
    return lines


def _csv(rows, header="dato;bilag;budsjettlinje;beløp;tekst", encoding="utf-8-sig") -> bytes:
    return "\r\n".join([header, *rows]).encode(encoding)


def _export(rows, encoding="utf-8-sig") -> bytes:
    return _csv(rows, EXPORT_HEADER, encoding)


def _preview(content: bytes, filename: str = "export.csv", sign_convention=None) -> importing.ImportPreview:
    return importing.preview_import(rows=importing.parse_transactions_file(filename=filename, content=content),
                                    filename=filename, sign_convention=sign_convention)


def _transactions(db) -> list[tuple]:
    return db.session.execute(sa.select(Transaction.voucher_number, Transaction.amount, Transaction.fiscal_year)
                              .order_by(Transaction.voucher_number, Transaction.id)).all()


def _xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# The export as the accounting system writes it ------------------------------------------------------------------

def test_the_export_as_written_books_costs_positive_on_their_lines_in_a_batch(db, mapped):
    admin = factories.make_user(roles=["admin"])
    preview = _preview(_export(["1042;01.03.2017;3440;Kunst rett vest;Tilskudd Buskerud fylkeskommune;180 000,00",
                                "1043;15.03.2017;6790;Kunst rett vest;Prosjektleder mars;-25 700,50",
                                "1043;15.03.2017;7140;kunst-rett-vest;Reise mars;-1 234,50"]))
    assert preview.sign_convention == SignConvention.INCOME_POSITIVE and preview.guess.agreeing == 3
    assert [(row.status, row.line.name, row.amount) for row in preview.rows] == [
        (RowStatus.NEW, "Buskerud fylkeskommune", Decimal("180000.00")),
        (RowStatus.NEW, "Prosjektleder", Decimal("25700.50")),
        (RowStatus.NEW, "Reise", Decimal("1234.50"))]
    batch = importing.apply_import(preview=preview, imported_by=admin)
    assert (batch.row_count, batch.income_total, batch.expense_total) == (3, Decimal("180000.00"),
                                                                          Decimal("26935.00"))
    assert (batch.imported_by_id, batch.filename, batch.sign_convention) == (admin.id, "export.csv",
                                                                             SignConvention.INCOME_POSITIVE)
    booked = db.session.execute(sa.select(Transaction.voucher_number, Transaction.account, Transaction.amount,
                                          Transaction.batch_id, Transaction.created_by_id)
                                .order_by(Transaction.id)).all()
    assert booked == [("1042", "3440", Decimal("180000.00"), batch.id, admin.id),
                      ("1043", "6790", Decimal("25700.50"), batch.id, admin.id),
                      ("1043", "7140", Decimal("1234.50"), batch.id, admin.id)]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "budget.transactions_imported"))
    assert event.actor_id == admin.id and event.object_id == str(batch.id)
    assert event.details == {"file": "export.csv", "count": 3, "income": "180000.00", "expense": "26935.00",
                             "sign_convention": "income_positive"}
    figures = {figure.line.name: figure.actual for figure in services.budget_lines_with_actuals(year=2017)}
    assert figures["Prosjektleder"] == Decimal("25700.50") and figures["Buskerud fylkeskommune"] == 180000


def test_a_general_ledger_with_debit_positive_is_guessed_and_booked_the_same(db, mapped):
    preview = _preview(_export(["1042;01.03.2017;3440;Kunst rett vest;Tilskudd;-180 000,00",
                                "1043;15.03.2017;6790;Kunst rett vest;Prosjektleder;25 700,50",
                                "1044;16.03.2017;7140;Kunst rett vest;Kreditnota reise;-310,00"]))
    assert preview.guess == importing.SignGuess(SignConvention.DEBIT_POSITIVE, agreeing=2, counted=3)
    assert [row.amount for row in preview.rows] == [Decimal("180000.00"), Decimal("25700.50"), Decimal("-310.00")]
    switched = _preview(_export(["1043;15.03.2017;6790;Kunst rett vest;Prosjektleder;25 700,50"]),
                        sign_convention=SignConvention.INCOME_POSITIVE)
    assert switched.sign_convention == SignConvention.INCOME_POSITIVE
    assert switched.rows[0].amount == Decimal("-25700.50")


@pytest.mark.parametrize("header", [
    "Bilagsnr;Dato;Konto;Prosjekt;Tekst;Beløp",
    "Bilagsnummer;Bokført dato;Kontonr;Avdeling;Beskrivelse;Belop",
    " BILAG ; DATO ; KONTO ; PROSJEKT ; TEKST ; SUM ",
    "Bilag nr.;Bokføringsdato;Konto nr.;Prosjekt;Tekst;Beløp (NOK)",
    "Voucher;Date;Account;Project;Text;Amount",
    "Voucher No.;Posting date;Account number;Department;Description;Amount",
    "voucher number;DATE;account no;project code;description;sum",
])
def test_column_headers_in_norwegian_and_english(db, mapped, header):
    [row] = _preview(_csv(["1043;15.03.2017;6790;Kunst rett vest;Prosjektleder;-25 700,50"], header)).rows
    assert (row.voucher, row.booked_on, row.account, row.line.name, row.text, row.amount) == (
        "1043", date(2017, 3, 15), "6790", "Prosjektleder", "Prosjektleder", Decimal("25700.50"))


def test_columns_in_another_order_and_separated_by_commas_or_tabs(db, mapped):
    comma = ('Amount,Text,Account,Project,Date,Voucher\n'
             '"-25 700,50","Lønn, mars",6790,Kunst rett vest,2017-03-15,9\n').encode()
    tab = "Konto\tBeløp\tBilag\tDato\tProsjekt\n6790\t-25700,50\t9\t15.03.17\tKunst rett vest\n".encode()
    for content in (comma, tab):
        [row] = _preview(content).rows
        assert (row.line.name, row.amount, row.booked_on) == ("Prosjektleder", Decimal("25700.50"),
                                                              date(2017, 3, 15))


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-8", "utf-8-sig", "utf-16"])
def test_every_encoding_norwegian_systems_write_is_read(db, mapped, encoding):
    text = "Vakthold – påske" if encoding != "latin-1" else "Vakthold på Støa"
    [row] = _preview(_export([f"1043;15.03.2017;6790;Kunst rett vest;{text};-7 500,00"], encoding)).rows
    assert (row.text, row.amount, row.status) == (text, Decimal("7500.00"), RowStatus.NEW)


def test_an_xlsx_export_with_real_dates_and_numbers_is_read(db, mapped):
    content = _xlsx([["Bilagsnr", "Dato", "Konto", "Prosjekt", "Tekst", "Beløp"],
                     [1042, datetime(2017, 3, 1), 3440, "Kunst rett vest", "Tilskudd", 180000],
                     [1043.0, "15.03.2017", "6790", "KUNST-RETT-VEST", "Prosjektleder", -25700.5],
                     [None] * 6])
    preview = _preview(content, "Eksport.XLSX")
    assert [(row.voucher, row.account, row.booked_on, row.amount, row.line.name) for row in preview.rows] == [
        ("1042", "3440", date(2017, 3, 1), Decimal("180000.00"), "Buskerud fylkeskommune"),
        ("1043", "6790", date(2017, 3, 15), Decimal("25700.50"), "Prosjektleder")]


def test_missing_columns_are_named_in_the_users_language(db):
    content = "Dato;Tekst;Beløp\n01.03.2017;x;5\n".encode()
    with pytest.raises(importing.ImportFileError) as english_error:
        importing.parse_transactions_file(filename="export.csv", content=content)
    assert "Columns missing in the first row: Voucher, Account, Project." in str(english_error.value)
    with force_locale("nb"):
        with pytest.raises(importing.ImportFileError) as norwegian_error:
            importing.parse_transactions_file(filename="export.csv", content=content)
        assert "Bilag, Konto, Prosjekt" in str(norwegian_error.value)


@pytest.mark.parametrize("row, message", [
    ("1043;15.03.2017;6790;Ukjent prosjekt;x;-5,00", "no project with the name or code «Ukjent prosjekt»"),
    ("1043;15.03.2017;;Kunst rett vest;x;-5,00", "account is missing"),
    ("1043;15.03.2017;1920;Kunst rett vest;x;-5,00", "not an income or cost account"),
    ("1043;15.03.2017;67x0;Kunst rett vest;x;-5,00", "not an account number"),
    ("1043;15.03.2019;6790;Kunst rett vest;x;-5,00", "has no budget lines for 2019"),
    ("1043;15.03.2017;6790;;x;-5,00", "project is missing"),
    ("1043;31.02.2017;6790;Kunst rett vest;x;-5,00", "not a date"),
    ("1043;15.03.2017;6790;Kunst rett vest;x;12 345 678 901,00", "the largest amount is 9 999 999 999,99"),
    ("1043;15.03.2017;6790;Kunst rett vest;x;1.234,50", "can be read in two ways"),
    ("1043;15.03.2017;6790;Kunst rett vest;La\x00ger;-5,00", "NUL character"),
    ("1043;15.03.2017;6790;Kunst rett vest;x;-5\x00,00", "NUL character"),
    (";15.03.2017;6790;Kunst rett vest;x;-5,00", "voucher number is missing"),
])
def test_a_row_in_error_is_shown_and_nothing_is_imported(db, mapped, row, message):
    preview = _preview(_export(["1042;01.03.2017;3440;Kunst rett vest;Tilskudd;180 000,00", row]))
    assert preview.rows[0].status == RowStatus.NEW and preview.rows[1].status == RowStatus.ERROR
    assert message in " ".join(str(error) for error in preview.rows[1].errors)
    assert preview.impacts == [] and not preview.is_ready
    with pytest.raises(services.BudgetError):
        importing.apply_import(preview=preview, imported_by=None)
    assert _transactions(db) == [] and db.session.scalar(sa.select(sa.func.count(ImportBatch.id))) == 0


def test_rows_that_add_up_past_what_a_batch_can_hold_are_refused(db, mapped):
    preview = _preview(_export([f"{n};01.03.2017;3440;Kunst rett vest;x;9 999 999 999,99" for n in (1, 2)]))
    assert preview.file_errors and preview.has_errors
    with pytest.raises(services.BudgetError):
        importing.apply_import(preview=preview, imported_by=None)


def test_an_unmapped_account_waits_for_its_line_with_a_default_by_its_class(db, lines):
    preview = _preview(_export(["1042;01.03.2017;3440;Kunst rett vest;Tilskudd;180 000,00",
                                "1043;15.03.2017;6790;Kunst rett vest;Prosjektleder mars;-25 700,50",
                                "1044;15.04.2017;6790;Kunst rett vest;Prosjektleder april;-25 700,50",
                                "1045;15.04.2017;7140;Kunst rett vest;Tog;-500,00"]))
    assert preview.count(RowStatus.UNMAPPED) == 4 and not preview.is_ready
    assert [(item.account, item.rows, item.default.name) for item in preview.unknown_accounts] == [
        ("3440", 1, "Buskerud fylkeskommune"), ("6790", 2, "Prosjektleder"), ("7140", 1, "Reise")]
    with pytest.raises(services.BudgetError):
        importing.apply_import(preview=preview, imported_by=None)


def test_the_answers_on_the_preview_are_remembered_for_the_next_file(db, lines):
    content = _export(["1043;15.03.2017;7140;Kunst rett vest;Tog;-500,00"])
    [unknown] = _preview(content).unknown_accounts
    elsewhere = factories.make_budget_line(name="Reise")
    for answers in ({unknown.field_name: elsewhere.id}, {}):
        with pytest.raises(accounts.AccountError):
            importing.remember_accounts(unknown_accounts=[unknown], answers=answers, mapped_by=None)
    assert importing.remember_accounts(unknown_accounts=[unknown], answers={unknown.field_name: lines["Reise"].id},
                                       mapped_by=None) == 1
    preview = _preview(content)
    assert preview.unknown_accounts == [] and preview.rows[0].line is lines["Reise"] and preview.is_ready


def test_one_account_goes_to_different_lines_in_different_projects(db, mapped):
    orchestra = factories.make_project(code="vus", name="Vestregionens Ungdomssymfonikere")
    tutors = factories.make_budget_line(project=orchestra, name="Instruktører", category=BudgetCategory.TUTOR_FEES)
    accounts.save_account_mapping(project=orchestra, year=2017, account="6790", line=tutors, mapped_by=None)
    preview = _preview(_export(["1;01.03.2017;6790;Kunst rett vest;x;-100,00", "2;01.03.2017;6790;VUS;y;-200,00"]))
    assert [(row.line.name, row.amount) for row in preview.rows] == [("Prosjektleder", Decimal("100.00")),
                                                                     ("Instruktører", Decimal("200.00"))]


def test_a_file_imported_again_adds_only_what_is_new_and_a_voucher_may_span_accounts(db, mapped):
    rows = ["1043;15.03.2017;6790;Kunst rett vest;Prosjektleder;-25 700,50",
            "1043;15.03.2017;7140;Kunst rett vest;Reise;-1 234,50",
            "1044;15.03.2017;7140;Kunst rett vest;Taxi;-300,00",
            "1044;15.03.2017;7140;Kunst rett vest;Taxi;-300,00"]
    importing.apply_import(preview=_preview(_export(rows)), imported_by=None)
    assert len(_transactions(db)) == 4
    again = _preview(_export([*rows, "1044;15.03.2017;7140;Kunst rett vest;Taxi;-300,00",
                              "1045;16.03.2017;6790;Kunst rett vest;Prosjektleder;-1,00"]))
    assert [row.status for row in again.rows] == [RowStatus.ALREADY_IMPORTED] * 4 + [RowStatus.NEW] * 2
    assert again.rows[4].voucher_booked_otherwise and not again.rows[5].voucher_booked_otherwise
    assert importing.apply_import(preview=again, imported_by=None).row_count == 2
    with pytest.raises(services.BudgetError, match="nothing new"):
        importing.apply_import(preview=_preview(_export(rows)), imported_by=None)


def test_the_preview_sets_the_import_against_the_budget_and_flags_what_looks_wrong(db, mapped):
    services.record_actual(line=mapped["Prosjektleder"], amount="50000", booked_on=date(2017, 1, 31), text="jan")
    services.record_actual(line=mapped["Buskerud fylkeskommune"], amount="155000", booked_on=date(2017, 2, 1),
                           text="tilskudd")
    calm = _preview(_export(["1043;15.03.2017;6790;Kunst rett vest;Prosjektleder;-25 700,50"]))
    [impact] = calm.impacts
    leader = next(item for item in impact.lines if item.line.name == "Prosjektleder")
    assert (leader.budgeted, leader.before, leader.added, leader.after) == (
        Decimal("650000.00"), Decimal("50000.00"), Decimal("25700.50"), Decimal("75700.50"))
    assert (impact.before.result_actual, impact.after.result_actual) == (Decimal("105000.00"), Decimal("79299.50"))
    assert calm.flags == []
    # Travel far past its budget turns the surplus into a deficit.
    flagged = _preview(_export(["1043;15.03.2017;6790;Kunst rett vest;Prosjektleder;-250 000,00",
                                "1044;15.03.2017;7140;Kunst rett vest;Reise;-210 000,00"]))
    [impact] = flagged.impacts
    assert impact.result_changes_sign and impact.after.result_actual == Decimal("-355000.00")
    assert [item.line.name for item in impact.tenfold_lines] == ["Reise"]
    assert len(flagged.flags) == 2
    assert f"would turn from {money(105000)} to {money(-355000)}" in str(flagged.flags[0])
    assert f"more than ten times its budget of {money(20000)}" in str(flagged.flags[1])
    # From nothing booked, a first import gives the year its sign; it changes none.
    db.session.execute(sa.delete(Transaction))
    assert _preview(_export(["1;15.03.2017;3440;Kunst rett vest;x;700 000,00"])).flags == []


def test_a_closed_year_refuses_the_import_and_the_undo(db, mapped):
    batch = importing.apply_import(preview=_preview(_export(["1;15.03.2017;6790;Kunst rett vest;x;-5,00"])),
                                   imported_by=None)
    db.session.add(ClosedYear(year=2017))
    db.session.flush()
    preview = _preview(_export(["2;15.03.2017;6790;Kunst rett vest;x;-5,00"]))
    assert "accounts for 2017 are closed" in str(preview.rows[0].errors[0])
    with pytest.raises(services.BudgetError):
        importing.apply_import(preview=preview, imported_by=None)
    with pytest.raises(services.YearClosed):
        importing.undo_batch(batch=batch, undone_by=None)
    assert not batch.is_undone and len(_transactions(db)) == 1


def test_undoing_a_batch_removes_its_transactions_only_and_keeps_the_batch(db, mapped):
    admin = factories.make_user(roles=["admin"])
    services.record_actual(line=mapped["Reise"], amount="99", booked_on=date(2017, 1, 9), text="By hand")
    batch = importing.apply_import(preview=_preview(_export(["1;15.03.2017;6790;Kunst rett vest;x;-5,00",
                                                             "2;15.03.2017;3440;Kunst rett vest;y;7,00"])),
                                   imported_by=admin)
    contents = importing.batch_contents(batch)
    assert (contents.count, contents.income, contents.expense, contents.years) == (2, Decimal("7.00"),
                                                                                   Decimal("5.00"), [2017])
    assert importing.undo_batch(batch=batch, undone_by=admin) == 2
    assert _transactions(db) == [(None, Decimal("99.00"), 2017)]
    assert batch.is_undone and batch.undone_by_id == admin.id and db.session.get(ImportBatch, batch.id)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "budget.import_undone"))
    assert event.details == {"file": "export.csv", "count": 2, "income": "7.00", "expense": "5.00"}
    with pytest.raises(services.BudgetError, match="undone already"):
        importing.undo_batch(batch=batch, undone_by=admin)


def test_the_preview_runs_the_same_queries_for_10_and_500_rows(db, mapped, count_queries):
    services.record_actual(line=mapped["Reise"], amount="5", booked_on=date(2017, 1, 1), text="x", voucher_number="7")
    db.session.commit()
    counts = []
    for size in (10, 500):
        rows = importing.parse_transactions_file(filename="export.csv", content=_export(
            [f"{number};01.02.2017;{6790 if number % 2 else 7140};Kunst rett vest;x;-5,00" for number in range(size)]
            + ["9999;01.02.2017;6300;Kunst rett vest;unmapped;-5,00"]))
        with count_queries() as counter:
            preview = importing.preview_import(rows=rows)
        assert len(preview.new_rows) == size and len(preview.unknown_accounts) == 1
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 8, counts


# Amounts and dates ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("1 234,50", "1234.50"), ("1\u00a0234,50", "1234.50"), ("1\u202f234,5", "1234.50"), ("1234.50", "1234.50"),
    ("1234,50", "1234.50"), ("-1 234,50", "-1234.50"), ("\u22121 234,50", "-1234.50"), ("(1 234,50)", "-1234.50"),
    ("-500", "-500.00"), (" 0,1 ", "0.10"), ("1 234,50 kr", "1234.50"), (1234.5, "1234.50"), (0.1, "0.10"),
    (25000, "25000.00"), (-25700.5, "-25700.50"), ("9 999 999 999,99", "9999999999.99"),
    ("12,345", None), ("1.234,50", None), ("1,234.50", None), ("tusen", None), ("", None), ("(-5)", None),
    (0.125, None), (True, None), (float("nan"), None), ("10 000 000 000,00", None), (1e20, None), ("5\x00", None),
])
def test_amounts_in_norwegian_and_spreadsheet_formats_parse_exactly(value, expected):
    if expected is None:
        with pytest.raises(AmountError):
            importing.parse_amount(value)
    else:
        parsed = importing.parse_amount(value)
        assert parsed == Decimal(expected) and str(parsed) == expected


@pytest.mark.parametrize("value, expected", [
    ("2017-03-01", date(2017, 3, 1)), ("01.03.2017", date(2017, 3, 1)), ("01.03.17", date(2017, 3, 1)),
    (datetime(2017, 3, 1, 0, 0), date(2017, 3, 1)), ("1/3/2017", None), ("2017-02-30", None), (42795, None),
    (None, None),
])
def test_dates(value, expected):
    assert importing.parse_date(value) == expected


@pytest.mark.parametrize("filename, content, message", [
    ("export.pdf", b"%PDF", "Only CSV and Excel"),
    ("export.csv", "dato;beløp\n2017-01-01;5".encode(), "missing in the first row: Voucher, Account, Project"),
    ("export.csv", "date,voucher,line,amount\n".encode(), "no transactions"),
    ("export.xlsx", b"not a zip", "Excel workbook"),
    ("export.csv", b"date,voucher,line,amount\n2017-01-01,1,a/b,1234,50\n", "more cells than the header"),
    ("export.csv", b"\xff\xfeB\x00i\x00l", "cannot be read as text"),
])
def test_a_file_that_cannot_be_read_is_refused_with_a_reason(filename, content, message):
    with pytest.raises(importing.ImportFileError, match=message):
        importing.parse_transactions_file(filename=filename, content=content)


# The older layout: a line column, amounts in the line's direction ---------------------------------------------------

def test_the_older_layout_with_a_line_column_still_imports(db, lines):
    preview = _preview(_csv(GOOD_ROWS))
    assert preview.sign_convention is None and preview.guess is None
    assert [row.status for row in preview.rows] == [RowStatus.NEW] * 3
    assert preview.rows[0].line is lines["Prosjektleder"] and preview.rows[0].booked_on == date(2017, 3, 1)
    assert importing.apply_import(preview=preview, imported_by=None).row_count == 3
    assert _transactions(db) == [("V1", Decimal("1234.50"), 2017), ("V2", Decimal("1234.50"), 2017),
                                 ("V3", Decimal("-500.00"), 2017)]
    again = _preview(_csv(GOOD_ROWS))
    assert [row.status for row in again.rows] == [RowStatus.ALREADY_IMPORTED] * 3


def test_the_older_layout_with_a_project_column_in_xlsx(db, lines):
    content = _xlsx([["Date", "Voucher", "Project", "Line", "Amount", "Text"],
                     [datetime(2017, 5, 2), 1042, "Kunst rett vest", "Reise", 1234.5, "Fly"],
                     ["03.05.2017", "1043", "kunst-rett-vest", "Prosjektleder", 25000, None]])
    preview = _preview(content, "eksport.xlsx")
    assert [(row.voucher, row.amount, row.line, row.status) for row in preview.rows] == [
        ("1042", Decimal("1234.50"), lines["Reise"], RowStatus.NEW),
        ("1043", Decimal("25000.00"), lines["Prosjektleder"], RowStatus.NEW)]


@pytest.mark.parametrize("bad_row, message", [
    ("2017-04-01;V3;kunst-rett-vest/Ukjent;100;x", "has no line «Ukjent»"),
    ("2017-04-01;V3;ukjent/Reise;100;x", "no project with the name or code «ukjent»"),
    ("2017-04-01;V3;Reise;100;x", "project code/line name"),
    ("2017-04-01;V3;kunst-rett-vest/Reise;hundre kroner;x", "not an amount"),
    ("2018-04-01;V3;kunst-rett-vest/Reise;100;x", "2018 budget of Kunst rett vest has no line «Reise»"),
])
def test_the_older_layout_shows_its_errors(db, lines, bad_row, message):
    preview = _preview(_csv([*GOOD_ROWS[:2], bad_row]))
    assert [row.number for row in preview.rows if row.errors] == [4]
    assert message in str(preview.rows[-1].errors[0])


# Through the pages ------------------------------------------------------------------------------------------------

def _upload(client, content: bytes, filename: str = "export.csv"):
    return client.post("/budget/import", data={"file": (BytesIO(content), filename)},
                       content_type="multipart/form-data")


def _hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page).group(1)


def test_upload_preview_and_confirm_an_older_layout_file(client, login, db, lines):
    login("admin")
    assert client.get("/budget/import").status_code == 200
    response = _upload(client, _csv(GOOD_ROWS))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Tog Drammen" in page and _transactions(db) == []
    form = {"filename": "export.csv", "content": _hidden(page, "content")}
    response = client.post("/budget/import/confirm", data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith("/budget/import/batches")
    assert len(_transactions(db)) == 3
    response = client.post("/budget/import/confirm", data=form)
    assert response.status_code == 409 and len(_transactions(db)) == 3
    assert "nothing new to import" in response.get_data(as_text=True)


def test_a_file_with_an_error_is_shown_with_422_and_confirming_it_imports_nothing(client, login, db, lines):
    login("admin")
    content = _csv([*GOOD_ROWS[:2], "2017-04-01;V3;kunst-rett-vest/Reise;tusen;x"])
    response = _upload(client, content)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "is not an amount" in page and "formaction" not in page
    response = client.post("/budget/import/confirm", data={"filename": "export.csv",
                                                           "content": base64.b64encode(content).decode()})
    assert response.status_code == 422 and _transactions(db) == []


def test_an_unreadable_upload_is_shown_on_the_form(client, login, db):
    login("admin")
    response = _upload(client, b"date;amount\n", "export.csv")
    assert response.status_code == 200 and "Columns missing in the first row" in response.get_data(as_text=True)
    assert "Choose a CSV or Excel" in _upload(client, b"%PDF", "export.pdf").get_data(as_text=True)
    for data in ({"filename": "export.csv", "content": "%%%"}, {"filename": "export.csv", "content": "QUJD"},
                 {"filename": "export.csv", "content": "QUJD", "sign_convention": "sideways"}):
        for url in ("/budget/import/confirm", "/budget/import/preview"):
            response = client.post(url, data=data)
            assert response.status_code == 302 and _transactions(db) == []


def test_a_flagged_import_needs_the_box_ticked(client, login, db, mapped):
    login("admin")
    db.session.commit()
    content = _export(["1044;15.03.2017;7140;Kunst rett vest;Reise;-210 000,00"])
    page = _upload(client, content).get_data(as_text=True)
    assert "more than ten times its budget" in page and 'name="acknowledged"' in page
    form = {"filename": "export.csv", "content": _hidden(page, "content"), "sign_convention": "income_positive"}
    response = client.post("/budget/import/confirm", data=form)
    assert response.status_code == 422 and "tick the box" in response.get_data(as_text=True)
    assert _transactions(db) == []
    response = client.post("/budget/import/confirm", data={**form, "acknowledged": "y"})
    assert response.status_code == 302 and _transactions(db) == [("1044", Decimal("210000.00"), 2017)]


def test_a_transaction_is_entered_by_hand_with_a_voucher_unused_in_its_year(client, login, db, lines):
    admin = login("admin")
    line = lines["Reise"]
    assert client.get("/budget/transactions/new?year=2017").status_code == 200
    form = {"budget_line_id": line.id, "booked_on": "2017-05-02", "amount": "450.50", "voucher_number": "V1",
            "text": "Taxi"}
    response = client.post("/budget/transactions/new?year=2017", data=form)
    assert response.status_code == 302 and _transactions(db) == [("V1", Decimal("450.50"), 2017)]
    assert db.session.scalar(sa.select(Transaction.created_by_id)) == admin.id
    page = client.post("/budget/transactions/new?year=2017", data=form).get_data(as_text=True)
    assert "Voucher V1 is already booked in 2017" in page
    page = client.post("/budget/transactions/new?year=2017",
                       data={**form, "voucher_number": "V2", "booked_on": "2018-01-02"}).get_data(as_text=True)
    assert "the date must be in that year" in page and len(_transactions(db)) == 1
