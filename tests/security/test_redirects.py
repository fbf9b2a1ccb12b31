"""Redirects stay on the site: `next` after logging in, and the expired-form (CSRF) page
that sends the person back to where they came from (finding 7)."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pytest

from quizapp.urls import safe_next
from tests.factories import PASSWORD, csrf_token, make_person

SITE = "http://localhost/"

# Targets a browser would (or, decoded once more, might) take off the site.
OPEN_REDIRECTS = [
    "//evil.com/x",
    "///evil.com",
    "////evil.com",
    "/\\evil.com",
    "/\\/evil.com",
    "\\\\evil.com",
    "/\t/evil.com",
    "/\n/evil.com",
    "/\r/evil.com",
    "/\t\\evil.com",
    " //evil.com",
    "\t//evil.com",
    "\x00//evil.com",
    "/\x00/evil.com",
    "/%09/evil.com",
    "/%0a/evil.com",
    "/%0D/evil.com",
    "/%5Cevil.com",
    "/%5c%5cevil.com",
    "/%2F/evil.com",
    "/%2f%2fevil.com",
    "/%252F/evil.com",
    "//%09evil.com",
    "/\u3000/evil.com",
    "/\u00a0/evil.com",
    "/\u202e/evil.com",
    "https://evil.com/",
    "http:evil.com",
    "https:/evil.com",
    "HTTPS://evil.com",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.com",
    "",
]
LOCAL = [
    "/",
    "/banks/property-demo",
    "/people/?q=%E5%BC%A0%20%E4%B8%89&site=1",
    "/study/?more=1",
    "/people/5/edit#top",
]


def lands_on_site(location: str) -> bool:
    """Whether a browser following `location` stays on the site, also after the target is
    percent-decoded (once or twice) by anything on the way."""
    for candidate in (location, unquote(location), unquote(unquote(location))):
        # What a browser's URL parser does: leading and trailing C0 controls and spaces
        # stripped, tabs and line breaks removed anywhere, backslashes read as slashes,
        # and any number of slashes after the scheme taken as the start of a host.
        cleaned = candidate.strip("".join(map(chr, range(0x21))))
        cleaned = cleaned.translate({9: None, 10: None, 13: None}).replace("\\", "/")
        parts = urlsplit(cleaned)
        if cleaned.startswith("//") or parts.scheme or parts.netloc:
            return False
    return True


def test_the_checker_itself_spots_an_open_redirect():
    assert not lands_on_site("//evil.com/x")
    assert not lands_on_site("/\t/evil.com")
    assert not lands_on_site("/%2F/evil.com")
    assert lands_on_site("/banks/x")


@pytest.mark.parametrize("target", OPEN_REDIRECTS)
def test_safe_next_refuses_open_redirects(app, target):
    with app.test_request_context():
        assert safe_next(target) == "/"
        assert safe_next(target, "/study/") == "/study/"


@pytest.mark.parametrize("target", LOCAL)
def test_safe_next_keeps_local_paths(app, target):
    with app.test_request_context():
        assert safe_next(target) == target
        assert lands_on_site(target)


@pytest.mark.parametrize("target", [t for t in OPEN_REDIRECTS if "\n" not in t and "\r" not in t])
def test_login_next_never_leaves_the_site(client, target):
    make_person("E1")
    response = client.post(
        "/login",
        data={
            "employee_no": "E1",
            "password": PASSWORD,
            "next": target,
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


# The expired-form handler goes back to the Referer's path when the Referer is this site.
# Header values are Latin-1 without line breaks or NUL; every such payload is sent as the path.
REFERER_PATHS = [
    t
    for t in OPEN_REDIRECTS
    if t.startswith("/") and t.isascii() and not {"\n", "\r", "\x00"} & set(t)
] + ["/\u00a0/evil.com"]


@pytest.mark.parametrize("path", REFERER_PATHS)
def test_an_expired_form_never_sends_the_person_off_the_site(client, path):
    response = client.post(
        "/login", data={"employee_no": "E1"}, headers={"Referer": SITE + path[1:]}
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert lands_on_site(location), location


@pytest.mark.parametrize("path", LOCAL)
def test_an_expired_form_goes_back_to_the_page_it_came_from(client, path):
    response = client.post(
        "/login", data={"employee_no": "E1"}, headers={"Referer": SITE + path[1:]}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == path.partition("#")[0]


def test_an_expired_form_from_another_site_goes_home(client):
    response = client.post("/login", data={}, headers={"Referer": "https://evil.com/login"})
    assert response.headers["Location"] == "/"
