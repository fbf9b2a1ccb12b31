"""One JSON line per request on `quizapp.request`, and an X-Request-ID on every response."""

from __future__ import annotations

import json
import logging
import re

import pytest

from quizapp.ops import requestlog
from tests.factories import PASSWORD, login, make_person

HEX_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def lines(caplog):
    caplog.set_level(logging.INFO, logger="quizapp.request")

    def read() -> list[dict]:
        return [json.loads(r.getMessage()) for r in caplog.records if r.name == "quizapp.request"]

    return read


def test_one_line_per_request_with_the_route_template(client, lines):
    response = client.get("/healthz?token=secret-value")
    (line,) = lines()
    assert set(line) == {"method", "path", "status", "duration_ms", "user_id", "request_id"}
    assert line["method"] == "GET"
    assert line["path"] == "/healthz"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert line["user_id"] is None
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert HEX_ID.fullmatch(line["request_id"])


def test_path_is_the_template_not_the_address(app, client, lines):
    person = make_person("E1")
    login(client, "E1")
    client.get("/study/review/12345")
    line = lines()[-1]
    assert line["path"] == "/study/review/<int:review_id>"
    assert line["status"] == 404
    assert line["user_id"] == person.id


def test_unknown_address_is_logged_as_a_dash(client, lines):
    client.get("/no/such/page/for-alice@example.com")
    assert lines()[-1]["path"] == "-"
    assert lines()[-1]["status"] == 404


def test_no_passwords_forms_or_query_strings_in_the_log(app, client, caplog, lines):
    make_person("E1")
    response = login(client, "E1")
    assert response.status_code == 302
    client.get("/login?next=/secret-next-page")
    everything = caplog.text + "".join(json.dumps(line) for line in lines())
    for secret in (PASSWORD, "E1", "secret-next-page", "csrf"):
        assert secret not in everything
    assert [line["path"] for line in lines()][-2:] == ["/login", "/login"]


def test_a_sane_incoming_request_id_is_kept(client, lines):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-2026.12_02-abc"})
    assert response.headers["X-Request-ID"] == "lb-2026.12_02-abc"
    assert lines()[-1]["request_id"] == "lb-2026.12_02-abc"


@pytest.mark.parametrize(
    "incoming",
    ["x" * 65, "two words", "<script>", "id\u00e9", "a/b", "a;b", ""],
)
def test_an_odd_incoming_request_id_is_replaced(client, lines, incoming):
    response = client.get("/healthz", headers={"X-Request-ID": incoming})
    assert HEX_ID.fullmatch(response.headers["X-Request-ID"])
    assert lines()[-1]["request_id"] == response.headers["X-Request-ID"]


def test_naughty_request_ids_never_reach_the_log(client, lines, blns):
    for text in blns[:200]:
        try:
            response = client.get("/healthz", headers={"X-Request-ID": text})
        except ValueError:  # werkzeug refuses a header with a newline before sending it
            continue
        rid = response.headers["X-Request-ID"]
        assert rid == text or HEX_ID.fullmatch(rid)
        assert re.fullmatch(r"[A-Za-z0-9._-]{1,64}", rid)


def test_every_response_has_an_id_redirects_and_errors_too(client):
    for path in ("/", "/study/", "/login", "/no-such-page", "/static/app.css"):
        response = client.get(path)
        response.close()  # the static file
        assert HEX_ID.fullmatch(response.headers["X-Request-ID"]), path
    assert HEX_ID.fullmatch(client.post("/healthz").headers["X-Request-ID"])  # 405


def test_gunicorn_workers_write_the_lines_to_stderr(monkeypatch, capsys):
    log = requestlog.log
    monkeypatch.setattr(log, "handlers", [])
    monkeypatch.setattr(log, "propagate", True)
    monkeypatch.setattr(log, "level", logging.NOTSET)
    requestlog.send_to_stderr()
    requestlog.send_to_stderr()  # once only
    assert len(log.handlers) == 1
    log.info('{"status": 200}')
    assert capsys.readouterr().err == '{"status": 200}\n'
