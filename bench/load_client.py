"""bench/load.py's simulated people: an HTTP client with its own cookies, the card's form
read like a browser would, and what everyone saw (statuses, latencies, acknowledgements)."""

from __future__ import annotations

import html
import http.client
import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

HOST = "127.0.0.1"
TIMEOUT = 30.0
CUT_TIMEOUT = 0.02  # a connection "cut" this soon after sending: the answer is resent
IDLE = 4.0  # seconds a kept-alive connection is reused (gunicorn.conf.py: keepalive = 5)
MAX_TRIES = 8  # per request, whatever goes wrong
# The one 409 worth asking again: the same key's twin is still being recorded
# (quizapp/study/answers.py). "Answered in another tab" or "the item changed" stay so.
STILL_RUNNING = "这个答案正在提交"
NETWORK_ERRORS = (OSError, http.client.HTTPException)

FORM = re.compile(
    r'<form method="post" action="([^"]+)" class="answer-form[^"]*" data-type="(\w+)"(.*?)</form>',
    re.S,
)
HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')
CHOICE = re.compile(r'name="choice" value="(\d+)"')
BLANK = re.compile(r'name="blank"')
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
ATTEMPT = re.compile(r"/exam/attempt/(\d+)")

TYPED = [
    "先向业主道歉，登记报修内容，通知维修人员上门，处理完后回访",
    "微笑问候，使用礼貌用语，耐心倾听客户的诉求",
    "首问负责，不推诿，及时跟进并反馈处理结果",
    "不知道",
]
BLANK_WORDS = ["三", "3", "首问负责", "微笑", "十五分钟", "礼貌", "110"]


class Client:
    """A keep-alive connection with a cookie jar; no redirects followed."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None
        self.cookies = dict(cookies or {})
        self.used = 0.0  # when the connection last answered (monotonic)

    def request(self, method, path, form=None, timeout=TIMEOUT, accept="text/html"):
        """(status, body, seconds, headers); OSError/HTTPException when cut or reset."""
        if self.conn is not None and time.monotonic() - self.used > IDLE:
            self.close()  # as a browser does: the server has closed an idle connection
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        elif self.conn.sock is not None:
            self.conn.sock.settimeout(timeout)
        self.conn.timeout = timeout
        headers = {"Accept": accept, "User-Agent": "quizapp-load"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except NETWORK_ERRORS:
            self.close()
            raise
        elapsed = time.perf_counter() - start
        self.used = time.monotonic()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            pair, _, attributes = cookie.partition(";")
            name, _, value = pair.strip().partition("=")
            attributes = attributes.lower()
            if not value or "max-age=0" in attributes or "expires=thu, 01 jan 1970" in attributes:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        if response.will_close:
            self.close()
        return response.status, data.decode("utf-8", "replace"), elapsed, dict(response.headers)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def read_form(page: str, rng: random.Random, exam: bool = False):
    """(action, type, fields) of the page's first answer form with a random answer (right
    or wrong), as a person fills it in; None without one."""
    match = FORM.search(page)
    if match is None:
        return None
    action, kind, inner = html.unescape(match[1]), match[2], match[3]
    fields = [(n, html.unescape(v)) for n, v in HIDDEN.findall(inner) if n != "client_time"]
    if not exam:
        fields.append(("client_time", time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())))
    if kind in ("single", "multi"):
        options = CHOICE.findall(inner)
        if kind == "single":
            picked = [rng.choice(options)] if options else []
        else:
            picked = [o for o in options if rng.random() < 0.5] or options[:1]
        fields += [("choice", value) for value in picked]
    elif kind == "judge":
        fields.append(("verdict", rng.choice(["true", "false"])))
    elif kind == "cloze":
        fields += [("blank", rng.choice(BLANK_WORDS)) for _ in BLANK.findall(inner)]
    elif not exam and rng.random() < 0.5:  # 问答: rate oneself after seeing the answer …
        fields.append(("self_rating", rng.choice(["again", "hard", "good", "easy"])))
    else:  # … or type an answer, graded by key points
        fields.append(("text", rng.choice(TYPED)))
    return action, kind, fields


@dataclass
class Record:
    """Everything the simulated people saw, shared by their threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    # (what, started at [monotonic], seconds, status, has Retry-After)
    requests: list[tuple[str, float, float, int, bool]] = field(default_factory=list)
    network_errors: Counter = field(default_factory=Counter)
    events: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    acked: set[tuple[str, str]] = field(default_factory=set)  # (employee_no, key)
    sent: set[tuple[str, str]] = field(default_factory=set)
    exam: dict = field(default_factory=dict)

    def request(self, what, started, elapsed, status, headers) -> None:
        with self.lock:
            self.requests.append((what, started, elapsed, status, "Retry-After" in headers))

    def error(self, what: str, exc: BaseException) -> None:
        with self.lock:
            self.network_errors[f"{what}: {type(exc).__name__}"] += 1

    def count(self, event: str, n: int = 1) -> None:
        with self.lock:
            self.events[event] += n


