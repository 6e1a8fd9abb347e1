"""What the open call holds about an artist: exported on request, erased on request (figures are kept)."""

from typing import Any

import sqlalchemy as sa
from flask_babel import ngettext

from kunstvest.applications import images
from kunstvest.applications.models import Application, ChosenWork, ImageFile, Work
from kunstvest.applications.services import profile_of, visible_status
from kunstvest.common.personal_data import erasure_notice, personal_data_eraser, personal_data_exporter
from kunstvest.common.storage import storage
from kunstvest.common.stored_pdfs import forget_stored_pdfs
from kunstvest.extensions import db


def _work(work: Work | ChosenWork) -> dict[str, Any]:
    return {"title": work.title, "year": work.year, "technique": work.technique,
            "dimensions_cm": [str(d) if d is not None else None for d in (work.width_cm, work.height_cm, work.depth_cm)],
            "price": str(work.price) if work.price is not None else None}


@personal_data_exporter("artist")
def export_artist(user) -> dict[str, Any] | None:
    """The artist profile and every application with its works, as the artist may see them."""
    profile = profile_of(user)
    if profile is None:
        return None
    applications = db.session.scalars(sa.select(Application).where(Application.artist_id == profile.id)
                                      .order_by(Application.id))
    return {
        "profile": {field: getattr(profile, field) for field in (
            "name", "phone", "address", "postcode", "city", "education", "cv", "website", "instagram",
            "studio_collective")} | {"municipality": profile.municipality.name if profile.municipality else None,
                                     "discipline": profile.discipline.value},
        "applications": [{
            "call": application.call.title,
            "status": visible_status(application).value,
            "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None,
            "statement": application.statement,
            "works": [_work(work) for work in application.works],
            "exhibition_work": _work(application.chosen_work) if application.chosen_work else None,
        } for application in applications],
    }


@erasure_notice
def artist_erasure_notice(user) -> list[str]:
    """What erasing the artist blanks: the profile and each application's statement, works and images."""
    profile = profile_of(user)
    if profile is None:
        return []
    applications = list(db.session.scalars(sa.select(Application).where(Application.artist_id == profile.id)))
    works = sum(len(application.works) + (application.chosen_work is not None) for application in applications)
    return [ngettext("The artist profile and %(num)d application are blanked: the statement and %(works)d works with "
                     "their images. The counts per year and municipality stay.",
                     "The artist profile and %(num)d applications are blanked: their statements and %(works)d works "
                     "with their images. The counts per year and municipality stay.", len(applications),
                     works=works)]


@personal_data_eraser
def erase_artist(user) -> None:
    """Blank the profile, statements and works and delete their images; counts per year and municipality stay."""
    profile = profile_of(user)
    if profile is None:
        return
    profile.user = None
    profile.name = "—"
    for field in ("phone", "address", "postcode", "city", "education", "cv", "website", "instagram",
                  "studio_collective"):
        setattr(profile, field, "")
    applications = list(db.session.scalars(sa.select(Application).where(Application.artist_id == profile.id)))
    image_ids = set()
    for application in applications:
        application.statement = ""
        for work in [*application.works, *([application.chosen_work] if application.chosen_work else [])]:
            image_ids.add(work.image_id)
            work.title, work.technique, work.image_id = "—", "", None
    db.session.flush()
    _delete_unused_images(image_ids - {None})
    forget_stored_pdfs()  # the guide, wall labels and price lists name the artist; they are made again on demand


def _delete_unused_images(image_ids: set[int]) -> None:
    used = set(db.session.scalars(sa.select(Work.image_id).where(Work.image_id.in_(image_ids)))) | set(
        db.session.scalars(sa.select(ChosenWork.image_id).where(ChosenWork.image_id.in_(image_ids))))
    for image in db.session.scalars(sa.select(ImageFile).where(ImageFile.id.in_(image_ids - used))):
        images.delete_image_files(store=storage(), sha256=image.sha256)
        db.session.delete(image)
