"""Configuration classes; every secret and URL comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
DEVELOPMENT_SECRET_KEY = "dev-only-not-secret"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'kunstvest.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)

    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    # Uploaded images live outside static/ and are served only through access checks.
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    # "local" keeps uploads in UPLOAD_DIR; "s3" puts them in a bucket that every app instance reads (README).
    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local")
    S3_BUCKET = os.environ.get("S3_BUCKET", "")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL") or None
    S3_REGION = os.environ.get("S3_REGION") or None
    S3_ACCESS_KEY_ID = os.environ.get("S3_ACCESS_KEY_ID") or None
    S3_SECRET_ACCESS_KEY = os.environ.get("S3_SECRET_ACCESS_KEY") or None
    S3_PREFIX = os.environ.get("S3_PREFIX", "")
    IMAGE_MAX_BYTES = 20 * 1024 * 1024
    IMAGE_MIN_LONG_SIDE = 1200
    # Memory per upload grows with pixels: a 24 MP photo peaks near 290 MB in a worker (bench/image_upload.py).
    IMAGE_MAX_MEGAPIXELS = 40
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    # The atelier guide's map; the list works without it. The tile server's origin is added to the CSP's img-src.
    MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    MAP_ATTRIBUTION = os.environ.get("MAP_ATTRIBUTION", "© OpenStreetMap contributors")

    BABEL_DEFAULT_LOCALE = "nb"
    BABEL_DEFAULT_TIMEZONE = "Europe/Oslo"
    LANGUAGES = {"nb": "Norsk (bokmål)", "en": "English"}

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "1025"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0") == "1"
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "0") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Vestregionen kultur <kultur@vestregionen.no>")
    MAIL_TIMEOUT_SECONDS = 15
    OUTBOX_MAX_ATTEMPTS = 8

    # Login throttling (README, "Login throttling"): an account waits after LOGIN_MAX_FAILURES failures, from
    # LOGIN_FIRST_WAIT doubling up to the window; a network waits seconds, never minutes, once its failures span
    # LOGIN_NETWORK_ADDRESSES addresses, because a school class or a venue's wifi shares one IP.
    LOGIN_MAX_FAILURES = 5
    LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
    LOGIN_FIRST_WAIT = timedelta(minutes=1)
    LOGIN_NETWORK_ADDRESSES = 30
    LOGIN_NETWORK_WAIT = timedelta(seconds=2)
    LOGIN_NETWORK_MAX_WAIT = timedelta(seconds=60)
    TOKEN_MAX_AGE = timedelta(days=2)
    # Reset links and "you already have an account" notices per address and hour, so nobody can flood a mailbox.
    ACCOUNT_MAILS_PER_HOUR = 3
    # The site's address for links in mail; never taken from the request's Host header.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://localhost:5000")

    BACKUP_DIR = os.environ.get("BACKUP_DIR", str(INSTANCE_DIR / "backups"))
    # The guide, wall labels and price list are made after the response that changed them (common/stored_pdfs.py).
    PDF_BUILD_AFTER_CHANGE = True
    PREFERRED_URL_SCHEME = "http"
    # Proxies in front of the app whose X-Forwarded-For/-Proto/-Host are trusted (login throttling needs real IPs).
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "0"))


class DevelopmentConfig(Config):
    DEBUG = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    MAIL_SUPPRESS_SEND = True
    PDF_BUILD_AFTER_CHANGE = False  # seconds of WeasyPrint per edit; tests/common/test_stored_pdfs.py turns it on


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "")
    ALLOW_SQLITE_IN_PRODUCTION = os.environ.get("ALLOW_SQLITE_IN_PRODUCTION", "0") == "1"

    @classmethod
    def check(cls, settings) -> None:
        """Refuse to start with a development secret, without PUBLIC_URL, without a bucket for S3 storage or,
        unless allowed, an embedded database."""
        secret = settings.get("SECRET_KEY") or ""
        if secret == DEVELOPMENT_SECRET_KEY or len(secret) < 32:
            raise RuntimeError("ProductionConfig needs SECRET_KEY from the environment (at least 32 characters).")
        if settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") and not settings.get("ALLOW_SQLITE_IN_PRODUCTION"):
            raise RuntimeError("ProductionConfig needs DATABASE_URL (PostgreSQL); set ALLOW_SQLITE_IN_PRODUCTION=1 to override.")
        public_url = urlsplit(settings.get("PUBLIC_URL") or "")
        if public_url.scheme not in ("http", "https") or not public_url.netloc:
            raise RuntimeError("ProductionConfig needs PUBLIC_URL, the site's address for links in mail "
                               "(e.g. https://kunstvest.example.no).")
        backend = settings.get("STORAGE_BACKEND", "local")
        if backend not in ("local", "s3"):
            raise RuntimeError("ProductionConfig needs STORAGE_BACKEND 'local' or 's3'.")
        if backend == "s3" and not settings.get("S3_BUCKET"):
            raise RuntimeError("ProductionConfig with STORAGE_BACKEND=s3 needs S3_BUCKET.")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
