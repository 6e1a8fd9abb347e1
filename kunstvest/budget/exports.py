"""A Report as a PDF, from the same tables as its page; its xlsx file is written by kunstvest.common.spreadsheets."""

from flask import render_template
from weasyprint import HTML

from kunstvest.budget.reports import Report
from kunstvest.common.models import utcnow


def report_to_pdf(report: Report) -> bytes:
    """The report's print template rendered by WeasyPrint."""
    return HTML(string=render_template("budget/report_print.html", report=report, made_at=utcnow())).write_pdf()
