"""The secretariat's pages through the test client: calls, phases, the jury, ranking, decisions, exports, figures."""

import csv
import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from kunstvest.applications import deciding, reviewing
from kunstvest.applications.models import (Application, ApplicationStatus, CallPhase, ChosenWork, JurorAssignment,
                                           OpenCall, Review)
from kunstvest.applications.services import CriterionSpec
from kunstvest.auth.models import Role, User
from kunstvest.common.outbox import OutboxMessage
from tests import factories
from tests.spreadsheets import (FORMULA_TEXTS, assert_csv_keeps_text, assert_xlsx_keeps_text, csv_rows, download_name,
                                xlsx_cells)

# Two jurors' scores (the same on every criterion), chosen so that the order is Anna, Bjørn, Cecilie, Dag
# and only Cecilie's jurors disagree by more than the margin of 1.5.
SCORES = {"Anna Aas": (7, 7), "Bjørn Berg": (5, 5), "Cecilie Dahl": (4, 1), "Dag Eide": (1, 2)}
NAMES = list(SCORES)


pytestmark = pytest.mark.usefixtures("english")


def _page(response) -> str:
    return response.get_data(as_text=True)


def _scored_call(db, *, year: int = 2018, municipality=None):
    """A call in the deciding phase with two jurors who have scored the four applications in SCORES."""
    jurors = [factories.make_user(roles=[Role.JURY], full_name=name) for name in ("Juror Ask", "Juror Bakke")]
    call = factories.make_call(year=year, jurors=jurors, capacity=2, waitlist_size=1,
                               work_choice_deadline=date(year + 1, 12, 31))
    municipality = municipality or factories.make_municipality(name="Asker")
    applications = {name: factories.make_application(call=call, artist=factories.make_artist(
        name=name, municipality=municipality)) for name in NAMES}
    call.phase = CallPhase.JURYING
    for name, values in SCORES.items():
        for juror, value in zip(jurors, values):
            reviewing.score_application(application=applications[name], juror=juror,
                                        scores={criterion.id: value for criterion in call.criteria})
    call.phase = CallPhase.DECIDING
    db.session.commit()
    return call, applications


def _status(db, application) -> ApplicationStatus:
    db.session.expire_all()
    return db.session.get(Application, application.id).status


# --- calls ------------------------------------------------------------------------------------------------------

CALL_FORM = {
    "title": "Kunst rett vest 2018", "opens_at": "2018-03-01T09:00", "closes_at": "2018-06-15T12:00",
    "eligibility": "Artists living in Vestregionen", "min_works": "3", "max_works": "6", "is_blind": "y",
    "capacity": "40", "waitlist_size": "5", "disagreement_margin": "1.5", "work_choice_deadline": "2018-09-01",
    "criteria-0-name": "Artistic quality", "criteria-0-description": "Craft and idea", "criteria-0-scale_min": "1",
    "criteria-0-scale_max": "7", "criteria-0-weight": "2",
    "criteria-1-name": "", "criteria-1-scale_min": "1", "criteria-1-scale_max": "7", "criteria-1-weight": "1",
    "criteria-2-name": "Fit for the exhibition", "criteria-2-scale_min": "0", "criteria-2-scale_max": "5",
    "criteria-2-weight": "1",
}


def test_a_call_with_its_rubric_is_created_in_oslo_time(client, db, login):
    login(Role.ADMIN)
    project = factories.make_project(name="Kunst rett vest")
    db.session.commit()

    response = client.post("/applications/admin/calls/new", data={**CALL_FORM, "project_id": project.id,
                                                                  "year": "2018"})

    call = db.session.scalar(sa.select(OpenCall))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/admin/calls/{call.id}")
    assert (call.year, call.season.project_id, call.phase) == (2018, project.id, CallPhase.DRAFT)
    # 09:00 in March is winter time (UTC+1); 12:00 in June is summer time (UTC+2).
    assert call.opens_at == datetime(2018, 3, 1, 8, 0, tzinfo=UTC)
    assert call.closes_at == datetime(2018, 6, 15, 10, 0, tzinfo=UTC)
    assert (call.capacity, call.waitlist_size, call.is_blind) == (40, 5, True)
    assert call.work_choice_deadline == date(2018, 9, 1)
    assert [(c.position, c.name, c.scale_min, c.scale_max, c.weight) for c in call.criteria] == [
        (1, "Artistic quality", 1, 7, Decimal("2.00")), (2, "Fit for the exhibition", 0, 5, Decimal("1.00"))]

    form = _page(client.get(f"/applications/admin/calls/{call.id}/edit"))
    assert 'value="2018-03-01T09:00"' in form and 'value="2018-06-15T12:00"' in form