def send(
    client, record, what, method, path, form=None, cut=False, deadline=None, accept="text/html"
):
    """One request as a patient browser sends it: resent after a cut or reset connection,
    after Retry-After on a 503, and (answers) after a 409 "still running". The last
    (status, body, headers), or None when every try failed."""
    deadline = deadline or time.monotonic() + 120
    for attempt in range(MAX_TRIES):
        if time.monotonic() > deadline:
            return None
        timeout = CUT_TIMEOUT if cut and attempt == 0 else TIMEOUT
        started = time.monotonic()
        try:
            status, body, elapsed, headers = client.request(method, path, form, timeout, accept)
        except NETWORK_ERRORS as exc:
            record.error("cut" if cut and attempt == 0 else what, exc)
            time.sleep(min(2.0, 0.1 * 2**attempt))
            continue
        record.request(what, started, elapsed, status, headers)
        if status == 503:
            time.sleep(min(5.0, float(headers.get("Retry-After", "1") or 1)))
            continue
        if status == 409 and what == "answer" and STILL_RUNNING in body:
            time.sleep(0.3)  # the twin request is still being recorded: ask again
            continue
        return status, body, headers
    return None


def log_in(port: int, number: str, password: str, record: Record) -> Client | None:
    client = Client(port)
    for _ in range(MAX_TRIES):
        got = send(client, record, "login", "GET", "/login")
        match = CSRF.search(got[1]) if got else None
        if match is None:
            time.sleep(0.5)
            continue
        form = [("employee_no", number), ("password", password), ("csrf_token", match[1])]
        got = send(client, record, "login", "POST", "/login", form)
        if got and got[0] == 302 and "/login" not in got[2].get("Location", "/login"):
            return client
        time.sleep(0.5)
    record.count("login failed")
    return None


@dataclass
class Behaviour:
    think: tuple[float, float] = (2.0, 4.0)  # reading a card before answering it
    read: tuple[float, float] = (2.0, 4.0)  # reading the feedback before the next card
    double: float = 0.10  # the same form sent twice at once (a double tap)
    two_tabs: float = 0.05  # two cards fetched before answering either
    cut: float = 0.05  # the answer's connection cut before the reply: resent


def answer(client, record, number, fields, rng, behaviour, deadline) -> None:
    key = dict(fields).get("idempotency_key", "")
    with record.lock:
        record.sent.add((number, key))
    twin = None
    if rng.random() < behaviour.double:
        record.count("double submits")
        copy = Client(client.port, client.cookies)
        twin = threading.Thread(
            target=_acked, args=(copy, record, number, key, fields, False, deadline)
        )
        twin.start()
    cut = rng.random() < behaviour.cut
    if cut:
        record.count("cut connections")
    _acked(client, record, number, key, fields, cut, deadline)
    if twin is not None:
        twin.join(TIMEOUT * 2)
        copy.close()


def _acked(client, record, number, key, fields, cut, deadline) -> None:
    got = send(client, record, "answer", "POST", "/study/answer", fields, cut, deadline)
    if got and 200 <= got[0] < 400:
        with record.lock:
            record.acked.add((number, key))
    elif got:
        record.count(f"answer refused {got[0]}")


def study(client, number: str, record: Record, behaviour: Behaviour, seed: int, deadline: float):
    """One employee's loop until `deadline`: the next card, think, answer it, read what
    was missed, and on to the next card (the 下一题 tap)."""
    rng = random.Random(seed)
    more = False
    stop = deadline + 30  # resends of the last answer may run a little over
    for _ in range(10_000):
        if time.monotonic() >= deadline:
            return
        path = "/study/?more=1&new=1" if more else "/study/"
        got = send(client, record, "card", "GET", path, deadline=stop)
        form = read_form(got[1], rng) if got and got[0] == 200 else None
        if form is None:
            more = True  # today's batch is done: 再学一会
            record.count("card missing" if not got or got[0] != 200 else "batch finished")
            time.sleep(1.0)
            continue
        second = None
        if rng.random() < behaviour.two_tabs:
            record.count("two tabs")
            got2 = send(client, record, "card", "GET", path, deadline=stop)
            second = read_form(got2[1], rng) if got2 and got2[0] == 200 else None
        for _action, kind, fields in [form] + ([second] if second else []):
            # Whoever is still thinking when the run ends leaves the card unanswered: cut
            # short, every think would end at the deadline and send a crowd of answers
            # in the same instant, which no real crowd does.
            if not pause(rng.uniform(*behaviour.think), deadline):
                return
            with record.lock:
                record.kinds[kind] += 1
            answer(client, record, number, fields, rng, behaviour, stop)
        if not pause(rng.uniform(*behaviour.read), deadline):
            return


def pause(seconds: float, deadline: float) -> bool:
    """Sleep ``seconds`` unless that reaches past ``deadline``; False then (no sleep)."""
    if time.monotonic() + seconds >= deadline:
        return False
    time.sleep(seconds)
    return True
