"""Report routes: each report as a page, an xlsx file and a PDF."""

from flask import render_template, request, url_for

from kunstvest.budget import bp, reports, services
from kunstvest.budget.exports import report_to_pdf
from kunstvest.budget.models import Project
from kunstvest.common.downloads import attachment
from kunstvest.common.models import utcnow
from kunstvest.common.spreadsheets import XLSX, report_to_xlsx
from kunstvest.extensions import db

FORMATS = "<any(html, xlsx, pdf):fmt>"

bp.add_app_template_filter(reports.format_cell, "report_cell")
bp.add_app_template_test(reports.is_numeric_cell, "numeric_cell")


def _respond(report: reports.Report, fmt: str):
    """The report as a page, or as a download named after the report."""
    if fmt == "html":
        return render_template("budget/report.html", report=report,
                               xlsx_url=url_for(request.endpoint, **{**request.view_args, "fmt": "xlsx"}),
                               pdf_url=url_for(request.endpoint, **{**request.view_args, "fmt": "pdf"}))
    body, mimetype = (report_to_xlsx(report), XLSX) if fmt == "xlsx" else (report_to_pdf(report), "application/pdf")
    return attachment(body, filename=f"{report.filename}.{fmt}", content_type=mimetype)


@bp.route("/reports")
def reports_index():
    years = services.budget_years() or [utcnow().year]
    year = request.args.get("year", type=int)
    year = year if year in years else years[0]
    projects = services.active_projects()
    return render_template("budget/reports.html", years=years, year=year, projects=list(projects),
                           funders=reports.funders(year), tertials=reports.TERTIALS)


@bp.route(f"/reports/<int:project_id>/<year:year>/budget-vs-actual.{FORMATS}")
def report_budget_vs_actual(project_id: int, year: int, fmt: str):
    project = db.get_or_404(Project, project_id)
    return _respond(reports.budget_vs_actual(project=project, year=year), fmt)


@bp.route(f"/reports/<int:project_id>/<year:year>/tertial-<any('1', '2', '3'):tertial>.{FORMATS}")
def report_tertial(project_id: int, year: int, tertial: str, fmt: str):
    project = db.get_or_404(Project, project_id)
    return _respond(reports.tertial_report(project=project, year=year, tertial=int(tertial)), fmt)


@bp.route(f"/reports/<year:year>/funder/<funder>.{FORMATS}")
def report_funder(year: int, funder: str, fmt: str):
    return _respond(reports.funder_report(funder=funder, year=year), fmt)


@bp.route(f"/reports/<year:year>/annual-report.{FORMATS}")
def report_annual(year: int, fmt: str):
    return _respond(reports.annual_report_section(year=year), fmt)


@bp.route(f"/reports/year-over-year.{FORMATS}")
def report_year_over_year(fmt: str):
    return _respond(reports.year_over_year(), fmt)


