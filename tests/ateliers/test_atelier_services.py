"""Open-atelier services: weekends, registering and sharing ateliers, proofing, numbering, the guide and its PDF."""

import io
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from kunstvest.applications.models import ApplicationStatus
from kunstvest.ateliers import documents, services
from kunstvest.ateliers.models import AtelierArtist, AtelierHours
from kunstvest.auth.models import Role
from kunstvest.common.audit import AuditEvent
from kunstvest.reference.services import ensure_season
from tests import factories

DAYS = [date(2017, 9, day) for day in (16, 17, 23, 24)]


@pytest.fixture
def season(db):
    """Open ateliers in 2017 for a published call with three accepted artists, and an admin."""
    applications = factories.make_accepted_applications(count=3)
    open_ateliers = factories.make_open_ateliers(season=applications[0].call.season)
    return open_ateliers, applications, factories.make_user(roles=[Role.ADMIN])


def _register(open_ateliers, application, *, address="Strandveien 3", municipality=None, **fields):
    fields.setdefault("hours", [services.DayHours(day=day, opens=time(11), closes=time(17)) for day in DAYS[:2]])
    return services.save_atelier(
        open_ateliers=open_ateliers, application=application, actor=application.artist.user, address=address,
        postcode="3060", city="Svelvik", municipality=municipality or factories.make_municipality(), **fields)


def _change(atelier, **fields):
    """Save the atelier's entry again with some fields changed."""
    values = {"name": atelier.name, "address": atelier.address, "postcode": atelier.postcode, "city": atelier.city,
              "municipality": atelier.municipality, "latitude": atelier.latitude, "longitude": atelier.longitude,
              "accessibility": atelier.accessibility, "description": atelier.description,
              "hours": [services.DayHours(day=h.day, opens=h.opens, closes=h.closes) for h in atelier.hours]}
    values.update(fields)
    return services.save_atelier(open_ateliers=atelier.open_ateliers, atelier=atelier,
                                 actor=atelier.artists[0].application.artist.user, **values)


def test_the_admin_sets_the_days_and_deadline_and_dropping_a_day_drops_its_hours(db, season):
    open_ateliers, applications, admin = season
    atelier = _register(open_ateliers, applications[0])
    assert {hours.day for hours in atelier.hours} == set(DAYS[:2])

    saved = services.save_open_ateliers(season=open_ateliers.season, days=[DAYS[2], DAYS[0], DAYS[3]],
                                        proofing_deadline=date(2017, 9, 1), actor=admin)
    db.session.expire_all()

    assert saved is open_ateliers
    assert [day.day for day in open_ateliers.days] == [DAYS[0], DAYS[2], DAYS[3]]
    assert [hours.day for hours in atelier.hours] == [DAYS[0]]
    assert open_ateliers.proofing_deadline == date(2017, 9, 1)


def test_days_outside_the_season_year_or_a_late_deadline_are_refused(db):
    admin = factories.make_user(roles=[Role.ADMIN])
    season = ensure_season(project=factories.make_project(), year=2017)
    with pytest.raises(services.AtelierError):
        services.save_open_ateliers(season=season, days=[date(2018, 9, 16)], proofing_deadline=None, actor=admin)
    with pytest.raises(services.AtelierError):
        services.save_open_ateliers(season=season, days=DAYS, proofing_deadline=date(2017, 9, 20), actor=admin)
    with pytest.raises(services.AtelierError):
        services.save_open_ateliers(season=season, days=[], proofing_deadline=None, actor=admin)


def test_an_accepted_artist_registers_an_atelier_with_hours_per_day(db, season):
    open_ateliers, applications, _ = season
    atelier = _register(open_ateliers, applications[0], latitude=Decimal("59.6"), longitude=Decimal("10.41"))

    assert [member.application for member in atelier.artists] == [applications[0]]
    assert [(h.day, h.opens, h.closes) for h in atelier.hours] == [(day, time(11), time(17)) for day in DAYS[:2]]
    assert services.accepted_season_of(user=applications[0].artist.user) == (open_ateliers, applications[0])
    with pytest.raises(services.AtelierError):
        _register(open_ateliers, applications[0], address="Another road 1")


@pytest.mark.parametrize("fields", [
    {"latitude": Decimal("59.6")},
    {"latitude": Decimal("91"), "longitude": Decimal("10")},
    {"latitude": Decimal("59"), "longitude": Decimal("-181")},
    {"hours": [services.DayHours(day=DAYS[0], opens=time(17), closes=time(11))]},
    {"hours": [services.DayHours(day=DAYS[0], opens=time(11))]},
    {"hours": [services.DayHours(day=date(2017, 9, 18), opens=time(11), closes=time(17))]},
])
def test_bad_coordinates_and_hours_are_refused(db, season, fields):
    open_ateliers, applications, _ = season
    with pytest.raises(services.AtelierError):
        _register(open_ateliers, applications[0], **fields)


