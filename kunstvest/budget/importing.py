"""Actual transactions from the accounting system: entered one by one, or imported from its export in batches.

The export is a CSV file (`;`, `,` or tab between the columns; UTF-8 with or without BOM, UTF-16, or Windows-1252 as
Norwegian accounting systems still write it) or an Excel workbook (.xlsx, first sheet). Its first row names the
columns, in Norwegian or English, in any order and case (see COLUMNS). Two layouts are read:

- as the accounting system exports it: voucher, date, account (NS 4102), project (its name or its code), text and
  amount, signed as the system signs it: income positive and costs negative, or the reverse (debit positive). Each
  account goes to a budget line through the project's account mapping for the year (accounts.py);
- the older layout with a column `line` «project code/line name», amounts positive in the line's own direction.

A transaction's amount is always positive in its line's direction (income received, cost spent). A row is «already
imported» when the same year, voucher, account, line and amount is booked already (as often as it is booked there),
so a file can be imported again and adds only what is new. Each import is a batch, undone as a whole while its years
are open.
"""

import codecs
import csv
import enum
import io
import re
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from kunstvest.budget import accounts
from kunstvest.budget.models import BudgetLine, ClosedYear, ImportBatch, LineKind, Project, SignConvention, Transaction
from kunstvest.budget.services import (ZERO, BudgetError, LineFigures, Totals, budget_lines_with_actuals,
                                       compared_versions, ensure_year_open, record_actual, totals)
from kunstvest.common.audit import record_audit
from kunstvest.common.formatting import money
from kunstvest.common.models import to_money, utcnow
from kunstvest.common.numbers import MONEY_MAX, NumberFormatError, parse_number
from kunstvest.extensions import db

COLUMNS = {
    "date": ("dato", "bokført dato", "bokføringsdato", "bilagsdato", "date", "posting date", "voucher date"),
    "voucher": ("bilag", "bilagsnr", "bilagsnummer", "bilag nr", "voucher", "voucher no", "voucher number"),
    "account": ("konto", "kontonr", "kontonummer", "konto nr", "account", "account no", "account number"),
    "project": ("prosjekt", "prosjektnr", "prosjektkode", "avdeling", "project", "project code", "department"),
    "line": ("line", "budsjettlinje", "budget line"),
    "text": ("tekst", "beskrivelse", "text", "description"),
    "amount": ("beløp", "belop", "amount", "sum"),
}
HEADER_NAMES = {name: column for column, names in COLUMNS.items() for name in names}
COLUMN_LABELS = {"date": _l("Date"), "voucher": _l("Voucher"), "account": _l("Account"), "project": _l("Project"),
                 "amount": _l("Amount")}
# A line whose actual would pass this many times its budget is flagged before the import is confirmed: a sign error
# or a misplaced decimal mark is more likely than such an overspend.
TENFOLD = 10
MAX_VOUCHER, MAX_TEXT = 40, 300


class ImportFileError(BudgetError):
    """The file cannot be read as an export of transactions."""


class VoucherInUse(BudgetError):
    """The voucher number is already booked in that fiscal year."""


class AmountError(ValueError):
    """A cell that is not an amount in kroner; `reason` says why."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class RowStatus(enum.StrEnum):
    NEW = "new"
    ALREADY_IMPORTED = "already imported"
    UNMAPPED = "unmapped"
    ERROR = "error"


@dataclass(frozen=True)
class ImportRow:
    """One row of the file as read, not yet interpreted; `account` is None in the older layout with a line column."""

    number: int
    date: object
    voucher: str
    amount: object
    line: str = ""
    account: str | None = None
    project: str = ""
    text: str = ""
    has_nul: bool = False


@dataclass
class PreviewRow:
    """What one row would book, or why it cannot be booked yet."""

    number: int
    booked_on: date | None
    written: Decimal | None  # the amount as the file signs it
    line: BudgetLine | None
    label: str  # what the row names when no line is found
    text: str
    voucher: str
    account: str | None = None
    project: Project | None = None
    amount: Decimal | None = None  # positive in the line's direction, as it will be booked
    errors: list = field(default_factory=list)
    is_booked: bool = False
    is_unmapped: bool = False
    voucher_booked_otherwise: bool = False

    @property
    def status(self) -> RowStatus:
        if self.errors:
            return RowStatus.ERROR
        if self.is_unmapped:
            return RowStatus.UNMAPPED
        return RowStatus.ALREADY_IMPORTED if self.is_booked else RowStatus.NEW


@dataclass(frozen=True)
class SignGuess:
    """The sign convention most rows on income (3xxx) and cost (4xxx–7xxx) accounts agree with, and how many do."""

    convention: SignConvention
    agreeing: int
    counted: int


@dataclass(frozen=True)
class UnknownAccount:
    """An account with no line yet in a project's budget for a year, to be mapped on the preview."""

    project: Project
    year: int
    account: str
    rows: int
    example: str
    lines: list[BudgetLine]
    default: BudgetLine | None

    @property
    def field_name(self) -> str:
        return f"map-{self.project.id}-{self.year}-{self.account}"

    @property
    def kind(self) -> LineKind | None:
        return accounts.account_kind(self.account)


