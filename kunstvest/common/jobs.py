"""Scheduled jobs that two machines' timers may start at once: the first copy runs, a second one skips."""

import functools
import hashlib

import click
import sqlalchemy as sa

from kunstvest.extensions import db


def job_lock_key(name: str) -> int:
    """The job's key for PostgreSQL's advisory locks: a stable signed 64-bit number from its name."""
    digest = hashlib.sha256(f"kunstvest job: {name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def try_job_lock(name: str) -> bool:
    """Take the job's lock until the current transaction ends; False when another copy holds it.

    SQLite serves a single machine, whose timer starts one copy at a time, so there is nothing to lock against.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    return db.session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(job_lock_key(name))))


def one_copy_at_a_time(name: str):
    """Run a `flask …` job command inside the transaction that holds the job's lock; a copy started while another
    holds it prints that it skipped and exits 0. The command's single commit ends the job and frees the lock."""

    def decorate(command):
        @functools.wraps(command)
        def guarded(*args, **kwargs):
            if not try_job_lock(name):
                click.echo(f"Skipped: another copy of `flask {name}` is running.")
                return None
            return command(*args, **kwargs)

        return guarded

    return decorate
