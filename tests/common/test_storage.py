"""Upload storage: one contract for the local folder and S3 (moto's server), and an upload journey on S3."""

import io
import os
import uuid

import boto3
import pytest
import sqlalchemy as sa
from PIL import Image

from config import ProductionConfig
from kunstvest.applications.images import RENDITIONS, image_key
from kunstvest.applications.models import Work
from kunstvest.auth.models import Role
from kunstvest.common import storage as storage_module
from kunstvest.common.personal_data import erase_user
from kunstvest.common.storage import LocalStorage, S3Storage, storage, storage_from_config
from tests import factories

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


def s3_client(endpoint_url: str):
    """A plain boto3 client on the moto server, to look at the bucket behind the app's back."""
    return boto3.client("s3", endpoint_url=endpoint_url, **CREDENTIALS)


def new_bucket(endpoint_url: str) -> str:
    """A fresh, empty bucket on the moto server."""
    name = f"kunstvest-{uuid.uuid4().hex[:16]}"
    s3_client(endpoint_url).create_bucket(Bucket=name)
    return name


def bucket_keys(endpoint_url: str, bucket: str) -> list[str]:
    """Every object key in the bucket, prefix and all."""
    listing = s3_client(endpoint_url).list_objects_v2(Bucket=bucket)
    return [item["Key"] for item in listing.get("Contents", [])]


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    """Each backend in turn: a folder under tmp_path, or a fresh bucket on the moto server with a key prefix."""
    if request.param == "local":
        return LocalStorage(tmp_path / "uploads")
    endpoint_url = request.getfixturevalue("s3_server")
    return S3Storage(bucket=new_bucket(endpoint_url), endpoint_url=endpoint_url, region="us-east-1",
                     access_key_id="testing", secret_access_key="testing", prefix="kunstvest/")


# --- the contract ------------------------------------------------------------------------------------------------------

def test_put_then_get_exists_and_overwrite(store):
    every_byte = bytes(range(256)) * 4
    assert not store.exists("ab/one.jpg")
    store.put("ab/one.jpg", every_byte, content_type="image/jpeg")
    assert store.exists("ab/one.jpg") and store.get("ab/one.jpg") == every_byte
    store.put("ab/one.jpg", b"second")
    assert store.get("ab/one.jpg") == b"second"
    store.put("empty", b"")
    assert store.exists("empty") and store.get("empty") == b""


def test_a_missing_key_raises_key_error_and_deleting_it_is_quiet(store):
    with pytest.raises(KeyError):
        store.get("ab/missing.jpg")
    store.delete("ab/missing.jpg")
    store.put("ab/here.jpg", b"x")
    store.delete("ab/here.jpg")
    assert not store.exists("ab/here.jpg")
    with pytest.raises(KeyError):
        store.get("ab/here.jpg")
    with pytest.raises(KeyError):
        store.get("ab")  # a "folder" is not a key


def test_keys_lists_every_key_under_a_prefix_sorted(store):
    for key in ["b/2.jpg", "a/x/1.jpg", "a/10.jpg", "a/1.jpg", "ab/1.jpg", "æ/ø.jpg", "z.jpg"]:
        store.put(key, key.encode())
    assert list(store.keys()) == ["a/1.jpg", "a/10.jpg", "a/x/1.jpg", "ab/1.jpg", "b/2.jpg", "z.jpg", "æ/ø.jpg"]
    assert list(store.keys("a/")) == ["a/1.jpg", "a/10.jpg", "a/x/1.jpg"]
    assert list(store.keys("a/1")) == ["a/1.jpg", "a/10.jpg"]
    assert list(store.keys("a")) == ["a/1.jpg", "a/10.jpg", "a/x/1.jpg", "ab/1.jpg"]
    assert list(store.keys("nothing/")) == []


@pytest.mark.parametrize("key", ["", "/etc/passwd", "../outside", "a/../../b", "a//b", "a/./b", "a\\b", "a\x00b",
                                 "folder/"])
