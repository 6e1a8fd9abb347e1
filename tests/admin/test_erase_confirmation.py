"""Erasing a user asks first, naming the roles lost and what happens to an artist's applications; the flash names
who was erased and where the confirmation goes."""

import pytest
import sqlalchemy as sa

from kunstvest.auth.models import Role, User
from kunstvest.common.outbox import OutboxMessage
from tests import factories

pytestmark = pytest.mark.usefixtures("english")


def _erasure_mails(db) -> list[str]:
    return list(db.session.scalars(sa.select(OutboxMessage.recipient).where(OutboxMessage.template == "data_erased")))


def test_erasing_an_artist_says_what_goes_and_the_flash_names_them(client, db, login):
    login(Role.ADMIN)
    application = factories.make_application(works=2)
    user = application.artist.user
    user_id, name, email = user.id, user.full_name, user.email
    db.session.commit()
    url = f"/admin/users/{user_id}/erase"

    page = client.get(url).get_data(as_text=True)

    assert f"Erase {name}?" in page
    assert "The account is disabled and loses its roles: Artist." in page
    assert ("The artist profile and 1 application are blanked: the statement and 2 works with their images. "
            "The counts per year and municipality stay.") in page
    assert f'href="/admin/users/{user_id}"' in page
    assert db.session.get(User, user_id).erased_at is None
    assert _erasure_mails(db) == []

    done = client.post(url, follow_redirects=True).get_data(as_text=True)

    assert f"The personal data of {name} (user {user_id}) is erased; the confirmation is queued to {email}." in done
    db.session.expire_all()
    assert db.session.get(User, user_id).erased_at is not None
    assert _erasure_mails(db) == [email]
