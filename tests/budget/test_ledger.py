"""The ledger: filtered transactions behind the figures, drill-down from the budget and the reports, corrections of
manual transactions, and closed years that take only counter-entries."""

import re
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import render_template

from kunstvest.budget import reports, services
from kunstvest.budget.ledger import (LedgerFilter, NotEditable, book_counter_entry, close_year, delete_transaction,
                                     ledger_page, reopen_year, update_transaction)
from kunstvest.budget.models import (BudgetCategory, BudgetLine, ClosedYear, ImportBatch, SignConvention, Transaction,
                                     TransactionSource)
from kunstvest.common.audit import AuditEvent
from kunstvest.common.models import utcnow
from tests import factories


pytestmark = pytest.mark.usefixtures("english_request")


@pytest.fixture
def books(db):
    """2017 for two projects: a manual, an imported and a domain booking on Kunst rett vest, a manual one elsewhere."""
    project = factories.make_project(code="kunst-rett-vest", name="Kunst rett vest")
    orchestra = factories.make_project(code="orkester", name="Orkester")
    grant = factories.make_budget_line(project=project, name="Tilskudd", category=BudgetCategory.FOUNDATION)
    venue = factories.make_budget_line(project=project, name="Lokaler", category=BudgetCategory.VENUE)
    scores = factories.make_budget_line(project=orchestra, name="Noter", category=BudgetCategory.MATERIALS)
    batch = ImportBatch(filename="regnskap-2017.csv", sign_convention=SignConvention.INCOME_POSITIVE, row_count=1,
                        income_total=Decimal("0.00"), expense_total=Decimal("700.00"))
    db.session.add(batch)
    db.session.flush()
    manual = services.record_actual(line=venue, amount="1500.00", booked_on=date(2017, 3, 1), text="Leie mars",
                                    voucher_number="M-1")
    imported = Transaction(budget_line_id=venue.id, booked_on=date(2017, 6, 10), amount=Decimal("700.00"),
                           text="Vakthold", voucher_number="I-1", account="6300", batch_id=batch.id)
    db.session.add(imported)
    domain = services.record_actual(line=grant, amount="25000.00", booked_on=date(2017, 9, 15), text="Tilskudd",
                                    source_ref="exhibition-funding:1")
    elsewhere = services.record_actual(line=scores, amount="300.00", booked_on=date(2017, 10, 2), text="Noter",
                                       voucher_number="M-2")
    admin = factories.make_user(roles=["admin"])
    db.session.commit()
    return SimpleNamespace(project=project, orchestra=orchestra, grant=grant, venue=venue, scores=scores,
                           batch=batch, manual=manual, imported=imported, domain=domain, elsewhere=elsewhere,
                           admin=admin)


def _ids(filters: LedgerFilter) -> set[int]:
    return {row.transaction.id for row in ledger_page(filters=filters).rows}


def _shown(response) -> set[int]:
    """The transactions a ledger page lists, by the row ids."""
    return {int(number) for number in re.findall(r'id="transaction-(\d+)"', response.get_data(as_text=True))}


def _exists(db, transaction_id: int) -> bool:
    return db.session.scalar(sa.select(Transaction.id).where(Transaction.id == transaction_id)) is not None


