"""Form helpers shared by the blueprints' forms."""

from collections.abc import Iterable

from flask import flash
from wtforms.fields.choices import SelectChoice


def choices(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices (tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]


def flash_errors(form) -> None:
    """Flash each error of a form posted from a page that is not its own, so the page it returns to shows them."""
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "error")
