"""Importing the accounting export as it is written, in batches that can be undone: the treasurer's journey through
the pages, and the property that an import and its undo leave the reports as entering by hand would."""

import re
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kunstvest.budget import accounts, importing, reports, services
from kunstvest.budget.models import (AccountMapping, BudgetCategory, ImportBatch, LineKind, SignConvention,
                                     Transaction)
from kunstvest.common.audit import AuditEvent
from tests import factories

FILES = Path(__file__).parent / "files"
FIRST_FILE = FILES / "regnskap-kunst-rett-vest-2017-t1-t3.csv"  # Windows-1252, costs negative, 19 rows
SECOND_FILE = FILES / "regnskap-kunst-rett-vest-2017-q4.csv"  # UTF-8 with BOM, the same accounts
BUDGET = [  # Kunst rett vest 2017 as the steering group approved it
    (BudgetCategory.MEMBERSHIP_FEE, "Bidrag fra Vestregionen", "Vestregionen", "900000"),
    (BudgetCategory.COUNTY_COUNCIL, "Akershus fylkeskommune", "Akershus fylkeskommune", "200000"),
    (BudgetCategory.COUNTY_COUNCIL, "Buskerud fylkeskommune", "Buskerud fylkeskommune", "155000"),
    (BudgetCategory.ARTS_COUNCIL, "Norsk kulturråd", "Norsk kulturråd", "200000"),
    (BudgetCategory.SALARIES, "Prosjektleder", None, "650000"),
    (BudgetCategory.ARTIST_FEES, "Utstillingshonorar fellesutstilling", None, "342000"),
    (BudgetCategory.VENUE, "Lokaler og vakthold", None, "150000"),
    (BudgetCategory.MARKETING, "Atelierguide, trykk og annonser", None, "300000"),
    (BudgetCategory.MATERIALS, "Produksjon fellesutstilling", None, "280000"),
    (BudgetCategory.TRAVEL, "Reise", None, "20000"),
]
# What the treasurer answers on the preview, once.
ACCOUNT_LINES = {"3440": "Buskerud fylkeskommune", "3441": "Akershus fylkeskommune", "3442": "Norsk kulturråd",
                 "6300": "Lokaler og vakthold", "6500": "Produksjon fellesutstilling", "6710":
                 "Utstillingshonorar fellesutstilling", "6790": "Prosjektleder", "7140": "Reise",
                 "7320": "Atelierguide, trykk og annonser"}


pytestmark = pytest.mark.usefixtures("english_request")


@pytest.fixture
def kunst_rett_vest(db):
    """Kunst rett vest with its approved 2017 budget and nothing booked."""
    project = factories.make_project(code="kunst-rett-vest", name="Kunst rett vest")
    for category, name, funder, amount in BUDGET:
        services.save_budget_line(project=project, year=2017, category=category, name=name, funder=funder,
                                  budgeted_amount=Decimal(amount))
    [version] = services.versions_of(project=project, year=2017)
    services.approve_version(version=version, decision_reference="sak 41/2016", decided_on=date(2016, 12, 8),
                             approved_by=factories.make_user(roles=["admin"]))
    db.session.commit()
    return project


class _PreviewForm(HTMLParser):
    """What a browser would send from the page's import form: hidden fields, checked radios, selected options."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self.selects: dict[str, list[tuple[str, str, bool]]] = {}
        self._select = self._option = None
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "").lower() == "post":
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and attributes.get("type") in ("hidden", "radio", "checkbox"):
            if attributes["type"] == "hidden" or "checked" in attributes:
                self.values[attributes["name"]] = attributes.get("value", "")
        elif tag == "select":
            self._select = attributes["name"]
            self.selects[self._select] = []
        elif tag == "option" and self._select:
            self._option = (attributes.get("value", ""), "selected" in attributes)

    def handle_data(self, data):
        if self._option is not None:
            value, selected = self._option
            self.selects[self._select].append((value, data.strip(), selected))
            self._option = None

    def handle_endtag(self, tag):
        if tag == "select":
            options = self.selects[self._select]
            self.values[self._select] = next((value for value, _, selected in options if selected), options[0][0])
            self._select = None
        elif tag == "form":
            self._in_form = False


def _form(page: str) -> _PreviewForm:
    parser = _PreviewForm()
    parser.feed(page)
    return parser


def _upload(client, path: Path):
    return client.post("/budget/import", data={"file": (BytesIO(path.read_bytes()), path.name)},
                       content_type="multipart/form-data")


def _written_sum(path: Path) -> Decimal:
    """The sum of the file's amounts, read independently of the importer: the result such an export gives."""
    text = path.read_bytes().decode("utf-8-sig") if path == SECOND_FILE else path.read_bytes().decode("cp1252")
    total = Decimal("0")
    for line in text.splitlines()[1:]:
        cell = line.split(";")[-1].replace(" ", "").replace("\u2212", "-").replace(",", ".")
        total += -Decimal(cell.strip("()")) if cell.startswith("(") else Decimal(cell)
    return total


