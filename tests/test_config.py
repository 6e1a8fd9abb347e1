"""Production configuration refuses unsafe settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import ProductionConfig
from kunstvest import create_app

GOOD_SECRET = "s" * 40
PUBLIC_URL = "https://kunstvest.example.no"
ROOT = Path(__file__).resolve().parent.parent


def test_production_refuses_the_development_secret():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", SECRET_KEY="dev-only-not-secret",
                   SQLALCHEMY_DATABASE_URI="postgresql+psycopg://u@localhost/db")


def test_production_refuses_sqlite_unless_allowed():
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app("production", SECRET_KEY=GOOD_SECRET, SQLALCHEMY_DATABASE_URI="sqlite:////tmp/x.sqlite")
    app = create_app("production", SECRET_KEY=GOOD_SECRET, SQLALCHEMY_DATABASE_URI="sqlite:////tmp/x.sqlite",
                     ALLOW_SQLITE_IN_PRODUCTION=True, PUBLIC_URL=PUBLIC_URL)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_cookie_settings():
    assert ProductionConfig.SESSION_COOKIE_HTTPONLY and ProductionConfig.SESSION_COOKIE_SAMESITE == "Lax"
    assert ProductionConfig.REMEMBER_COOKIE_DURATION.days == 30


def test_production_starts_with_the_secret_from_the_environment():
    """The documented deployment: SECRET_KEY and DATABASE_URL come from the environment."""
    env = {**os.environ, "KUNSTVEST_CONFIG": "production", "SECRET_KEY": GOOD_SECRET,
           "DATABASE_URL": "postgresql+psycopg://kunstvest@127.0.0.1/kunstvest", "PUBLIC_URL": PUBLIC_URL}
    started = subprocess.run([sys.executable, "-c", "from kunstvest import create_app; create_app()"],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert started.returncode == 0, started.stderr


def test_behind_a_trusted_proxy_the_visitors_address_and_scheme_are_used():
    app = create_app("testing", PROXY_FIX_HOPS=1)

    @app.route("/_echo")
    def echo():
        from flask import request, url_for

        return f"{request.remote_addr} {url_for('main.index', _external=True)}"

    response = app.test_client().get("/_echo", headers={"X-Forwarded-For": "203.0.113.9",
                                                         "X-Forwarded-Proto": "https",
                                                         "X-Forwarded-Host": "kunst.vestregionen.no"})
    assert response.get_data(as_text=True) == "203.0.113.9 https://kunst.vestregionen.no/"
