"""Registration asks what the visitor is here for: «Register a child» leads to a guardian account, not an artist's."""

import re
from datetime import date

import pytest

from kunstvest.auth.models import Role
from kunstvest.common.models import utcnow
from tests import factories

pytestmark = pytest.mark.usefixtures("english")

FORM = {"full_name": "Per Forelder", "email": "per@example.org", "password": "fiolin og cello hver dag",
        "password_again": "fiolin og cello hver dag"}


def _checked_role(html: str) -> list[str]:
    return re.findall(r'<input[^>]*checked[^>]*name="role"[^>]*value="(\w+)"|'
                      r'<input[^>]*name="role"[^>]*value="(\w+)"[^>]*checked', html)


def _checked(html: str) -> set[str]:
    return {value for pair in _checked_role(html) for value in pair if value}


def test_the_form_preselects_nothing_when_the_visitor_has_not_said(client):
    assert _checked(client.get("/auth/register").get_data(as_text=True)) == set()


def test_register_a_child_preselects_the_guardian_account(client):
    assert _checked(client.get("/auth/register?as=guardian").get_data(as_text=True)) == {"guardian"}
    assert _checked(client.get("/auth/register?as=artist").get_data(as_text=True)) == {"artist"}
    assert _checked(client.get("/auth/register?as=admin").get_data(as_text=True)) == set()


def test_the_orchestra_page_links_to_a_guardian_registration(client, db):
    orchestra_season = factories.make_orchestra_season(year=date.today().year + 1, is_registration_open=True)
    db.session.commit()
    assert orchestra_season.is_registration_open
    html = client.get("/orchestra/").get_data(as_text=True)
    assert "/auth/register?as=guardian" in html


def test_without_a_choice_the_form_asks_for_one_and_creates_nothing(client, db):
    from kunstvest.auth.services import find_user_by_email

    html = client.post("/auth/register", data=FORM).get_data(as_text=True)
    assert "Choose what you are registering as." in html
    assert find_user_by_email("per@example.org") is None


def test_a_guardian_account_gets_the_guardian_role_and_is_asked_to_register_a_child(client, db):
    from kunstvest.auth.services import find_user_by_email

    factories.make_orchestra_season(year=date.today().year + 1, is_registration_open=True)
    db.session.commit()
    client.post("/auth/register", data={**FORM, "role": "guardian"})
    user = find_user_by_email("per@example.org")
    assert user is not None and user.has_role(Role.GUARDIAN) and not user.has_role(Role.ARTIST)
    user.email_verified_at = utcnow()
    db.session.commit()
    client.post("/auth/login", data={"email": FORM["email"], "password": FORM["password"]})
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Register your child for the season" in dashboard
    assert 'href="/orchestra/children/new"' in dashboard
