"""No input gives a 500: hostile ids in every URL, hostile query strings, and hostile values in every form.

The app runs with TESTING on, so an error that would be a 500 in production is raised into the test client; each
request's exception is caught and reported with the URL that caused it.
"""

import re
from html.parser import HTMLParser

import pytest
from werkzeug.routing import IntegerConverter

from kunstvest.auth.models import Role
from tests.test_access_matrix import PRINCIPALS, _rules, _url_values

HOSTILE_IDS = [0, -1, 2**31, 2**63, 10**20]
HOSTILE_QUERY = {"year": "99999999999999999999", "page": str(10**20), "q": "a" * 10_000, "project": "-1",
                 "from": "9999-12-31", "to": "0001-01-01", "line": str(2**63)}
NUL = "kari\x00nordmann"
LONG = "x" * 10_000
HUGE = "100000000000000000000000000"  # 10^26
FAR_DATES = ("9999-12-31", "0001-01-01")


def _log_in(login, principal: str) -> None:
    if principal == "no_role":
        login()
    elif principal != "anonymous":
        login(principal)


def _status(client, url: str, method: str = "GET", **kwargs) -> str:
    """The response's status, or «500 <exception>» when the view raised."""
    try:
        return str(client.open(url, method=method, **kwargs).status_code)
    except Exception as error:  # noqa: BLE001 - any exception escaping a view is the 500 this test looks for
        return f"500 {type(error).__name__}: {str(error)[:160]}"


def _failures(results: list[tuple[str, str]]) -> list[str]:
    return [f"{what}: {status}" for what, status in results if status.startswith("500")]


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_hostile_ids_in_every_url_rule(app, client, db, login, principal):
    values = _url_values(db)
    _log_in(login, principal)
    results = []
    for rule in _rules(app):
        ids = [name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]
        if not ids:
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        for hostile in HOSTILE_IDS:
            url = rule.build({name: hostile if name in ids else values[name] for name in rule.arguments},
                             append_unknown=False)[1]
            results.append((f"{method} {url}", _status(client, url, method)))
        if rule.endpoint == "auth.logout":
            _log_in(login, principal)
    assert len(results) > 400
    failures = _failures(results)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("principal", ["anonymous", Role.ADMIN.value, Role.ORCHESTRA_STAFF.value])
def test_hostile_query_strings_on_every_page(app, client, db, login, principal):
    values = _url_values(db)
    _log_in(login, principal)
    results = []
    for rule in _rules(app):
        if "GET" not in rule.methods or rule.endpoint == "auth.logout":
            continue
        url = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
        results.append((f"GET {url}?…", _status(client, url, query_string=HOSTILE_QUERY)))
        nul = _status(client, url, query_string={"q": NUL})
        results.append((f"GET {url}?q=NUL", nul))
        assert nul in ("400", "302", "404", "403"), f"{url} with a NUL in the query string answered {nul}"
    failures = _failures(results)
    assert not failures, "\n".join(failures)


class _FormFields(HTMLParser):
    """The POST forms of a page: their action and their fields with a kind (text, date, number, choice, file)."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, list[tuple[str, str, str]]]] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            if (attributes.get("method") or "get").lower() == "post":
                self.forms.append((attributes.get("action") or "", []))
            else:
                self.forms.append(("", None))
            return
        if not self.forms or self.forms[-1][1] is None or not attributes.get("name"):
            if tag == "option" and self._select and self.forms and self.forms[-1][1] is not None:
                self.forms[-1][1].append((self._select, "option", attributes.get("value") or ""))
            return
        fields = self.forms[-1][1]
        name = attributes["name"]
        if tag == "select":
            self._select = name
        elif tag == "textarea":
            fields.append((name, "text", ""))
        elif tag == "input":
            kind = (attributes.get("type") or "text").lower()
            if attributes.get("inputmode") in ("decimal", "numeric") or kind == "number":
                kind = "number"
            fields.append((name, kind, attributes.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _payloads(fields: list[tuple[str, str, str]]) -> dict[str, dict]:
    """One form body per kind of hostile value; other fields keep a plausible value so the hostile one is reached."""
    def body(text, date, number) -> dict:
        data: dict[str, object] = {}
        for name, kind, value in fields:
            if kind in ("submit", "button", "file", "image", "reset"):
                continue
            if kind == "hidden":
                data.setdefault(name, value)
            elif kind == "option":
                data.setdefault(name, value)
            elif kind in ("checkbox", "radio"):
                data.setdefault(name, value or "y")
            elif kind == "date":
                data[name] = date
            elif kind == "number":
                data[name] = number
            elif kind == "time":
                data[name] = "10:00"
            elif kind == "email":
                data[name] = text if text != LONG else "a" * 9_980 + "@example.org"
            else:
                data[name] = text
        return data

    return {"NUL": body(NUL, "2017-09-09", "12"), "10 000 characters": body(LONG, "2017-09-09", "12"),
            "far future": body("Tekst", FAR_DATES[0], "12"), "far past": body("Tekst", FAR_DATES[1], "12"),
            "huge numbers": body("Tekst", "2017-09-09", HUGE),
            "huge integer": body("Tekst", "2017-09-09", "9223372036854775808")}


@pytest.mark.parametrize("principal", [Role.ADMIN.value, Role.ORCHESTRA_STAFF.value, Role.ARTIST.value,
                                       Role.GUARDIAN.value, Role.JURY.value, Role.VOLUNTEER.value])
def test_hostile_values_in_every_form(app, client, db, login, principal):
    values = _url_values(db)
    _log_in(login, principal)
    results, posted = [], set()
    for rule in _rules(app):
        if "GET" not in rule.methods or rule.endpoint in ("auth.logout", "main.set_language"):
            continue
        url = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
        try:
            response = client.get(url)
        except Exception as error:  # noqa: BLE001
            results.append((f"GET {url}", f"500 {type(error).__name__}: {error}"))
            continue
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        parser = _FormFields()
        parser.feed(response.get_data(as_text=True))
        for action, fields in parser.forms:
            if fields is None or re.search(r"logout|erase|delete-account|language", action or ""):
                continue
            target = action or url
            if (target, tuple(name for name, *_ in fields)) in posted:
                continue
            posted.add((target, tuple(name for name, *_ in fields)))
            for kind, data in _payloads(fields).items():
                results.append((f"POST {target} ({kind}, from {url})",
                                _status(client, target, "POST", data=data)))
    assert len(posted) > 3, "the crawl found almost no forms"
    failures = _failures(results)
    assert not failures, "\n".join(failures)