def _audits(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


# --- services --------------------------------------------------------------------------------------------------------

def test_the_ledger_filters_by_project_line_period_source_and_batch(books):
    b = books
    assert _ids(LedgerFilter(year=2017)) == {b.manual.id, b.imported.id, b.domain.id, b.elsewhere.id}
    assert _ids(LedgerFilter(year=2016)) == set()
    assert _ids(LedgerFilter(year=2017, project_id=b.orchestra.id)) == {b.elsewhere.id}
    assert _ids(LedgerFilter(year=2017, line_id=b.venue.id)) == {b.manual.id, b.imported.id}
    assert _ids(LedgerFilter(start=date(2017, 5, 1), end=date(2017, 8, 31))) == {b.imported.id}
    assert _ids(LedgerFilter(start=date(2017, 9, 15))) == {b.domain.id, b.elsewhere.id}
    assert _ids(LedgerFilter(source=TransactionSource.MANUAL)) == {b.manual.id, b.elsewhere.id}
    assert _ids(LedgerFilter(source=TransactionSource.IMPORT)) == {b.imported.id}
    assert _ids(LedgerFilter(source=TransactionSource.DOMAIN)) == {b.domain.id}
    assert _ids(LedgerFilter(batch_id=b.batch.id)) == {b.imported.id}


def test_the_sums_cover_every_filtered_row_with_income_and_expenses_apart(books):
    page = ledger_page(filters=LedgerFilter(year=2017))
    assert (page.total, page.income, page.expense) == (4, Decimal("25000.00"), Decimal("2500.00"))
    assert page.result == Decimal("22500.00")
    venue = ledger_page(filters=LedgerFilter(line_id=books.venue.id))
    assert (venue.income, venue.expense) == (Decimal("0.00"), Decimal("2200.00"))


def test_pages_hold_100_rows_and_a_page_past_the_end_is_the_last(db, books):
    db.session.refresh(books.scores)  # record_actual adds the transaction before it reads the line's id
    for day in range(1, 251):
        services.record_actual(line=books.scores, amount="1.00", booked_on=date(2017, 1 + day % 12, 1 + day % 28),
                               text=f"Rad {day}")
    filters = LedgerFilter(line_id=books.scores.id)
    first, last = ledger_page(filters=filters), ledger_page(filters=filters, page=3)
    assert (len(first.rows), len(last.rows), first.pages, first.total) == (100, 51, 3, 251)
    assert first.expense == last.expense == Decimal("550.00")  # the sums are of all pages, not of one
    assert ledger_page(filters=filters, page=10**9).page == 3
    assert ledger_page(filters=filters, page=-5).page == 1
    dates = [row.transaction.booked_on for row in first.rows + last.rows]
    assert dates == sorted(dates)


def test_a_manual_transaction_is_corrected_with_its_old_and_new_values_audited(db, books):
    changed = update_transaction(transaction=books.manual, line=books.venue, booked_on=date(2017, 3, 2),
                                 amount=Decimal("1750.00"), text="Leie mars, rettet", voucher_number="M-1",
                                 account="6300", changed_by=books.admin)
    assert changed
    [event] = _audits(db, "budget.transaction_changed")
    assert event.object_id == str(books.manual.id) and event.actor_id == books.admin.id
    assert (event.details["old"]["amount"], event.details["new"]["amount"]) == ("1500.00", "1750.00")
    assert (event.details["old"]["booked_on"], event.details["new"]["booked_on"]) == ("2017-03-01", "2017-03-02")
    assert (event.details["old"]["account"], event.details["new"]["account"]) == (None, "6300")
    again = update_transaction(transaction=books.manual, line=books.venue, booked_on=date(2017, 3, 2),
                               amount=Decimal("1750.00"), text="Leie mars, rettet", voucher_number="M-1",
                               account="6300", changed_by=books.admin)
    assert not again and len(_audits(db, "budget.transaction_changed")) == 1


def test_a_correction_keeps_the_date_in_the_lines_year_and_the_voucher_unused(books):
    with pytest.raises(services.BudgetError, match="must be in that year"):
        update_transaction(transaction=books.manual, line=books.venue, booked_on=date(2018, 1, 2), amount="1",
                           text="", voucher_number="M-1", account=None, changed_by=books.admin)
    with pytest.raises(services.BudgetError, match="M-2 is already booked in 2017"):
        update_transaction(transaction=books.manual, line=books.venue, booked_on=date(2017, 3, 1), amount="1",
                           text="", voucher_number="M-2", account=None, changed_by=books.admin)


def test_deleting_a_manual_transaction_is_audited_with_what_it_was(db, books):
    manual_id = books.manual.id
    delete_transaction(transaction=books.manual, deleted_by=books.admin)
    assert db.session.get(Transaction, manual_id) is None
    [event] = _audits(db, "budget.transaction_deleted")
    assert event.details["old"]["voucher"] == "M-1" and event.details["old"]["amount"] == "1500.00"
    assert event.details["new"] is None


@pytest.mark.parametrize("which, message", [("imported", "Undo the whole import"),
                                            ("domain", "booked by Exhibition funding")])
def test_imports_and_domain_bookings_are_not_edited_or_deleted_here(db, books, which, message):
    transaction = getattr(books, which)
    with pytest.raises(NotEditable, match=message):
        update_transaction(transaction=transaction, line=db.session.get(BudgetLine, transaction.budget_line_id),
                           booked_on=transaction.booked_on, amount="1.00", text="x", voucher_number="X",
                           account=None, changed_by=books.admin)
    with pytest.raises(NotEditable, match=message):
        delete_transaction(transaction=transaction, deleted_by=books.admin)
    assert db.session.get(Transaction, transaction.id).amount != Decimal("1.00")


def test_closing_a_year_is_audited_with_what_it_freezes(db, books):
    close_year(year=2017, note="Regnskapet godkjent", closed_by=books.admin, today=date(2018, 2, 1))
    assert services.is_year_closed(2017)
    [event] = _audits(db, "budget.year_closed")
    assert event.details == {"year": 2017, "transactions": 4, "projects": {"Kunst rett vest": 3, "Orkester": 1},
                             "note": "Regnskapet godkjent"}
    with pytest.raises(services.YearClosed, match="closed already"):
        close_year(year=2017, closed_by=books.admin, today=date(2018, 2, 1))
    with pytest.raises(services.BudgetError, match="has not ended"):
        close_year(year=2018, closed_by=books.admin, today=date(2018, 12, 31))


def test_a_closed_year_refuses_edits_deletions_and_bookings(db, books):
    close_year(year=2017, closed_by=books.admin, today=date(2018, 2, 1))
    with pytest.raises(services.YearClosed):
        update_transaction(transaction=books.manual, line=books.venue, booked_on=books.manual.booked_on,
                           amount="1.00", text="", voucher_number="M-1", account=None, changed_by=books.admin)
    with pytest.raises(services.YearClosed):
        delete_transaction(transaction=books.manual, deleted_by=books.admin)
    with pytest.raises(services.YearClosed):
        services.record_actual(line=books.venue, amount="10.00", booked_on=date(2017, 5, 5), text="Sent")
    assert db.session.get(Transaction, books.manual.id).amount == Decimal("1500.00")


@pytest.mark.parametrize("which", ["manual", "imported", "domain"])
def test_a_closed_year_takes_a_counter_entry_on_the_same_line(db, books, which):
    original = getattr(books, which)
    close_year(year=2017, closed_by=books.admin, today=date(2018, 2, 1))
    before = _line_actual(original.budget_line_id)
    entry = book_counter_entry(original=original, amount=-original.amount, booked_on=date(2017, 12, 31),
                               text="Feilført", voucher_number="K-1", booked_by=books.admin)
    assert (entry.corrects_id, entry.budget_line_id, entry.fiscal_year) == (original.id, original.budget_line_id, 2017)
    assert entry.amount == -original.amount and entry.created_by_id == books.admin.id
    assert entry.source == TransactionSource.MANUAL
    [event] = _audits(db, "budget.counter_entry_booked")
    assert event.details["corrects"] == original.id and event.details["new"]["amount"] == str(-original.amount)
    assert _line_actual(original.budget_line_id) == before - original.amount


def _line_actual(line_id: int) -> Decimal:
    return {figure.line.id: figure.actual for figure in services.budget_lines_with_actuals(year=2017)}[line_id]


def test_a_counter_entry_is_refused_in_an_open_year_outside_its_year_and_for_zero(books):
    arguments = {"original": books.manual, "text": "Feil", "voucher_number": "K-1", "booked_by": books.admin}
    with pytest.raises(services.BudgetError, match="are open"):
        book_counter_entry(amount="-1500", booked_on=date(2017, 12, 31), **arguments)
    close_year(year=2017, closed_by=books.admin, today=date(2018, 2, 1))
    with pytest.raises(services.BudgetError, match="dated in the year it corrects"):
        book_counter_entry(amount="-1500", booked_on=date(2018, 1, 2), **arguments)
    with pytest.raises(services.BudgetError, match="zero"):
        book_counter_entry(amount="0", booked_on=date(2017, 12, 31), **arguments)
    with pytest.raises(services.BudgetError, match="M-2 is already booked"):
        book_counter_entry(amount="-1", booked_on=date(2017, 12, 31), **{**arguments, "voucher_number": "M-2"})


def test_a_closed_year_is_opened_again_only_with_a_reason_and_audited(db, books):
    close_year(year=2017, note="Godkjent", closed_by=books.admin, today=date(2018, 2, 1))
    with pytest.raises(services.BudgetError, match="Say why"):
        reopen_year(year=2017, reason="  ", reopened_by=books.admin)
    reopen_year(year=2017, reason="Revisor fant en feil", reopened_by=books.admin)
    assert not services.is_year_closed(2017)
    [event] = _audits(db, "budget.year_reopened")
    assert event.details["reason"] == "Revisor fant en feil" and event.details["note"] == "Godkjent"
    with pytest.raises(services.BudgetError, match="not closed"):
        reopen_year(year=2017, reason="igjen", reopened_by=books.admin)


# --- views -----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("query, expected", [
    ({"year": "2017"}, {"manual", "imported", "domain", "elsewhere"}),
    ({"year": "2017", "line": "{venue}"}, {"manual", "imported"}),
    ({"year": "2017", "project": "{orchestra}"}, {"elsewhere"}),
    ({"year": "2017", "tertial": "2"}, {"imported"}),
    ({"year": "2017", "from": "2017-09-01", "to": "2017-09-30"}, {"domain"}),
    ({"year": "2017", "source": "manual"}, {"manual", "elsewhere"}),
    ({"year": "2017", "source": "import"}, {"imported"}),
    ({"year": "2017", "source": "domain"}, {"domain"}),
    ({"batch": "{batch}"}, {"imported"}),
])
def test_the_ledger_page_filters_by_the_query_string(client, login, books, query, expected):
    login("admin")
    ids = {"venue": books.venue.id, "orchestra": books.orchestra.id, "batch": books.batch.id}
    response = client.get("/budget/ledger", query_string={key: value.format(**ids) for key, value in query.items()})
    assert response.status_code == 200
    assert _shown(response) == {getattr(books, name).id for name in expected}


