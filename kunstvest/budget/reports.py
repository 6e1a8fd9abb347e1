"""Budget reports: budget vs actual, the four-month (tertial) report, a funder's report and year over year.

Every report is a Report of Tables, so that its page, its xlsx file and its PDF are made from one structure and
cannot disagree. Each report runs a fixed number of queries, however many transactions there are.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import format_date, format_percent
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from kunstvest.budget.labels import CATEGORY_LABELS
from kunstvest.budget.models import BudgetLine, LineKind, Project, ResultCoverage, Transaction
from kunstvest.budget.services import ZERO, LineFigures, budget_lines_with_actuals, compared_versions, totals
from kunstvest.common.formatting import money
from kunstvest.common.models import to_money
from kunstvest.extensions import db

TERTIALS = {1: ((1, 1), (4, 30)), 2: ((5, 1), (8, 31)), 3: ((9, 1), (12, 31))}

AudienceProvider = Callable[[Project, int], list[tuple[str, int]]]
_audience_providers: list[AudienceProvider] = []


def audience_figures_provider(function: AudienceProvider) -> AudienceProvider:
    """Register a domain's audience figures (visits, artists, members …) of a project and year for the reports."""
    _audience_providers.append(function)
    return function


def audience_figures(project: Project, year: int) -> list[tuple[str, int]]:
    """Every registered audience figure of a project and year."""
    return [figure for provider in _audience_providers for figure in provider(project, year)]


@dataclass(frozen=True)
class Percent:
    value: Decimal


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    footer: list[list] = field(default_factory=list)
    # Per row, the ledger filter behind a cell by its column: the page links those cells, the files do not.
    links: list[dict[int, dict]] = field(default_factory=list)


@dataclass
class Report:
    title: str
    filename: str
    sheet_name: str = ""
    notes: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    chart: Markup | None = None


def format_cell(value) -> str:
    """A table cell as text: money in NOK, percentages with one decimal in the visitor's locale."""
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, Percent):
        return format_percent(value.value / 100, "#,##0.0 %")
    return str(value)


def is_numeric_cell(value) -> bool:
    """Whether a cell is right-aligned: numbers, money and percentages."""
    return isinstance(value, (int, Decimal, Percent)) and not isinstance(value, bool)


def variance_percent(variance: Decimal, budgeted: Decimal) -> Percent | None:
    """Variance as a percentage of the budget, one decimal; none when nothing was budgeted."""
    if budgeted == 0:
        return None
    return Percent((variance * 100 / budgeted).quantize(Decimal("0.1")))


def _version_note(version) -> str:
    if version is None:
        return str(_l("No budget has been entered."))
    if version.is_locked:
        return str(_l("Compared with budget version %(number)s, approved %(date)s (%(decision)s).",
                      number=version.number, date=format_date(version.decided_on, "short"),
                      decision=version.decision_reference))
    return str(_l("Compared with budget version %(number)s, a draft that is not approved.", number=version.number))


def _result_note(result: Decimal, coverage: ResultCoverage | None) -> str:
    if result < 0:
        note = str(_l("Deficit %(amount)s.", amount=money(-result)))
    elif result > 0:
        note = str(_l("Surplus %(amount)s.", amount=money(result)))
    else:
        note = str(_l("Balanced."))
    if coverage is not None:
        note += " " + str(_l("Settled: %(amount)s by %(source)s (%(decision)s).", amount=money(coverage.amount),
                             source=coverage.settled_by, decision=coverage.decision_reference))
    return note


def _line_row(figure: LineFigures) -> list:
    line = figure.line
    return [line.name, str(CATEGORY_LABELS[line.category.value]), line.funder or "", figure.budgeted,
            figure.actual, figure.variance, variance_percent(figure.variance, figure.budgeted)]


def _ledger_filter(line: BudgetLine, **period) -> dict:
    """The ledger's query arguments for a line's transactions, optionally in a period (tertial or from/to)."""
    return {"year": line.year, "project": line.project_id, "line": line.id, **period}


