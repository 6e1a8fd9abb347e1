"""A view's change is committed, or rolled back with the service's refusal flashed and the user sent back."""

import pytest
import sqlalchemy as sa
from flask import get_flashed_messages
from werkzeug.exceptions import HTTPException

from kunstvest.auth.models import User
from kunstvest.common.commits import committed_or_flashed
from tests import factories


class Refusal(Exception):
    pass


def _emails(db) -> list[str]:
    db.session.rollback()  # only what was committed is left
    return list(db.session.scalars(sa.select(User.email).order_by(User.email)))


def test_a_change_without_refusal_is_committed_and_the_view_goes_on(app, db):
    with app.test_request_context():
        with committed_or_flashed(Refusal, back="/back"):
            factories.make_user(email="kept@example.org")
        reached = True
        assert get_flashed_messages() == []

    assert reached and _emails(db) == ["kept@example.org"]


def test_a_refusal_is_rolled_back_flashed_and_sends_the_user_back(app, db):
    factories.make_user(email="earlier@example.org")
    db.session.commit()
    with app.test_request_context():
        with pytest.raises(HTTPException) as sent_back:
            with committed_or_flashed(ValueError, Refusal, back="/applications/admin/calls/7"):
                factories.make_user(email="undone@example.org")
                raise Refusal("The call is not open.")
        assert get_flashed_messages(with_categories=True) == [("error", "The call is not open.")]

    response = sent_back.value.get_response()
    assert (response.status_code, response.headers["Location"]) == (302, "/applications/admin/calls/7")
    assert _emails(db) == ["earlier@example.org"]


def test_any_other_error_is_not_caught_and_nothing_is_committed(app, db):
    with app.test_request_context():
        with pytest.raises(KeyError):
            with committed_or_flashed(Refusal, back="/back"):
                factories.make_user(email="lost@example.org")
                raise KeyError("a bug")
        assert get_flashed_messages() == []

    assert _emails(db) == []
