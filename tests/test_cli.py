"""CLI commands: demo season, admin creation and backups."""

import json
import tarfile

import sqlalchemy as sa

from kunstvest.auth.models import Role, User
from kunstvest.budget.models import LineKind
from kunstvest.budget.services import budget_lines_with_actuals, project_by_code, totals
from kunstvest.reference.models import Municipality
from kunstvest.reference.services import member_municipalities


def test_demo_load_is_idempotent(demo_loaded_twice):
    output, first, second = demo_loaded_twice
    assert second == first
    for role in Role:
        assert role.value in output


def test_demo_holds_the_members_and_the_2017_budgets(runner, db):
    runner.invoke(args=["demo", "load"])
    assert len(member_municipalities()) == 15
    assert {m.county.name for m in db.session.scalars(sa.select(Municipality))} == {"Akershus", "Buskerud",
                                                                                  "Vestfold"}
    krv = totals(budget_lines_with_actuals(year=2017, project=project_by_code("kunst-rett-vest")))
    assert krv.result_budget == -300000
    orchestra = budget_lines_with_actuals(year=2017, project=project_by_code("ungdomssymfonikerne"))
    assert sorted(f.budgeted for f in orchestra if f.line.kind == LineKind.INCOME) == [25700, 75000, 500000]


def test_create_admin(runner, db, monkeypatch):
    monkeypatch.setenv("KUNSTVEST_ADMIN_PASSWORD", "a long admin password")
    result = runner.invoke(args=["users", "create-admin", "--email", "Leder@Example.org", "--name", "Leder"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "leder@example.org"))
    assert user.has_role(Role.ADMIN) and user.is_verified
    again = runner.invoke(args=["users", "create-admin", "--email", "leder@example.org", "--name", "Leder"])
    assert again.exit_code != 0


def test_backup_writes_a_restorable_file(runner, db, tmp_path):
    runner.invoke(args=["demo", "load"])
    result = runner.invoke(args=["backup", "--to", str(tmp_path)])
    assert result.exit_code == 0, result.output
    [backup] = list(tmp_path.iterdir())
    assert backup.suffix == ".tar"
    with tarfile.open(backup) as archive:
        dump = archive.extractfile(json.loads(archive.extractfile("manifest.json").read())["database"]["member"])
        (tmp_path / "dump").write_bytes(dump.read())
    assert (tmp_path / "dump").stat().st_size > 10_000
    if db.engine.dialect.name == "sqlite":
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'dump'}")
        with engine.connect() as connection:
            assert connection.scalar(sa.text("SELECT count(*) FROM municipalities")) == 15
        engine.dispose()
    else:
        assert (tmp_path / "dump").read_bytes().startswith(b"PGDMP")


def test_demo_actuals_reproduce_the_reported_results(runner, db):
    """Kunst rett vest 2017 −223,707 (budget −300,000), 2016 −289,794 as budgeted; the orchestra 2017 +7,086."""
    runner.invoke(args=["demo", "load"])
    runner.invoke(args=["demo", "load"])
    expected = {("kunst-rett-vest", 2017): (-300000, -223707), ("kunst-rett-vest", 2016): (-289794, -289794),
                ("ungdomssymfonikerne", 2017): (0, 7086)}
    for (code, year), (budgeted, actual) in expected.items():
        result = totals(budget_lines_with_actuals(year=year, project=project_by_code(code)))
        assert (result.result_budget, result.result_actual) == (budgeted, actual), (code, year)
