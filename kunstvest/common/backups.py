"""Backups as one .tar archive, the database dump and every upload, and their restore (`flask backup`/`restore`)."""

import hashlib
import io
import json
import mimetypes
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL

from kunstvest.common.storage import checked_key, storage
from kunstvest.extensions import db

ARCHIVE_FORMAT = "kunstvest-backup/1"
MANIFEST = "manifest.json"
UPLOADS = "uploads/"
DATABASE_MEMBERS = {"sqlite": "database.sqlite", "postgresql": "database.dump"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


@dataclass(frozen=True)
class BackupOutcome:
    path: Path
    backend: str
    uploads: int
    upload_bytes: int


@dataclass(frozen=True)
class RestoreOutcome:
    backend: str
    tables: int
    rows: int
    uploads: int
    uploads_not_in_backup: int
    revision: str | None


def write_backup(*, folder: Path, now: datetime | None = None) -> BackupOutcome:
    """Write kunstvest-<time>.tar to `folder`: the database dump, every upload and a manifest with their checksums."""
    backend = _backend()
    now = now or datetime.now(timezone.utc)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"kunstvest-{now.astimezone():%Y%m%d-%H%M%S}.tar"
    partial = path.with_name(path.name + ".part")
    store = storage()
    uploads = []
    partial.unlink(missing_ok=True)
    try:
        # The dump is made next to the archive, not in /tmp, which may be a small RAM disk. The archive holds
        # personal data, so only its owner may read it, whatever the umask.
        with tempfile.TemporaryDirectory(dir=folder, prefix=".kunstvest-dump-") as workdir, \
                open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file, \
                tarfile.open(fileobj=file, mode="w") as archive:
            dump = Path(workdir) / DATABASE_MEMBERS[backend]
            _dump_database(backend, dump)
            archive.add(dump, arcname=dump.name)
            for key in store.keys():
                try:
                    content = store.get(key)
                except KeyError:
                    continue  # erased since the listing: nothing left to back up
                uploads.append({"key": key, "bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()})
                _add_bytes(archive, UPLOADS + key, content)
            manifest = {"format": ARCHIVE_FORMAT, "created_at": now.isoformat(timespec="seconds"),
                        "database": {"backend": backend, "member": dump.name, "revision": _revision()},
                        "uploads": uploads}
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=1).encode())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return BackupOutcome(path=path, backend=backend, uploads=len(uploads),
                         upload_bytes=sum(upload["bytes"] for upload in uploads))


def stored_rows() -> dict[str, int]:
    """The row count of every table of the app that exists in the database, by table name."""
    existing = set(sa.inspect(db.engine).get_table_names())
    counts = {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
              for table in db.metadata.sorted_tables if table.name in existing}
    db.session.rollback()
    return counts


def restore_backup(*, path: Path, force: bool = False) -> RestoreOutcome:
    """Put the database and every upload of the archive at `path` back; refuses a database holding data unless
    `force`. Everything in the archive is checked before anything is changed."""
    backend = _backend()
    with _open_archive(path) as archive:
        manifest = _checked_manifest(archive, backend)
        uploads = _checked_uploads(archive, manifest)
        rows = sum(stored_rows().values())
        if rows and not force:
            raise BackupError(f"the database holds {rows} rows; restoring replaces them all: "
                              "give --force if that is what you want")
        db.session.remove()
        # Pooled connections would hold locks the restore has to take, or keep SQLite pages the restore replaces.
        db.engine.dispose()
        with tempfile.TemporaryDirectory(prefix="kunstvest-restore-") as workdir:
            dump = Path(workdir) / manifest["database"]["member"]
            with archive.extractfile(manifest["database"]["member"]) as source, dump.open("wb") as target:
                shutil.copyfileobj(source, target)
            _restore_database(backend, dump)
        store = storage()
        for upload in uploads:
            content = archive.extractfile(UPLOADS + upload["key"]).read()
            store.put(upload["key"], content, content_type=_content_type(upload["key"]))
    restored = stored_rows()
    archived_keys = {upload["key"] for upload in uploads}
    return RestoreOutcome(backend=backend, tables=len(restored), rows=sum(restored.values()), uploads=len(uploads),
                          uploads_not_in_backup=sum(1 for key in store.keys() if key not in archived_keys),
                          revision=manifest["database"].get("revision"))


def _backend() -> str:
    backend = db.engine.url.get_backend_name()
    if backend not in DATABASE_MEMBERS:
        raise BackupError(f"no backup method for {backend}")
    return backend


def _revision() -> str | None:
    """The Alembic revision of the schema, if the database has one (tests build theirs with create_all)."""
    if not sa.inspect(db.engine).has_table("alembic_version"):
        return None
    revision = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
    db.session.rollback()
    return revision


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    member = tarfile.TarInfo(name)
    member.size = len(content)
    member.mtime = int(datetime.now(timezone.utc).timestamp())
    member.mode = 0o600
    archive.addfile(member, io.BytesIO(content))


def _content_type(key: str) -> str:
    return mimetypes.guess_type(key)[0] or "application/octet-stream"


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The database address for pg_dump/pg_restore, with the password in the environment rather than on the
    command line, where every local user could read it."""
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed")
    completed = subprocess.run(command, env=env, capture_output=True, text=True)
    if completed.returncode != 0:
        raise BackupError(f"{command[0]} failed ({completed.returncode}): {completed.stderr.strip()}")


def _dump_database(backend: str, dump: Path) -> None:
    if backend == "postgresql":
        address, env = _libpq(db.engine.url)
        _run(["pg_dump", "--format=custom", f"--file={dump}", address], env)
        return
    # The online backup API copies a consistent snapshot while the app keeps writing; it works for :memory: too.
    with db.engine.connect() as connection, closing(sqlite3.connect(dump)) as copy:
        connection.connection.driver_connection.backup(copy)


def _restore_database(backend: str, dump: Path) -> None:
    if backend == "postgresql":
        address, env = _libpq(db.engine.url)
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction",
              f"--dbname={address}", str(dump)], env)
        return
    with closing(sqlite3.connect(dump)) as source, db.engine.connect() as connection:
        source.backup(connection.connection.driver_connection)


def _open_archive(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{path} is not a backup archive: {error}") from None


def _checked_manifest(archive: tarfile.TarFile, backend: str) -> dict:
    """The archive's manifest, if it is one of ours for this database's kind."""
    try:
        manifest = json.loads(archive.extractfile(MANIFEST).read())
    except (KeyError, AttributeError, ValueError):
        raise BackupError("the archive has no readable manifest.json; was it made by `flask backup`?") from None
    if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
        raise BackupError(f"the archive's format is not {ARCHIVE_FORMAT}")
    archived = manifest.get("database", {}).get("backend")
    if archived != backend:
        raise BackupError(f"the archive holds a {archived} database; this app uses {backend}")
    if manifest["database"].get("member") != DATABASE_MEMBERS[backend]:
        raise BackupError("the archive's manifest names no database dump")
    try:
        archive.getmember(DATABASE_MEMBERS[backend])
    except KeyError:
        raise BackupError(f"the archive has no {DATABASE_MEMBERS[backend]}") from None
    return manifest


def _checked_uploads(archive: tarfile.TarFile, manifest: dict) -> list[dict]:
    """The manifest's uploads, each present in the archive with its size and checksum."""
    uploads = manifest.get("uploads")
    if not isinstance(uploads, list):
        raise BackupError("the archive's manifest lists no uploads")
    for upload in uploads:
        try:
            key = checked_key(upload["key"])
            content = archive.extractfile(UPLOADS + key).read()
        except (KeyError, TypeError, ValueError, AttributeError):
            raise BackupError(f"the upload {upload!r} in the manifest is missing from the archive") from None
        if len(content) != upload.get("bytes") or hashlib.sha256(content).hexdigest() != upload.get("sha256"):
            raise BackupError(f"the upload {key} in the archive does not match its checksum")
    return uploads
