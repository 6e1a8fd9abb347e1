from tests import factories
from tests.browser.axe import axe_violations

def test_dump(page, live_server, app, db):
    with app.app_context():
        admin = factories.make_user(roles=["admin"], locale="en")
        db.session.commit()
        email = admin.email
    out = []
    for w in (1280, 390):
        page.set_viewport_size({"width": w, "height": 844})
        for path in ["/", "/auth/register", "/auth/login", "/auth/verify", "/auth/reset"]:
            page.goto(live_server.url + path)
            out.append((w, path, [(v["id"], v["impact"], v["targets"][:2]) for v in axe_violations(page)]))
    page.goto(live_server.url + "/auth/register")
    with page.expect_navigation():
        page.click("main form [type=submit]")
    out.append(("register-errors", [(v["id"], v["impact"], v["targets"][:2]) for v in axe_violations(page)]))
    page.goto(live_server.url + "/auth/login")
    page.fill("#email", email); page.fill("#password", factories.PASSWORD)
    with page.expect_navigation():
        page.click("main form [type=submit]")
    for path in ["/dashboard", "/auth/account", "/admin/users", "/admin/outbox", "/admin/audit_log", "/budget/", "/budget/projects", "/reference/municipalities"]:
        r = page.goto(live_server.url + path)
        sw = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        out.append((r.status, path, sw, [(v["id"], v["impact"], v["targets"][:2]) for v in axe_violations(page)]))
    for o in out: print(o)