def budget_vs_actual(*, project: Project, year: int) -> Report:
    """Budget against actual per line and in total, with the variance in NOK and %, and how the result is settled."""
    versions = compared_versions(year=year, project=project)
    figures = budget_lines_with_actuals(year=year, project=project, versions=versions)
    summary = totals(figures)
    coverage = db.session.scalar(sa.select(ResultCoverage).where(
        ResultCoverage.project_id == project.id, ResultCoverage.year == year))
    headers = [str(_l("Line")), str(_l("Category")), str(_l("Funder")), str(_l("Budget")), str(_l("Actual")),
               str(_l("Variance")), str(_l("Variance %"))]
    tables = []
    for kind, label, budgeted, actual in ((LineKind.INCOME, _l("Income"), summary.income_budget,
                                           summary.income_actual),
                                          (LineKind.EXPENSE, _l("Expenses"), summary.expense_budget,
                                           summary.expense_actual)):
        variance = actual - budgeted if kind == LineKind.INCOME else budgeted - actual
        lines = [f for f in figures if f.line.kind == kind]
        tables.append(Table(str(label), headers, [_line_row(f) for f in lines],
                            [[str(_l("Total")), "", "", budgeted, actual, variance,
                              variance_percent(variance, budgeted)]],
                            links=[{4: _ledger_filter(f.line)} for f in lines]))
    result_variance = summary.result_actual - summary.result_budget
    tables.append(Table(str(_l("Result")), [str(_l("Result")), str(_l("Budget")), str(_l("Actual")),
                                             str(_l("Variance"))],
                        [[str(_l("Surplus (+) or deficit (−)")), summary.result_budget, summary.result_actual,
                          result_variance]]))
    return Report(
        title=str(_l("Budget vs actual %(year)s: %(project)s", year=year, project=project.name)),
        filename=str(_l("budget-vs-actual-%(project)s-%(year)s", project=project.code, year=year)),
        sheet_name=str(_l("Budget vs actual")),
        notes=[_version_note(versions.get(project.id)), _result_note(summary.result_actual, coverage)],
        tables=tables)


def tertial_bounds(year: int, tertial: int) -> tuple[date, date]:
    """First and last day of a four-month period: T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec."""
    (start_month, start_day), (end_month, end_day) = TERTIALS[tertial]
    return date(year, start_month, start_day), date(year, end_month, end_day)


def _actuals_by_line(*, project: Project, year: int, start: date, end: date) -> dict[int, tuple[Decimal, Decimal]]:
    """Per line of a year: the actual sum inside [start, end] and from 1 January to `end`, in one query."""
    in_period = sa.case((Transaction.booked_on >= start, Transaction.amount), else_=0)
    rows = db.session.execute(
        sa.select(Transaction.budget_line_id, sa.func.sum(in_period), sa.func.sum(Transaction.amount))
        .join(BudgetLine).where(BudgetLine.project_id == project.id, BudgetLine.year == year,
                                Transaction.booked_on >= date(year, 1, 1), Transaction.booked_on <= end)
        .group_by(Transaction.budget_line_id))
    return {line_id: (to_money(period), to_money(cumulative)) for line_id, period, cumulative in rows}


def tertial_report(*, project: Project, year: int, tertial: int) -> Report:
    """The four-month report: per line the period's actual, the cumulative actual and last year's cumulative."""
    start, end = tertial_bounds(year, tertial)
    versions = compared_versions(year=year, project=project)
    figures = budget_lines_with_actuals(year=year, project=project, versions=versions)
    current = _actuals_by_line(project=project, year=year, start=start, end=end)
    previous_start, previous_end = tertial_bounds(year - 1, tertial)
    previous = _actuals_by_line(project=project, year=year - 1, start=previous_start, end=previous_end)
    previous_year_lines = list(db.session.scalars(
        sa.select(BudgetLine).where(BudgetLine.project_id == project.id, BudgetLine.year == year - 1)))
    previous_lines = {(line.category, line.name): line.id for line in previous_year_lines}
    # Last year's total covers all of last year's lines, also those that have no namesake this year.
    previous_totals = {kind: sum((previous.get(line.id, (ZERO, ZERO))[1] for line in previous_year_lines
                                  if line.kind == kind), ZERO) for kind in LineKind}
    headers = [str(_l("Line")), str(_l("Budget %(year)s", year=year)), str(_l("Actual T%(tertial)s", tertial=tertial)),
               str(_l("Actual to %(date)s", date=format_date(end, "short"))),
               str(_l("Last year to %(date)s", date=format_date(previous_end, "short"))), str(_l("Share of budget"))]
    tables = []
    previous_by_id = {line.id: line for line in previous_year_lines}
    for kind, label in ((LineKind.INCOME, _l("Income")), (LineKind.EXPENSE, _l("Expenses"))):
        rows, links, sums = [], [], [ZERO, ZERO, ZERO, ZERO]
        for figure in (f for f in figures if f.line.kind == kind):
            period, cumulative = current.get(figure.line.id, (ZERO, ZERO))
            last_year_id = previous_lines.get((figure.line.category, figure.line.name))
            last_year = previous.get(last_year_id, (ZERO, ZERO))[1]
            values = [figure.budgeted, period, cumulative, last_year]
            sums = [total + value for total, value in zip(sums, values)]
            rows.append([figure.line.name, *values, variance_percent(cumulative, figure.budgeted)])
            cell_links = {2: _ledger_filter(figure.line, tertial=tertial),
                          3: _ledger_filter(figure.line, **{"from": date(year, 1, 1).isoformat(),
                                                            "to": end.isoformat()})}
            if last_year_id is not None:
                cell_links[4] = _ledger_filter(previous_by_id[last_year_id], **{
                    "from": date(year - 1, 1, 1).isoformat(), "to": previous_end.isoformat()})
            links.append(cell_links)
        sums[3] = previous_totals[kind]
        tables.append(Table(str(label), headers, rows,
                            [[str(_l("Total")), *sums, variance_percent(sums[2], sums[0])]], links=links))
    income_cumulative, expense_cumulative = (table.footer[0][3] for table in tables)
    return Report(
        title=str(_l("Four-month report T%(tertial)s %(year)s: %(project)s", tertial=tertial, year=year,
                     project=project.name)),
        filename=str(_l("four-month-report-%(tertial)s-%(project)s-%(year)s", tertial=tertial, project=project.code,
                        year=year)),
        sheet_name=str(_l("Four-month report T%(tertial)s", tertial=tertial)),
        notes=[str(_l("Period %(start)s to %(end)s; cumulative from 1 January.", start=format_date(start, "short"),
                      end=format_date(end, "short"))), _version_note(versions.get(project.id)),
               str(_l("Result so far: %(amount)s.", amount=money(income_cumulative - expense_cumulative)))],
        tables=tables)


