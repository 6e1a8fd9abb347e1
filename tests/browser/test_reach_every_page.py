"""Every page a role may use is reached by clicking, on a phone: per role, start at the front page, log in through the
«Log in» link, then follow links breadth-first. Every GET route the access matrix gives the role must be reached; every
page visited must not scroll sideways at 390 px and must be clean under axe.

The demo season is loaded, with what a season in use adds (a mail in the outbox, a manual transaction, an account
mapping and an import batch), so that pages which list such things have something to link to.
"""

from collections import Counter, deque
from datetime import date
from urllib.parse import urljoin, urlsplit

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError
from werkzeug.exceptions import MethodNotAllowed, NotFound

from kunstvest.ateliers.services import accepted_season_of
from kunstvest.auth.models import User
from kunstvest.budget import accounts, importing
from kunstvest.budget.models import BudgetLine, Project
from kunstvest.budget.services import record_actual
from kunstvest.common.outbox import queue_mail
from kunstvest.demo import load_demo_season
from kunstvest.extensions import db
from tests.browser.axe import axe_violations, format_violations
from tests.test_access_matrix import MATRIX, OK

PHONE = {"width": 390, "height": 844}
DEMO_PASSWORD = "kunstvest-demo"
LOGINS = {"admin": "sekretariat@example.org", "jury": "jury@example.org", "volunteer": "frivillig@example.org",
          "artist": "kunstner@example.org", "guardian": "foresatt@example.org",
          "orchestra_staff": "orkester@example.org"}
# Routes nobody reaches by clicking in the app, and why.
NOT_PAGES = {
    "main.healthz": "the load balancer's probe",
    "auth.reset_password": "the link in the reset mail",
    "auth.verify_email": "the link in the confirmation mail",
    "auth.confirm_email_change": "the link in the mail to the new address",
}
# Linked from the login page, which a logged-in user has no reason to see; the visitor reaches them.
GUEST_PAGES = {"auth.request_reset", "auth.resend_verification"}
# An artist's sales log comes with an acceptance: the dashboard and the atelier page link it from then on.
ACCEPTED_ARTIST_PAGES = {"ateliers.my_sales"}
VISITS_PER_ROUTE = 3  # pages of the same route differ in data, not in layout or links worth following further
# ... except that lists run newest first, so a route's last page passed over (the oldest season's: an event held,
# an exhibition with funding received) is visited too, once the rest is done.
FILES = (".pdf", ".xlsx", ".csv", ".ics", ".jpg", ".jpeg", ".png", ".webp")


def _season_in_use() -> None:
    """The demo plus what a season in use has: a mail waiting, a manual transaction, an import and a mapping."""
    load_demo_season()
    secretariat = db.session.scalar(sa.select(User).where(User.email == LOGINS["admin"]))
    queue_mail(to=secretariat.email, template="data_erased", subject="Kvittering", user=secretariat)
    project = db.session.scalar(sa.select(Project).where(Project.code == "kunst-rett-vest"))
    venue = db.session.scalar(sa.select(BudgetLine).where(
        BudgetLine.project_id == project.id, BudgetLine.year == 2017, BudgetLine.name == "Lokaler og vakthold"))
    record_actual(line=venue, amount="1234.50", booked_on=date(2017, 12, 1), text="Vakthold", voucher_number="M-1")
    accounts.save_account_mapping(project=project, year=2017, account="6300", line=venue, mapped_by=secretariat)
    content = ("Bilagsnr;Dato;Konto;Prosjekt;Tekst;Beløp\r\n"
               "9001;15.12.2017;6300;Kunst rett vest;Vakthold desember;-456,00\r\n").encode("utf-8-sig")
    preview = importing.preview_import(rows=importing.parse_transactions_file(filename="eksport.csv", content=content),
                                       filename="eksport.csv")
    importing.apply_import(preview=preview, imported_by=secretariat)
    db.session.commit()


def _endpoint(adapter, url: str) -> str | None:
    try:
        return adapter.match(urlsplit(url).path, method="GET")[0]
    except (NotFound, MethodNotAllowed):
        return None


def _crawl(page, adapter, start: str) -> tuple[set[str], list[str]]:
    """Follow the links breadth-first from `start`: the routes reached, and what failed on the pages visited."""
    reached, failures, visits = set(), [], Counter()
    queue, queued = deque([start]), {start}
    passed_over: dict[str, str] = {}  # route → its last page not visited
    had_last_visit: set[str] = set()
    while queue or passed_over:
        if queue:
            url = queue.popleft()
            endpoint = _endpoint(adapter, url)
            if endpoint is None or endpoint == "auth.logout":
                continue
            reached.add(endpoint)
            visits[endpoint] += 1
            if visits[endpoint] > VISITS_PER_ROUTE:
                if endpoint not in had_last_visit:
                    passed_over[endpoint] = url
                continue
        else:
            endpoint, url = passed_over.popitem()
            had_last_visit.add(endpoint)
        if urlsplit(url).path.endswith(FILES) or "/images/" in url:
            continue
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a file (the personal-data export): reached, nothing to look at
            raise
        if response is None or not response.ok or "html" not in (response.headers.get("content-type") or ""):
            if response is None or response.status >= 500:
                failures.append(f"{url}: {response and response.status}")
            continue
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            failures.append(f"{url} scrolls sideways on a phone: {width} px wide")
        serious = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
        if serious:
            failures.append(format_violations(serious, url))
        links = page.eval_on_selector_all("a[href], img[src]", "els => els.map(e => e.getAttribute('href') || "
                                                              "e.getAttribute('src'))")
        for link in links:
            target = urljoin(page.url, link).split("#")[0]
            if urlsplit(target).netloc == urlsplit(start).netloc and target not in queued:
                queued.add(target)
                queue.append(target)
    return reached, failures


def _log_in_by_clicking(page, base_url: str, email: str) -> None:
    page.goto(base_url + "/")
    page.get_by_role("button", name="Meny").click()  # a phone's header holds the links behind «Meny»
    with page.expect_navigation():
        page.locator("header").get_by_role("link", name="Logg inn").click()
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()


@pytest.mark.timeout(600)
@pytest.mark.parametrize("principal", ["anonymous", *LOGINS])
def test_every_page_of_a_role_is_reached_by_clicking_and_fits_a_phone(app, live_server, browser: Browser,
                                                                       principal):
    with app.app_context():
        _season_in_use()
        accepted = accepted_season_of(user=db.session.scalar(
            sa.select(User).where(User.email == LOGINS["artist"]))) is not None
    adapter = app.url_map.bind(urlsplit(live_server.url).netloc)
    page = browser.new_context(locale="nb-NO", viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    if principal != "anonymous":
        _log_in_by_clicking(page, live_server.url, LOGINS[principal])
        assert page.url.endswith("/dashboard"), page.url
    reached, failures = _crawl(page, adapter, page.url if principal != "anonymous" else live_server.url + "/")

    get_routes = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods} - {"static"}
    may_use = {endpoint for endpoint in get_routes if MATRIX[endpoint].expected(principal) == OK}
    unreachable = may_use - reached - NOT_PAGES.keys() - (GUEST_PAGES if principal != "anonymous" else set())
    if principal == "artist" and not accepted:
        unreachable -= ACCEPTED_ARTIST_PAGES
    if unreachable:
        failures.insert(0, f"{principal} cannot reach by clicking: {', '.join(sorted(unreachable))}")
    assert not failures, "\n".join(failures)
