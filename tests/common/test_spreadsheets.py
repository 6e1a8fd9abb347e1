"""The one writer of spreadsheet cells and download headers: formula-like text, dates, numbers, names."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from kunstvest.budget.reports import Percent, Report, Table
from kunstvest.common.downloads import content_disposition
from kunstvest.common.spreadsheets import MONEY_FORMAT, report_to_xlsx, sheet_title, table_to_csv
from tests.spreadsheets import FORMULA_TEXTS, assert_xlsx_keeps_text

ROW = ["Honorar", -5, Decimal("-1234.50"), 2.5, Percent(Decimal("-12.5")), date(2017, 9, 16),
       datetime(2018, 5, 2, 10, 0, tzinfo=UTC), None]


def _report(*rows, title: str = "Tittel", sheet_name: str = "") -> Report:
    headers = ["Tekst", "Antall", "Beløp", "Snitt", "Andel", "Dag", "Bekreftet", "Tomt"]
    return Report(title=title, filename="rapport", sheet_name=sheet_name, notes=list(FORMULA_TEXTS[:1]),
                  tables=[Table("Tabell", headers, list(rows))])


def _body_row(data: bytes, first: str) -> tuple:
    sheet = load_workbook(io.BytesIO(data)).active
    return next(row for row in sheet.iter_rows() if row[0].value == first)


@pytest.mark.parametrize("text", FORMULA_TEXTS)
def test_formula_like_text_is_a_string_shown_as_typed_in_xlsx(text):
    data = report_to_xlsx(_report([text, *ROW[1:]], ["Vanlig", *ROW[1:]], title=text))

    assert_xlsx_keeps_text(data, [text])
    plain = _body_row(data, "Vanlig")[0]
    assert (plain.data_type, plain.quotePrefix) == ("s", False)


def test_numbers_and_dates_stay_numbers_and_dates_in_xlsx():
    cells = _body_row(report_to_xlsx(_report(ROW)), "Honorar")

    count, amount, mean, share, day, confirmed, empty = cells[1:8]
    assert (count.value, count.data_type) == (-5, "n")
    assert (amount.value, amount.data_type, amount.number_format) == (-1234.5, "n", MONEY_FORMAT)
    assert (mean.value, share.value, share.number_format) == (2.5, -0.125, "0.0%")
    assert (day.value, day.number_format) == (datetime(2017, 9, 16), "dd.mm.yyyy")
    # 10:00 UTC is noon in Oslo in May; Excel has no time zones.
    assert (confirmed.value, confirmed.number_format) == (datetime(2018, 5, 2, 12, 0), "dd.mm.yyyy hh:mm")
    assert empty.value is None


def test_control_characters_that_a_workbook_cannot_hold_are_dropped():
    data = report_to_xlsx(_report(["Nul\x00l og \x07bjelle", *ROW[1:]]))
    assert _body_row(data, "Null og bjelle")[0].data_type == "s"


@pytest.mark.parametrize("name, title", [
    ("Karakterer", "Karakterer"),
    ("Rapport til Kultur/Fond: [2017]?", "Rapport til Kultur Fond   2017"),
    ("'Sitat'", "Sitat"),
    ("*/:", "Sheet1"),
])
def test_sheet_titles_follow_excels_rules(name, title):
    assert sheet_title(name) == title
    assert load_workbook(io.BytesIO(report_to_xlsx(_report(ROW, sheet_name=name)))).active.title == title


def test_a_long_report_title_makes_a_sheet_title_of_31_characters():
    data = report_to_xlsx(_report(ROW, title="Budsjett mot regnskap 2017: " * 3))
    title = load_workbook(io.BytesIO(data)).active.title
    assert title == "Budsjett mot regnskap 2017  Bud"


def test_csv_for_norwegian_excel_neutralises_text_but_not_numbers():
    table = Table("Tabell", ["=Overskrift", "Antall", "Beløp", "Snitt", "Andel", "Dag", "Bekreftet", "Tomt"],
                  [[text, *ROW[1:]] for text in FORMULA_TEXTS])

    data = table_to_csv(table)

    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").startswith("'=Overskrift;Antall;Beløp;")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert [row[0] for row in rows[1:]] == [f"'{text}" for text in FORMULA_TEXTS]
    assert rows[1][1:] == ["-5", "-1234,50", "2,5", "-12,5%", "16.09.2017", "02.05.2018 12:00", ""]


@pytest.mark.parametrize("filename, fallback, encoded", [
    ("besøk-og-salg-2017.xlsx", "besok-og-salg-2017.xlsx", "bes%C3%B8k-og-salg-2017.xlsx"),
    ("årsrapport-kultur-2017.pdf", "arsrapport-kultur-2017.pdf", "%C3%A5rsrapport-kultur-2017.pdf"),
    ("Særskilt ØKONOMI.csv", "Saerskilt OKONOMI.csv", "S%C3%A6rskilt%20%C3%98KONOMI.csv"),
    ('rapport-til-"Fond"/\r\nSet-Cookie: x;-2017.xlsx', "rapport-til--Fond-Set-Cookie- x--2017.xlsx",
     "rapport-til--Fond-Set-Cookie-%20x--2017.xlsx"),
    ("scores-2018.xlsx", "scores-2018.xlsx", "scores-2018.xlsx"),
])
def test_content_disposition_carries_the_real_name_and_an_ascii_fallback(filename, fallback, encoded):
    assert content_disposition(filename) == f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