def funder_report(*, funder: str, year: int) -> Report:
    """What one funder granted and paid in a year, what it paid for, and the audience figures of those projects."""
    all_figures = budget_lines_with_actuals(year=year)
    granted_lines = [f for f in all_figures if f.line.funder == funder]
    headers = [str(_l("Project")), str(_l("Line")), str(_l("Granted")), str(_l("Paid"))]
    grants = Table(str(_l("Grants from %(funder)s", funder=funder)), headers,
                   [[f.line.project.name, f.line.name, f.budgeted, f.actual] for f in granted_lines],
                   [[str(_l("Total")), "", sum((f.budgeted for f in granted_lines), ZERO),
                     sum((f.actual for f in granted_lines), ZERO)]])
    tables = [grants]
    projects = {f.line.project.id: f.line.project for f in granted_lines}
    for project in projects.values():
        expenses = [f for f in all_figures if f.line.project_id == project.id and f.line.kind == LineKind.EXPENSE]
        tables.append(Table(str(_l("What %(project)s spent", project=project.name)),
                            [str(_l("Line")), str(_l("Budget")), str(_l("Actual"))],
                            [[f.line.name, f.budgeted, f.actual] for f in expenses],
                            [[str(_l("Total")), sum((f.budgeted for f in expenses), ZERO),
                              sum((f.actual for f in expenses), ZERO)]]))
        figures = audience_figures(project, year)
        tables.append(Table(str(_l("Audience and participants: %(project)s", project=project.name)),
                            [str(_l("Figure")), str(_l("Count"))],
                            [[label, value] for label, value in figures] or
                            [[str(_l("No audience figures recorded for this year yet.")), None]]))
    return Report(title=str(_l("Report to %(funder)s for %(year)s", funder=funder, year=year)),
                  filename=str(_l("report-to-%(funder)s-%(year)s", funder=funder, year=year)),
                  sheet_name=str(_l("Report to %(funder)s", funder=funder)), tables=tables)


