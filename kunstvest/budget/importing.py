"""Actual transactions from the accounting system: entered one by one, or imported from its export.

The export is a CSV (UTF-8, `;` or `,` between the columns) or an Excel workbook (.xlsx, first sheet) whose first
row names the columns, in English or Norwegian, in any order and case:

    date (dato)             2017-03-01 or 01.03.2017
    voucher (bilag)         the voucher number; unique within a fiscal year
    line (budsjettlinje)    «project code/line name», e.g. «kunst-rett-vest/Prosjektleder»
    project (prosjekt)      optional: the project code, then `line` holds only the line name
    amount (beløp)          kroner with at most two decimals: «1 234,50», «1234.50» or «-500»
    text (tekst)            optional

A row is «already imported» when its voucher is booked that year on the same line with the same amount, so a file
can be imported again and adds only what is new.
"""

import csv
import enum
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from kunstvest.budget.models import BudgetLine, Project, Transaction
from kunstvest.budget.services import BudgetError, record_actual
from kunstvest.common.audit import record_audit
from kunstvest.common.models import to_money
from kunstvest.extensions import db

COLUMNS = {"date": "date", "dato": "date", "voucher": "voucher", "bilag": "voucher", "line": "line",
           "budsjettlinje": "line", "project": "project", "prosjekt": "project", "amount": "amount",
           "beløp": "amount", "text": "text", "tekst": "text"}
REQUIRED_COLUMNS = ("date", "voucher", "line", "amount")
AMOUNT = re.compile(r"-?\d+(?:[.,]\d{1,2})?")
LARGEST_AMOUNT = Decimal("9999999999.99")  # what Numeric(12, 2) holds


class ImportFileError(BudgetError):
    """The file cannot be read as an export of transactions."""


class VoucherInUse(BudgetError):
    """The voucher number is already booked in that fiscal year."""


class RowStatus(enum.StrEnum):
    NEW = "new"
    ALREADY_IMPORTED = "already imported"
    ERROR = "error"


@dataclass(frozen=True)
class ImportRow:
    """One row of the file as read: its number in the file and the cells, not yet interpreted."""

    number: int
    date: object
    voucher: str
    line: str
    amount: object
    text: str = ""
    project: str = ""


@dataclass
class PreviewRow:
    """What one row would book, or why it cannot be booked."""

    number: int
    booked_on: date | None
    amount: Decimal | None
    line: BudgetLine | None
    line_name: str
    text: str
    voucher: str
    errors: list = field(default_factory=list)
    is_booked: bool = False

    @property
    def status(self) -> RowStatus:
        if self.errors:
            return RowStatus.ERROR
        return RowStatus.ALREADY_IMPORTED if self.is_booked else RowStatus.NEW


@dataclass(frozen=True)
class ImportPreview:
    filename: str
    rows: list[PreviewRow]

    @property
    def has_errors(self) -> bool:
        return any(row.errors for row in self.rows)

    @property
    def new_rows(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.status == RowStatus.NEW]

    @property
    def year(self) -> int | None:
        """The fiscal year most rows fall in."""
        years = Counter(row.booked_on.year for row in self.rows if row.booked_on)
        return years.most_common(1)[0][0] if years else None


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a voucher number typed into a spreadsheet comes back as 1042.0
    return str(value).strip()


def _csv_records(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_l("The file is not UTF-8 text. Save it as «CSV UTF-8» and try again.")) from None
    header = text.partition("\n")[0]
    return list(csv.reader(io.StringIO(text), delimiter=max(";,\t", key=header.count)))


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


def parse_transactions_file(*, filename: str, content: bytes) -> list[ImportRow]:
    """The rows of a CSV or xlsx export below its header row, numbered as in the file (the header is row 1)."""
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    if extension not in READERS:
        raise ImportFileError(_l("Only CSV and Excel (.xlsx) files can be imported."))
    header, *records = READERS[extension](content) or [()]
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        if name := COLUMNS.get(_cell_text(cell).lower()):
            columns.setdefault(name, index)
    if missing := [name for name in REQUIRED_COLUMNS if name not in columns]:
        raise ImportFileError(_l("The first row must name the columns date, voucher, line and amount; missing: "
                                 "%(columns)s.", columns=", ".join(missing)))
    rows = []
    for number, record in enumerate(records, start=2):
        if not any(_cell_text(cell) for cell in record):
            continue  # spreadsheets often end with empty rows
        if any(_cell_text(cell) for cell in record[len(header):]):
            raise ImportFileError(_l("Row %(row)s has more cells than the header row. In a file separated by "
                                     "commas, an amount with a decimal comma must be in quotes.", row=number))
        cells = {name: record[index] if index < len(record) else None for name, index in columns.items()}
        rows.append(ImportRow(number=number, date=cells["date"], voucher=_cell_text(cells["voucher"]),
                              line=_cell_text(cells["line"]), amount=cells["amount"],
                              text=_cell_text(cells.get("text")), project=_cell_text(cells.get("project"))))
    if not rows:
        raise ImportFileError(_l("The file has no transactions below the header row."))
    return rows


def parse_date(value) -> date | None:
    """A date cell: a spreadsheet date, «2017-03-01» or «01.03.2017»; None when it is none of these."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(_cell_text(value), pattern).date()
        except ValueError:
            pass
    return None


def parse_amount(value) -> Decimal | None:
    """An amount cell as exact kroner: «1 234,50», «1234.50», «-500» or a spreadsheet number; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))  # str() gives the float's shortest form: 1234.5, not its binary expansion
        exact = number.is_finite() and number.as_tuple().exponent >= -2
    else:
        text = re.sub(r"\s", "", _cell_text(value)).replace("\u2212", "-")  # \s covers no-break spaces
        exact = AMOUNT.fullmatch(text) is not None
        number = Decimal(text.replace(",", ".")) if exact else None
    return to_money(number) if exact and abs(number) <= LARGEST_AMOUNT else None


