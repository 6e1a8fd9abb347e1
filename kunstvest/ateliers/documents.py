"""The printable atelier guide as a PDF, rendered by WeasyPrint from the same sections as the guide page."""

from kunstvest.ateliers.services import GuideSection
from kunstvest.common.stored_pdfs import stored_pdf


def guide_pdf(*, open_ateliers, sections: list[GuideSection], discipline_labels: dict, variant: str) -> bytes:
    """The guide's numbered ateliers by municipality, with artists, hours and accessibility, on A4.

    `variant` names the filter the sections were chosen by, so each filtered guide is stored apart from the whole one.
    """
    return stored_pdf(scope=f"guide/{open_ateliers.year}/{variant}", template="ateliers/guide_print.html",
                      open_ateliers=open_ateliers, sections=sections, discipline_labels=discipline_labels)
