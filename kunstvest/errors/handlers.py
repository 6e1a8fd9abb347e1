"""Application-wide error handlers: a page for each status, JSON for API clients."""

from flask import render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from kunstvest.errors import bp
from kunstvest.extensions import db

PAGES = {400, 403, 404, 405, 413, 500}


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    code = error.code or 500
    if _wants_json():
        return {"error": error.name, "status": code}, code
    template = f"errors/{code}.html" if code in PAGES else "errors/generic.html"
    return render_template(template, error=error, code=code), code


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError):
    return render_template("errors/400.html", error=error, code=400, csrf=True), 400


@bp.app_errorhandler(500)
def internal_error(error):
    db.session.rollback()
    return render_template("errors/500.html", error=error, code=500), 500