@dataclass(frozen=True)
class LineImpact:
    """One line's actual before the import, what the import adds and its budget."""

    line: BudgetLine
    budgeted: Decimal
    before: Decimal
    added: Decimal

    @property
    def after(self) -> Decimal:
        return self.before + self.added

    @property
    def exceeds_tenfold(self) -> bool:
        return bool(self.added) and self.budgeted > 0 and self.after > TENFOLD * self.budgeted


@dataclass(frozen=True)
class ProjectImpact:
    """A project's figures for a year before and after the import, against the budget reports compare with."""

    project: Project
    year: int
    lines: list[LineImpact]

    @property
    def before(self) -> Totals:
        return totals([LineFigures(item.line, item.budgeted, item.before) for item in self.lines])

    @property
    def after(self) -> Totals:
        return totals([LineFigures(item.line, item.budgeted, item.after) for item in self.lines])

    @property
    def result_changes_sign(self) -> bool:
        """Whether a surplus would turn into a deficit or the reverse (from nothing booked, no result changes sign)."""
        return self.before.result_actual * self.after.result_actual < 0

    @property
    def tenfold_lines(self) -> list[LineImpact]:
        return [item for item in self.lines if item.exceeds_tenfold]


@dataclass
class ImportPreview:
    """What an import would do, row by row and to the budget, before it is confirmed."""

    filename: str
    rows: list[PreviewRow]
    sign_convention: SignConvention | None = None  # None for the older layout, whose amounts follow their line
    guess: SignGuess | None = None
    unknown_accounts: list[UnknownAccount] = field(default_factory=list)
    impacts: list[ProjectImpact] = field(default_factory=list)
    file_errors: list = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(row.errors for row in self.rows)

    @property
    def is_ready(self) -> bool:
        """Whether confirming would import: no errors, every account mapped, something new."""
        return not self.has_errors and not self.unknown_accounts and bool(self.new_rows)

    def count(self, status: RowStatus) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def new_rows(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.status == RowStatus.NEW]

    @property
    def flags(self) -> list:
        """What to check before confirming: a result that would change sign, a line past ten times its budget."""
        flags = []
        for impact in self.impacts:
            if impact.result_changes_sign:
                flags.append(_l("The result of %(project)s %(year)s would turn from %(before)s to %(after)s. Check "
                                "the signs of the amounts.", project=impact.project.name, year=impact.year,
                                before=money(impact.before.result_actual), after=money(impact.after.result_actual)))
            flags.extend(_l("The actual on «%(line)s» (%(project)s %(year)s) would be %(after)s, more than ten times "
                            "its budget of %(budget)s.", line=item.line.name, project=impact.project.name,
                            year=impact.year, after=money(item.after), budget=money(item.budgeted))
                         for item in impact.tenfold_lines)
        return flags

    def total(self, kind: LineKind) -> Decimal:
        """What the new rows add to the lines of one kind, in the lines' direction."""
        return sum((row.amount for row in self.new_rows if row.line.kind == kind), ZERO)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a voucher or account number typed into a spreadsheet comes back as 1042.0
    return str(value).strip()


