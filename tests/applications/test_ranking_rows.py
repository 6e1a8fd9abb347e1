"""The ranking read as light rows: the same figures as the ranking with ORM entities, and the page built from them."""

import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from kunstvest.applications import deciding, reviewing
from kunstvest.applications.models import Application, ApplicationStatus, CallPhase, OpenCall, Review
from kunstvest.applications.services import CriterionSpec
from kunstvest.auth.models import Role
from kunstvest.common.models import utcnow
from tests import factories

# Per juror, the same value on every criterion of each application; None: that juror has not scored it.
SCORES = [(7, 2, 5), (3, 6, None), (5, 5, 5), (1, None, 6), (6, 1, 2), (None, None, None)]


def _call_with_uneven_weights(db):
    """A call whose weights make means with long decimals; one juror skipped two applications, none scored the last."""
    jurors = [factories.make_user(roles=[Role.JURY], full_name=name) for name in ("Ask", "Berg", "Dahl")]
    call = factories.make_call(jurors=jurors, criteria=[
        CriterionSpec("Quality", Decimal("2.5")), CriterionSpec("Idea", Decimal("1.25")),
        CriterionSpec("Fit", Decimal("0.3"))])
    applications = [factories.make_application(call=call) for _ in SCORES]
    call.phase = CallPhase.JURYING
    quality, idea, fit = call.criteria
    for application, values in zip(applications, SCORES):
        for juror, value in zip(jurors, values):
            if value is not None:
                # A different value on each criterion, so that the weights matter.
                reviewing.score_application(application=application, juror=juror, scores={
                    quality.id: value, idea.id: max(value - 1, 1), fit.id: min(value + 1, 7)})
    call.phase = CallPhase.DECIDING
    db.session.commit()
    return call, applications, jurors


def test_the_rows_carry_the_same_figures_as_the_ranking_and_the_reviews(db):
    call, applications, _ = _call_with_uneven_weights(db)

    rows = deciding.ranking_rows(call=call)
    entries = deciding.ranking(call=call)

    assert [row.application_id for row in rows] == [entry.application.id for entry in entries]
    for row, entry in zip(rows, entries):
        assert (row.rank, row.juror_scores, row.juror_z, row.raw_mean, row.z_mean, row.is_disagreement) == (
            entry.rank, entry.juror_scores, entry.juror_z, entry.raw_mean, entry.z_mean, entry.is_disagreement)
    # Summed in SQL, divided in Decimal: each juror's mean is exactly the review's weighted score.
    by_id = {row.application_id: row for row in rows}
    for review in db.session.scalars(sa.select(Review)):
        assert by_id[review.application_id].juror_scores[review.juror_id] == reviewing.weighted_score(
            review, call.criteria)
    assert rows[-1].application_id == applications[-1].id and rows[-1].z_mean is None
    assert [row.rank for row in rows] == list(range(1, len(SCORES) + 1))


def test_the_rows_load_no_application_entity(db):
    call, applications, _ = _call_with_uneven_weights(db)
    first = applications[0]
    expected = (first.id, first.artist.name, first.reference, first.status)
    db.session.expunge_all()

    rows = deciding.ranking_rows(call=db.session.get(OpenCall, call.id))

    assert len(rows) == len(applications)
    assert not [entity for entity in db.session.identity_map.values() if isinstance(entity, Application)]
    assert expected in [(row.application_id, row.artist_name, row.reference, row.status) for row in rows]


@pytest.mark.usefixtures("english")
def test_each_row_links_to_its_application_and_shows_each_jurors_score_in_that_jurors_column(client, db, login):
    login(Role.ADMIN)
    call, applications, jurors = _call_with_uneven_weights(db)
    rows = {row.application_id: row for row in deciding.ranking_rows(call=call)}

    page = client.get(f"/applications/admin/calls/{call.id}/ranking").get_data(as_text=True)

    header = re.search(r"<thead>(.*?)</thead>", page, flags=re.S).group(1)
    assert [header.index(juror.full_name) for juror in jurors] == sorted(header.index(j.full_name) for j in jurors)
    for application in applications:
        row = rows[application.id]
        match = re.search(rf'<tr>\s*<td class="num">{row.rank}</td>.*?'
                          rf'<a href="/applications/admin/applications/{application.id}">(.*?)</a>.*?</tr>',
                          page, flags=re.S)
        assert match and match.group(1) == application.artist.name
        cells = re.findall(r'<td class="num">([^<]*)</td>', match.group(0))
        expected = [f"{row.juror_scores[j.id]:.2f}" if j.id in row.juror_scores else "—" for j in jurors]
        assert cells[1:4] == expected


@pytest.mark.usefixtures("english")
def test_a_call_without_submitted_applications_shows_an_empty_ranking(client, db, login):
    login(Role.ADMIN)
    call = factories.make_call(jurors=[factories.make_user(roles=[Role.JURY])])
    factories.make_application(call=call, submit=False)
    call.phase = CallPhase.DECIDING
    db.session.commit()

    page = client.get(f"/applications/admin/calls/{call.id}/ranking").get_data(as_text=True)
    queue = client.get(f"/applications/admin/calls/{call.id}/ranking?queue=discuss").get_data(as_text=True)

    assert deciding.ranking_rows(call=call) == []
    assert "No submitted applications." in page and "Nothing to discuss." in queue


def test_the_unmailed_count_counts_the_decided_applicants_without_a_live_account(db):
    call = factories.make_call(jurors=[factories.make_user(roles=[Role.JURY])])
    with_account, erased = factories.make_artist(), factories.make_artist()
    artists = [with_account, erased, *(factories.make_artist(user=False) for _ in range(3))]
    applications = [factories.make_application(call=call, artist=artist) for artist in artists]
    call.phase = CallPhase.DECIDING
    deciding.apply_cut_line(call=call, cut_line=1, waitlist_size=1, actor=None)
    undecided = applications[-1]
    deciding.decide(application=undecided, status=ApplicationStatus.SUBMITTED, actor=None)
    erased.user.erased_at = utcnow()
    db.session.flush()

    unmailed = {row.application.id for row in deciding.unmailed_decisions(call=call)}

    assert deciding.unmailed_count(call=call) == len(unmailed) == 3
    assert undecided.id not in unmailed and applications[0].id not in unmailed