def test_an_artist_who_is_not_accepted_cannot_register(db, season):
    open_ateliers, applications, _ = season
    applications[0].status = ApplicationStatus.WAITLISTED
    with pytest.raises(services.AtelierError):
        _register(open_ateliers, applications[0])
    assert services.accepted_season_of(user=applications[0].artist.user) is None


def test_approving_then_changing_the_entry_clears_every_artists_approval(db, season):
    open_ateliers, applications, _ = season
    atelier = _register(open_ateliers, applications[0])
    services.join_atelier(atelier=atelier, application=applications[1], actor=applications[1].artist.user)
    for member in atelier.artists:
        services.approve_entry(membership=member)
    assert all(member.approved_at for member in atelier.artists)

    _change(atelier)  # saved without a change: the approvals stay
    assert all(member.approved_at for member in atelier.artists)

    _change(atelier, hours=[services.DayHours(day=DAYS[0], opens=time(12), closes=time(16))])
    assert [member.approved_at for member in atelier.artists] == [None, None]
    assert services.unapproved(open_ateliers=open_ateliers) == atelier.artists


def test_joining_a_shared_atelier_asks_its_artists_to_approve_again(db, season):
    open_ateliers, applications, _ = season
    atelier = _register(open_ateliers, applications[0])
    services.approve_entry(membership=atelier.artists[0])

    services.join_atelier(atelier=atelier, application=applications[1], actor=applications[1].artist.user)

    assert [member.application for member in atelier.artists] == applications[:2]
    assert atelier.artists[0].approved_at is None
    with pytest.raises(services.AtelierError):
        services.join_atelier(atelier=atelier, application=applications[1], actor=applications[1].artist.user)


def test_publishing_is_refused_while_an_artist_has_not_approved_unless_told_to_publish_anyway(db, season):
    open_ateliers, applications, admin = season
    first = _register(open_ateliers, applications[0])
    _register(open_ateliers, applications[1], address="Havna 1")
    services.approve_entry(membership=first.artists[0])

    with pytest.raises(services.AtelierError, match="1 artist"):
        services.publish_guide(open_ateliers=open_ateliers, actor=admin)
    assert open_ateliers.guide_published_at is None

    services.publish_guide(open_ateliers=open_ateliers, actor=admin, anyway=True)
    db.session.flush()

    assert open_ateliers.guide_published_at is not None
    audit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "open_ateliers.guide_published"))
    assert audit.actor_id == admin.id and audit.details == {"ateliers": 2, "unapproved": 1}


def test_changes_after_publication_are_refused_except_to_an_admin(db, season):
    open_ateliers, applications, admin = season
    atelier = _register(open_ateliers, applications[0])
    services.approve_entry(membership=atelier.artists[0])
    services.publish_guide(open_ateliers=open_ateliers, actor=admin)

    with pytest.raises(services.AtelierError):
        _change(atelier, name="Late change")
    with pytest.raises(services.AtelierError):
        _register(open_ateliers, applications[1], address="Havna 1")
    services.save_atelier(open_ateliers=open_ateliers, atelier=atelier, actor=admin, name="Fixed by the secretariat",
                          address=atelier.address, municipality=atelier.municipality)
    assert atelier.name == "Fixed by the secretariat"


def test_publishing_numbers_ateliers_by_municipality_then_address(db):
    applications = factories.make_accepted_applications(count=5)
    open_ateliers = factories.make_open_ateliers(season=applications[0].call.season)
    admin = factories.make_user(roles=[Role.ADMIN])
    asker, drammen, svelvik = (factories.make_municipality(name=name) for name in ("Asker", "Drammen", "Svelvik"))
    placed = [(svelvik, "Bakkeveien 2"), (asker, "Vollenveien 9"), (drammen, "Bragernes torg 1"),
              (asker, "Arnestad 4"), (svelvik, "Arne Hansens vei 1")]
    for application, (municipality, address) in zip(applications, placed):
        factories.make_atelier(open_ateliers=open_ateliers, applications=[application], municipality=municipality,
                               address=address)

    services.publish_guide(open_ateliers=open_ateliers, actor=admin, anyway=True)
    services.publish_guide(open_ateliers=open_ateliers, actor=admin, anyway=True)  # again: same numbers

    numbered = [(a.guide_number, a.municipality.name, a.address) for a in services.ateliers_of(
        open_ateliers=open_ateliers)]
    assert numbered == [(1, "Asker", "Arnestad 4"), (2, "Asker", "Vollenveien 9"), (3, "Drammen", "Bragernes torg 1"),
                        (4, "Svelvik", "Arne Hansens vei 1"), (5, "Svelvik", "Bakkeveien 2")]
    sections = services.guide_sections(open_ateliers=open_ateliers)
    assert [(s.municipality.name, len(s.ateliers)) for s in sections] == [("Asker", 2), ("Drammen", 1),
                                                                          ("Svelvik", 2)]


