"""How a view ends a change that a service may refuse: committed, or rolled back with the refusal shown."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import abort, flash, redirect

from kunstvest.extensions import db


@contextmanager
def committed_or_flashed(*refusals: type[Exception], back: str) -> Iterator[None]:
    """Commit what the block changed; if it raises one of `refusals`, roll back, flash it and redirect to `back`."""
    try:
        yield
    except refusals as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        # A response given to abort() is sent as it is, so the code after the block runs only once committed.
        abort(redirect(back))
    db.session.commit()
