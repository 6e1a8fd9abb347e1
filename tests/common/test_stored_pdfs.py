"""Stored PDFs: WeasyPrint runs once per content; a change makes a new PDF once the response that made it has gone
out, so the next download is a stored file; an older version is deleted; both languages are made."""

import pytest
import weasyprint

from kunstvest.auth.models import Role
from kunstvest.common.storage import storage
from kunstvest.common.stored_pdfs import PREFIX
from tests import factories
from tests.exhibitions.test_exhibition_services import exhibition_with_works

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def renders(monkeypatch):
    """Every WeasyPrint rendering, counted."""
    made = []
    write_pdf = weasyprint.HTML.write_pdf

    def counted(self, *args, **kwargs):
        made.append(self)
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", counted)
    return made


@pytest.fixture
def build_after_change(app):
    app.config["PDF_BUILD_AFTER_CHANGE"] = True
    yield
    app.config["PDF_BUILD_AFTER_CHANGE"] = False


def _stored(prefix: str) -> list[str]:
    return list(storage().keys(f"{PREFIX}/{prefix}"))


def _placement_data(works, numbers) -> dict:
    data = {}
    for chosen, number in zip(works, numbers):
        data |= {f"room_{chosen.id}": "Hall A", f"wall_{chosen.id}": "1", f"label_{chosen.id}": str(number)}
    return data


def test_an_unchanged_document_is_rendered_once_and_a_change_replaces_it(client, db, login, renders):
    login(Role.ADMIN)
    exhibition, _, works = exhibition_with_works(db, count=2)
    db.session.commit()
    url = f"/exhibitions/admin/{exhibition.id}/wall-labels.pdf"

    first, again = client.get(url), client.get(url)

    assert first.status_code == again.status_code == 200 and first.data == again.data
    assert len(renders) == 1
    assert len(_stored(f"wall-labels/{exhibition.id}/")) == 1
    works[0].title = "Fjordlys i november"
    db.session.commit()
    changed = client.get(url)
    assert len(renders) == 2 and changed.data != first.data
    assert len(_stored(f"wall-labels/{exhibition.id}/")) == 1  # the older version is gone


def test_saving_the_placement_makes_both_pdfs_in_both_languages_before_anyone_downloads_them(
        client, db, login, renders, build_after_change):
    login(Role.ADMIN)
    exhibition, _, works = exhibition_with_works(db, count=3)
    db.session.commit()

    saved = client.post(f"/exhibitions/admin/{exhibition.id}/placements", data=_placement_data(works, [1, 2, 3]))
    assert len(renders) == 0  # not while the response is on its way
    saved.close()  # as the server does once the response has gone out

    assert saved.status_code == 302
    assert len(renders) == 4  # wall labels and price list, in English (this request's language) and bokmål
    assert [key.split("/")[3] for key in _stored(f"wall-labels/{exhibition.id}/")] == ["en", "nb"]
    assert [key.split("/")[3] for key in _stored(f"price-list/{exhibition.id}/")] == ["en", "nb"]
    for document in ("wall-labels", "price-list"):
        assert client.get(f"/exhibitions/admin/{exhibition.id}/{document}.pdf").status_code == 200
    assert len(renders) == 4  # served as stored


def test_publishing_the_guide_makes_its_pdf_before_anyone_downloads_it(client, db, login, renders,
                                                                       build_after_change):
    login(Role.ADMIN)
    applications = factories.make_accepted_applications(count=2)
    open_ateliers = factories.make_open_ateliers(season=applications[0].call.season)
    factories.make_atelier(open_ateliers=open_ateliers, applications=applications, address="Storgata 1")
    db.session.commit()
    year = open_ateliers.year

    published = client.post(f"/ateliers/admin/{year}/publish", data={"anyway": "y"})
    published.close()

    assert published.status_code == 302
    assert len(_stored(f"guide/{year}/all-any-time/")) == 2  # English and bokmål
    made = len(renders)
    download = client.get(f"/ateliers/{year}/guide.pdf")
    assert download.status_code == 200 and download.data.startswith(b"%PDF") and len(renders) == made
    filtered = client.get(f"/ateliers/{year}/guide.pdf?open_now=y")
    assert filtered.status_code == 200 and len(renders) == made + 1  # a filtered guide is made on demand


def test_a_failed_build_after_the_response_leaves_the_response_alone(client, db, login, monkeypatch,
                                                                      build_after_change):
    login(Role.ADMIN)
    exhibition, _, works = exhibition_with_works(db, count=1)
    db.session.commit()

    def broken(self, *args, **kwargs):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", broken)
    saved = client.post(f"/exhibitions/admin/{exhibition.id}/placements", data=_placement_data(works, [1]))
    saved.close()
    assert saved.status_code == 302
    assert _stored("") == []


def test_erasing_an_artist_forgets_every_stored_pdf_that_may_name_them(client, db, login):
    from kunstvest.common.personal_data import erase_user

    admin = login(Role.ADMIN)
    exhibition, _, works = exhibition_with_works(db, count=1)
    db.session.commit()
    client.get(f"/exhibitions/admin/{exhibition.id}/price-list.pdf")
    assert _stored("")
    erase_user(user=works[0].application.artist.user, erased_by=admin)
    db.session.commit()
    assert _stored("") == []
