"""`flask orchestra …`: the nightly expiry of offered places and the anonymisation of former members."""

from contextlib import nullcontext

import click
from flask import current_app
from flask.cli import AppGroup

from kunstvest.common.jobs import one_copy_at_a_time
from kunstvest.extensions import db
from kunstvest.orchestra import admission

orchestra_cli = AppGroup("orchestra", help="The youth orchestra.")


def _links_context(base_url: str | None):
    """A request context for the links in the emails: the offer links need the site's address outside a request."""
    if base_url:
        return current_app.test_request_context(base_url=base_url)
    if current_app.config.get("SERVER_NAME"):
        return nullcontext()
    raise click.ClickException("give --base-url (or KUNSTVEST_BASE_URL, or SERVER_NAME) for the links in the emails")


@orchestra_cli.command("expire-offers")
@click.option("--base-url", envvar="KUNSTVEST_BASE_URL", default=None,
              help="The site's address for the links in the emails, e.g. https://kunstvest.example.org.")
@one_copy_at_a_time(admission.EXPIRE_OFFERS_JOB)
def expire_offers_command(base_url: str | None) -> None:
    """Expire offered places not accepted by their date, tell the guardians, and offer the places to the next on the
    waiting list (for cron; running it twice, even on two machines at once, expires and mails nothing twice)."""
    with _links_context(base_url):
        outcome = admission.expire_offers(today=admission.today_in_oslo())
        db.session.commit()
    click.echo(f"{len(outcome.expired)} offers expired ({outcome.guardians_mailed} guardians emailed), "
               f"{len(outcome.offered)} places offered to the next waiting.")


@orchestra_cli.command("anonymise")
@click.option("--years", default=3, show_default=True, type=click.IntRange(min=1),
              help="Anonymise members whose time with the orchestra ended more than this many years ago.")
@one_copy_at_a_time("orchestra anonymise")
def anonymise_command(years: int) -> None:
    """Anonymise former members: names and notes go, the year of birth stays for the statistics."""
    anonymised = admission.anonymise_former_members(years=years, today=admission.today_in_oslo())
    db.session.commit()
    click.echo(f"{len(anonymised)} former members anonymised.")
