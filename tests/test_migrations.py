"""Migrations build the same schema as the models, and undo cleanly."""

import os
import sys

import pytest
import sqlalchemy as sa

import kunstvest
from kunstvest import create_app
from kunstvest.extensions import db as _db


def test_upgrade_check_and_downgrade(empty_database_url):
    app = create_app("development", SQLALCHEMY_DATABASE_URI=empty_database_url, DEBUG=False)
    runner = app.test_cli_runner()
    with app.app_context():  # the commands would otherwise run in the test database's context
        upgrade = runner.invoke(args=["db", "upgrade"])
        assert upgrade.exit_code == 0, upgrade.output
        assert set(_db.metadata.tables) <= set(sa.inspect(_db.engine).get_table_names())
        check = runner.invoke(args=["db", "check"])
        assert check.exit_code == 0, check.output + str(check.exception)
        downgrade = runner.invoke(args=["db", "downgrade", "base"])
        assert downgrade.exit_code == 0, downgrade.output
        assert set(sa.inspect(_db.engine).get_table_names()) <= {"alembic_version"}
        _db.engine.dispose()


def test_every_model_module_is_imported_by_the_app():
    """Autogenerate sees only imported models: each domain's models.py must be reachable from create_app()."""
    create_app("testing")
    package_dir = os.path.dirname(kunstvest.__file__)
    model_modules = {
        "kunstvest.common.audit", "kunstvest.common.outbox",
    } | {
        f"kunstvest.{entry}.models" for entry in os.listdir(package_dir)
        if os.path.exists(os.path.join(package_dir, entry, "models.py"))
    }
    assert model_modules <= set(sys.modules)


def test_budget_amounts_move_into_version_one_and_back(empty_database_url):
    """The versions migration keeps every budgeted amount and every transaction's year, both ways."""
    app = create_app("development", SQLALCHEMY_DATABASE_URI=empty_database_url, DEBUG=False)
    runner = app.test_cli_runner()
    with app.app_context():
        assert runner.invoke(args=["db", "upgrade", "076a7e128a08"]).exit_code == 0
        with _db.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO projects (id, code, name, description, is_active, created_at, updated_at) "
                "VALUES (1, 'krv', 'Kunst rett vest', '', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            connection.execute(sa.text(
                "INSERT INTO budget_lines (id, project_id, year, kind, category, name, budgeted_amount, note, "
                "created_at, updated_at) VALUES (1, 1, 2017, 'income', 'membership_fee', 'Vestregionen', "
                "900000.00, '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            connection.execute(sa.text(
                "INSERT INTO transactions (id, budget_line_id, booked_on, amount, text, voucher_number, created_at)"
                " VALUES (1, 1, '2017-03-01', 900000.00, 'Bidrag', '17-001', CURRENT_TIMESTAMP)"))
        assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
        with _db.engine.connect() as connection:
            assert connection.execute(sa.text(
                "SELECT v.number, v.status, a.amount FROM budget_amounts a JOIN budget_versions v "
                "ON v.id = a.version_id")).one() == (1, "draft", 900000)
            assert connection.scalar(sa.text("SELECT fiscal_year FROM transactions")) == 2017
        assert runner.invoke(args=["db", "downgrade", "076a7e128a08"]).exit_code == 0
        with _db.engine.connect() as connection:
            assert connection.scalar(sa.text("SELECT budgeted_amount FROM budget_lines")) == 900000
        _db.engine.dispose()