def test_each_row_shows_its_source_amount_and_the_actions_it_allows(client, login, books):
    login("admin")
    page = client.get("/budget/ledger?year=2017").get_data(as_text=True)
    assert "Import: regnskap-2017.csv" in page and f"/budget/ledger?batch={books.batch.id}" in page
    assert "Exhibition funding" in page and "Entered by hand" in page
    assert "1,500.00" in page and "25,000.00" in page
    assert f"/budget/ledger/{books.manual.id}/edit" in page and f"/budget/ledger/{books.manual.id}/delete" in page
    assert not any(f"/budget/ledger/{other.id}/edit" in page for other in (books.imported, books.domain))
    assert "Undone with its import" in page and "Changed where it was booked" in page
    assert re.search(r"Income, all filtered transactions</th><td class=\"num\">[^<]*25,000\.00", page)
    assert re.search(r"Expenses, all filtered transactions</th><td class=\"num\">[^<]*2,500\.00", page)
    batch_page = client.get(f"/budget/ledger?batch={books.batch.id}").get_data(as_text=True)
    assert f"Import number {books.batch.id}: regnskap-2017.csv" in batch_page
    assert f"/budget/import/batches/{books.batch.id}/undo" in batch_page


def test_the_budget_index_links_each_actual_to_its_transactions(client, login, books):
    login("admin")
    page = client.get("/budget/?year=2017").get_data(as_text=True)
    assert 'href="/budget/ledger?year=2017"' in page  # the page links the ledger itself
    [link] = re.findall(r'href="(/budget/ledger\?[^"]*line=%d)"' % books.venue.id, page)
    landed = client.get(link.replace("&amp;", "&"))
    assert _shown(landed) == {books.manual.id, books.imported.id}
    assert "2,200.00" in landed.get_data(as_text=True)


