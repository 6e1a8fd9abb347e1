"""The artist's pages through the client: profile, works with real uploads, submission, withdrawal, the chosen work."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from kunstvest.applications import deciding
from kunstvest.applications.models import Application, ApplicationStatus, CallPhase, ImageFile
from kunstvest.auth.models import Role
from kunstvest.common.outbox import OutboxMessage
from tests import factories


pytestmark = pytest.mark.usefixtures("english")


def jpeg(size=(1600, 1200), exif=None) -> io.BytesIO:
    stream = io.BytesIO()
    Image.linear_gradient("L").resize(size).convert("RGB").save(stream, "JPEG", exif=exif or Image.Exif())
    stream.seek(0)
    return stream


def _stored_files(app) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return sorted(root.rglob("*.jpg")) if root.exists() else []


@pytest.fixture
def artist_client(client, login, db):
    """A logged-in artist with a profile, and an open call."""
    user = login(Role.ARTIST)
    artist = factories.make_artist(user=user, name="Synlig Navnesen")
    call = factories.make_call(min_works=1)
    db.session.commit()
    return client, artist, call


def _add_work(client, image=None, title="Fjordlys"):
    return client.post("/applications/my/works/new", data={
        "title": title, "year": "2017", "technique": "Olje på lerret", "width_cm": "60", "height_cm": "80",
        "price": "12000", "image": (image or jpeg(), "IMG_1234.jpg")}, content_type="multipart/form-data")


def test_the_call_page_shows_the_image_limits_before_upload(client, db):
    factories.make_call()
    db.session.commit()
    page = client.get("/applications/").get_data(as_text=True)
    assert "at least 1200 pixels on the long side" in page and "at most 40 megapixels" in page


@pytest.mark.parametrize(("low", "high", "said"), [
    (3, 6, "Between 3 and 6 works, each with"), (3, 3, "3 works, each with"), (1, 1, "1 work, with an image")])
def test_the_call_page_says_how_many_works_without_between_3_and_3(client, db, low, high, said):
    factories.make_call(min_works=low, max_works=high)
    db.session.commit()
    page = client.get("/applications/").get_data(as_text=True)
    assert said in page and f"Between {low} and {low} " not in page


def test_an_artist_applies_with_a_work_and_submits_once(artist_client, db, app):
    client, artist, call = artist_client
    assert client.post("/applications/my/start").status_code == 302
    assert client.post("/applications/my/start").status_code == 302  # a double click
    client.post("/applications/my/statement", data={"statement": "Jeg maler lys."})
    form_page = client.get("/applications/my/works/new").get_data(as_text=True)
    assert 'data-max-bytes="20971520"' in form_page and "at most 20 MB" in form_page
    assert _add_work(client).status_code == 302
    first = client.post("/applications/my/submit", follow_redirects=True)
    assert "Your application is submitted" in first.get_data(as_text=True)
    again = client.post("/applications/my/submit", follow_redirects=True)
    assert "already submitted" in again.get_data(as_text=True)
    applications = list(db.session.scalars(sa.select(Application)))
    assert len(applications) == 1 and applications[0].status == ApplicationStatus.SUBMITTED
    receipts = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == "application_received"))
    assert len(list(receipts)) == 1
    assert len(_stored_files(app)) >= 4


def test_a_submission_after_the_deadline_is_refused_with_a_clear_message(artist_client, db):
    client, artist, call = artist_client
    application = factories.make_application(call=call, artist=artist, submit=False)
    call.closes_at = factories.utcnow() - timedelta(minutes=1)
    call.opens_at = call.closes_at - timedelta(days=30)
    db.session.commit()
    page = client.post("/applications/my/submit", follow_redirects=True).get_data(as_text=True)
    assert "The deadline was" in page and "can no longer be submitted" in page
    assert db.session.get(Application, application.id).status == ApplicationStatus.DRAFT


def test_gps_exif_is_gone_from_an_uploaded_image(artist_client, app):
    client, artist, call = artist_client
    client.post("/applications/my/start")
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (59.0, 54.0, 0.0), 3: "E", 4: (10.0, 45.0, 0.0)})
    assert _add_work(client, image=jpeg(exif=exif)).status_code == 302
    for path in _stored_files(app):
        with Image.open(path) as stored:
            assert not stored.getexif() and "exif" not in stored.info


@pytest.mark.parametrize("upload, message", [
    (io.BytesIO(b"this is not a picture"), "not a JPEG, PNG or WebP image"),
    (jpeg(size=(1, 1)), "at least 1200 pixels on the long side"),
])
def test_a_bad_image_gets_a_clear_error_and_nothing_is_stored(artist_client, app, db, upload, message):
    client, artist, call = artist_client
    client.post("/applications/my/start")
    response = _add_work(client, image=upload)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ImageFile.id))) == 0
    assert _stored_files(app) == []
    # What the artist typed is still in the form.
    assert 'value="Fjordlys"' in response.get_data(as_text=True)


def test_a_decompression_bomb_is_refused_and_nothing_is_stored(artist_client, app, db):
    client, artist, call = artist_client
    client.post("/applications/my/start")
    bomb = io.BytesIO()
    Image.new("1", (20000, 20000)).save(bomb, "PNG")
    bomb.seek(0)
    response = _add_work(client, image=bomb)
    assert response.status_code == 422 and "megapixels" in response.get_data(as_text=True)
    assert _stored_files(app) == [] and db.session.scalar(sa.select(sa.func.count(ImageFile.id))) == 0


def test_an_oversized_request_gets_the_friendly_413_page(artist_client, app):
    client, artist, call = artist_client
    client.post("/applications/my/start")
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    try:
        response = _add_work(client, image=io.BytesIO(b"\xff" * 100_000))
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True).lower()
    assert _stored_files(app) == []


def test_images_are_shown_only_to_those_allowed(client, login, db, app):
    owner = login(Role.ARTIST)
    call = factories.make_call(min_works=1)
    application = factories.make_application(call=call, artist=factories.make_artist(user=owner), submit=False)
    image = _store_real_image(app, db)
    work = application.works[0]
    work.image_id = image.id
    db.session.commit()
    url = f"/applications/works/{work.id}/image/thumb.jpg"
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert "filename" not in response.headers.get("Content-Disposition", "")
    login(Role.ARTIST)  # another artist
    assert client.get(url).status_code == 404
    login(Role.JURY)  # a juror not on this call's jury
    assert client.get(url).status_code == 404
    login(Role.ADMIN)
    assert client.get(url).status_code == 200


def _store_real_image(app, db):
    from kunstvest.applications.images import ImageLimits
    from kunstvest.applications.services import save_image
    from kunstvest.common.storage import storage

    image = save_image(stream=jpeg(), limits=ImageLimits.from_config(app.config), store=storage())
    db.session.commit()
    return image


def test_decisions_are_hidden_until_published_then_the_artist_chooses_a_work(artist_client, db, login):
    client, artist, call = artist_client
    admin = factories.make_user(roles=[Role.ADMIN])
    application = factories.make_application(call=call, artist=artist)
    call.phase = CallPhase.DECIDING
    deciding.decide(application=application, status=ApplicationStatus.ACCEPTED, actor=admin)
    db.session.commit()
    page = client.get("/applications/my").get_data(as_text=True)
    assert "Submitted" in page and "Accepted" not in page and "Congratulations" not in page
    assert client.get("/applications/my/exhibition-work").status_code == 302
    deciding.publish_decisions(call=db.session.get(type(call), call.id), actor=admin)
    db.session.commit()
    page = client.get("/applications/my").get_data(as_text=True)
    assert "Congratulations" in page and "Action required: choose your exhibition work" in page
    work = application.works[0]
    response = client.post("/applications/my/exhibition-work", data={
        "source_work_id": str(work.id), "title": work.title, "technique": "Olje", "price": "15000",
        "insurance_value": "20000", "is_for_sale": "1", "confirm": "y"}, follow_redirects=True)
    assert "Your exhibition work is confirmed" in response.get_data(as_text=True)
    db.session.expire_all()
    chosen = db.session.get(Application, application.id).chosen_work
    assert chosen.confirmed_at is not None and chosen.image_id == work.image_id


def test_the_artist_withdraws_with_a_confirmation(artist_client, db):
    client, artist, call = artist_client
    application = factories.make_application(call=call, artist=artist)
    db.session.commit()
    refused = client.post("/applications/my/withdraw", data={}, follow_redirects=True)
    assert "Tick the box" in refused.get_data(as_text=True)
    client.post("/applications/my/withdraw", data={"confirm": "y"})
    assert db.session.get(Application, application.id).status == ApplicationStatus.WITHDRAWN


def test_an_artist_without_a_profile_is_sent_to_make_one(client, login, db):
    login(Role.ARTIST)
    factories.make_call()
    db.session.commit()
    response = client.get("/applications/my")
    assert response.status_code == 302 and response.headers["Location"].endswith("/applications/profile")