def _line_key(row: ImportRow) -> tuple[str, str]:
    if row.project:
        return row.project.strip().lower(), row.line.strip()
    code, _, name = row.line.partition("/")
    return code.strip().lower(), name.strip()


def _resolve_line(code: str, name: str, booked_on: date | None, project_codes: set[str],
                  lines: dict[tuple[str, str], dict[int, BudgetLine]]) -> tuple[BudgetLine | None, str | None]:
    """The line a row names for the year of its date, or the reason there is none."""
    if not (code and name):
        return None, _l("Give the budget line as «project code/line name», e.g. «kunst-rett-vest/Prosjektleder».")
    if code not in project_codes:
        return None, _l("There is no project with the code «%(code)s».", code=code)
    if (code, name) not in lines:
        return None, _l("The project %(code)s has no budget line «%(name)s».", code=code, name=name)
    if booked_on is None:
        return None, None  # the date's own error says enough
    years = lines[code, name]
    if booked_on.year not in years:
        return None, _l("The line «%(name)s» is in the budget for %(years)s, not for %(year)s, the year of the date.",
                        name=name, year=booked_on.year, years=", ".join(map(str, sorted(years))))
    return years[booked_on.year], None


def preview_import(*, rows: list[ImportRow], filename: str = "") -> ImportPreview:
    """Each row's date, amount, line and status with its errors, in the same three queries however long the file."""
    parsed = [(row, parse_date(row.date), parse_amount(row.amount), _line_key(row)) for row in rows]
    project_codes = {code.lower() for code in db.session.scalars(sa.select(Project.code))}
    lines: dict[tuple[str, str], dict[int, BudgetLine]] = {}
    for line in db.session.scalars(sa.select(BudgetLine).where(BudgetLine.name.in_({key[1] for *_, key in parsed}))):
        lines.setdefault((line.project.code.lower(), line.name), {})[line.year] = line
    booked = {(year, voucher): (line_id, amount) for year, voucher, line_id, amount in db.session.execute(
        sa.select(Transaction.fiscal_year, Transaction.voucher_number, Transaction.budget_line_id, Transaction.amount)
        .where(Transaction.fiscal_year.in_({booked_on.year for _, booked_on, *_ in parsed if booked_on}),
               Transaction.voucher_number.in_({row.voucher for row in rows})))}
    first_row_of: dict[tuple[int, str], int] = {}
    preview_rows = []
    for row, booked_on, amount, (code, name) in parsed:
        line, line_error = _resolve_line(code, name, booked_on, project_codes, lines)
        errors = [line_error] if line_error else []
        if booked_on is None:
            errors.append(_l("«%(value)s» is not a date; write 2017-03-01 or 01.03.2017.", value=_cell_text(row.date)))
        if amount is None:
            errors.append(_l("«%(value)s» is not an amount in kroner with at most two decimals.",
                             value=_cell_text(row.amount)))
        if not row.voucher:
            errors.append(_l("The voucher number is missing."))
        elif len(row.voucher) > 40:
            errors.append(_l("The voucher number is longer than 40 characters."))
        if len(row.text) > 300:
            errors.append(_l("The text is longer than 300 characters."))
        is_booked = False
        if booked_on is not None and row.voucher:
            key = (booked_on.year, row.voucher)
            if key in first_row_of:
                errors.append(_l("Voucher %(voucher)s is in row %(row)s as well.", voucher=row.voucher,
                                 row=first_row_of[key]))
            first_row_of.setdefault(key, row.number)
            if key in booked and line is not None and amount is not None:
                is_booked = booked[key] == (line.id, amount)
                if not is_booked:
                    errors.append(_l("Voucher %(voucher)s is already booked in %(year)s, on another line or with "
                                     "another amount.", voucher=row.voucher, year=booked_on.year))
        preview_rows.append(PreviewRow(number=row.number, booked_on=booked_on, amount=amount, line=line,
                                       line_name=f"{code}/{name}" if code else row.line, text=row.text,
                                       voucher=row.voucher, errors=errors, is_booked=is_booked))
    return ImportPreview(filename=filename, rows=preview_rows)


def apply_import(*, preview: ImportPreview, imported_by) -> int:
    """Book the preview's new rows as transactions and audit the import; refused while any row is in error."""
    if preview.has_errors:
        raise BudgetError(_l("Nothing was imported: correct the rows in error and upload the file again."))
    new_rows = preview.new_rows
    db.session.add_all(Transaction(budget_line_id=row.line.id, booked_on=row.booked_on, amount=row.amount,
                                   text=row.text, voucher_number=row.voucher) for row in new_rows)
    record_audit(actor=imported_by, action="budget.transactions_imported",
                 details={"file": preview.filename, "count": len(new_rows)})
    db.session.flush()
    return len(new_rows)


def book_transaction(*, line: BudgetLine, booked_on: date, amount, text: str, voucher_number: str) -> Transaction:
    """Book one transaction entered by hand: dated in the line's year, with a voucher not yet used that year."""
    if booked_on.year != line.year:
        raise BudgetError(_l("The line is in the budget for %(year)s; the date must be in that year.",
                             year=line.year))
    if db.session.scalar(sa.select(Transaction.id).where(Transaction.fiscal_year == booked_on.year,
                                                         Transaction.voucher_number == voucher_number)):
        raise VoucherInUse(_l("Voucher %(voucher)s is already booked in %(year)s.", voucher=voucher_number,
                              year=booked_on.year))
    return record_actual(line=line, amount=amount, booked_on=booked_on, text=text, voucher_number=voucher_number)
