"""Every spreadsheet kunstvest hands out: a Report as an xlsx workbook, a Table as CSV for Norwegian Excel.

Cells are written here and nowhere else, so that text someone typed («=HYPERLINK(…)») always stays text, while dates
stay dates and amounts stay numbers.
"""

import csv
import re
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO, StringIO
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from kunstvest.budget.reports import Percent, Report, Table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
OSLO = ZoneInfo("Europe/Oslo")
MONEY_FORMAT = '#,##0.00 "kr";-#,##0.00 "kr"'
DATE_FORMAT = "dd.mm.yyyy"
DATETIME_FORMAT = "dd.mm.yyyy hh:mm"
PERCENT_FORMAT = "0.0%"
# Text starting with one of these is run as a formula by spreadsheet programs (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CELL_TEXT_LIMIT = 32_767
SHEET_TITLE_LIMIT = 31
NOT_IN_SHEET_TITLES = re.compile(r"[\\/*?:\[\]]")
TITLE_FONT, BOLD = Font(bold=True, size=14), Font(bold=True)


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet program would read this text as a formula."""
    return text.startswith(FORMULA_STARTS)


def _text(value) -> str:
    # Control characters other than tab and line breaks cannot be stored in a workbook.
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:CELL_TEXT_LIMIT]


def _oslo(moment: datetime) -> datetime:
    """A timestamp as Oslo wall-clock time; spreadsheets know no time zones."""
    return moment.astimezone(OSLO).replace(tzinfo=None) if moment.tzinfo else moment


def sheet_title(name: str) -> str:
    """A name Excel accepts for a sheet: at most 31 characters, none of \\ / * ? : [ ], no apostrophe at the ends."""
    title = NOT_IN_SHEET_TITLES.sub(" ", _text(name)).strip().strip("'")[:SHEET_TITLE_LIMIT].strip().strip("'")
    return title or "Sheet1"


def _write_cell(sheet: Worksheet, row: int, column: int, value, font: Font | None = None) -> None:
    cell = sheet.cell(row=row, column=column)
    if font is not None:
        cell.font = font
    if value is None:
        return
    if isinstance(value, Percent):
        cell.value, cell.number_format = value.value / 100, PERCENT_FORMAT
    elif isinstance(value, Decimal):
        cell.value, cell.number_format = value, MONEY_FORMAT
    elif isinstance(value, (bool, int, float)):
        cell.value = value
    elif isinstance(value, datetime):
        cell.value, cell.number_format = _oslo(value), DATETIME_FORMAT
    elif isinstance(value, date):
        cell.value, cell.number_format = value, DATE_FORMAT
    else:
        cell.value = _text(value)
        if is_formula_like(cell.value):
            # openpyxl has just taken it for a formula; store it as a string that Excel shows as typed.
            cell.data_type, cell.quotePrefix = "s", True


def _write_row(sheet: Worksheet, row: int, values: list, font: Font | None = None) -> int:
    for column, value in enumerate(values, start=1):
        _write_cell(sheet, row, column, value, font)
    return row + 1


def report_to_xlsx(report: Report) -> bytes:
    """One sheet: the title, the notes, then each table with its header and totals; money stays exact."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(report.sheet_name or report.title)
    row = _write_row(sheet, 1, [report.title], TITLE_FONT)
    for note in report.notes:
        row = _write_row(sheet, row, [note])
    for table in report.tables:
        row = _write_row(sheet, row + 1, [table.caption], BOLD)
        row = _write_row(sheet, row, table.headers, BOLD)
        for values in table.rows:
            row = _write_row(sheet, row, values)
        for values in table.footer:
            row = _write_row(sheet, row, values, BOLD)
    sheet.column_dimensions["A"].width = 42
    for column in "BCDEFG":
        sheet.column_dimensions[column].width = 18
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _decimal_comma(number: Decimal | float) -> str:
    return str(number).replace(".", ",")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Percent):
        return f"{_decimal_comma(value.value)}%"
    if isinstance(value, Decimal):
        return _decimal_comma(f"{value:.2f}")
    if isinstance(value, (bool, int, float)):
        return _decimal_comma(value)
    if isinstance(value, datetime):
        return _oslo(value).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    text = _text(value)
    # The apostrophe OWASP recommends: Excel shows the rest as text and never evaluates it.
    return f"'{text}" if is_formula_like(text) else text


def table_to_csv(table: Table) -> bytes:
    """The table as CSV for Norwegian Excel: UTF-8 with a byte order mark, semicolons, decimal commas."""
    buffer = StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([_csv_cell(header) for header in table.headers])
    writer.writerows([_csv_cell(value) for value in row] for row in table.rows)
    return buffer.getvalue().encode("utf-8-sig")
