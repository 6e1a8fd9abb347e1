"""The printable atelier guide as a PDF, rendered by WeasyPrint from the same sections as the guide page."""

from flask import render_template
from weasyprint import HTML

from kunstvest.ateliers.services import GuideSection
from kunstvest.common.models import utcnow


def guide_pdf(*, open_ateliers, sections: list[GuideSection], discipline_labels: dict) -> bytes:
    """The guide's numbered ateliers by municipality, with artists, hours and accessibility, on A4."""
    html = render_template("ateliers/guide_print.html", open_ateliers=open_ateliers, sections=sections,
                           discipline_labels=discipline_labels, made_at=utcnow())
    return HTML(string=html).write_pdf()
