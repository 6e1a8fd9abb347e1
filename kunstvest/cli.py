"""Command-line interface: demo data, users, the outbox worker and backups."""

import getpass
import os
import shutil
import sqlite3
import subprocess
import time
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from kunstvest.applications.cli import applications_cli
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
@click.option("--to", "target_dir", default=None, help="Folder for the backup file (default BACKUP_DIR).")
def backup(target_dir: str | None) -> None:
    """Back up the database: SQLite's online backup, or pg_dump for PostgreSQL."""
    target = Path(target_dir or current_app.config["BACKUP_DIR"])
    target.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        path = target / f"kunstvest-{stamp}.sqlite"
        source = sqlite3.connect(url.database)
        with sqlite3.connect(path) as copy:
            source.backup(copy)
        source.close()
    elif url.get_backend_name() == "postgresql":
        if shutil.which("pg_dump") is None:
            raise click.ClickException("pg_dump is not installed")
        path = target / f"kunstvest-{stamp}.dump"
        libpq_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
        env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
        subprocess.run(["pg_dump", "--format=custom", f"--file={path}", libpq_url], check=True, env=env)
    else:
        raise click.ClickException(f"no backup method for {url.get_backend_name()}")
    click.echo(f"Backup written to {path}")


COMMAND_GROUPS = (demo_cli, users_cli, outbox_cli, backup, orchestra_cli, applications_cli)