def test_the_open_now_filter_reads_the_hours_in_oslo_time(db, season):
    open_ateliers, applications, _ = season
    morning = factories.make_atelier(open_ateliers=open_ateliers, applications=[applications[0]], address="A")
    afternoon = factories.make_atelier(open_ateliers=open_ateliers, applications=[applications[1]], address="B")
    morning.hours.clear()
    afternoon.hours.clear()
    db.session.flush()
    morning.hours.append(AtelierHours(day=DAYS[0], opens=time(10), closes=time(12)))
    afternoon.hours.append(AtelierHours(day=DAYS[0], opens=time(12), closes=time(18)))
    db.session.flush()

    def open_at(moment):
        sections = services.guide_sections(open_ateliers=open_ateliers, open_now=moment)
        return [atelier.address for section in sections for atelier in section.ateliers]

    # 16 September 2017 is summer time in Oslo: UTC+2.
    assert open_at(datetime(2017, 9, 16, 8, 30, tzinfo=UTC)) == ["A"]
    assert open_at(datetime(2017, 9, 16, 10, 0, tzinfo=UTC)) == ["B"]
    assert open_at(datetime(2017, 9, 16, 16, 0, tzinfo=UTC)) == []
    assert open_at(datetime(2017, 9, 17, 10, 0, tzinfo=UTC)) == []


def test_the_municipality_filter_and_the_map_markers(db, season):
    open_ateliers, applications, _ = season
    lier, hole = factories.make_municipality(name="Lier"), factories.make_municipality(name="Hole")
    factories.make_atelier(open_ateliers=open_ateliers, applications=[applications[0]], municipality=lier,
                           latitude=Decimal("59.78"), longitude=Decimal("10.24"))
    factories.make_atelier(open_ateliers=open_ateliers, applications=[applications[1]], municipality=hole)

    sections = services.guide_sections(open_ateliers=open_ateliers, municipality_id=lier.id)
    everything = services.guide_sections(open_ateliers=open_ateliers)

    assert [section.municipality for section in sections] == [lier]
    assert [m.name for m in services.guide_municipalities(open_ateliers=open_ateliers)] == ["Hole", "Lier"]
    markers = services.map_markers(everything)
    assert [(m["lat"], m["lng"], m["name"]) for m in markers] == [(59.78, 10.24, applications[0].artist.name)]


def test_the_admin_sees_accepted_artists_without_an_atelier(db, season):
    open_ateliers, applications, _ = season
    _register(open_ateliers, applications[0])
    assert set(services.accepted_without_atelier(open_ateliers=open_ateliers)) == set(applications[1:])


def test_the_pdf_guide_holds_numbers_addresses_and_artist_names(app, db, season):
    open_ateliers, applications, admin = season
    lier = factories.make_municipality(name="Lier")
    factories.make_atelier(open_ateliers=open_ateliers, applications=applications[:2], municipality=lier,
                           address="Gullaugveien 12", name="Verkstedet")
    factories.make_atelier(open_ateliers=open_ateliers, applications=applications[2:], municipality=lier,
                           address="Amtmann Bangs gate 7")
    services.publish_guide(open_ateliers=open_ateliers, actor=admin, anyway=True)

    with app.test_request_context():
        body = documents.guide_pdf(open_ateliers=open_ateliers,
                                   sections=services.guide_sections(open_ateliers=open_ateliers),
                                   discipline_labels={}, variant="all-any-time")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)

    for expected in ["Lier", "1", "Amtmann Bangs gate 7", "2", "Verkstedet", "Gullaugveien 12",
                     *(application.artist.name for application in applications)]:
        assert expected in text
    assert text.index("Amtmann Bangs gate 7") < text.index("Gullaugveien 12")
    assert db.session.scalar(sa.select(sa.func.count(AtelierArtist.id))) == 3
