"""Command-line interface: demo data, users, the outbox worker, backups and their restore."""

import getpass
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from kunstvest.applications.cli import applications_cli
from kunstvest.common import backups
from kunstvest.extensions import db
from kunstvest.orchestra.cli import orchestra_cli

demo_cli = AppGroup("demo", help="The demo season.")
users_cli = AppGroup("users", help="Accounts.")
outbox_cli = AppGroup("outbox", help="The mail outbox.")


@demo_cli.command("load")
def demo_load() -> None:
    """Load the demo season; running it again adds nothing."""
    from kunstvest.demo import DEMO_PASSWORD, load_demo_season

    logins = load_demo_season()
    db.session.commit()
    click.echo("Demo season loaded. Demo logins (password for all: %s):" % DEMO_PASSWORD)
    for role, email in logins:
        click.echo(f"  {role:<16} {email}")


@users_cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", "full_name", prompt="Full name")
@click.option("--password", envvar="KUNSTVEST_ADMIN_PASSWORD", default=None,
              help="Read from KUNSTVEST_ADMIN_PASSWORD, else asked for.")
def create_admin_command(email: str, full_name: str, password: str | None) -> None:
    """Create a verified secretariat (admin) account."""
    from kunstvest.auth.services import create_admin, find_user_by_email

    if find_user_by_email(email) is not None:
        raise click.ClickException(f"an account with {email} exists already")
    password = password or getpass.getpass("Password: ")
    if len(password) < 10:
        raise click.ClickException("the password needs at least 10 characters")
    create_admin(email=email, password=password, full_name=full_name)
    db.session.commit()
    click.echo(f"Admin {email} created.")


@outbox_cli.command("send")
@click.option("--watch", is_flag=True, help="Keep running and send every few seconds.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between rounds with --watch.")
def outbox_send(watch: bool, interval: float) -> None:
    """Deliver due mail from the outbox, with retries and backoff."""
    from kunstvest.common.outbox import send_due_messages

    while True:
        counts = send_due_messages()
        if any(counts.values()) or not watch:
            click.echo(" ".join(f"{key}={value}" for key, value in counts.items()))
        if not watch:
            return
        time.sleep(interval)


@click.command("backup")
@click.option("--to", "target_dir", default=None, help="Folder for the archive (default BACKUP_DIR).")
def backup(target_dir: str | None) -> None:
    """Back up the database (pg_dump, or SQLite's online backup) and every upload into one .tar archive."""
    try:
        outcome = backups.write_backup(folder=Path(target_dir or current_app.config["BACKUP_DIR"]))
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written to {outcome.path}: the {outcome.backend} database and {outcome.uploads} uploads "
               f"({outcome.upload_bytes / 1_000_000:.1f} MB).")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that holds data (everything in it is lost).")
def restore(archive: Path, force: bool) -> None:
    """Restore the database and every upload from an archive made by `flask backup`."""
    try:
        outcome = backups.restore_backup(path=archive, force=force)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored the {outcome.backend} database ({outcome.rows} rows in {outcome.tables} tables) and "
               f"{outcome.uploads} uploads from {archive}.")
    if outcome.uploads_not_in_backup:
        click.echo(f"{outcome.uploads_not_in_backup} uploads in storage are not in the backup; they were left alone.")
    click.echo(f"Schema revision of the backup: {outcome.revision or 'none recorded'}; "
               "run `flask db upgrade` if this release is newer.")


COMMAND_GROUPS = (demo_cli, users_cli, outbox_cli, backup, restore, orchestra_cli, applications_cli)