def _header_name(cell) -> str:
    """A header as COLUMNS spells it: «Bilagsnr.» → «bilagsnr», «Beløp (NOK)» → «beløp»."""
    text = re.sub(r"\(.*\)|[.:#]", " ", _cell_text(cell).replace("\ufeff", "")).casefold()
    return " ".join(text.split())


def _decoded(content: bytes) -> str:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFileError(_l("The file cannot be read as text. Save it as «CSV UTF-8» and try again.")) \
                from None
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        return content.decode("latin-1")  # the bytes Windows-1252 leaves undefined; Latin-1 reads every byte


def _csv_records(content: bytes) -> list[list[str]]:
    text = _decoded(content)
    header = text.partition("\n")[0]
    try:
        return list(csv.reader(io.StringIO(text), delimiter=max(";,\t", key=header.count)))
    except csv.Error:
        raise ImportFileError(_l("The file cannot be read as CSV: a cell is too long or a quote is not closed.")) \
            from None


def _xlsx_records(content: bytes) -> list[tuple]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportFileError(_l("The file cannot be read as an Excel workbook (.xlsx).")) from None
    try:
        return list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


READERS = {"csv": _csv_records, "xlsx": _xlsx_records}


def _columns(header) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        if name := HEADER_NAMES.get(_header_name(cell)):
            columns.setdefault(name, index)
    required = ["voucher", "date", "amount"] if "line" in columns else ["voucher", "date", "account", "project",
                                                                         "amount"]
    if missing := [name for name in required if name not in columns]:
        raise ImportFileError(_l("Columns missing in the first row: %(missing)s. The first row names the columns "
                                 "voucher, date, account, project, text and amount, in Norwegian or English.",
                                 missing=", ".join(str(COLUMN_LABELS[name]) for name in missing)))
    return columns


def parse_transactions_file(*, filename: str, content: bytes) -> list[ImportRow]:
    """The rows of a CSV or xlsx export below its header row, numbered as in the file (the header is row 1)."""
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    if extension not in READERS:
        raise ImportFileError(_l("Only CSV and Excel (.xlsx) files can be imported."))
    header, *records = READERS[extension](content) or [()]
    columns = _columns(header)
    rows = []
    for number, record in enumerate(records, start=2):
        texts = [_cell_text(cell) for cell in record]
        if not any(texts):
            continue  # spreadsheets often end with empty rows
        if any(texts[len(header):]):
            raise ImportFileError(_l("Row %(row)s has more cells than the header row. In a file separated by "
                                     "commas, an amount with a decimal comma must be in quotes.", row=number))
        cells = {name: record[index] if index < len(record) else None for name, index in columns.items()}
        rows.append(ImportRow(
            number=number, date=cells["date"], voucher=_cell_text(cells["voucher"]), amount=cells["amount"],
            line=_cell_text(cells.get("line")), project=_cell_text(cells.get("project")),
            account=_cell_text(cells["account"]) if "account" in columns and "line" not in columns else None,
            text=_cell_text(cells.get("text")), has_nul=any("\x00" in text for text in texts)))
    if not rows:
        raise ImportFileError(_l("The file has no transactions below the header row."))
    return rows