def _figures(project) -> list:
    """Every figure of the budget-vs-actual and the three four-month reports, and each line's actual."""
    snapshot = [reports.budget_vs_actual(project=project, year=2017).tables]
    snapshot += [reports.tertial_report(project=project, year=2017, tertial=tertial).tables for tertial in (1, 2, 3)]
    snapshot.append([(figure.line.name, figure.actual)
                     for figure in services.budget_lines_with_actuals(year=2017, project=project)])
    return snapshot


def _result(project) -> Decimal:
    return services.totals(services.budget_lines_with_actuals(year=2017, project=project)).result_actual


def test_the_treasurers_export_imports_as_written_and_undoes_to_the_last_ore(client, login, db, kunst_rett_vest):
    admin = login("admin")
    project = kunst_rett_vest
    nothing_booked = _figures(project)

    # The first file: every account is new, so the preview asks once, with a line of the account's class chosen.
    response = _upload(client, FIRST_FILE)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "19 rows on accounts not mapped yet" in page and "formaction" not in page
    form = _form(page)
    selects = {name.rsplit("-", 1)[1]: options for name, options in form.selects.items() if name.startswith("map-")}
    assert sorted(selects) == sorted(ACCOUNT_LINES)
    defaults = {account: next(label for value, label, _ in options if value == form.values[f"map-{project.id}-2017-"
                                                                                         f"{account}"])
                for account, options in selects.items()}
    income_lines = {name for _, name, funder, _ in BUDGET if funder}
    assert {defaults[account] for account in ("3440", "3441", "3442")} <= income_lines
    assert not {defaults[account] for account in ("6300", "6500", "6710", "6790", "7140", "7320")} & income_lines
    assert (defaults["6300"], defaults["6500"], defaults["7140"], defaults["7320"]) == (
        "Lokaler og vakthold", "Produksjon fellesutstilling", "Reise", "Atelierguide, trykk og annonser")
    answers = {}
    for account, line_name in ACCOUNT_LINES.items():
        answers[f"map-{project.id}-2017-{account}"] = next(value for value, label, _ in selects[account]
                                                           if label == line_name)
    response = client.post("/budget/import/preview", data={**form.values, **answers, "save_mappings": "y"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "9 accounts mapped." in page
    assert db.session.scalar(sa.select(sa.func.count(AccountMapping.id))) == 9
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.action == "budget.account_mapped")) == 9
    assert "map-" not in page and "19 new rows to import" in page
    assert "income is positive and costs are negative" in page and "Check these figures" not in page

    # Nothing else chosen: the guessed sign convention and the form as the page has it.
    form = _form(page)
    assert form.values["sign_convention"] == "income_positive" and "acknowledged" not in form.values
    response = client.post("/budget/import/confirm", data={**form.values, "confirm": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    first_sum = _written_sum(FIRST_FILE)
    assert first_sum == Decimal("-424783.52")
    assert _result(project) == first_sum
    first = db.session.scalar(sa.select(ImportBatch))
    assert (first.row_count, first.income_total, first.expense_total) == (19, Decimal("555000.00"),
                                                                          Decimal("979783.52"))
    leader = next(f for f in services.budget_lines_with_actuals(year=2017) if f.line.name == "Prosjektleder")
    assert leader.actual == Decimal("25700.50") * 2 + Decimal("54166.67") + Decimal("1250") + Decimal("270833.35")
    after_first = _figures(project)

    # The second file from the same system: no questions, nothing to choose.
    page = _upload(client, SECOND_FILE).get_data(as_text=True)
    assert "map-" not in page and "0 rows on accounts not mapped yet" in page and "5 new rows to import" in page
    response = client.post("/budget/import/confirm", data={**_form(page).values, "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert _result(project) == first_sum + _written_sum(SECOND_FILE)

    # The batches, newest first, with their totals and a way to their transactions and to undo them.
    page = client.get("/budget/import/batches").get_data(as_text=True)
    assert page.index(SECOND_FILE.name) < page.index(FIRST_FILE.name)
    second = db.session.scalars(sa.select(ImportBatch).order_by(ImportBatch.id.desc())).first()
    assert f"/budget/ledger?batch={second.id}" in page and f"/budget/import/batches/{second.id}/undo" in page

    page = client.get(f"/budget/import/batches/{second.id}/undo").get_data(as_text=True)
    assert "Undoing removes 5 transactions" in page and "NOK12,500.00 of income" in page
    assert client.post(f"/budget/import/batches/{second.id}/undo").status_code == 302
    db.session.expire_all()
    assert _figures(project) == after_first

    page = client.get(f"/budget/import/batches/{first.id}/undo").get_data(as_text=True)
    assert "Undoing removes 19 transactions" in page
    response = client.post(f"/budget/import/batches/{first.id}/undo", follow_redirects=True)
    assert "The import is undone: 19 transactions removed." in response.get_data(as_text=True)
    db.session.expire_all()
    assert _figures(project) == nothing_booked
    assert db.session.get(ImportBatch, first.id).undone_by_id == admin.id
    assert db.session.scalar(sa.select(sa.func.count(Transaction.id))) == 0
    page = client.get("/budget/import/batches").get_data(as_text=True)
    assert page.count("Undone") == 2 and "/undo" not in page


def test_an_undo_is_refused_while_the_year_is_closed(client, login, db, kunst_rett_vest):
    from kunstvest.budget.models import ClosedYear

    login("admin")
    line = next(f.line for f in services.budget_lines_with_actuals(year=2017) if f.line.name == "Reise")
    accounts.save_account_mapping(project=kunst_rett_vest, year=2017, account="7140", line=line, mapped_by=None)
    rows = importing.parse_transactions_file(filename="r.csv", content="Bilag;Dato;Konto;Prosjekt;Beløp\n"
                                             "1;01.02.2017;7140;Kunst rett vest;-100,00\n".encode())
    batch = importing.apply_import(preview=importing.preview_import(rows=rows, filename="r.csv"), imported_by=None)
    db.session.add(ClosedYear(year=2017))
    db.session.commit()
    page = client.get(f"/budget/import/batches/{batch.id}/undo").get_data(as_text=True)
    assert "The accounts for 2017 are closed" in page and 'type="submit"' not in page.split("<main")[1]
    response = client.post(f"/budget/import/batches/{batch.id}/undo")
    assert response.status_code == 409
    db.session.expire_all()
    assert not db.session.get(ImportBatch, batch.id).is_undone
    assert db.session.scalar(sa.select(sa.func.count(Transaction.id))) == 1
    assert client.get("/budget/import/batches/999999/undo").status_code == 404


def test_switching_the_sign_convention_recomputes_the_preview(client, login, db, kunst_rett_vest):
    login("admin")
    line = next(f.line for f in services.budget_lines_with_actuals(year=2017) if f.line.name == "Reise")
    accounts.save_account_mapping(project=kunst_rett_vest, year=2017, account="7140", line=line, mapped_by=None)
    db.session.commit()
    content = "Bilag;Dato;Konto;Prosjekt;Tekst;Beløp\n1;01.02.2017;7140;Kunst rett vest;Tog;-100,00\n".encode()
    page = client.post("/budget/import", data={"file": (BytesIO(content), "r.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    form = _form(page).values
    assert form["sign_convention"] == "income_positive" and "NOK100.00</td>" in page
    page = client.post("/budget/import/preview", data={**form, "sign_convention": "debit_positive",
                                                       "recompute": "y"}).get_data(as_text=True)
    assert _form(page).values["sign_convention"] == "debit_positive"
    assert re.search(r"-NOK100\.00</td>\s*<td>Tog", page)
    client.post("/budget/import/confirm", data={**_form(page).values, "confirm": "y"})
    db.session.expire_all()
    batch = db.session.scalar(sa.select(ImportBatch))
    assert batch.sign_convention == SignConvention.DEBIT_POSITIVE and batch.expense_total == Decimal("-100.00")


def test_a_wrong_mapping_answer_is_refused_and_nothing_is_saved(client, login, db, kunst_rett_vest):
    login("admin")
    other = factories.make_budget_line(project=factories.make_project(), name="Annet prosjekt")
    db.session.commit()
    content = "Bilag;Dato;Konto;Prosjekt;Beløp\n1;01.02.2017;7140;Kunst rett vest;-100,00\n".encode()
    page = client.post("/budget/import", data={"file": (BytesIO(content), "r.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    form = _form(page).values
    for answer in (str(other.id), "x", ""):
        response = client.post("/budget/import/preview", data={**form, f"map-{kunst_rett_vest.id}-2017-7140": answer,
                                                               "save_mappings": "y"})
        assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(AccountMapping.id))) == 0


AMOUNTS = st.decimals(min_value=Decimal("-50000"), max_value=Decimal("500000"), places=2, allow_nan=False,
                      allow_infinity=False)
TRANSACTIONS = st.lists(st.tuples(st.integers(min_value=0, max_value=3), st.integers(min_value=0, max_value=364),
                                  AMOUNTS), min_size=1, max_size=12)
LINES = [(BudgetCategory.COUNTY_COUNCIL, "3440"), (BudgetCategory.ARTS_COUNCIL, "3442"),
         (BudgetCategory.SALARIES, "5000"), (BudgetCategory.TRAVEL, "7140")]


def _written(amount: Decimal, kind: LineKind, convention: SignConvention) -> str:
    """An amount as an accounting system following `convention` prints it, in Norwegian form."""
    signed = amount if (kind == LineKind.INCOME) == (convention == SignConvention.INCOME_POSITIVE) else -amount
    return f"{signed:.2f}".replace(".", ",")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(transactions=TRANSACTIONS, convention=st.sampled_from(list(SignConvention)))
def test_import_then_undo_changes_no_figure_and_import_equals_entering_by_hand(app, db, transactions, convention):
    """Property: an import adds what booking the same transactions by hand adds, and its undo takes all of it away."""
    db.session.rollback()
    for table in ("audit_events", "transactions", "import_batches", "account_mappings", "budget_amounts",
                  "budget_versions", "budget_lines", "projects"):
        db.session.execute(sa.text(f"DELETE FROM {table}"))
    project = factories.make_project(code="krv", name="Kunst rett vest")
    lines = []
    for category, account in LINES:
        line = services.save_budget_line(project=project, year=2017, category=category, name=account,
                                         budgeted_amount=Decimal("100000"), funder=None)
        accounts.save_account_mapping(project=project, year=2017, account=account, line=line, mapped_by=None)
        lines.append(line)
    booked = [(lines[index], date(2017, 1, 1) + timedelta(day), amount) for index, day, amount in transactions]
    content = "\n".join(["Bilag;Dato;Konto;Avdeling;Beløp"] + [
        f"V{number};{booked_on:%d.%m.%Y};{line.name};KRV;{_written(amount, line.kind, convention)}"
        for number, (line, booked_on, amount) in enumerate(booked)]).encode("cp1252")
    with app.test_request_context(), force_locale("en"):
        before = _figures(project)
        rows = importing.parse_transactions_file(filename="export.csv", content=content)
        batch = importing.apply_import(preview=importing.preview_import(rows=rows, sign_convention=convention),
                                       imported_by=None)
        imported = _figures(project)
        assert batch.row_count == len(booked)
        assert importing.undo_batch(batch=batch, undone_by=None) == len(booked)
        assert _figures(project) == before
        for number, (line, booked_on, amount) in enumerate(booked):
            importing.book_transaction(line=line, booked_on=booked_on, amount=amount, text="",
                                       voucher_number=f"V{number}")
        assert _figures(project) == imported
