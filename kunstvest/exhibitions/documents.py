"""The exhibition's printed documents: wall labels and the price list, rendered by WeasyPrint."""

from flask import render_template
from flask_babel import gettext as _
from weasyprint import HTML

from kunstvest.applications.models import ChosenWork
from kunstvest.common.formatting import money
from kunstvest.common.models import utcnow
from kunstvest.exhibitions.models import Exhibition
from kunstvest.exhibitions.services import ExhibitionEntry, by_label_number


def price_text(chosen: ChosenWork) -> str:
    """The price as the visitor reads it, or «Not for sale»."""
    if chosen.is_for_sale and chosen.price is not None:
        return money(chosen.price)
    return _("Not for sale")


def _pdf(template: str, exhibition: Exhibition, entries: list[ExhibitionEntry]) -> bytes:
    html = render_template(template, exhibition=exhibition, entries=by_label_number(entries), price_text=price_text,
                           made_at=utcnow())
    return HTML(string=html).write_pdf()


def wall_labels_pdf(*, exhibition: Exhibition, entries: list[ExhibitionEntry]) -> bytes:
    """One label per work: number, artist, title, technique, year and price, to print and cut."""
    return _pdf("exhibitions/wall_labels_print.html", exhibition, entries)


def price_list_pdf(*, exhibition: Exhibition, entries: list[ExhibitionEntry]) -> bytes:
    """The price list for the reception desk, in label-number order."""
    return _pdf("exhibitions/price_list_print.html", exhibition, entries)
