"""The exhibition's printed documents: wall labels and the price list, rendered by WeasyPrint."""

from flask_babel import gettext as _

from kunstvest.applications.models import ChosenWork
from kunstvest.common.formatting import money
from kunstvest.common.stored_pdfs import stored_pdf
from kunstvest.exhibitions.models import Exhibition
from kunstvest.exhibitions.services import ExhibitionEntry, by_label_number, exhibition_entries
from kunstvest.extensions import db


def price_text(chosen: ChosenWork) -> str:
    """The price as the visitor reads it, or «Not for sale»."""
    if chosen.is_for_sale and chosen.price is not None:
        return money(chosen.price)
    return _("Not for sale")


def _pdf(kind: str, template: str, exhibition: Exhibition, entries: list[ExhibitionEntry]) -> bytes:
    return stored_pdf(scope=f"{kind}/{exhibition.id}", template=template, exhibition=exhibition,
                      entries=by_label_number(entries), price_text=price_text)


def wall_labels_pdf(*, exhibition: Exhibition, entries: list[ExhibitionEntry]) -> bytes:
    """One label per work: number, artist, title, technique, year and price, to print and cut."""
    return _pdf("wall-labels", "exhibitions/wall_labels_print.html", exhibition, entries)


def price_list_pdf(*, exhibition: Exhibition, entries: list[ExhibitionEntry]) -> bytes:
    """The price list for the reception desk, in label-number order."""
    return _pdf("price-list", "exhibitions/price_list_print.html", exhibition, entries)


def build_documents(exhibition_id: int) -> None:
    """Make and store both PDFs of an exhibition, as they are after a change to its works or placement."""
    exhibition = db.session.get(Exhibition, exhibition_id)
    if exhibition is None:
        return
    entries = exhibition_entries(exhibition=exhibition)
    wall_labels_pdf(exhibition=exhibition, entries=entries)
    price_list_pdf(exhibition=exhibition, entries=entries)