def annual_report_section(*, year: int) -> Report:
    """The culture section of the annual report: per project a paragraph on the economy and the funding table."""
    notes, tables = [], []
    versions = compared_versions(year=year)
    projects = db.session.scalars(sa.select(Project).where(Project.id.in_(list(versions))).order_by(Project.name))
    for project in projects:
        figures = budget_lines_with_actuals(year=year, project=project, versions=versions)
        summary = totals(figures)
        income = [f for f in figures if f.line.kind == LineKind.INCOME and f.actual]
        funding = ", ".join(f"{f.line.funder or f.line.name} {money(f.actual)}" for f in income)
        notes.append(str(_l("%(project)s: the income in %(year)s was %(income)s (%(funding)s) and the expenses "
                            "%(expenses)s.", project=project.name, year=year, income=money(summary.income_actual),
                            funding=funding, expenses=money(summary.expense_actual))) + " " +
                     _result_sentence(summary.result_actual, summary.result_budget))
        figures_table = audience_figures(project, year)
        if figures_table:
            tables.append(Table(str(_l("%(project)s in figures", project=project.name)),
                                [str(_l("Figure")), str(_l("Count"))], [list(row) for row in figures_table]))
        tables.append(Table(str(_l("%(project)s: income and expenses %(year)s", project=project.name, year=year)),
                            [str(_l("Line")), str(_l("Budget")), str(_l("Actual"))],
                            [[f.line.name, f.budgeted, f.actual] for f in figures],
                            [[str(_l("Surplus (+) or deficit (−)")), summary.result_budget, summary.result_actual]]))
    return Report(title=str(_l("Culture in the annual report %(year)s", year=year)),
                  filename=str(_l("annual-report-culture-%(year)s", year=year)),
                  sheet_name=str(_l("Culture in the annual report")), notes=notes, tables=tables)


def _result_sentence(actual: Decimal, budgeted: Decimal) -> str:
    """«The accounts show a deficit of 223 707 kr. The budgeted deficit was 300 000 kr.», as the annual report says."""
    def outcome(amount: Decimal) -> str:
        if amount < 0:
            return str(_l("a deficit of %(amount)s", amount=money(-amount)))
        if amount > 0:
            return str(_l("a surplus of %(amount)s", amount=money(amount)))
        return str(_l("a balanced result"))

    return str(_l("The accounts show %(actual)s; the budget had %(budgeted)s.", actual=outcome(actual),
                  budgeted=outcome(budgeted)))


def funders(year: int) -> list[str]:
    """Funders named on the year's income lines."""
    return list(db.session.scalars(sa.select(BudgetLine.funder).distinct().where(
        BudgetLine.year == year, BudgetLine.funder.is_not(None)).order_by(BudgetLine.funder)))


def year_over_year() -> Report:
    """Income, expenses and result per project for every year in the database, with a chart of the results."""
    rows = db.session.execute(
        sa.select(Project.name, BudgetLine.year, BudgetLine.kind, sa.func.sum(Transaction.amount))
        .select_from(Transaction).join(BudgetLine).join(Project)
        .group_by(Project.name, BudgetLine.year, BudgetLine.kind).order_by(Project.name, BudgetLine.year))
    by_project: dict[str, dict[int, dict[LineKind, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    for project_name, year, kind, amount in rows:
        by_project[project_name][year][kind] = to_money(amount)
    tables, series = [], {}
    for project_name, years in by_project.items():
        table_rows = []
        for year, amounts in sorted(years.items()):
            income, expense = amounts.get(LineKind.INCOME, ZERO), amounts.get(LineKind.EXPENSE, ZERO)
            table_rows.append([year, income, expense, income - expense])
        series[project_name] = [(str(row[0]), row[3]) for row in table_rows]
        tables.append(Table(project_name, [str(_l("Year")), str(_l("Income")), str(_l("Expenses")),
                                           str(_l("Result"))], table_rows))
    return Report(title=str(_l("Year over year")), filename=str(_l("year-over-year")), tables=tables,
                  chart=result_chart(series))


def result_chart(series: dict[str, list[tuple[str, Decimal]]], width: int = 760, bar_height: int = 22) -> Markup:
    """A horizontal bar chart in SVG of each project's result per year (no script, readable in the PDF too)."""
    entries = [(f"{project} {year}", value) for project, points in series.items() for year, value in points]
    if not entries:
        return Markup("")
    largest = max(abs(value) for _, value in entries) or Decimal(1)
    label_width = 400
    middle = label_width + (width - label_width) // 2
    scale = Decimal((width - label_width) // 2 - 10) / largest
    height = bar_height * len(entries) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
             f'width="100%" aria-labelledby="chart-title"><title id="chart-title">{_l("Result per project and year")}'
             f'</title>', f'<line x1="{middle}" y1="0" x2="{middle}" y2="{height}" stroke="#333"/>']
    for index, (label, value) in enumerate(entries):
        y = 5 + index * bar_height
        length = int(abs(value) * scale)
        x = middle if value >= 0 else middle - length
        colour = "#1e6b34" if value >= 0 else "#a4161a"
        parts.append(f'<text x="0" y="{y + 15}" font-size="13" fill="#1b1b1b">{Markup.escape(label)}: '
                     f'{Markup.escape(money(value))}</text>')
        parts.append(f'<rect x="{x}" y="{y + 3}" width="{max(length, 1)}" height="{bar_height - 8}" '
                     f'fill="{colour}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
