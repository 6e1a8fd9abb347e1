"""The shared orchestra factories make a season with sections, children with guardians, and enrolments."""

from kunstvest.orchestra.models import EnrolmentStatus
from tests import factories


def test_a_child_is_admitted_to_the_section_of_their_instrument(db):
    season = factories.make_orchestra_season()
    guardian = factories.make_user(roles=["guardian"])
    child = factories.make_child(guardians=[guardian], instrument="viola")

    enrolment = factories.make_enrolment(orchestra_season=season, child=child)
    waiting = factories.make_enrolment(orchestra_season=season, status=EnrolmentStatus.WAITLISTED)

    assert enrolment.section.code == "viola" and waiting.section is None
    assert [g.user_id for g in child.guardianships] == [guardian.id]
    assert season.year == 2017