def parse_date(value) -> date | None:
    """A date cell: a spreadsheet date, «01.03.2017», «01.03.17» or «2017-03-01»; None when it is none."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
        try:
            return datetime.strptime(_cell_text(value), pattern).date()
        except ValueError:
            pass
    return None


def parse_amount(value) -> Decimal:
    """An amount cell as exact kroner, written the Norwegian way («-1 234,50», «(1 234,50)») or as a number."""
    if isinstance(value, bool):
        raise AmountError(_l("not a number"))
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))  # str() gives the float's shortest form: 1234.5, not its binary expansion
        if not number.is_finite() or number.as_tuple().exponent < -2:
            raise AmountError(_l("at most 2 decimals"))
    else:
        text = _cell_text(value)
        negative = text.startswith("(") and text.endswith(")")  # accountants' brackets for a negative amount
        try:
            number = parse_number(text[1:-1] if negative else text, locale="nb", places=2, negative=not negative)
        except NumberFormatError as error:
            raise AmountError(error.reason) from None
        number = -number if negative else number
    if abs(number) > MONEY_MAX:
        raise AmountError(_l("the largest amount is 9 999 999 999,99"))
    return to_money(number)


def guess_sign_convention(rows: list[tuple[str, Decimal]]) -> SignGuess | None:
    """How a file signs its amounts, from its (account, amount) pairs; None without income or cost accounts."""
    income_positive = debit_positive = 0
    for account, amount in rows:
        kind = accounts.account_kind(account) if account[:1] in "34567" else None
        if kind is None or not amount:
            continue
        if (kind == LineKind.INCOME) == (amount > 0):
            income_positive += 1
        else:
            debit_positive += 1
    if not income_positive + debit_positive:
        return None
    if income_positive >= debit_positive:
        return SignGuess(SignConvention.INCOME_POSITIVE, income_positive, income_positive + debit_positive)
    return SignGuess(SignConvention.DEBIT_POSITIVE, debit_positive, income_positive + debit_positive)


def in_line_direction(written: Decimal, *, line: BudgetLine, convention: SignConvention | None) -> Decimal:
    """An amount as the file signs it, made positive in the line's direction (received for income, spent for a cost)."""
    if convention is None:
        return written
    return written if (line.kind == LineKind.INCOME) == (convention == SignConvention.INCOME_POSITIVE) else -written


def _project_lookup() -> dict[str, Project]:
    found: dict[str, Project] = {}
    for project in db.session.scalars(sa.select(Project)):
        found.setdefault(project.code.casefold(), project)
        found.setdefault(project.name.casefold(), project)
    return found


@dataclass
class _Context:
    """What the rows are checked against, loaded in a fixed number of queries whatever the file's length."""

    projects: dict[str, Project]
    closed_years: set[int]
    lines: dict[tuple[int, int], list[BudgetLine]]
    mapped: dict[tuple[int, int, str], BudgetLine]


def _context(rows: list[ImportRow], dates: list[date | None]) -> _Context:
    projects = _project_lookup()
    years = {booked_on.year for booked_on in dates if booked_on}
    named = {project.id for row in rows
             if (project := projects.get(_project_text(row).casefold()))}
    lines: dict[tuple[int, int], list[BudgetLine]] = defaultdict(list)
    if years and named:
        for line in db.session.scalars(sa.select(BudgetLine).where(
                BudgetLine.project_id.in_(named), BudgetLine.year.in_(years)).order_by(
                BudgetLine.kind.desc(), BudgetLine.category, BudgetLine.name)):
            lines[line.project_id, line.year].append(line)
    keys = {(project.id, booked_on.year, row.account) for row, booked_on in zip(rows, dates)
            if row.account and booked_on and (project := projects.get(row.project.casefold()))}
    closed = set(db.session.scalars(sa.select(ClosedYear.year).where(ClosedYear.year.in_(years)))) if years else set()
    return _Context(projects, closed, lines, accounts.mapped_lines(keys=keys))


def _project_text(row: ImportRow) -> str:
    """The project a row names: its own column, else the part of «project/line» before the slash."""
    return row.project if row.project or row.account is not None else row.line.partition("/")[0].strip()


def _line_name(row: ImportRow) -> str:
    return row.line.strip() if row.project else row.line.partition("/")[2].strip()


def _check_cells(row: ImportRow, booked_on: date | None, amount_error) -> list:
    errors = []
    if row.has_nul:
        errors.append(_l("The row holds a NUL character (\\0), which cannot be stored. Export the file again."))
    if booked_on is None:
        errors.append(_l("«%(value)s» is not a date; write 01.03.2017 or 2017-03-01.", value=_cell_text(row.date)))
    if amount_error is not None:
        errors.append(_l("«%(value)s» is not an amount in kroner: %(reason)s.", value=_cell_text(row.amount),
                         reason=amount_error))
    if not row.voucher:
        errors.append(_l("The voucher number is missing."))
    elif len(row.voucher) > MAX_VOUCHER:
        errors.append(_l("The voucher number is longer than 40 characters."))
    if len(row.text) > MAX_TEXT:
        errors.append(_l("The text is longer than 300 characters."))
    return errors