def test_keys_that_could_leave_the_store_are_refused(store, key):
    for operation in (store.get, store.exists, store.delete, lambda k: store.put(k, b"x")):
        with pytest.raises(ValueError):
            operation(key)


def test_a_local_write_is_whole_or_absent_and_empty_folders_go_with_their_last_file(tmp_path, monkeypatch):
    store = LocalStorage(tmp_path)
    store.put("ab/cd/one.jpg", b"old")

    def crash(source, target):
        raise OSError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(os, "replace", crash)
        with pytest.raises(OSError):
            store.put("ab/cd/one.jpg", b"new")
    assert store.get("ab/cd/one.jpg") == b"old"
    assert os.listdir(tmp_path / "ab" / "cd") == ["one.jpg"], "no temporary file is left behind"
    store.put("ab/two.jpg", b"2")
    store.delete("ab/cd/one.jpg")
    assert sorted(os.listdir(tmp_path)) == ["ab"] and os.listdir(tmp_path / "ab") == ["two.jpg"]
    store.delete("ab/two.jpg")
    assert os.listdir(tmp_path) == []


def test_s3_keeps_every_object_under_its_prefix_with_its_content_type(s3_server):
    bucket = new_bucket(s3_server)
    store = S3Storage(bucket=bucket, endpoint_url=s3_server, region="us-east-1", access_key_id="testing",
                      secret_access_key="testing", prefix="/site-a/")
    s3_client(s3_server).put_object(Bucket=bucket, Key="site-b/ab/one.jpg", Body=b"another site's")
    store.put("ab/one.jpg", b"ours", content_type="image/jpeg")
    assert sorted(bucket_keys(s3_server, bucket)) == ["site-a/ab/one.jpg", "site-b/ab/one.jpg"]
    assert list(store.keys()) == ["ab/one.jpg"] and store.get("ab/one.jpg") == b"ours"
    head = s3_client(s3_server).head_object(Bucket=bucket, Key="site-a/ab/one.jpg")
    assert head["ContentType"] == "image/jpeg"


def test_s3_keys_pages_through_more_than_a_thousand_objects(s3_server):
    bucket = new_bucket(s3_server)
    store = S3Storage(bucket=bucket, endpoint_url=s3_server, region="us-east-1", access_key_id="testing",
                      secret_access_key="testing")
    client = s3_client(s3_server)
    for number in range(1005):
        client.put_object(Bucket=bucket, Key=f"n/{number:04}", Body=b"")
    listed = list(store.keys("n/"))
    assert len(listed) == 1005 and listed == sorted(listed) and listed[-1] == "n/1004"


# --- configuration ---------------------------------------------------------------------------------------------------

def test_the_backend_comes_from_the_configuration(tmp_path, s3_server):
    assert isinstance(storage_from_config({"STORAGE_BACKEND": "local", "UPLOAD_DIR": str(tmp_path)}), LocalStorage)
    s3 = storage_from_config({"STORAGE_BACKEND": "s3", "S3_BUCKET": "b", "S3_ENDPOINT_URL": s3_server,
                              "S3_REGION": "eu-north-1", "S3_PREFIX": "p"})
    assert isinstance(s3, S3Storage) and s3.bucket == "b" and s3.prefix == "p/"
    assert s3.client.meta.region_name == "eu-north-1" and s3.client.meta.endpoint_url == s3_server
    with pytest.raises(RuntimeError, match="S3_BUCKET"):
        storage_from_config({"STORAGE_BACKEND": "s3", "S3_BUCKET": ""})
    with pytest.raises(RuntimeError, match="'local' or 's3'"):
        storage_from_config({"STORAGE_BACKEND": "ftp", "UPLOAD_DIR": str(tmp_path)})


