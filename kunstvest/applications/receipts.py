"""The artist's receipt of a submitted application: a page to print and the same receipt as a PDF."""

from flask import abort, render_template
from flask_babel import gettext as _
from flask_login import current_user
from weasyprint import HTML

from kunstvest.applications import bp, services
from kunstvest.applications.labels import STATUS_LABELS
from kunstvest.applications.models import Application, ApplicationStatus
from kunstvest.auth.models import Role
from kunstvest.common.decorators import role_required
from kunstvest.common.downloads import attachment
from kunstvest.common.models import utcnow
from kunstvest.extensions import db


def _my_submitted_application(application_id: int) -> Application:
    """The logged-in artist's own application, once submitted; 404 for anyone else's and for a draft."""
    application = db.session.get(Application, application_id)
    artist = services.profile_of(current_user)
    if (application is None or artist is None or application.artist_id != artist.id
            or application.status == ApplicationStatus.DRAFT or application.submitted_at is None):
        abort(404)
    return application


def _receipt_context(application: Application) -> dict:
    return {"application": application, "call": application.call, "artist": application.artist,
            "status_label": STATUS_LABELS[services.visible_status(application)], "made_at": utcnow()}


@bp.route("/my/applications/<int:application_id>/receipt")
@role_required(Role.ARTIST)
def receipt(application_id: int):
    application = _my_submitted_application(application_id)
    return render_template("applications/receipt.html", **_receipt_context(application))


@bp.route("/my/applications/<int:application_id>/receipt.pdf")
@role_required(Role.ARTIST)
def receipt_pdf(application_id: int):
    application = _my_submitted_application(application_id)
    html = render_template("applications/receipt_print.html", **_receipt_context(application))
    filename = _("receipt-%(call)s-%(reference)s.pdf", call=application.call.title,
                 reference=application.reference or application.id)
    return attachment(HTML(string=html).write_pdf(), filename=filename, content_type="application/pdf")
