"""PDFs made once per content and kept in storage, so that a person who downloads one gets a stored file.

WeasyPrint needs seconds for the atelier guide or a hundred wall labels. A PDF's storage key therefore holds the
SHA-256 of the HTML it is made from (rendered without the «made on» time): a change to what the document shows gives a
new key, so a stale PDF is never served, and an unchanged document is never rendered twice. The views that change a
document's content call `after_response` with its builder, so the PDF is made once their response has gone out and
the next download finds it stored. Every instance reads the same storage, so one instance's PDF serves them all.
"""

import hashlib
import logging
from collections.abc import Callable

from flask import after_this_request, current_app, render_template
from flask_babel import force_locale, get_locale
from weasyprint import HTML

from kunstvest.common.models import utcnow
from kunstvest.common.storage import storage

PREFIX = "documents"
log = logging.getLogger(__name__)


def stored_pdf(*, scope: str, template: str, **context) -> bytes:
    """The PDF of `template` for `context`: from storage when its content is unchanged, else made and stored.

    `scope` names one document in one language and variant (e.g. "guide/2017/nb/all"); when a new version of it is
    stored, the older ones are deleted, so storage holds one PDF per scope.
    """
    locale = str(get_locale())
    folder = f"{PREFIX}/{scope}/{locale}/"
    fingerprint = hashlib.sha256(render_template(template, made_at=None, **context).encode()).hexdigest()
    key, store = f"{folder}{fingerprint}.pdf", storage()
    try:
        return store.get(key)
    except KeyError:
        pass
    body = HTML(string=render_template(template, made_at=utcnow(), **context)).write_pdf()
    store.put(key, body, content_type="application/pdf")
    for older in list(store.keys(folder)):
        if older != key:
            store.delete(older)
    return body


def forget_stored_pdfs() -> None:
    """Delete every stored PDF, e.g. after erasing a person whose name they may hold; they are made again on demand."""
    store = storage()
    for key in list(store.keys(f"{PREFIX}/")):
        store.delete(key)


def after_response(build: Callable[[], object]) -> None:
    """Run `build` once the current response has gone out, in a request context of its own and in each language.

    A failure is logged and forgotten: the next download makes the PDF instead. Off when PDF_BUILD_AFTER_CHANGE is
    false (the tests, which ask for it where they test it).
    """
    app = current_app._get_current_object()
    if not app.config["PDF_BUILD_AFTER_CHANGE"]:
        return
    first = str(get_locale())
    locales = [first, *(code for code in app.config["LANGUAGES"] if code != first)]

    def run() -> None:
        for locale in locales:
            with app.test_request_context(base_url=app.config["PUBLIC_URL"]), force_locale(locale):
                try:
                    build()
                except Exception:  # noqa: BLE001 — the response has gone; a download will make the PDF instead
                    log.exception("could not make a stored PDF after the response")

    @after_this_request
    def schedule(response):
        response.call_on_close(run)
        return response