def _resolve_by_account(row: ImportRow, booked_on: date | None, context: _Context,
                        preview_row: PreviewRow) -> None:
    """Find the row's line through its project's account mapping for the year; mark it unmapped when there is none."""
    if not row.project:
        preview_row.errors.append(_l("The project is missing."))
        return
    project = context.projects.get(row.project.casefold())
    if project is None:
        preview_row.errors.append(_l("There is no project with the name or code «%(project)s».",
                                     project=row.project))
        return
    preview_row.project = project
    if not row.account:
        preview_row.errors.append(_l("The account is missing."))
        return
    if error := accounts.account_error(row.account):
        preview_row.errors.append(error)
        return
    if booked_on is None:
        return
    if not context.lines.get((project.id, booked_on.year)):
        preview_row.errors.append(_l("%(project)s has no budget lines for %(year)s.", project=project.name,
                                     year=booked_on.year))
        return
    preview_row.line = context.mapped.get((project.id, booked_on.year, row.account))
    preview_row.is_unmapped = preview_row.line is None


def _resolve_by_line(row: ImportRow, booked_on: date | None, context: _Context, preview_row: PreviewRow) -> None:
    """Find the line a row names as «project/line name» (or project column and line name) in its date's year."""
    project_text, name = _project_text(row), _line_name(row)
    if not (project_text and name):
        preview_row.errors.append(_l("Give the budget line as «project code/line name», e.g. "
                                     "«kunst-rett-vest/Prosjektleder»."))
        return
    project = context.projects.get(project_text.casefold())
    if project is None:
        preview_row.errors.append(_l("There is no project with the name or code «%(project)s».",
                                     project=project_text))
        return
    preview_row.project = project
    if booked_on is None:
        return
    line = next((line for line in context.lines.get((project.id, booked_on.year), []) if line.name == name), None)
    if line is None:
        preview_row.errors.append(_l("The %(year)s budget of %(project)s has no line «%(name)s».",
                                     year=booked_on.year, project=project.name, name=name))
    preview_row.line = line


def _mark_booked(preview_rows: list[PreviewRow]) -> None:
    """Mark the rows booked already, each booking matching one row; note vouchers booked with other figures."""
    candidates = [row for row in preview_rows if row.line is not None and row.amount is not None and not row.errors]
    if not candidates:
        return
    booked = Counter()
    vouchers = set()
    for year, voucher, account, line_id, amount in db.session.execute(
            sa.select(Transaction.fiscal_year, Transaction.voucher_number, Transaction.account,
                      Transaction.budget_line_id, Transaction.amount)
            .where(Transaction.budget_line_id.in_({row.line.id for row in candidates}),
                   Transaction.fiscal_year.in_({row.booked_on.year for row in candidates}))):
        booked[year, voucher, account, line_id, to_money(amount)] += 1
        vouchers.add((year, voucher))
    for row in candidates:
        key = (row.booked_on.year, row.voucher, row.account, row.line.id, row.amount)
        if booked[key]:
            booked[key] -= 1
            row.is_booked = True
        else:
            row.voucher_booked_otherwise = (row.booked_on.year, row.voucher) in vouchers


def _unknown_accounts(preview_rows: list[PreviewRow], context: _Context) -> list[UnknownAccount]:
    grouped: dict[tuple[int, int, str], list[PreviewRow]] = defaultdict(list)
    for row in preview_rows:
        if row.status == RowStatus.UNMAPPED:
            grouped[row.project.id, row.booked_on.year, row.account].append(row)
    unknown = []
    for (project_id, year, account), rows in grouped.items():
        lines = context.lines[project_id, year]
        unknown.append(UnknownAccount(project=rows[0].project, year=year, account=account, rows=len(rows),
                                      example=next((row.text for row in rows if row.text), ""), lines=lines,
                                      default=accounts.default_line(account, lines)))
    return sorted(unknown, key=lambda item: (item.project.name, item.year, item.account))


