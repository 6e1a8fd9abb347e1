"""Where uploads live: a local folder (the default) or an S3-compatible bucket that every app instance reads."""

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Protocol

from flask import Flask, current_app

EXTENSION_KEY = "kunstvest.storage"
TEMPORARY_SUFFIX = ".part"


class Storage(Protocol):
    """Bytes by key; a key is a relative "/"-path such as "ab/ab…/thumb.jpg", the path under UPLOAD_DIR."""

    def put(self, key: str, data: bytes, *, content_type: str = "application/octet-stream") -> None: ...
    def get(self, key: str) -> bytes: ...  # KeyError if missing
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...  # no error if missing
    def keys(self, prefix: str = "") -> Iterator[str]: ...  # every key under prefix, sorted


def checked_key(key: str) -> str:
    """The key itself if it is a plain relative "/"-path; ValueError for "..", absolute paths, NUL or empty parts."""
    if not key or "\x00" in key or "\\" in key or key.startswith("/"):
        raise ValueError(f"invalid storage key: {key!r}")
    if any(part in ("", ".", "..") for part in key.split("/")):
        raise ValueError(f"invalid storage key: {key!r}")
    return key


class LocalStorage:
    """Files under one folder; each write lands whole or not at all (temp file + os.replace)."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*PurePosixPath(checked_key(key)).parts)

    def put(self, key: str, data: bytes, *, content_type: str = "application/octet-stream") -> None:
        path = self._path(key)
        for attempt in range(3):
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=TEMPORARY_SUFFIX)
                break
            except FileNotFoundError:
                if attempt == 2:
                    raise  # a delete kept pruning the folder we had just made
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise KeyError(key) from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        path = self._path(key)
        try:
            path.unlink()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return
        # Folders exist only for their files, as "folders" do in a bucket: empty ones go with their last file.
        for folder in path.parents:
            if folder == self.root:
                break
            try:
                folder.rmdir()
            except OSError:
                break

    def keys(self, prefix: str = "") -> Iterator[str]:
        folder = prefix.rpartition("/")[0]
        base = self._path(folder) if folder else self.root
        if not base.is_dir():
            return iter(())
        found = (path.relative_to(self.root).as_posix() for path in base.rglob("*")
                 if path.is_file() and not _is_temporary(path.name))
        return iter(sorted(key for key in found if key.startswith(prefix)))


def _is_temporary(name: str) -> bool:
    return name.startswith(".") and name.endswith(TEMPORARY_SUFFIX)


class S3Storage:
    """Objects in one S3-compatible bucket, every key under an optional prefix."""

    def __init__(self, *, bucket: str, endpoint_url: str | None = None, region: str | None = None,
                 access_key_id: str | None = None, secret_access_key: str | None = None, prefix: str = "") -> None:
        # Imported here: boto3 adds about 25 MB to every worker, which the local backend does not need.
        import boto3
        from botocore.config import Config as BotoConfig

        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = boto3.client(
            "s3", endpoint_url=endpoint_url or None, region_name=region or None,
            aws_access_key_id=access_key_id or None, aws_secret_access_key=secret_access_key or None,
            config=BotoConfig(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=30),
        )

    def _object_key(self, key: str) -> str:
        return self.prefix + checked_key(key)

    def put(self, key: str, data: bytes, *, content_type: str = "application/octet-stream") -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._object_key(key), Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._object_key(key))
        except self.client.exceptions.NoSuchKey:
            raise KeyError(key) from None
        return response["Body"].read()

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._object_key(key))
        except self.client.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        # S3 answers a delete of a missing key with success, which is the contract.
        self.client.delete_object(Bucket=self.bucket, Key=self._object_key(key))

    def keys(self, prefix: str = "") -> Iterator[str]:
        # ListObjectsV2 returns keys in UTF-8 binary order, the same order as sorted() on str.
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
            for item in page.get("Contents", []):
                yield item["Key"].removeprefix(self.prefix)


def storage_from_config(settings) -> Storage:
    """The backend STORAGE_BACKEND names, built from the S3_* settings or UPLOAD_DIR."""
    backend = settings.get("STORAGE_BACKEND", "local")
    if backend == "local":
        return LocalStorage(settings["UPLOAD_DIR"])
    if backend == "s3":
        if not settings.get("S3_BUCKET"):
            raise RuntimeError("STORAGE_BACKEND=s3 needs S3_BUCKET.")
        return S3Storage(bucket=settings["S3_BUCKET"], endpoint_url=settings.get("S3_ENDPOINT_URL"),
                         region=settings.get("S3_REGION"), access_key_id=settings.get("S3_ACCESS_KEY_ID"),
                         secret_access_key=settings.get("S3_SECRET_ACCESS_KEY"), prefix=settings.get("S3_PREFIX") or "")
    raise RuntimeError(f"STORAGE_BACKEND must be 'local' or 's3', not {backend!r}.")


def init_app(app: Flask) -> None:
    """Build the app's storage once from its configuration."""
    app.extensions[EXTENSION_KEY] = storage_from_config(app.config)


def storage() -> Storage:
    """The current app's storage."""
    return current_app.extensions[EXTENSION_KEY]