def test_production_refuses_s3_storage_without_a_bucket():
    settings = {"SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "postgresql://db/kunstvest",
                "PUBLIC_URL": "https://kunstvest.example.no", "STORAGE_BACKEND": "s3", "S3_BUCKET": ""}
    with pytest.raises(RuntimeError, match="S3_BUCKET"):
        ProductionConfig.check(settings)
    ProductionConfig.check({**settings, "S3_BUCKET": "kunstvest-uploads"})
    ProductionConfig.check({**settings, "STORAGE_BACKEND": "local"})


# --- an upload journey on S3 -------------------------------------------------------------------------------------------

@pytest.fixture
def s3_app(app, s3_server):
    """The app switched to STORAGE_BACKEND=s3 on a fresh bucket for one test; returns (endpoint, bucket)."""
    bucket = new_bucket(s3_server)
    settings = {"STORAGE_BACKEND": "s3", "S3_BUCKET": bucket, "S3_ENDPOINT_URL": s3_server, "S3_REGION": "us-east-1",
                "S3_ACCESS_KEY_ID": "testing", "S3_SECRET_ACCESS_KEY": "testing", "S3_PREFIX": "uploads"}
    saved_settings = {name: app.config.get(name) for name in settings}
    saved_storage = app.extensions[storage_module.EXTENSION_KEY]
    app.config.update(settings)
    storage_module.init_app(app)
    yield s3_server, bucket
    app.config.update(saved_settings)
    app.extensions[storage_module.EXTENSION_KEY] = saved_storage


def _photo() -> io.BytesIO:
    stream = io.BytesIO()
    Image.linear_gradient("L").resize((1600, 1200)).convert("RGB").save(stream, "JPEG")
    stream.seek(0)
    return stream


def test_an_upload_goes_to_s3_is_served_from_there_and_erasure_removes_it(s3_app, app, client, login, db):
    endpoint_url, bucket = s3_app
    user = login(Role.ARTIST)
    artist = factories.make_artist(user=user, name="Skyvik Bøttesen")
    factories.make_call(min_works=1)
    db.session.commit()
    assert client.post("/applications/my/start").status_code == 302
    response = client.post("/applications/my/works/new", data={
        "title": "Sky", "year": "2017", "technique": "Olje", "width_cm": "60", "height_cm": "80", "price": "12000",
        "image": (_photo(), "IMG_1.jpg")}, content_type="multipart/form-data")
    assert response.status_code == 302

    work = db.session.scalar(sa.select(Work))
    sha256 = work.image.sha256
    assert sorted(bucket_keys(endpoint_url, bucket)) == sorted(
        f"uploads/{image_key(sha256=sha256, rendition=rendition)}" for rendition in RENDITIONS)
    assert not os.path.exists(app.config["UPLOAD_DIR"]) or not any(os.scandir(app.config["UPLOAD_DIR"]))

    url = f"/applications/works/{work.id}/image/thumb.jpg"
    served = client.get(url)
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.data == storage().get(image_key(sha256=sha256, rendition="thumb"))
    assert Image.open(io.BytesIO(served.data)).size == (320, 240)
    assert served.headers["ETag"] == f'"{sha256}-thumb"' and "Last-Modified" not in served.headers
    assert served.headers["Content-Length"] == str(len(served.data))
    assert client.get(url, headers={"If-None-Match": served.headers["ETag"]}).status_code == 304
    part = client.get(url, headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and part.data == served.data[:10]
    assert client.get(f"/applications/works/{work.id}/image/huge.jpg").status_code == 404

    erase_user(user=artist.user, erased_by=factories.make_user(roles=[Role.ADMIN]))
    db.session.commit()
    assert bucket_keys(endpoint_url, bucket) == []


def test_an_image_missing_from_s3_is_a_404_not_a_500(s3_app, client, login, db):
    owner = login(Role.ARTIST)
    application = factories.make_application(artist=factories.make_artist(user=owner), submit=False)
    db.session.commit()
    work = application.works[0]  # its image row has no objects behind it
    assert client.get(f"/applications/works/{work.id}/image/thumb.jpg").status_code == 404