def _impacts(preview_rows: list[PreviewRow]) -> list[ProjectImpact]:
    """Per project and year the import touches, every line's budget, actual before and what the import adds."""
    added: dict[int, Decimal] = defaultdict(lambda: ZERO)
    touched: set[tuple[int, int]] = set()
    for row in preview_rows:
        if row.status == RowStatus.NEW:
            added[row.line.id] += row.amount
            touched.add((row.line.project_id, row.line.year))
    impacts = []
    for year in sorted({year for _, year in touched}):
        by_project: dict[int, list[LineImpact]] = defaultdict(list)
        figures = budget_lines_with_actuals(year=year, versions=compared_versions(year=year))
        for figure in figures:
            if (figure.line.project_id, year) in touched:
                by_project[figure.line.project_id].append(
                    LineImpact(figure.line, figure.budgeted, figure.actual, added[figure.line.id]))
        impacts.extend(ProjectImpact(lines[0].line.project, year, lines) for lines in by_project.values())
    return sorted(impacts, key=lambda impact: (impact.year, impact.project.name))


def preview_import(*, rows: list[ImportRow], filename: str = "",
                   sign_convention: SignConvention | None = None) -> ImportPreview:
    """Each row's line, amount and status, the accounts to map and the figures after, in a fixed number of queries."""
    dates = [parse_date(row.date) for row in rows]
    written: list[Decimal | None] = []
    amount_errors = []
    for row in rows:
        try:
            written.append(parse_amount(row.amount))
            amount_errors.append(None)
        except AmountError as error:
            written.append(None)
            amount_errors.append(error.reason)
    by_account = any(row.account is not None for row in rows)
    guess = guess_sign_convention([(row.account, amount) for row, amount in zip(rows, written)
                                   if row.account and amount is not None]) if by_account else None
    convention = (sign_convention or (guess.convention if guess else SignConvention.INCOME_POSITIVE)
                  if by_account else None)
    context = _context(rows, dates)
    preview_rows = []
    for row, booked_on, amount, amount_error in zip(rows, dates, written, amount_errors):
        preview_row = PreviewRow(number=row.number, booked_on=booked_on, written=amount, line=None,
                                 label=row.project if by_account else row.line, text=row.text, voucher=row.voucher,
                                 account=row.account or None, errors=_check_cells(row, booked_on, amount_error))
        if by_account:
            _resolve_by_account(row, booked_on, context, preview_row)
        else:
            _resolve_by_line(row, booked_on, context, preview_row)
        if booked_on is not None and booked_on.year in context.closed_years:
            preview_row.errors.append(_l("The accounts for %(year)s are closed. Correct them with a counter-entry.",
                                         year=booked_on.year))
        if preview_row.line is not None and amount is not None:
            preview_row.amount = in_line_direction(amount, line=preview_row.line, convention=convention)
        preview_rows.append(preview_row)
    _mark_booked(preview_rows)
    preview = ImportPreview(filename=filename, rows=preview_rows, sign_convention=convention, guess=guess,
                            unknown_accounts=_unknown_accounts(preview_rows, context))
    if not preview.has_errors:
        preview.impacts = _impacts(preview_rows)
        if any(abs(preview.total(kind)) > MONEY_MAX for kind in LineKind):
            preview.file_errors.append(_l("The new rows add up to more than 9 999 999 999,99 kr. Split the file."))
    return preview


def remember_accounts(*, unknown_accounts: list[UnknownAccount], answers: dict[str, int], mapped_by) -> int:
    """Save the line chosen on the preview for each unknown account as its mapping, audited; returns how many."""
    for unknown in unknown_accounts:
        line = next((line for line in unknown.lines if line.id == answers.get(unknown.field_name)), None)
        if line is None:
            raise accounts.AccountError(_l("Choose the line for account %(account)s.", account=unknown.account))
        accounts.save_account_mapping(project=unknown.project, year=unknown.year, account=unknown.account,
                                      line=line, mapped_by=mapped_by)
    return len(unknown_accounts)