def _ledger_links(page: str) -> list[str]:
    return [link.replace("&amp;", "&") for link in re.findall(r'href="(/budget/ledger\?[^"]*)"', page)]


def test_budget_vs_actual_links_each_lines_actual_to_its_transactions(client, login, books):
    login("admin")
    page = client.get(f"/budget/reports/{books.project.id}/2017/budget-vs-actual.html").get_data(as_text=True)
    links = _ledger_links(page)
    assert len(links) == 2  # one per line of the project, none on the totals
    [venue] = [link for link in links if f"line={books.venue.id}" in link]
    assert _shown(client.get(venue)) == {books.manual.id, books.imported.id}
    [grant] = [link for link in links if f"line={books.grant.id}" in link]
    assert _shown(client.get(grant)) == {books.domain.id}


def test_the_tertial_report_links_the_period_the_year_so_far_and_last_year(client, db, login, books):
    last_year = factories.make_budget_line(project=books.project, year=2016, name="Lokaler",
                                           category=BudgetCategory.VENUE)
    old = services.record_actual(line=last_year, amount="400.00", booked_on=date(2016, 4, 4), text="Leie 2016")
    services.record_actual(line=last_year, amount="999.00", booked_on=date(2016, 11, 4), text="After T2")
    db.session.commit()
    login("admin")
    page = client.get(f"/budget/reports/{books.project.id}/2017/tertial-2.html").get_data(as_text=True)
    venue_links = [link for link in _ledger_links(page) if f"line={books.venue.id}" in link]
    [period] = [link for link in venue_links if "tertial=2" in link]
    [so_far] = [link for link in venue_links if "to=2017-08-31" in link]
    [previous] = [link for link in _ledger_links(page) if f"line={last_year.id}" in link]
    assert _shown(client.get(period)) == {books.imported.id}
    assert _shown(client.get(so_far)) == {books.manual.id, books.imported.id}
    assert _shown(client.get(previous)) == {old.id}


