"""Account journeys in a real browser: register, confirm by email, log in, in Norwegian and in English.

Every page visited is checked with axe-core (serious and critical violations fail the test).
"""

import re

from playwright.sync_api import Page, expect

from kunstvest.common.outbox import send_due_messages
from tests import factories
from tests.browser.axe import axe_check, visit

VERIFY_LINK = re.compile(r"http://127\.0\.0\.1:\d+/auth/verify/[^\s\"'<>]+")
PASSWORD = "en lang og god setning"


def html_lang(page: Page) -> str:
    return page.evaluate("() => document.documentElement.lang")


def submit(page: Page, form_selector: str = "main form") -> None:
    """Submit the page's form with its submit button, wait for the next page and check it with axe."""
    with page.expect_navigation():
        page.locator(f"{form_selector} [type=submit]").click()
    axe_check(page)


def deliver_verification_link(app, sink, email: str) -> str:
    """Run the outbox worker once and return the verification link mailed to `email`."""
    with app.app_context():
        counts = send_due_messages()
    assert counts["sent"] == 1, counts
    messages = [m for m in sink.messages if email in m["To"]]
    assert len(messages) == 1, [m["To"] for m in sink.messages]
    body = messages[0].get_body(preferencelist=("plain",)).get_content()
    match = VERIFY_LINK.search(body)
    assert match, body
    return match.group(0)


def register(page: Page, *, full_name: str, email: str) -> None:
    """From the front page, follow the link to the registration form, fill it in as an artist and submit."""
    with page.expect_navigation():
        page.locator("main a[href$='/auth/register']").click()
    assert page.url.endswith("/auth/register")
    axe_check(page)
    page.fill("#full_name", full_name)
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.fill("#password_again", PASSWORD)
    page.check("input[name=role][value=artist]")
    submit(page)


def log_in(page: Page, *, email: str, password: str) -> None:
    page.fill("#email", email)
    page.fill("#password", password)
    submit(page)


def test_register_verify_and_log_in_in_norwegian(page: Page, live_server, app):
    name, email = "Kari Nordmann", "kari@example.org"
    visit(page, live_server.url + "/")
    assert html_lang(page) == "nb"

    register(page, full_name=name, email=email)
    assert html_lang(page) == "nb"
    expect(page.locator("main")).to_contain_text(email)  # "check your email at …"
    expect(page.locator("main h1")).to_be_visible()

    link = deliver_verification_link(app, live_server.smtp_sink, email)
    assert link.startswith(live_server.url + "/auth/verify/")
    visit(page, link)
    assert page.url.endswith("/auth/login")
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("main form [type=submit]")).to_have_value("Logg inn")

    log_in(page, email=email, password=PASSWORD)
    assert page.url.endswith("/dashboard")
    assert html_lang(page) == "nb"
    expect(page.locator("main h1")).to_have_text(f"Velkommen, {name}")


def test_register_verify_and_log_in_in_english(page: Page, live_server, app):
    name, email = "Jane Doe", "jane@example.org"
    visit(page, live_server.url + "/")
    assert html_lang(page) == "nb"
    with page.expect_navigation():
        page.locator("header").get_by_role("button", name="English").click()
    axe_check(page)
    assert html_lang(page) == "en"
    expect(page.locator("header").get_by_role("button", name="Norsk")).to_be_visible()

    register(page, full_name=name, email=email)
    assert html_lang(page) == "en"
    expect(page.locator("main h1")).to_have_text("Check your email")
    expect(page.locator("main")).to_contain_text(email)

    link = deliver_verification_link(app, live_server.smtp_sink, email)
    visit(page, link)
    assert page.url.endswith("/auth/login")
    expect(page.locator(".flash-success")).to_contain_text("Your email address is confirmed")
    expect(page.locator("main form [type=submit]")).to_have_value("Log in")

    log_in(page, email=email, password=PASSWORD)
    assert page.url.endswith("/dashboard")
    assert html_lang(page) == "en"
    expect(page.locator("main h1")).to_have_text(f"Welcome, {name}")
    expect(page.locator("main h2")).to_have_text("Artist")
    expect(page.locator("header")).to_contain_text("My account")
    expect(page.locator("header").get_by_role("button", name="Log out")).to_be_visible()


def assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways on a phone: scrollWidth {widths[0]} > {widths[1]}"


def test_login_and_admin_dashboard_fit_a_phone(page: Page, live_server, app, db):
    with app.app_context():
        admin = factories.make_user(roles=["admin"])
        email, name = admin.email, admin.full_name
        db.session.commit()
    page.set_viewport_size({"width": 390, "height": 844})

    visit(page, live_server.url + "/auth/login")
    assert_no_horizontal_scroll(page)

    log_in(page, email=email, password=factories.PASSWORD)
    assert page.url.endswith("/dashboard")
    expect(page.locator("main h1")).to_contain_text(name)
    assert page.locator("main .panel-links a").count() >= 8  # the secretariat's links
    assert_no_horizontal_scroll(page)