def test_a_rubric_row_with_a_scale_upside_down_is_refused(client, db, login):
    login(Role.ADMIN)
    project = factories.make_project()
    db.session.commit()

    response = client.post("/applications/admin/calls/new", data={
        **CALL_FORM, "project_id": project.id, "year": "2018", "criteria-0-scale_min": "7",
        "criteria-0-scale_max": "1"})

    assert response.status_code == 200
    assert "The highest score must be above the lowest." in _page(response)
    assert db.session.scalar(sa.select(sa.func.count(OpenCall.id))) == 0


def test_a_call_is_copied_into_next_year(client, db, login):
    login(Role.ADMIN)
    source = factories.make_call(year=2017, criteria=[CriterionSpec("Quality", Decimal("3"), 1, 10, "Idea")])
    db.session.commit()

    response = client.post(f"/applications/admin/calls/{source.id}/copy")

    copy = db.session.scalar(sa.select(OpenCall).where(OpenCall.id != source.id))
    assert response.headers["Location"].endswith(f"/applications/admin/calls/{copy.id}/edit")
    assert (copy.year, copy.season.project_id, copy.phase) == (2018, source.season.project_id, CallPhase.DRAFT)
    assert copy.title == "Kunst rett vest 2018"
    assert copy.opens_at.year == source.opens_at.year + 1
    assert [(c.name, c.weight, c.scale_max, c.description) for c in copy.criteria] == [
        ("Quality", Decimal("3.00"), 10, "Idea")]

    again = client.post(f"/applications/admin/calls/{source.id}/copy", follow_redirects=True)
    assert "The season already has a call." in _page(again)


def test_the_list_shows_every_call_with_its_submitted_applications(client, db, login):
    login(Role.ADMIN)
    call = factories.make_call(year=2018)
    factories.make_application(call=call)
    factories.make_application(call=call, submit=False)
    db.session.commit()

    page = _page(client.get("/applications/admin/calls"))

    assert "Kunst rett vest 2018" in page and "Copy last year's call" in page
    assert re.search(r'<td class="num">1</td>\s*<td class="num">1</td>', page)


# --- phases and jury --------------------------------------------------------------------------------------------

def test_phases_move_by_post_and_a_refused_move_says_why(client, db, login):
    login(Role.ADMIN)
    call = factories.make_call(phase=CallPhase.DRAFT)
    db.session.commit()
    url = f"/applications/admin/calls/{call.id}/phase"

    assert "Move to open" in _page(client.get(f"/applications/admin/calls/{call.id}"))
    client.post(url, data={"phase": "open"})
    db.session.expire_all()
    assert call.phase == CallPhase.OPEN

    refused = client.post(url, data={"phase": "jurying"}, follow_redirects=True)
    assert "The call cannot move from open to jurying." in _page(refused)
    db.session.expire_all()
    assert call.phase == CallPhase.OPEN


def test_the_jury_phase_needs_a_juror(client, db, login):
    login(Role.ADMIN)
    call = factories.make_call(phase=CallPhase.CLOSED)
    db.session.commit()

    response = client.post(f"/applications/admin/calls/{call.id}/phase", data={"phase": "jurying"},
                           follow_redirects=True)

    assert "Assign at least one juror before the jury starts." in _page(response)


