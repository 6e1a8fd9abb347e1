"""kunstvest: Vestregionen's culture programme, from the open call to the annual accounts."""

import os
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS, ProductionConfig


def create_app(config_name: str | None = None, **overrides) -> Flask:
    """Build the application: configuration, extensions, blueprints, security headers, CLI."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    configure(app, config_name or os.environ.get("KUNSTVEST_CONFIG", "development"), overrides)
    register_extensions(app)
    register_input_guards(app)
    register_blueprints(app)
    register_security_headers(app)
    register_template_context(app)
    register_cli(app)
    return app


def configure(app: Flask, config_name: str, overrides: dict) -> None:
    config_class = CONFIGS[config_name]
    app.config.from_object(config_class)
    app.config.update(overrides)
    if config_class is ProductionConfig:
        ProductionConfig.check(app.config)
    if hops := app.config["PROXY_FIX_HOPS"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(os.path.dirname(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")),
                    exist_ok=True)


def select_locale() -> str:
    """The language the visitor chose (remembered in the session and on the account), else bokmål."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def register_extensions(app: Flask) -> None:
    from kunstvest.common import sqlite_pragmas, storage
    from kunstvest.common.models import render_migration_item
    from kunstvest.extensions import babel, csrf, db, login_manager, mail, migrate

    db.init_app(app)
    with app.app_context():
        sqlite_pragmas.install(db.engine)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "..", "migrations"),
                     render_as_batch=True, compare_type=True, render_item=render_migration_item)
    login_manager.init_app(app)
    mail.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=os.path.join(app.root_path, "translations"))
    storage.init_app(app)


def register_input_guards(app: Flask) -> None:
    from kunstvest.common import input_guards

    input_guards.install(app)


def register_blueprints(app: Flask) -> None:
    from kunstvest.admin import bp as admin_bp
    from kunstvest.applications import bp as applications_bp
    from kunstvest.ateliers import bp as ateliers_bp
    from kunstvest.auth import bp as auth_bp
    from kunstvest.budget import bp as budget_bp
    from kunstvest.errors import bp as errors_bp
    from kunstvest.exhibitions import bp as exhibitions_bp
    from kunstvest.main import bp as main_bp
    from kunstvest.orchestra import bp as orchestra_bp
    from kunstvest.reference import bp as reference_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(errors_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(reference_bp, url_prefix="/reference")
    app.register_blueprint(budget_bp, url_prefix="/budget")
    app.register_blueprint(applications_bp, url_prefix="/applications")
    app.register_blueprint(exhibitions_bp, url_prefix="/exhibitions")
    app.register_blueprint(ateliers_bp, url_prefix="/ateliers")
    app.register_blueprint(orchestra_bp, url_prefix="/orchestra")


def content_security_policy(map_tile_url: str) -> str:
    """Only our own scripts, styles and images, plus the map tiles of the configured tile server."""
    tiles = urlsplit(map_tile_url)
    tile_origin = f"{tiles.scheme}://{tiles.netloc}" if tiles.scheme and tiles.netloc else ""
    return "; ".join([
        "default-src 'self'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "object-src 'none'",
        f"img-src 'self' data: {tile_origin}".strip(),
    ])


def register_security_headers(app: Flask) -> None:
    policy = content_security_policy(app.config["MAP_TILE_URL"])

    @app.after_request
    def add_security_headers(response):
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        if request.endpoint and not request.endpoint.startswith("static") and current_user.is_authenticated:
            response.headers["Cache-Control"] = "private, no-store"
        return response


def register_template_context(app: Flask) -> None:
    from kunstvest.common import formatting
    from kunstvest.main.navigation import navigation_for

    app.jinja_env.filters.update(formatting.FILTERS)

    @app.context_processor
    def inject_navigation():
        return {"navigation": navigation_for(current_user), "current_locale": str(get_locale())}


def register_cli(app: Flask) -> None:
    from kunstvest.cli import COMMAND_GROUPS

    for group in COMMAND_GROUPS:
        app.cli.add_command(group)