def apply_import(*, preview: ImportPreview, imported_by) -> ImportBatch:
    """Book the preview's new rows as one audited batch; refused with errors, unmapped accounts, or in a closed year."""
    if preview.has_errors or preview.unknown_accounts:
        raise BudgetError(_l("Nothing was imported: correct the rows in error, map every account and try again."))
    new_rows = preview.new_rows
    if not new_rows:
        raise BudgetError(_l("Every row is imported already; there is nothing new to import."))
    for year in sorted({row.booked_on.year for row in new_rows}):
        ensure_year_open(year)
    batch = ImportBatch(filename=preview.filename[:255], imported_by_id=imported_by.id if imported_by else None,
                        sign_convention=preview.sign_convention or SignConvention.INCOME_POSITIVE,
                        row_count=len(new_rows), income_total=preview.total(LineKind.INCOME),
                        expense_total=preview.total(LineKind.EXPENSE))
    db.session.add(batch)
    db.session.flush()
    db.session.add_all(Transaction(budget_line_id=row.line.id, booked_on=row.booked_on, amount=row.amount,
                                   text=row.text, voucher_number=row.voucher, account=row.account, batch_id=batch.id,
                                   created_by_id=batch.imported_by_id) for row in new_rows)
    record_audit(actor=imported_by, action="budget.transactions_imported", target=batch, details={
        "file": batch.filename, "count": batch.row_count, "income": str(batch.income_total),
        "expense": str(batch.expense_total), "sign_convention": batch.sign_convention.value})
    db.session.flush()
    return batch


@dataclass(frozen=True)
class BatchContents:
    """What undoing a batch removes: its transactions as they are now, their totals and their years."""

    count: int
    income: Decimal
    expense: Decimal
    years: list[int]


def batch_contents(batch: ImportBatch) -> BatchContents:
    """A batch's transactions still booked, summed per kind of line, in one query."""
    rows = db.session.execute(
        sa.select(BudgetLine.kind, Transaction.fiscal_year, sa.func.count(), sa.func.sum(Transaction.amount))
        .join(BudgetLine, Transaction.budget_line_id == BudgetLine.id).where(Transaction.batch_id == batch.id)
        .group_by(BudgetLine.kind, Transaction.fiscal_year)).all()
    sums = {kind: sum((to_money(amount) for row_kind, _, _, amount in rows if row_kind == kind), ZERO)
            for kind in LineKind}
    return BatchContents(count=sum(count for *_, count, _ in rows), income=sums[LineKind.INCOME],
                         expense=sums[LineKind.EXPENSE], years=sorted({year for _, year, _, _ in rows}))


def import_batches() -> list[ImportBatch]:
    """Every import, newest first."""
    return list(db.session.scalars(sa.select(ImportBatch).order_by(ImportBatch.imported_at.desc(),
                                                                   ImportBatch.id.desc())))


def undo_batch(*, batch: ImportBatch, undone_by) -> int:
    """Remove a batch's transactions and mark it undone, audited; refused while one of its years is closed."""
    if batch.is_undone:
        raise BudgetError(_l("This import is undone already."))
    contents = batch_contents(batch)
    for year in contents.years:
        ensure_year_open(year)
    removed = db.session.execute(sa.delete(Transaction).where(Transaction.batch_id == batch.id)).rowcount
    batch.undone_at = utcnow()
    batch.undone_by_id = undone_by.id if undone_by else None
    record_audit(actor=undone_by, action="budget.import_undone", target=batch, details={
        "file": batch.filename, "count": removed, "income": str(contents.income), "expense": str(contents.expense)})
    db.session.flush()
    return removed


def book_transaction(*, line: BudgetLine, booked_on: date, amount, text: str, voucher_number: str,
                     entered_by=None) -> Transaction:
    """Book one transaction entered by hand: dated in the line's year, with a voucher not yet used that year."""
    if booked_on.year != line.year:
        raise BudgetError(_l("The line is in the budget for %(year)s; the date must be in that year.",
                             year=line.year))
    if db.session.scalar(sa.select(Transaction.id).where(Transaction.fiscal_year == booked_on.year,
                                                         Transaction.voucher_number == voucher_number).limit(1)):
        raise VoucherInUse(_l("Voucher %(voucher)s is already booked in %(year)s.", voucher=voucher_number,
                              year=booked_on.year))
    transaction = record_actual(line=line, amount=amount, booked_on=booked_on, text=text,
                                voucher_number=voucher_number)
    transaction.created_by_id = entered_by.id if entered_by is not None else None
    db.session.flush()
    return transaction
