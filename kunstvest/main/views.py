"""Front page, dashboard, language choice and health check."""

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from kunstvest.common.redirects import local_target
from kunstvest.exhibitions.labels import WEEKDAY_LABELS
from kunstvest.extensions import db
from kunstvest.main import bp
from kunstvest.main.dashboard import panels_for
from kunstvest.main.season import season_now

OSLO = ZoneInfo("Europe/Oslo")


@bp.route("/")
def index():
    """The public front page: the season now, for visitors, artists and families."""
    return render_template("main/index.html", now=season_now(datetime.now(OSLO).date()),
                           weekday_labels=[str(label) for label in WEEKDAY_LABELS])


@bp.route("/dashboard")
@login_required
def dashboard():
    return render_template("main/dashboard.html", panels=panels_for(current_user))


@bp.route("/language", methods=["POST"])
def set_language():
    locale = request.form.get("locale", "")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        session.permanent = True
        if current_user.is_authenticated:
            current_user.locale = locale
            db.session.commit()
    return redirect(local_target(request.form.get("next"), url_for("main.index")))


@bp.route("/healthz")
def healthz():
    db.session.execute(sa.text("SELECT 1"))
    return jsonify(status="ok")
