"""Budget core: lines, actuals booked by other domains, and the figures per line."""

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from kunstvest.budget import services
from kunstvest.budget.models import BudgetCategory, LineKind, Transaction
from tests import factories


def test_kind_follows_the_category_and_only_income_has_a_funder(db):
    project = factories.make_project()
    income = services.save_budget_line(project=project, year=2017, category=BudgetCategory.FOUNDATION,
                                       name="Sparebankstiftelsen DNB", budgeted_amount="75000",
                                       funder="Sparebankstiftelsen DNB")
    assert income.kind == LineKind.INCOME and services.latest_amount(line=income) == Decimal("75000.00")
    with pytest.raises(services.BudgetError):
        services.save_budget_line(project=project, year=2017, category=BudgetCategory.VENUE, name="Lokaler",
                                  budgeted_amount="1000", funder="Someone")


def test_names_are_unique_per_project_and_year_and_amounts_not_negative(db):
    project = factories.make_project()
    factories.make_budget_line(project=project, name="Reise")
    with pytest.raises(services.BudgetError):
        factories.make_budget_line(project=project, name="Reise")
    factories.make_budget_line(project=project, name="Reise", year=2018)
    with pytest.raises(services.BudgetError):
        factories.make_budget_line(project=project, amount="-1")


def test_floats_are_refused_for_money(db):
    with pytest.raises(TypeError):
        services.save_budget_line(project=factories.make_project(), year=2017, category=BudgetCategory.VENUE,
                                  name="Leie", budgeted_amount=0.1)


def test_record_actual_with_a_source_ref_books_once(db):
    line = factories.make_budget_line(category=BudgetCategory.HOST_MUNICIPALITY, funder="Svelvik kommune",
                                      amount="200000")
    for amount in ("150000", "200000"):
        services.record_actual(line=line, amount=amount, booked_on=date(2017, 9, 1), text="Vertskapsbidrag",
                               source_ref="exhibition:2017:host_contribution")
    transactions = db.session.scalars(sa.select(Transaction)).all()
    assert [(t.amount, t.source_ref) for t in transactions] == [(Decimal("200000.00"),
                                                                  "exhibition:2017:host_contribution")]
    assert transactions[0].fiscal_year == 2017, "the fiscal year follows the booking date"


def test_book_actual_tells_whether_it_created_changed_or_left_the_booking(db):
    line = factories.make_budget_line(category=BudgetCategory.TUTOR_FEES, amount="10000")
    other = factories.make_budget_line(category=BudgetCategory.TUTOR_FEES, name="Dirigent", amount="10000")
    book = dict(amount="4500", booked_on=date(2017, 3, 5), text="Instruktør: Kari", source_ref="orchestra-fee:1")

    assert services.planned_booking(line=line, amount="4500", booked_on=date(2017, 3, 5),
                                    source_ref="orchestra-fee:1").change == services.BookingChange.CREATED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Transaction)) == 0, "planning books nothing"
    created = services.book_actual(line=line, **book)
    again = services.book_actual(line=line, **(book | {"text": "Section tutor: Kari"}))
    moved = services.book_actual(line=other, **book)
    corrected = services.book_actual(line=other, **(book | {"amount": "5000.00"}))

    assert [created.change, again.change, moved.change, corrected.change] == [
        services.BookingChange.CREATED, services.BookingChange.UNCHANGED, services.BookingChange.CHANGED,
        services.BookingChange.CHANGED]
    transactions = db.session.scalars(sa.select(Transaction)).all()
    assert [(t.budget_line_id, t.amount, t.text) for t in transactions] == [
        (other.id, Decimal("5000.00"), "Instruktør: Kari")], "one booking; an unchanged one keeps its text"
    assert created.transaction is corrected.transaction


def test_find_budget_line_for_a_domain(db):
    project = factories.make_project(code="kunst-rett-vest")
    line = factories.make_budget_line(project=project, category=BudgetCategory.MATERIALS, name="Materialstøtte")
    found = services.find_budget_line(project_code="kunst-rett-vest", year=2017, category=BudgetCategory.MATERIALS)
    assert found is line
    assert services.find_budget_line(project_code="kunst-rett-vest", year=2018,
                                     category=BudgetCategory.MATERIALS) is None


def test_figures_and_totals_are_exact_to_the_ore(db):
    project = factories.make_project()
    income = factories.make_budget_line(project=project, category=BudgetCategory.UNOF_FRIFOND, amount="25700.00",
                                        funder="UNOF")
    expense = factories.make_budget_line(project=project, category=BudgetCategory.TRAVEL, amount="1000.00")
    for amount in ("0.10", "0.20", "25699.70"):
        services.record_actual(line=income, amount=amount, booked_on=date(2017, 3, 1), text="UNOF")
    services.record_actual(line=expense, amount="1200.55", booked_on=date(2017, 5, 1), text="Buss")
    figures = {f.line.id: f for f in services.budget_lines_with_actuals(year=2017, project=project)}
    assert figures[income.id].budgeted == Decimal("25700.00")
    assert figures[income.id].actual == Decimal("25700.00") and figures[income.id].variance == Decimal("0.00")
    assert figures[expense.id].variance == Decimal("-200.55")
    totals = services.totals(list(figures.values()))
    assert totals.result_budget == Decimal("24700.00")
    assert totals.result_actual == Decimal("24499.45")


def _add_lines(project, numbers: range) -> None:
    for number in numbers:
        line = factories.make_budget_line(project=project, name=f"Linje {number}")
        services.record_actual(line=line, amount="10", booked_on=date(2017, 1, 1), text="x")


def test_budget_page_query_count_does_not_grow_with_lines(client, login, db, count_queries):
    login("admin")
    project = factories.make_project()
    counts = []
    for numbers in (range(0, 5), range(5, 100)):
        _add_lines(project, numbers)
        db.session.commit()
        with count_queries() as counter:
            response = client.get("/budget/?year=2017")
        assert response.status_code == 200
        counts.append(counter.count)
    assert "Linje 99" in response.get_data(as_text=True)
    assert counts[0] == counts[1], counts