def test_a_user_with_the_jury_role_is_assigned_and_removed(client, db, login):
    login(Role.ADMIN)
    call = factories.make_call()
    juror = factories.make_user(roles=[Role.JURY], full_name="Kari Kurator")
    artist = factories.make_user(roles=[Role.ARTIST])
    db.session.commit()
    url = f"/applications/admin/calls/{call.id}/jurors"

    assert "Kari Kurator" in _page(client.get(f"/applications/admin/calls/{call.id}"))
    client.post(url, data={"juror_id": artist.id})
    client.post(url, data={"juror_id": juror.id})
    assert db.session.scalars(sa.select(JurorAssignment.juror_id)).all() == [juror.id]
    assert "Remove Kari Kurator" in _page(client.get(f"/applications/admin/calls/{call.id}"))

    client.post(f"{url}/{juror.id}/remove")
    assert db.session.scalars(sa.select(JurorAssignment.juror_id)).all() == []


# --- ranking and decisions --------------------------------------------------------------------------------------

def test_the_ranking_shows_the_applications_in_rank_order_with_both_means(client, db, login):
    login(Role.ADMIN)
    call, _ = _scored_call(db)

    page = _page(client.get(f"/applications/admin/calls/{call.id}/ranking"))

    positions = [page.index(name) for name in NAMES]
    assert positions == sorted(positions)
    [first] = [entry for entry in deciding.ranking(call=call) if entry.rank == 1]
    assert "7.00" in page and f"{first.z_mean:+.2f}" in page
    assert page.index("Cut line: ranks 1–2") < page.index("Cecilie Dahl") < page.index("Waiting list: rank 3<")
    assert "pending decision" in page

    queue = _page(client.get(f"/applications/admin/calls/{call.id}/ranking?queue=discuss"))
    assert "Cecilie Dahl" in queue and "Anna Aas" not in queue


def test_the_cut_line_form_decides_and_a_decision_by_hand_survives_it(client, db, login):
    login(Role.ADMIN)
    call, applications = _scored_call(db)
    ranking_url = f"/applications/admin/calls/{call.id}/ranking"

    client.post(ranking_url, data={"cut_line": "1", "waitlist_size": "1"})
    assert [_status(db, applications[name]) for name in NAMES] == [
        ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED, ApplicationStatus.REJECTED,
        ApplicationStatus.REJECTED]

    client.post(f"/applications/admin/applications/{applications['Dag Eide'].id}",
                data={"status": "accepted", "decide": "Save decision"})
    client.post(ranking_url, data={"cut_line": "2", "waitlist_size": "0"})

    assert [_status(db, applications[name]) for name in NAMES] == [
        ApplicationStatus.ACCEPTED, ApplicationStatus.ACCEPTED, ApplicationStatus.REJECTED,
        ApplicationStatus.ACCEPTED]
    assert db.session.get(OpenCall, call.id).cut_line == 2
    assert "(by hand)" in _page(client.get(ranking_url))


def test_the_ranking_is_read_only_outside_the_deciding_phase(client, db, login):
    login(Role.ADMIN)
    call, applications = _scored_call(db)
    call.phase = CallPhase.JURYING
    db.session.commit()
    ranking_url = f"/applications/admin/calls/{call.id}/ranking"

    page = _page(client.get(ranking_url))
    refused = client.post(ranking_url, data={"cut_line": "1", "waitlist_size": "1"}, follow_redirects=True)

    assert 'name="cut_line"' not in page and "Juror Ask: 4 of 4 scored" in page
    assert "Decisions can be made only while the call is in the deciding phase." in _page(refused)
    assert _status(db, applications["Anna Aas"]) == ApplicationStatus.SUBMITTED


