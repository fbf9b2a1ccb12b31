"""bench/load.py's exam: many employees start one timed exam within two seconds, save
their answers as they go, and hand in during the last ten seconds of their time; a few
never hand in and try to save after the deadline and its grace (which must be refused)."""

from __future__ import annotations

import json
import random
import time

from load_client import CSRF, Client, Record, read_form, send

GRACE_SECONDS = 10  # quizapp.exams.scoring.GRACE_SECONDS
START_SPREAD = 1.5  # seconds over which the starts are sent


def _json(body: str) -> dict:
    try:
        found = json.loads(body)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def sit_exam(port, cookies, number, exam, record: Record, seed: int, late: bool) -> None:
    """One employee's attempt; what happened lands in record.exam[number]."""
    rng = random.Random(seed)
    client = Client(port, cookies)
    mine = {"attempt": None, "saves": {}, "submitted": False, "late": late, "late_status": None}
    with record.lock:
        record.exam[number] = mine
    got = send(client, record, "exam page", "GET", f"/exam/{exam['id']}")
    token = CSRF.search(got[1]) if got else None
    if token is None:
        record.count("exam page failed")
        return
    time.sleep(max(0.0, exam["start_at"] + rng.uniform(0, START_SPREAD) - time.monotonic()))
    sent = time.monotonic()
    mine["start_sent"] = sent - exam["start_at"]
    form = [("csrf_token", token[1])]
    got = send(client, record, "exam start", "POST", f"/exam/{exam['id']}/start", form)
    if not got or got[0] != 302 or "/exam/attempt/" not in got[2].get("Location", ""):
        record.count(f"exam start refused {got[0] if got else 'network'}")
        return
    answered = time.monotonic()  # the server's deadline is at most `seconds` after this
    attempt_path = "/exam/attempt/" + got[2]["Location"].split("/exam/attempt/")[1]
    mine["attempt"] = int(attempt_path.rsplit("/", 1)[1])
    seconds = exam["seconds"]
    # The server's deadline is at least `seconds` after the start was sent.
    for position in range(1, exam["items"] + 1):
        pause = rng.uniform(0.5, max(1.0, (seconds - 20) / exam["items"]))
        time.sleep(min(pause, max(0.0, sent + seconds - 15 - time.monotonic())))
        _save(client, record, mine, attempt_path, position, rng, sent + seconds - 12)
    if late:
        time.sleep(max(0.0, answered + seconds + GRACE_SECONDS + 2 - time.monotonic()))
        page = send(client, record, "exam page", "GET", f"{attempt_path}?q=1")
        # The paper is gone (redirected to the result): save with the last page's form.
        fields = mine.get("last_fields")
        if fields:
            got = send(
                client,
                record,
                "exam late save",
                "POST",
                f"{attempt_path}/answer",
                fields,
                accept="application/json",
            )
            mine["late_status"] = got[0] if got else None
        mine["late_page"] = page[0] if page else None
        return
    time.sleep(max(0.0, sent + seconds - rng.uniform(1.0, 9.0) - time.monotonic()))
    mine["submit_sent"] = time.monotonic() - sent
    got = send(client, record, "exam submit", "POST", f"{attempt_path}/submit", form)
    mine["submitted"] = bool(
        got and got[0] == 302 and got[2].get("Location", "").endswith("/result")
    )
    client.close()


def _save(client, record, mine, attempt_path, position, rng, deadline) -> None:
    got = send(
        client, record, "exam page", "GET", f"{attempt_path}?q={position}", deadline=deadline
    )
    form = read_form(got[1], rng, exam=True) if got and got[0] == 200 else None
    if form is None:
        record.count("exam question missing")
        return
    _action, _kind, fields = form
    mine["last_fields"] = fields
    got = send(
        client,
        record,
        "exam save",
        "POST",
        f"{attempt_path}/answer",
        fields,
        deadline=deadline,
        accept="application/json",
    )
    reply = _json(got[1]) if got else {}
    if got and got[0] == 200 and reply.get("ok"):
        mine["saves"][position] = reply["revision"]
    elif got and got[0] == 409 and reply.get("stale") and reply.get("saved"):
        mine["saves"][position] = reply["revision"]  # a resend: the first one was saved
    else:
        record.count(f"exam save refused {got[0] if got else 'network'}")
