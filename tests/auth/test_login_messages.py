"""A failed login says what failed, as far as that tells nobody who has an account."""

import pytest

from kunstvest.auth.services import authenticate
from tests import factories

pytestmark = pytest.mark.usefixtures("english")


def _message(email: str, password: str) -> str:
    return str(authenticate(email=email, password=password, ip="192.0.2.7").error)


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(db):
    factories.make_user(email="kari@example.org")
    assert _message("kari@example.org", "not the password") == "Wrong email or password."
    assert _message("nobody@example.org", "not the password") == "Wrong email or password."


def test_a_switched_off_account_is_told_so_only_with_the_right_password(db):
    user = factories.make_user(email="ola@example.org")
    user.is_enabled = False
    db.session.flush()
    assert _message("ola@example.org", "not the password") == "Wrong email or password."
    assert _message("ola@example.org", factories.PASSWORD) == (
        "Your account is switched off. Ask the secretariat if you need it again.")


def test_an_unconfirmed_address_is_told_to_confirm_it(db):
    factories.make_user(email="per@example.org", verified=False)
    assert _message("per@example.org", factories.PASSWORD).startswith("Confirm your email address first")


def test_the_lockout_says_how_long_to_wait(db):
    factories.make_user(email="liv@example.org")
    for _ in range(5):
        _message("liv@example.org", "wrong")
    assert _message("liv@example.org", factories.PASSWORD).startswith("Too many failed attempts. Wait 1 minute")
