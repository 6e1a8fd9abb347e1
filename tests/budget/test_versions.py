"""Budget versions: drafted, approved by a decision and locked; a change afterwards is a new version."""

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from kunstvest.budget import services
from kunstvest.budget.models import BudgetAmount, BudgetCategory, VersionStatus
from kunstvest.common.audit import AuditEvent
from tests import factories


def _approve(version, admin):
    services.approve_version(version=version, decision_reference="sak 36/2015", decided_on=date(2015, 12, 10),
                             approved_by=admin)


def test_lines_go_into_a_first_draft(db):
    line = factories.make_budget_line(amount="500")
    [version] = services.versions_of(project=line.project, year=2017)
    assert (version.number, version.status) == (1, VersionStatus.DRAFT)
    assert services.latest_amount(line=line) == Decimal("500.00")


def test_approval_locks_the_budget_and_is_audited(db):
    admin = factories.make_user(roles=["admin"])
    line = factories.make_budget_line(amount="500")
    [version] = services.versions_of(project=line.project, year=2017)
    _approve(version, admin)
    with pytest.raises(services.BudgetLocked):
        services.save_budget_line(line=line, project=line.project, year=2017, category=line.category,
                                  name=line.name, budgeted_amount="600")
    with pytest.raises(services.BudgetLocked):
        factories.make_budget_line(project=line.project, name="A new line after approval")
    with pytest.raises(services.BudgetLocked):
        _approve(version, admin)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "budget.approved"))
    assert event.actor_id == admin.id and event.details["decision"] == "sak 36/2015"


def test_the_database_layer_refuses_changes_to_an_approved_version(db):
    admin = factories.make_user(roles=["admin"])
    line = factories.make_budget_line(amount="500")
    [version] = services.versions_of(project=line.project, year=2017)
    _approve(version, admin)
    db.session.commit()
    amount = db.session.get(BudgetAmount, (version.id, line.id))
    amount.amount = Decimal("1")
    with pytest.raises(RuntimeError, match="approved"):
        db.session.flush()


def test_a_new_version_copies_the_amounts_and_reports_compare_with_the_approved_one(db):
    admin = factories.make_user(roles=["admin"])
    line = factories.make_budget_line(amount="500")
    project = line.project
    [first] = services.versions_of(project=project, year=2017)
    with pytest.raises(services.BudgetError):
        services.new_version(project=project, year=2017, created_by=admin)  # the draft is still open
    _approve(first, admin)
    second = services.new_version(project=project, year=2017, created_by=admin)
    services.save_budget_line(line=line, project=project, year=2017, category=line.category, name=line.name,
                              budgeted_amount="800")
    assert services.latest_amount(line=line) == Decimal("800.00")
    [figures] = services.budget_lines_with_actuals(year=2017, project=project)
    assert figures.budgeted == Decimal("500.00"), "reports compare with the approved version until v2 is approved"
    _approve(second, admin)
    [figures] = services.budget_lines_with_actuals(year=2017, project=project)
    assert figures.budgeted == Decimal("800.00")


def test_a_line_in_an_approved_budget_keeps_its_name(db):
    admin = factories.make_user(roles=["admin"])
    line = factories.make_budget_line(amount="500", name="Reise")
    _approve(services.versions_of(project=line.project, year=2017)[0], admin)
    services.new_version(project=line.project, year=2017, created_by=admin)
    with pytest.raises(services.BudgetError):
        services.save_budget_line(line=line, project=line.project, year=2017, category=BudgetCategory.TRAVEL,
                                  name="Reiser", budgeted_amount="500")


def test_route_refuses_to_edit_an_approved_budget(client, login, db):
    admin = login("admin")
    line = factories.make_budget_line(amount="500")
    [version] = services.versions_of(project=line.project, year=2017)
    _approve(version, admin)
    db.session.commit()
    response = client.post(f"/budget/lines/{line.id}/edit", data={
        "project_id": line.project_id, "year": 2017, "category": line.category.value, "name": line.name,
        "budgeted_amount": "999"})
    assert response.status_code == 409
    assert "godkjent og låst" in response.get_data(as_text=True)
    db.session.expire_all()
    assert services.latest_amount(line=line) == Decimal("500.00")


def test_approve_and_new_version_through_the_pages(client, login, db):
    login("admin")
    line = factories.make_budget_line(amount="500")
    db.session.commit()
    [version] = services.versions_of(project=line.project, year=2017)
    page = client.get(f"/budget/versions/{line.project_id}/2017")
    assert page.status_code == 200 and "decision_reference" in page.get_data(as_text=True)
    client.post(f"/budget/versions/{version.id}/approve", data={"decision_reference": "sak 12/2017",
                                                                 "decided_on": "2017-03-01"})
    db.session.expire_all()
    assert services.versions_of(project=line.project, year=2017)[0].decision_reference == "sak 12/2017"
    client.post(f"/budget/versions/{line.project_id}/2017/new")
    assert [v.number for v in services.versions_of(project=line.project, year=2017)] == [1, 2]


def test_settling_a_deficit_through_the_page_is_audited_and_reported(client, login, db):
    login("admin")
    line = factories.make_budget_line(amount="500")
    db.session.commit()
    response = client.post(f"/budget/results/{line.project_id}/2017", data={
        "amount": "500", "settled_by": "Disposisjonsfond", "decision_reference": "sak 10/2018",
        "decided_on": "2018-03-15"})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Disposisjonsfond" in page and "sak 10/2018" in page
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.action == "budget.result_settled"))
