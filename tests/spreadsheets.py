"""What every export test checks: text a spreadsheet would run as a formula comes out as text, named once."""

import csv
import io
from urllib.parse import unquote

from openpyxl import load_workbook

# One text for each character that makes Excel or LibreOffice evaluate a cell (OWASP: CSV injection).
FORMULA_TEXTS = ('=HYPERLINK("http://evil/","klikk")', "+47 22 33 44 55", "-2+3", "@SUM(A1:A9)", "\t=1+1",
                 "\r=1+1")


def xlsx_cells(data: bytes) -> list:
    """Every cell of the workbook's first sheet that holds something."""
    sheet = load_workbook(io.BytesIO(data)).active
    return [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]


def assert_xlsx_keeps_text(data: bytes, texts=FORMULA_TEXTS) -> None:
    """Each text starts a cell that is stored as a string and shown as typed, never as a formula."""
    cells = [cell for cell in xlsx_cells(data) if isinstance(cell.value, str)]
    for text in texts:
        # XML reads a bare carriage return back as a line feed.
        matching = [cell for cell in cells if cell.value.startswith(text.replace("\r", "\n"))]
        assert matching, f"{text!r} is not in the sheet"
        for cell in matching:
            assert (cell.data_type, cell.quotePrefix) == ("s", True), (text, cell.coordinate, cell.data_type)


def csv_rows(response) -> list[list[str]]:
    """The rows of a CSV download, after checking its content type and byte order mark."""
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline=""), delimiter=";"))


def assert_csv_keeps_text(rows: list[list[str]], texts=FORMULA_TEXTS) -> None:
    """Each text comes out with the apostrophe that makes a spreadsheet show it as text."""
    cells = [cell for row in rows for cell in row]
    for text in texts:
        assert f"'{text}" in cells, f"{text!r} is not neutralised"
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@", "\t", "\r"))]


def download_name(response) -> str:
    """The file name a browser saves the download as (RFC 6266's filename*, which wins over filename)."""
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=\"") and disposition.count("filename*=UTF-8''") == 1
    return unquote(disposition.split("filename*=UTF-8''")[1])
