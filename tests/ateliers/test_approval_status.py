"""The open-atelier admin page: the proofing heading and its text agree whether none, some or all artists have
approved, or there are none; the numbering hint never reads «1 to 0»."""

import re

import pytest

from kunstvest.auth.models import Role
from kunstvest.common.models import utcnow
from tests import factories

pytestmark = pytest.mark.usefixtures("english")


def _proofing(client) -> tuple[str, str]:
    """The heading of the proofing section and the text under it, without tags."""
    page = client.get("/ateliers/admin/2017").get_data(as_text=True)
    heading, rest = re.search(r'<h2 id="unapproved-heading">(.*?)</h2>(.*?)<h2', page, re.S).groups()
    return heading.strip(), " ".join(re.sub(r"<[^>]+>", " ", rest).split())


def _ateliers(open_ateliers, applications, approved: int) -> None:
    for number, application in enumerate(applications):
        atelier = factories.make_atelier(open_ateliers=open_ateliers, applications=[application])
        if number < approved:
            atelier.artists[0].approved_at = utcnow()


@pytest.mark.parametrize(("approved", "heading", "text"), [
    (0, "Not approved yet", "2 of 2 artists have not approved their entry:"),
    (1, "Not approved yet", "1 of 2 artists has not approved their entry:"),
    (2, "All approved", "All 2 artists have approved their entry."),
])
def test_the_heading_and_the_text_agree(client, db, login, season, approved, heading, text):
    open_ateliers, applications = season
    _ateliers(open_ateliers, applications, approved)
    db.session.commit()
    login(Role.ADMIN)

    shown_heading, shown_text = _proofing(client)

    assert shown_heading == heading and shown_text.startswith(text)
    if heading == "Not approved yet":
        assert "have approved their entry" not in shown_text
    else:
        assert "not approved" not in shown_text.lower()


def test_with_no_artists_nothing_claims_everyone_approved_and_nothing_is_numbered_1_to_0(client, db, login, season):
    login(Role.ADMIN)

    heading, text = _proofing(client)
    page = client.get("/ateliers/admin/2017").get_data(as_text=True)

    assert heading == "Approval" and "nothing to approve" in text
    assert "Every artist has approved" not in page and "All 0" not in page
    assert "1 to 0" not in page and "nothing to number or publish" in page


def test_one_atelier_is_numbered_1_not_1_to_1(client, db, login, season):
    open_ateliers, applications = season
    _ateliers(open_ateliers, applications[:1], approved=1)
    db.session.commit()
    login(Role.ADMIN)

    page = client.get("/ateliers/admin/2017").get_data(as_text=True)

    assert "1 to 1" not in page and "Publishing gives the one atelier number 1." in page
