"""The restore drill: the demo backed up with `flask backup` and restored with `flask restore` into an empty database
and an empty upload folder has every table's rows, every report figure and every upload's bytes."""

import io
import json
import tarfile

import pytest
import sqlalchemy as sa

from kunstvest import create_app
from kunstvest.budget import reports
from kunstvest.budget.models import BudgetLine, Project
from kunstvest.common.backups import stored_rows
from kunstvest.common.storage import storage
from kunstvest.demo import load_demo_season
from kunstvest.extensions import db as _db
from tests import factories


@pytest.fixture
def restored_app(empty_database_url, tmp_path):
    """A second app on the empty database with its own empty upload folder."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url, SERVER_NAME="kunstvest.test",
                     UPLOAD_DIR=str(tmp_path / "restored-uploads"))
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def restore(app, *args: str):
    """`flask restore ARGS` on `app`, in its own app context: the CLI runner would use the test's app if pushed."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=["restore", *args])


def report_figures() -> dict:
    """Every budget report of every project and year in the database, as the reports module builds them."""
    figures = {"year over year": reports.year_over_year()}
    years = sorted(_db.session.scalars(sa.select(BudgetLine.year).distinct()))
    projects = list(_db.session.scalars(sa.select(Project).order_by(Project.code)))
    for year in years:
        figures[("annual report", year)] = reports.annual_report_section(year=year)
        for funder in reports.funders(year):
            figures[("funder", funder, year)] = reports.funder_report(funder=funder, year=year)
        for project in projects:
            figures[("budget vs actual", project.code, year)] = reports.budget_vs_actual(project=project, year=year)
            for tertial in (1, 2, 3):
                figures[("tertial", tertial, project.code, year)] = reports.tertial_report(
                    project=project, year=year, tertial=tertial)
    _db.session.rollback()
    return figures


def uploads() -> dict[str, bytes]:
    """Every upload's bytes by key."""
    store = storage()
    return {key: store.get(key) for key in store.keys()}


@pytest.fixture
def demo_backup(db, runner, tmp_path):
    """The demo season loaded and backed up: the archive, and the rows, reports and uploads it was made from."""
    load_demo_season()
    db.session.commit()
    before = {"rows": stored_rows(), "reports": report_figures(), "uploads": uploads()}
    result = runner.invoke(args=["backup", "--to", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    [archive] = (tmp_path / "backups").iterdir()
    assert archive.suffix == ".tar" and archive.stat().st_mode & 0o777 == 0o600
    assert f"and {len(before['uploads'])} uploads" in result.output
    return archive, before


def test_the_demo_comes_back_whole_in_an_empty_database_and_upload_folder(demo_backup, restored_app):
    archive, before = demo_backup
    assert len(before["uploads"]) >= 12 and before["rows"]["budget_lines"] > 0
    assert any(table.rows for report in before["reports"].values() for table in report.tables)
    with restored_app.app_context():
        assert sum(stored_rows().values()) == 0 and uploads() == {}

    result = restore(restored_app, str(archive))

    assert result.exit_code == 0, result.output
    total = sum(before["rows"].values())
    assert f"({total} rows in {len(before['rows'])} tables) and {len(before['uploads'])} uploads" in result.output
    with restored_app.app_context():
        assert stored_rows() == before["rows"]
        restored_reports = report_figures()
        assert restored_reports.keys() == before["reports"].keys()
        for name, report in before["reports"].items():
            assert restored_reports[name] == report, name
        assert uploads() == before["uploads"]


def test_a_database_with_data_is_replaced_only_with_force(demo_backup, restored_app):
    archive, before = demo_backup
    assert restore(restored_app, str(archive)).exit_code == 0
    with restored_app.app_context():
        factories.make_user()
        _db.session.commit()
        changed = stored_rows()

    refused = restore(restored_app, str(archive))

    assert refused.exit_code != 0 and "--force" in refused.output
    with restored_app.app_context():
        assert stored_rows() == changed == {**before["rows"], "users": before["rows"]["users"] + 1}
    forced = restore(restored_app, "--force", str(archive))
    assert forced.exit_code == 0, forced.output
    with restored_app.app_context():
        assert stored_rows() == before["rows"]


def test_an_archive_with_a_damaged_upload_changes_nothing(demo_backup, restored_app, tmp_path):
    archive, before = demo_backup
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        victim = json.loads(source.extractfile("manifest.json").read())["uploads"][0]["key"]
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name == f"uploads/{victim}":
                content = content[:-1] + bytes([content[-1] ^ 0xFF])
            target.addfile(member, io.BytesIO(content))

    result = restore(restored_app, str(damaged))

    assert result.exit_code != 0 and f"{victim} in the archive does not match its checksum" in result.output
    with restored_app.app_context():
        assert sum(stored_rows().values()) == 0 and uploads() == {}
