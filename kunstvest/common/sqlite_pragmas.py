"""SQLite settings that make the embedded database behave: foreign keys, WAL and a busy timeout."""

from sqlalchemy import event
from sqlalchemy.engine import Engine


def install(engine: Engine) -> None:
    """Turn on foreign keys and WAL for every new SQLite connection; other databases are left alone."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def set_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