def test_the_jury_discussion_is_recorded_and_queued_for_discussion(client, db, login):
    login(Role.ADMIN)
    call, applications = _scored_call(db)
    anna = applications["Anna Aas"]

    page = _page(client.get(f"/applications/admin/applications/{anna.id}"))
    client.post(f"/applications/admin/applications/{anna.id}", data={
        "joint_recommendation": "accept", "jury_note": "Strong series", "is_to_discuss": "y",
        "save_discussion": "Save"})

    db.session.expire_all()
    anna = db.session.get(Application, anna.id)
    assert "The jury's joint recommendation" in page and "Verk 1" in page and "Juror Ask" in page
    assert (anna.joint_recommendation.value, anna.jury_note, anna.is_to_discuss) == ("accept", "Strong series", True)
    assert "Anna Aas" in _page(client.get(f"/applications/admin/calls/{call.id}/ranking?queue=discuss"))


def _decision_messages(db) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template.like("decision_%"))
                                   .order_by(OutboxMessage.id)))


def test_publishing_needs_the_check_and_queues_one_email_per_applicant(client, db, login):
    login(Role.ADMIN)
    call, applications = _scored_call(db)
    client.post(f"/applications/admin/calls/{call.id}/ranking", data={"cut_line": "1", "waitlist_size": "1"})
    publish_url = f"/applications/admin/calls/{call.id}/publish"

    unchecked = client.post(publish_url, data={}, follow_redirects=True)
    assert "Tick «I have checked the decisions» to publish them." in _page(unchecked)
    assert _decision_messages(db) == []

    published = client.post(publish_url, data={"is_checked": "y"}, follow_redirects=True)

    assert "4 emails queued" in _page(published)
    db.session.expire_all()
    assert db.session.get(OpenCall, call.id).phase == CallPhase.PUBLISHED
    messages = _decision_messages(db)
    emails = {name: application.artist.user.email for name, application in applications.items()}
    assert sorted(message.recipient for message in messages) == sorted(emails.values())
    subjects = {message.recipient: message.subject for message in messages}
    accepted, waitlisted, rejected = (subjects[emails[name]] for name in ("Anna Aas", "Bjørn Berg", "Dag Eide"))
    assert len({accepted, waitlisted, rejected}) == 3 and subjects[emails["Cecilie Dahl"]] == rejected
    assert "31.12.2019" in accepted


def test_the_waitlist_moves_up_when_an_accepted_artist_withdraws(client, db, login):
    login(Role.ADMIN)
    call, applications = _scored_call(db)
    client.post(f"/applications/admin/calls/{call.id}/ranking", data={"cut_line": "1", "waitlist_size": "1"})
    client.post(f"/applications/admin/calls/{call.id}/publish", data={"is_checked": "y"})
    before = len(_decision_messages(db))

    client.post(f"/applications/admin/applications/{applications['Anna Aas'].id}/withdraw")
    promoted = client.post(f"/applications/admin/calls/{call.id}/promote",
                           data={"application_id": applications["Bjørn Berg"].id}, follow_redirects=True)

    assert "Bjørn Berg is offered the place" in _page(promoted)
    assert _status(db, applications["Anna Aas"]) == ApplicationStatus.WITHDRAWN
    assert _status(db, applications["Bjørn Berg"]) == ApplicationStatus.ACCEPTED
    messages = _decision_messages(db)
    assert len(messages) == before + 1
    assert (messages[-1].template, messages[-1].recipient) == (
        "decision_promoted", applications["Bjørn Berg"].artist.user.email)
    assert "Bjørn Berg" in _page(client.get(f"/applications/admin/calls/{call.id}"))  # not yet chosen a work

    empty = client.get(f"/applications/admin/calls/{call.id}/promote", follow_redirects=True)
    assert "The waiting list is empty." in _page(empty)
    assert len(_decision_messages(db)) == before + 1


# --- exports and figures ----------------------------------------------------------------------------------------

