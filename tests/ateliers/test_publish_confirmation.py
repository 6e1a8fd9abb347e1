"""Publishing the atelier guide asks first: the page names who has no atelier and who has not approved, and changes
nothing; the POST numbers and publishes, and the flash says who is left out."""

import pytest
import sqlalchemy as sa

from kunstvest.ateliers.models import Atelier, OpenAteliers
from kunstvest.auth.models import Role
from kunstvest.common.models import utcnow
from tests import factories

pytestmark = pytest.mark.usefixtures("english")

URL = "/ateliers/admin/2017/publish"


def _page(response) -> str:
    return response.get_data(as_text=True)


def _published_at(db):
    db.session.expire_all()
    return db.session.scalar(sa.select(OpenAteliers.guide_published_at))


def test_publishing_the_guide_asks_first_and_names_who_is_left_out(client, db, login):
    applications = factories.make_accepted_applications(count=3)
    open_ateliers = factories.make_open_ateliers(season=applications[0].call.season)
    atelier = factories.make_atelier(open_ateliers=open_ateliers, applications=applications[:2])
    atelier.artists[0].approved_at = utcnow()
    db.session.commit()
    approved, unapproved, without = (application.artist.name for application in applications)
    login(Role.ADMIN)

    assert f'href="{URL}"' in _page(client.get("/ateliers/admin/2017"))
    page = _page(client.get(URL))

    assert "Publish the atelier guide 2017?" in page
    assert "1 atelier gets its number and is shown in the public guide." in page
    assert "1 accepted artist has no atelier" in page
    assert without in page.split('id="without-atelier"')[1].split("</ul>")[0]
    assert "1 artist has not approved their entry" in page
    listed = page.split('id="unapproved"')[1].split("</ul>")[0]
    assert unapproved in listed and approved not in listed
    assert 'name="anyway"' in page and 'href="/ateliers/admin/2017"' in page
    assert _published_at(db) is None and db.session.scalar(sa.select(Atelier.guide_number)) is None

    refused = _page(client.post(URL, follow_redirects=True))  # the unapproved entry needs «publish anyway»
    assert "Publish the atelier guide 2017?" in refused and _published_at(db) is None

    published = _page(client.post(URL, data={"anyway": "y"}, follow_redirects=True))

    assert "The guide is published with 1 atelier." in published
    assert f"1 artist in it has not approved their entry: {unapproved}." in published
    assert f"1 accepted artist has no atelier and is not in the guide: {without}." in published
    assert _published_at(db) is not None and db.session.scalar(sa.select(Atelier.guide_number)) == 1


def test_publishing_again_warns_that_the_numbers_may_change(client, db, login):
    applications = factories.make_accepted_applications(count=1)
    open_ateliers = factories.make_open_ateliers(season=applications[0].call.season, guide_published_at=utcnow())
    factories.make_atelier(open_ateliers=open_ateliers, applications=applications)
    open_ateliers.ateliers[0].artists[0].approved_at = utcnow()
    db.session.commit()
    login(Role.ADMIN)

    page = _page(client.get(URL))

    assert "Publishing again numbers the ateliers afresh" in page
    assert "Every accepted artist has an atelier in the guide." in page
    assert "Every artist in the guide has approved their entry." in page and 'name="anyway"' not in page
