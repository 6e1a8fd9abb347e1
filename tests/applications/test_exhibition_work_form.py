"""The exhibition-work form asks in the order people think: which work first, «for sale» and its price as one."""

import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from kunstvest.applications import services
from kunstvest.applications.models import ApplicationStatus, CallPhase, ChosenWork
from kunstvest.auth.models import Role
from kunstvest.common.models import utcnow
from tests import factories

pytestmark = pytest.mark.usefixtures("english")

URL = "/applications/my/exhibition-work"


@pytest.fixture
def accepted(client, db, login):
    """The logged-in artist's application, accepted and published, with one applied work at 12 000 and none chosen."""
    user = login(Role.ARTIST)
    application = factories.make_application(artist=factories.make_artist(user=user))
    application.status, application.decided_at = ApplicationStatus.ACCEPTED, utcnow()
    application.call.phase = CallPhase.PUBLISHED
    db.session.commit()
    return application


def _post(client, **fields):
    data = {"source_work_id": "0", "title": "Ny", "technique": "Akvarell", "insurance_value": "5000",
            "is_for_sale": "1", "price": "", "confirm": "y", **fields}
    return client.post(URL, data=data)


def _checked(html) -> list[str]:
    """The values of the checked for-sale radios."""
    return [re.search(r'value="([^"]*)"', tag).group(1)
            for tag in re.findall(r'<input[^>]*name="is_for_sale"[^>]*>', html) if " checked" in tag]


def _chosen(db):
    db.session.expire_all()
    return db.session.scalar(sa.select(ChosenWork))


def test_the_form_starts_with_which_work_and_puts_the_price_under_for_sale(client, accepted):
    page = client.get(URL).get_data(as_text=True)
    form = re.search(r'<form method="post" novalidate enctype="multipart/form-data">.*?</form>', page, re.S).group(0)
    names = re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', form)
    fields = [name for name in dict.fromkeys(names) if name not in ("csrf_token", "submit")]
    assert fields[0] == "source_work_id"
    assert fields.index("title") < fields.index("technique") < fields.index("width_cm")
    assert fields.index("is_for_sale") + 1 == fields.index("price")
    sale = re.search(r'<fieldset class="field sale-choice".*?</fieldset>', page, re.S).group(0)
    assert "Is the work for sale?" in sale and 'name="price"' in sale
    assert _checked(sale) == ["1"]  # a new work starts as for sale, as most are
    assert "Not for sale" in sale and "For sale, at the price:" in sale


def test_a_new_work_for_sale_without_a_price_is_an_error_on_the_price(client, db, accepted):
    response = _post(client)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(r'<small id="price-error" class="error-text">(.*?)</small>', page).group(1)
    assert "Give the price the work is for sale at, or choose «Not for sale»." in error
    assert 'aria-describedby="price-hint price-error"' in page
    assert _chosen(db) is None


def test_an_applied_work_for_sale_keeps_its_applied_price_when_left_empty(client, db, accepted):
    work = accepted.works[0]
    response = _post(client, source_work_id=str(work.id), title="", technique="")
    assert response.status_code == 302
    chosen = _chosen(db)
    assert (chosen.is_for_sale, chosen.price, chosen.title) == (True, Decimal("12000.00"), work.title)


def test_an_applied_work_without_a_price_needs_one_to_be_for_sale(client, db, accepted):
    work = accepted.works[0]
    work.price = None
    db.session.commit()
    response = _post(client, source_work_id=str(work.id))
    assert response.status_code == 422
    assert re.search(r'<small id="price-error" class="error-text">Give the price', response.get_data(as_text=True))
    assert _chosen(db) is None

    assert _post(client, source_work_id=str(work.id), price="8 500").status_code == 302
    assert _chosen(db).price == Decimal("8500.00")


def test_not_for_sale_clears_the_price_even_one_typed_first(client, db, accepted):
    work_id = str(accepted.works[0].id)
    assert _post(client, source_work_id=work_id, price="15000").status_code == 302
    assert _chosen(db).price == Decimal("15000.00")

    for typed in ("15000", "not a number", ""):
        response = _post(client, source_work_id=work_id, is_for_sale="0", price=typed)
        assert response.status_code == 302, typed
        chosen = _chosen(db)
        assert (chosen.is_for_sale, chosen.price) == (False, None)
    page = client.get(URL).get_data(as_text=True)
    assert _checked(page) == ["0"]


@pytest.mark.parametrize("answer", ["y", "", "2"])
def test_an_answer_other_than_the_two_choices_is_refused(client, db, accepted, answer):
    response = _post(client, is_for_sale=answer, price="100")
    assert response.status_code == 422
    assert 'id="is_for_sale-error"' in response.get_data(as_text=True)
    assert _chosen(db) is None


def test_the_service_refuses_for_sale_without_a_price_and_clears_it_when_not(db):
    application = factories.make_accepted_applications(count=1)[0]
    application.chosen_work.price = None
    application.works[0].price = None
    with pytest.raises(services.PriceMissing):
        services.save_chosen_work(application=application, source_work=application.works[0], title="",
                                  insurance_value=Decimal("100"))
    chosen = services.save_chosen_work(application=application, title="Ny", technique="Olje", is_for_sale=False,
                                       price=Decimal("900"), insurance_value=Decimal("100"))
    assert (chosen.is_for_sale, chosen.price) == (False, None)
