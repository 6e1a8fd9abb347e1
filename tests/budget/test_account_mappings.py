"""Which budget line each account of the accounts goes to, per project and year: the services and the page."""

import pytest
import sqlalchemy as sa

from kunstvest.budget import accounts
from kunstvest.budget.models import AccountMapping, BudgetCategory, LineKind
from kunstvest.common.audit import AuditEvent
from tests import factories


pytestmark = pytest.mark.usefixtures("english_request")


@pytest.fixture
def lines(db):
    """Kunst rett vest 2017 with an income line and two expense lines."""
    project = factories.make_project(code="kunst-rett-vest", name="Kunst rett vest")
    made = {name: factories.make_budget_line(project=project, name=name, category=category)
            for name, category in (("Buskerud fylkeskommune", BudgetCategory.COUNTY_COUNCIL),
                                   ("Prosjektleder", BudgetCategory.SALARIES), ("Reise", BudgetCategory.TRAVEL))}
    db.session.commit()
    return made


@pytest.mark.parametrize("account, kind", [("3440", LineKind.INCOME), ("8050", LineKind.INCOME),
                                           ("4000", LineKind.EXPENSE), ("6790", LineKind.EXPENSE),
                                           ("7140", LineKind.EXPENSE), ("8150", LineKind.EXPENSE), ("8800", None)])
def test_an_accounts_class_says_which_kind_of_line_it_belongs_on(account, kind):
    assert accounts.account_kind(account) == kind


@pytest.mark.parametrize("account, message", [("1920", "not an income or cost account"),
                                              ("2400", "not an income or cost account"),
                                              ("9000", "not an income or cost account"),
                                              ("679", "not an account number"), ("67 90", "not an account number"),
                                              ("６７９０", "not an account number"), ("3440", None),
                                              ("67901", None)])
def test_only_income_and_cost_accounts_are_mapped(account, message):
    error = accounts.account_error(account)
    assert (message in str(error)) if message else error is None


def test_a_mapping_is_saved_changed_and_removed_with_an_audit_trail(db, lines):
    admin = factories.make_user(roles=["admin"])
    project = lines["Reise"].project
    mapping = accounts.save_account_mapping(project=project, year=2017, account=" 6790 ",
                                            line=lines["Prosjektleder"], mapped_by=admin)
    accounts.save_account_mapping(project=project, year=2017, account="6790", line=lines["Reise"], mapped_by=admin)
    assert [(m.account, m.budget_line.name) for m in accounts.mappings_for(project=project, year=2017)] == [
        ("6790", "Reise")]
    accounts.remove_account_mapping(mapping=mapping, removed_by=admin)
    assert accounts.mappings_for(project=project, year=2017) == []
    events = db.session.execute(sa.select(AuditEvent.action, AuditEvent.details).order_by(AuditEvent.id)).all()
    assert [action for action, _ in events] == ["budget.account_mapped", "budget.account_mapped",
                                                "budget.account_unmapped"]
    assert events[1][1]["previous_line"] == "Prosjektleder" and events[1][1]["line"] == "Reise"


def test_a_line_of_another_project_or_year_is_refused(db, lines):
    project = lines["Reise"].project
    elsewhere = factories.make_budget_line(name="Reise 2018", year=2018, project=project)
    with pytest.raises(accounts.AccountError, match="2017 budget of Kunst rett vest"):
        accounts.save_account_mapping(project=project, year=2017, account="7140", line=elsewhere, mapped_by=None)
    with pytest.raises(accounts.AccountError, match="not an income or cost account"):
        accounts.save_account_mapping(project=project, year=2017, account="1920", line=lines["Reise"],
                                      mapped_by=None)


def test_the_mapping_page_lists_adds_changes_and_removes(client, login, db, lines):
    login("admin")
    project = lines["Reise"].project
    page = client.get(f"/budget/accounts?project={project.id}&year=2017").get_data(as_text=True)
    assert "No accounts are mapped for this project and year yet." in page
    url = f"/budget/accounts/{project.id}/2017"
    response = client.post(url, data={"account": "7140", "budget_line_id": lines["Reise"].id})
    assert response.status_code == 302
    response = client.post(url, data={"account": "7141", "budget_line_id": lines["Reise"].id}, follow_redirects=True)
    assert "Account 7141 goes to «Reise»." in response.get_data(as_text=True)
    for bad in ({"account": "1920", "budget_line_id": lines["Reise"].id}, {"account": "7140", "budget_line_id": 0},
                {"account": "7140", "budget_line_id": "x"}):
        assert client.post(url, data=bad).status_code == 422
    page = client.get(f"/budget/accounts?project={project.id}&year=2017").get_data(as_text=True)
    assert "7140" in page and "7141" in page
    mapping = db.session.scalar(sa.select(AccountMapping).where(AccountMapping.account == "7140"))
    assert client.get(f"/budget/accounts/mappings/{mapping.id}/edit").status_code == 200
    response = client.post(f"/budget/accounts/mappings/{mapping.id}/edit",
                           data={"budget_line_id": lines["Prosjektleder"].id})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(AccountMapping, mapping.id).budget_line_id == lines["Prosjektleder"].id
    response = client.post(f"/budget/accounts/mappings/{mapping.id}/remove", follow_redirects=True)
    assert "Account 7140 is no longer mapped." in response.get_data(as_text=True)
    assert [m.account for m in db.session.scalars(sa.select(AccountMapping))] == ["7141"]
    assert client.post("/budget/accounts/mappings/999999/remove").status_code == 404
    assert client.post(f"/budget/accounts/{project.id}/99999",
                       data={"account": "7140", "budget_line_id": lines["Reise"].id}).status_code == 422


def test_the_budget_index_and_the_import_page_link_to_the_batches_and_the_mappings(client, login, db, lines):
    login("admin")
    for url in ("/budget/?year=2017", "/budget/import"):
        page = client.get(url).get_data(as_text=True)
        assert "/budget/import/batches" in page and "/budget/accounts" in page
