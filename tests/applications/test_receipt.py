"""The artist's receipt: a page listing the submitted works, the same receipt as a PDF, and the receipt mail."""

import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from kunstvest.common.outbox import OutboxMessage
from tests import factories

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def submitted(db, log_in_as):
    """A submitted application with three works, its artist logged in."""
    artist = factories.make_artist(name="Kari Nordmann")
    application = factories.make_application(artist=artist, works=3)
    db.session.commit()
    log_in_as(artist.user)
    return application


def test_the_receipt_lists_every_submitted_work_and_the_reference(client, submitted):
    page = client.get(f"/applications/my/applications/{submitted.id}/receipt").get_data(as_text=True)
    assert submitted.reference and submitted.reference in page
    assert [title in page for title in ("Verk 1", "Verk 2", "Verk 3")] == [True, True, True]
    assert "Kari Nordmann" in page
    assert f"/applications/my/applications/{submitted.id}/receipt.pdf" in page
    assert "data-print" in page  # the print button, shown by static/js/print.js


def test_the_receipt_is_linked_from_the_application_page(client, submitted):
    page = client.get("/applications/my").get_data(as_text=True)
    assert f'href="/applications/my/applications/{submitted.id}/receipt"' in page


def test_the_receipt_pdf_holds_the_same_works(client, submitted):
    response = client.get(f"/applications/my/applications/{submitted.id}/receipt.pdf")
    assert response.status_code == 200
    assert response.content_type == "application/pdf"
    assert "receipt-" in response.headers["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for expected in ("Receipt for your application", submitted.reference, "Verk 1", "Verk 2", "Verk 3"):
        assert expected in text


def test_a_norwegian_pdf_has_a_norwegian_file_name(client, submitted):
    with client.session_transaction() as session:
        session["locale"] = "nb"
    response = client.get(f"/applications/my/applications/{submitted.id}/receipt.pdf")
    assert "kvittering-" in response.headers["Content-Disposition"]


def test_another_artist_and_a_draft_have_no_receipt(client, db, login, submitted):
    draft = factories.make_application(works=1, submit=False)
    db.session.commit()
    factories.make_artist(user=login("artist"))
    db.session.commit()
    for application_id in (submitted.id, draft.id, 2**63):
        assert client.get(f"/applications/my/applications/{application_id}/receipt").status_code == 404
    assert client.get(f"/applications/my/applications/{submitted.id}/receipt.pdf").status_code == 404


def test_the_receipt_mail_lists_the_works_and_links_the_receipt(db, submitted):
    mail = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.recipient == submitted.artist.user.email)
                              .order_by(OutboxMessage.id.desc())).first()
    assert mail is not None
    for expected in (submitted.reference, "Verk 1", "Verk 2", "Verk 3",
                     f"/applications/my/applications/{submitted.id}/receipt"):
        assert expected in mail.body_text
    assert f"/applications/my/applications/{submitted.id}/receipt" in mail.body_html
