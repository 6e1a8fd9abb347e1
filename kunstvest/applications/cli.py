"""`flask applications …`: the daily reminder to artists whose application is still a draft before the deadline."""

import click
from flask.cli import AppGroup

from kunstvest.applications import reminders
from kunstvest.common.jobs import one_copy_at_a_time
from kunstvest.extensions import db

applications_cli = AppGroup("applications", help="The open call.")


@applications_cli.command("remind-drafts")
@click.option("--days", default=3, show_default=True, type=click.IntRange(min=1, max=60),
              help="Remind the artists of drafts in calls that close within this many days.")
@one_copy_at_a_time("applications remind-drafts")
def remind_drafts_command(days: int) -> None:
    """Email each artist whose application is still a draft when the call closes within DAYS days, once per draft
    (for cron; running it again, even on two machines at once, emails nobody twice)."""
    outcome = reminders.remind_drafts(days=days)
    db.session.commit()
    click.echo(f"{len(outcome.mailed)} artists reminded of their draft, "
               f"{len(outcome.reminded_before)} reminded before and not again.")
    for draft, reason in outcome.not_mailed:
        click.echo(f"Not emailed ({reason}): {draft.artist.name}, {draft.call.title}.")