def test_the_pdf_of_a_report_has_no_ledger_links(app, books):
    report = reports.budget_vs_actual(project=books.project, year=2017)
    assert any(table.links for table in report.tables)
    printed = render_template("budget/report_print.html", report=report, made_at=utcnow())
    assert "/budget/ledger" not in printed and "Lokaler" in printed


def test_editing_a_transaction_on_its_page_is_audited_and_returns_to_the_ledger(client, db, login, books):
    login("admin")
    url = f"/budget/ledger/{books.manual.id}/edit?next=/budget/ledger?year%3D2017"
    form = client.get(url).get_data(as_text=True)
    assert 'value="1500.00"' in form and "Leie mars" in form
    response = client.post(url, data={"budget_line_id": books.venue.id, "booked_on": "2017-03-01",
                                      "amount": "1,600.00", "voucher_number": "M-1", "account": "",
                                      "text": "Leie mars"})
    assert response.status_code == 302 and response.headers["Location"] == "/budget/ledger?year=2017"
    db.session.expire_all()
    assert db.session.get(Transaction, books.manual.id).amount == Decimal("1600.00")
    [event] = _audits(db, "budget.transaction_changed")
    assert (event.details["old"]["amount"], event.details["new"]["amount"]) == ("1500.00", "1600.00")


def test_deleting_asks_for_confirmation_on_a_page_that_shows_the_transaction(client, db, login, books):
    login("admin")
    manual_id = books.manual.id
    url = f"/budget/ledger/{manual_id}/delete"
    confirmation = client.get(url).get_data(as_text=True)
    assert "Delete this transaction?" in confirmation and "M-1" in confirmation and "1,500.00" in confirmation
    assert _exists(db, manual_id)
    response = client.post(url, follow_redirects=True)
    assert "Transaction M-1 of" in response.get_data(as_text=True)
    assert not _exists(db, manual_id)
    assert _audits(db, "budget.transaction_deleted")[0].details["old"]["voucher"] == "M-1"