def _sheet_rows(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_the_scores_export_has_a_row_per_application_and_a_column_per_juror_and_criterion(client, db, login):
    login(Role.ADMIN)
    call, applications = _scored_call(db)

    response = client.get(f"/applications/admin/calls/{call.id}/scores.xlsx")

    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    rows = _sheet_rows(response)
    header_index = next(index for index, row in enumerate(rows) if row[0] == "Rank")
    header, body = rows[header_index], [row for row in rows[header_index + 1:] if row[0] is not None]
    assert header[8:] == ("Juror Ask – Artistic quality", "Juror Ask – Fit for the exhibition",
                          "Juror Bakke – Artistic quality", "Juror Bakke – Fit for the exhibition")
    assert [row[2] for row in body] == NAMES
    assert [row[1] for row in body] == [applications[name].reference for name in NAMES]
    assert body[2][:3] == (3, applications["Cecilie Dahl"].reference, "Cecilie Dahl")
    assert body[2][6] == 2.5 and body[2][8:] == (4, 4, 1, 1)


def _exhibition(db):
    call, applications = _scored_call(db)
    for name in ("Anna Aas", "Bjørn Berg"):
        applications[name].status = ApplicationStatus.ACCEPTED
    call.phase = CallPhase.PUBLISHED
    anna = applications["Anna Aas"]
    db.session.add_all([
        ChosenWork(application=anna, title="Fjord i mars", year=2018, technique="Olje på lerret",
                   width_cm=Decimal("60"), height_cm=Decimal("80.5"), price=Decimal("12000.50"),
                   insurance_value=Decimal("15000"), is_for_sale=True, image=anna.works[0].image,
                   confirmed_at=datetime(2018, 5, 2, 10, 0, tzinfo=UTC)),
        ChosenWork(application=applications["Bjørn Berg"], title="Stein", is_for_sale=False)])
    db.session.commit()
    return call


def test_exhibition_works_as_a_page_csv_for_norwegian_excel_and_xlsx(client, db, login):
    login(Role.ADMIN)
    call = _exhibition(db)
    base = f"/applications/admin/calls/{call.id}/exhibition-works"

    page = _page(client.get(base))
    csv_response = client.get(f"{base}.csv")
    xlsx_rows = _sheet_rows(client.get(f"{base}.xlsx"))

    assert "Fjord i mars" in page and re.search(r"/applications/exhibition-works/\d+/image/thumb\.jpg", page)
    assert csv_response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(csv_response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Artist", "Municipality", "Title"] and len(rows) == 3
    assert rows[1] == ["Anna Aas", "Asker", "Fjord i mars", "2018", "Olje på lerret", "60 × 80.5 cm", "12000,50",
                       "15000,00", "yes", "02.05.2018 12:00"]
    assert rows[2][:3] == ["Bjørn Berg", "Asker", "Stein"] and rows[2][8:] == ["no", ""]
    [fjord] = [row for row in xlsx_rows if row[2] == "Fjord i mars"]
    assert fjord[:2] == ("Anna Aas", "Asker") and fjord[6] == 12000.5
    assert client.get(f"{base}.pdf").status_code == 404


def _norwegian(client) -> None:
    with client.session_transaction() as session:
        session["locale"] = "nb"


def test_the_scores_export_keeps_formula_like_names_as_text_and_is_named_in_the_visitors_language(client, db,
                                                                                                  login):
    login(Role.ADMIN)
    call, applications = _scored_call(db)
    for name, text in zip(NAMES, FORMULA_TEXTS):
        applications[name].artist.name = text
    for juror, text in zip(db.session.scalars(sa.select(User).where(User.full_name.like("Juror %"))),
                           FORMULA_TEXTS[4:]):
        juror.full_name = text
    db.session.commit()
    url = f"/applications/admin/calls/{call.id}/scores.xlsx"

    english = client.get(url)
    _norwegian(client)
    norwegian = client.get(url)

    assert_xlsx_keeps_text(english.data)
    assert download_name(english) == "scores-2018.xlsx"
    assert load_workbook(io.BytesIO(english.data)).active.title == "Jury scores"
    assert download_name(norwegian) == "karakterer-2018.xlsx"
    assert load_workbook(io.BytesIO(norwegian.data)).active.title == "Karakterer"
    ranks = [cell.value for cell in xlsx_cells(norwegian.data) if cell.column == 1 and isinstance(cell.value, int)]
    assert ranks == [1, 2, 3, 4]


def test_the_exhibition_works_exports_keep_formula_like_text_as_text_and_dates_as_dates(client, db, login):
    login(Role.ADMIN)
    call = _exhibition(db)
    fjord, stein = sorted(db.session.scalars(sa.select(ChosenWork)), key=lambda chosen: chosen.title)
    fjord.title, fjord.technique, stein.title, stein.technique = FORMULA_TEXTS[:4]
    fjord.application.artist.name, stein.application.artist.name = FORMULA_TEXTS[4:]
    db.session.commit()
    base = f"/applications/admin/calls/{call.id}/exhibition-works"

    xlsx, csv_response = client.get(f"{base}.xlsx"), client.get(f"{base}.csv")
    _norwegian(client)
    norwegian_xlsx, norwegian_csv = client.get(f"{base}.xlsx"), client.get(f"{base}.csv")

    assert_xlsx_keeps_text(xlsx.data)
    confirmed = [cell for cell in xlsx_cells(xlsx.data) if isinstance(cell.value, datetime)]
    assert [(cell.value, cell.number_format) for cell in confirmed] == [(datetime(2018, 5, 2, 12, 0),
                                                                         "dd.mm.yyyy hh:mm")]
    prices = [cell for cell in xlsx_cells(xlsx.data) if cell.value == 12000.5]
    assert prices and prices[0].data_type == "n" and prices[0].number_format.startswith("#,##0.00")
    assert_csv_keeps_text(csv_rows(csv_response))
    assert csv_response.headers["Content-Type"].count("charset=") == 1
    assert (download_name(xlsx), download_name(csv_response)) == ("exhibition-works-2018.xlsx",
                                                                   "exhibition-works-2018.csv")
    assert (download_name(norwegian_xlsx), download_name(norwegian_csv)) == ("utstillingsverk-2018.xlsx",
                                                                             "utstillingsverk-2018.csv")
    assert load_workbook(io.BytesIO(norwegian_xlsx.data)).active.title == "Utstillingsverk"
    assert csv_rows(norwegian_csv)[0][:3] == ["Kunstner", "Kommune", "Tittel"]


def test_statistics_show_the_years_side_by_side(client, db, login):
    login(Role.ADMIN)
    asker = factories.make_municipality(name="Asker")
    _scored_call(db, year=2018, municipality=asker)
    earlier = factories.make_call(year=2017)
    for name in ("Eva Fjeld", "Finn Grov"):
        application = factories.make_application(call=earlier, artist=factories.make_artist(name=name,
                                                                                           municipality=asker))
        application.status = ApplicationStatus.ACCEPTED if name == "Eva Fjeld" else ApplicationStatus.REJECTED
    earlier.phase = CallPhase.PUBLISHED
    db.session.commit()

    page = _page(client.get("/applications/admin/statistics"))

    assert page.index("2017") < page.index("2018")
    assert re.search(r'<th scope="row">Asker</th>'
                     r'<td class="num">2</td><td class="num">1</td><td class="num">4</td><td class="num">0</td>',
                     page)


# --- performance ------------------------------------------------------------------------------------------------

def test_the_ranking_page_runs_the_same_queries_for_20_and_500_applications(client, db, login, count_queries):
    login(Role.ADMIN)
    jurors = [factories.make_user(roles=[Role.JURY]) for _ in range(3)]
    call = factories.make_call(jurors=jurors, phase=CallPhase.DECIDING, criteria=[
        CriterionSpec(name, Decimal(weight)) for name, weight in (("Quality", 2), ("Idea", 1), ("Craft", 1),
                                                                   ("Fit", 1))])
    factories.make_scored_applications(call=call, count=20)
    db.session.commit()
    url = f"/applications/admin/calls/{call.id}/ranking"

    def queries_for_one_page() -> int:
        assert client.get(url).status_code == 200  # warm-up
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200
        return counter.count

    with_20 = queries_for_one_page()
    factories.make_scored_applications(call=call, count=480)
    db.session.commit()
    with_500 = queries_for_one_page()

    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 1500
    assert with_20 == with_500
