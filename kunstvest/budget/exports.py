"""A Report as an xlsx workbook or a PDF, and a Table as CSV; the same tables as on the page."""

import csv
from decimal import Decimal
from io import BytesIO, StringIO

from flask import render_template
from openpyxl import Workbook
from openpyxl.styles import Font
from weasyprint import HTML

from kunstvest.budget.reports import Percent, Report, Table
from kunstvest.common.models import utcnow

MONEY_FORMAT = '#,##0.00 "kr";-#,##0.00 "kr"'


def _cell_value(value):
    if isinstance(value, Percent):
        return value.value / 100
    return value


def report_to_xlsx(report: Report) -> bytes:
    """One sheet: the title, the notes, then each table with its header and totals; money stays exact."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = report.filename[:31]
    sheet.append([report.title])
    sheet["A1"].font = Font(bold=True, size=14)
    for note in report.notes:
        sheet.append([note])
    for table in report.tables:
        sheet.append([])
        sheet.append([table.caption])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        sheet.append(table.headers)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in [*table.rows, *table.footer]:
            sheet.append([_cell_value(value) for value in row])
            for cell, value in zip(sheet[sheet.max_row], row):
                if isinstance(value, Decimal):
                    cell.number_format = MONEY_FORMAT
                elif isinstance(value, Percent):
                    cell.number_format = "0.0%"
            if row in table.footer:
                for cell in sheet[sheet.max_row]:
                    cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 42
    for column in "BCDEFG":
        sheet.column_dimensions[column].width = 18
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_to_pdf(report: Report) -> bytes:
    """The report's print template rendered by WeasyPrint."""
    return HTML(string=render_template("budget/report_print.html", report=report, made_at=utcnow())).write_pdf()


def _csv_cell(value) -> object:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        # Norwegian Excel reads a decimal comma.
        return f"{value:.2f}".replace(".", ",")
    return value


def table_to_csv(table: Table) -> bytes:
    """The table as CSV for Norwegian Excel: UTF-8 with a byte order mark, separated by semicolons."""
    buffer = StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(table.headers)
    writer.writerows([_csv_cell(value) for value in row] for row in table.rows)
    return buffer.getvalue().encode("utf-8-sig")