def test_an_imported_transaction_cannot_be_edited_on_a_page(client, db, login, books):
    login("admin")
    response = client.post(f"/budget/ledger/{books.imported.id}/edit", follow_redirects=True,
                           data={"budget_line_id": books.venue.id, "booked_on": "2017-06-10", "amount": "1.00",
                                 "voucher_number": "I-1"})
    assert "Undo the whole import instead" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Transaction, books.imported.id).amount == Decimal("700.00")


def test_closing_a_year_on_its_page_then_only_counter_entries(client, db, login, books):
    login("admin")
    confirmation = client.get("/budget/closed-years/2017/close").get_data(as_text=True)
    assert "This freezes 4 transactions of 2017" in confirmation
    assert "Kunst rett vest: 3 transactions" in confirmation and "Orkester: 1 transaction" in confirmation
    assert not services.is_year_closed(2017)
    closed = client.post("/budget/closed-years/2017/close", data={"note": "Godkjent"}, follow_redirects=True)
    assert "4 transactions are frozen" in closed.get_data(as_text=True)
    assert db.session.get(ClosedYear, 2017).note == "Godkjent"

    ledger = client.get("/budget/ledger?year=2017").get_data(as_text=True)
    assert "/edit" not in ledger and ledger.count("Counter-entry</a>") == 4
    refused_edit = client.post(f"/budget/ledger/{books.manual.id}/edit", follow_redirects=True,
                               data={"budget_line_id": books.venue.id, "booked_on": "2017-03-01",
                                     "amount": "1.00", "voucher_number": "M-1"})
    assert "The accounts for 2017 are closed" in refused_edit.get_data(as_text=True)
    refused_delete = client.post(f"/budget/ledger/{books.manual.id}/delete", follow_redirects=True)
    assert "The accounts for 2017 are closed" in refused_delete.get_data(as_text=True)
    refused_booking = client.post("/budget/transactions/new?year=2017", data={
        "budget_line_id": books.venue.id, "booked_on": "2017-05-05", "amount": "10.00", "voucher_number": "N-1",
        "text": "Sent"})
    assert "The accounts for 2017 are closed" in refused_booking.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Transaction)) == 4

    url = f"/budget/ledger/{books.manual.id}/counter-entry"
    form = client.get(url).get_data(as_text=True)
    assert 'value="-1500.00"' in form and 'value="2017-12-31"' in form
    booked = client.post(url, data={"booked_on": "2017-12-31", "amount": "-500.00", "voucher_number": "K-1",
                                    "text": "For mye fakturert"}, follow_redirects=True)
    assert "Counter-entry K-1 is booked." in booked.get_data(as_text=True)
    entry = db.session.scalar(sa.select(Transaction).where(Transaction.voucher_number == "K-1"))
    assert (entry.amount, entry.corrects_id, entry.budget_line_id) == (Decimal("-500.00"), books.manual.id,
                                                                       books.venue.id)
    assert "Counter-entry to voucher M-1" in client.get("/budget/ledger?year=2017").get_data(as_text=True)


def test_a_counter_entry_needs_a_text_and_a_voucher(client, db, login, books):
    db.session.add(ClosedYear(year=2017, closed_by_id=books.admin.id))
    db.session.commit()
    login("admin")
    response = client.post(f"/budget/ledger/{books.manual.id}/counter-entry",
                           data={"booked_on": "2017-12-31", "amount": "-1500.00", "voucher_number": "", "text": ""})
    assert response.status_code == 200 and "This field is required." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Transaction)) == 4


def test_a_year_not_yet_ended_cannot_be_closed_and_a_closed_one_is_reopened_with_a_reason(client, db, login, books):
    login("admin")
    this_year = utcnow().year
    factories.make_budget_line(project=books.project, year=this_year)
    db.session.commit()
    refused = client.get(f"/budget/closed-years/{this_year}/close", follow_redirects=True)
    assert "has not ended" in refused.get_data(as_text=True)
    client.post("/budget/closed-years/2017/close", data={"note": ""})
    overview = client.get("/budget/closed-years").get_data(as_text=True)
    assert "/budget/closed-years/2017/reopen" in overview
    assert f"/budget/closed-years/{this_year}/close" not in overview
    without_reason = client.post("/budget/closed-years/2017/reopen", data={"reason": ""})
    assert without_reason.status_code == 200 and services.is_year_closed(2017)
    client.post("/budget/closed-years/2017/reopen", data={"reason": "Revisor fant en feil"})
    assert not services.is_year_closed(2017)
    assert _audits(db, "budget.year_reopened")[0].details["reason"] == "Revisor fant en feil"


