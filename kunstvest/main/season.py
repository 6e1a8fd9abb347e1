"""The season now, for the public front page: the exhibition that is on or next, its side programme, the atelier
guide and the catalogue when they are out, the orchestra's next concerts and whether children can be registered."""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from kunstvest.applications.models import CallPhase, OpenCall
from kunstvest.ateliers.models import OpenAteliers
from kunstvest.budget.models import Project
from kunstvest.exhibitions.models import Exhibition, ProgrammeEvent
from kunstvest.extensions import db
from kunstvest.orchestra import events as orchestra_events
from kunstvest.orchestra import services as orchestra
from kunstvest.orchestra.models import OrchestraEvent, OrchestraSeason
from kunstvest.reference.models import Season

KUNST_RETT_VEST = "kunst-rett-vest"
NEXT_CONCERTS = 3


@dataclass
class SeasonNow:
    """What the public can see and do now. The programme, guide and catalogue are the exhibition's own once they are
    out, else the latest earlier season's (None when there never was one)."""

    exhibition: Exhibition | None = None
    programme_year: int | None = None
    guide_year: int | None = None
    catalogue_year: int | None = None
    concerts: list[OrchestraEvent] = field(default_factory=list)
    registration: OrchestraSeason | None = None


def _kunst_rett_vest() -> Project | None:
    return db.session.scalar(sa.select(Project).where(Project.code == KUNST_RETT_VEST))


def exhibition_now(today: date, project: Project | None = None) -> Exhibition | None:
    """The exhibition on now or next; else the latest that was (a quiet winter still shows the last one)."""
    project = project or _kunst_rett_vest()
    if project is None:
        return None
    exhibitions = list(db.session.scalars(
        sa.select(Exhibition).join(Season, Exhibition.season_id == Season.id)
        .where(Season.project_id == project.id).order_by(Season.year)))
    coming = [exhibition for exhibition in exhibitions
              if exhibition.closes_on is not None and exhibition.closes_on >= today]
    return coming[0] if coming else (exhibitions[-1] if exhibitions else None)


def _latest_year(query, up_to: int) -> int | None:
    """The latest season year the query finds (it selects from Season), up to `up_to`."""
    return db.session.scalar(query.with_only_columns(sa.func.max(Season.year)).where(Season.year <= up_to))


def season_now(today: date) -> SeasonNow:
    """The front page's season, in a fixed number of queries."""
    project = _kunst_rett_vest()
    now = SeasonNow(concerts=orchestra_events.public_events(from_day=today)[:NEXT_CONCERTS],
                    registration=orchestra.registration_season())
    if project is None:
        return now
    now.exhibition = exhibition_now(today, project)
    up_to = now.exhibition.year if now.exhibition else today.year
    seasons = sa.select(Season.year).where(Season.project_id == project.id)
    now.programme_year = _latest_year(seasons.join(Exhibition, Exhibition.season_id == Season.id).join(
        ProgrammeEvent, ProgrammeEvent.exhibition_id == Exhibition.id).where(ProgrammeEvent.is_cancelled.is_(False)),
        up_to)
    now.guide_year = _latest_year(seasons.join(OpenAteliers, OpenAteliers.season_id == Season.id).where(
        OpenAteliers.guide_published_at.is_not(None)), up_to)
    now.catalogue_year = _latest_year(seasons.join(OpenCall, OpenCall.season_id == Season.id).join(
        Exhibition, Exhibition.season_id == Season.id).where(OpenCall.phase == CallPhase.PUBLISHED), up_to)
    return now