def test_the_ledger_runs_as_many_queries_for_500_transactions_as_for_20(client, db, login, books, count_queries):
    login("admin")

    def queries() -> int:
        with count_queries() as counter:
            assert client.get("/budget/ledger?year=2017").status_code == 200
        return counter.count

    def add(count: int) -> None:
        batch = ImportBatch(filename=f"fil-{count}.csv", sign_convention=SignConvention.DEBIT_POSITIVE,
                            row_count=count, income_total=Decimal("0"), expense_total=Decimal("0"))
        db.session.add(batch)
        db.session.flush()
        for number in range(count):
            db.session.add(Transaction(budget_line_id=books.scores.id, booked_on=date(2017, 1 + number % 12, 5),
                                       amount=Decimal("10.00"), text=f"Rad {number}", voucher_number=f"B-{number}",
                                       batch_id=batch.id if number % 2 else None,
                                       source_ref=f"orchestra-fee:{count}-{number}" if number % 3 == 0 else None))
        db.session.commit()

    add(16)  # 20 transactions with the four of the books
    few = queries()
    add(500)
    many = queries()
    assert few == many
    assert many <= 10


@pytest.mark.parametrize("query, statuses", [
    ({"year": "99999999999999999999"}, {400}),
    ({"year": "abc"}, {400}),
    ({"year": "2017", "line": str(2**63)}, {200}),
    ({"year": "2017", "project": "-1"}, {400}),
    ({"batch": "99999999999999999999"}, {400}),
    ({"batch": str(2**31 - 1)}, {404}),
    ({"batch": "-3"}, {400}),
    ({"year": "2017", "from": "9999-12-31", "to": "9999-12-31"}, {400}),  # far dates name the bounds
    ({"year": "2017", "from": "0001-01-01"}, {400}),
    ({"year": "2017", "from": "01.09.2017", "to": "31.12.2017"}, {200}),
    ({"year": "2017", "from": "99999-01-01"}, {400}),
    ({"year": "2017", "from": "2017-09-01", "to": "2017-01-01"}, {400}),
    ({"year": "0", "tertial": "2"}, {400}),
    ({"year": "2017", "tertial": "7"}, {400}),
    ({"year": "2017", "tertial": "1", "from": "2017-01-01"}, {400}),
    ({"year": "2017", "source": "nowhere"}, {400}),
    ({"year": "2017", "page": str(10**20)}, {200}),
    ({"year": "2017", "page": "-4"}, {200}),
    ({"year": "2017", "source": "manual\x00"}, {400}),
    ({"year": "2017\x00"}, {400}),
])
def test_bad_filter_input_gives_a_clear_answer_never_a_500(client, login, books, query, statuses):
    login("admin")
    response = client.get("/budget/ledger", query_string=query)
    assert response.status_code in statuses
    if response.status_code == 400 and not any("\x00" in value for value in query.values()):
        assert "The filter could not be used" in response.get_data(as_text=True)


def test_a_line_of_another_year_is_dropped_from_the_filter_with_a_message(client, login, books):
    login("admin")
    response = client.get("/budget/ledger", query_string={"year": "2017", "line": str(2**63)})
    assert "all its lines are shown" in response.get_data(as_text=True)
    assert len(_shown(response)) == 4


@pytest.mark.parametrize("url", ["/budget/ledger/2147483648/edit", "/budget/ledger/99999999999999999999/delete",
                                 "/budget/ledger/0/counter-entry", "/budget/closed-years/99999999999/close",
                                 "/budget/closed-years/1999/close"])
def test_unknown_transactions_and_years_are_404(client, login, books, url):
    login("admin")
    assert client.get(url).status_code == 404
